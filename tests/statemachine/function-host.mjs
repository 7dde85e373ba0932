// Runs the real functions under `cargo lambda watch`, which serves the Lambda Runtime API to each of the
// crate's binaries and a Lambda Invoke endpoint, by function name, to us.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FUNCTION = 'dms-assessment-run';
export const VERDICT_FUNCTION = 'dms-assessment-verdict';

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startFunction({ dmsUrl, env = {} }) {
  const port = await freePort();
  const vars = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDSTATEMACHINE',
    AWS_SECRET_ACCESS_KEY: 'state-machine-test-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE: dmsUrl,
    SERVICE_ACCESS_ROLE_ARN: 'arn:aws:iam::123456789012:role/dms-premigration-assessment',
    RESULT_LOCATION_BUCKET: 'dms-assessment-results-123456789012',
    ...env,
  };
  const args = ['lambda', 'watch', '--invoke-address', '127.0.0.1', '--invoke-port', String(port), '--ignore-changes'];
  for (const [key, value] of Object.entries(vars)) args.push('--env-var', `${key}=${value}`);
  // Its own process group, so that stopping it stops the function process it runs too.
  const child = spawn('cargo', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let logs = '';
  child.stdout.on('data', (chunk) => (logs += chunk));
  child.stderr.on('data', (chunk) => (logs += chunk));

  const invoke = async (payload, name = FUNCTION) => {
    const url = `http://127.0.0.1:${port}/2015-03-31/functions/${name}/invocations`;
    const response = await fetch(url, { method: 'POST', body: JSON.stringify(payload) });
    return { status: response.status, body: await response.json() };
  };

  // The first invocation waits for cargo to build the function; a dry run needs no DMS.
  const sample = JSON.parse(readFileSync(path.join(ROOT, 'events/dry-run.json'), 'utf8'));
  const started = Date.now();
  const deadline = started + 20 * 60 * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`cargo lambda watch exited:\n${logs}`);
    try {
      const { status } = await invoke(sample);
      if (status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the function did not start:\n${logs}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  // How long cargo took to build (or find built) the functions: a rebuild shows here.
  console.log(`the functions answered ${((Date.now() - started) / 1000).toFixed(1)} s after cargo lambda watch started`);

  return {
    invoke,
    logs: () => logs,
    stop: async () => {
      const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await exited;
    },
  };
}
