// Runs the real functions under `cargo lambda watch --only-lambda-apis`: one emulator per function serves the
// Lambda Runtime API to that function's process and a Lambda Invoke endpoint to us. The processes are the
// crate's binaries as `cargo test` built them (target/debug, or $CARGO_TARGET_DIR/debug), so that no second
// debug build is needed; they are built first when missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** The binary `name` in the debug build, built by `cargo test --no-run` when it is missing. */
function binary(name) {
  const target = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');
  const file = path.join(target, 'debug', name);
  if (!existsSync(file)) {
    const built = spawnSync('cargo', ['test', '--no-run', '--tests'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('cargo test --no-run failed');
  }
  return file;
}

/** One function: its emulator and its process, stopped together. */
async function host(name, vars) {
  const port = await freePort();
  const logs = { text: '' };
  const keep = (child) => {
    child.stdout.on('data', (chunk) => (logs.text += chunk));
    child.stderr.on('data', (chunk) => (logs.text += chunk));
  };
  const emulator = spawn('cargo', ['lambda', 'watch', '--only-lambda-apis', '--invoke-address', '127.0.0.1', '--invoke-port', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  keep(emulator);
  // The emulator's Runtime API for its one function, `_`, as it prints it.
  const started = Date.now();
  while (!logs.text.includes('starting Runtime server')) {
    if (emulator.exitCode !== null || Date.now() - started > 60_000) throw new Error(`cargo lambda watch did not start:\n${logs.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const fn = spawn(binary(name), [], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      ...vars,
      AWS_LAMBDA_RUNTIME_API: `http://127.0.0.1:${port}/.rt`,
      AWS_LAMBDA_FUNCTION_NAME: '_',
      AWS_LAMBDA_FUNCTION_VERSION: '1',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
    },
  });
  keep(fn);
  const stopped = (child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  return {
    port,
    logs,
    stop: async () => {
      for (const child of [fn, emulator]) child.kill('SIGTERM');
      await Promise.all([stopped(fn), stopped(emulator)]);
    },
  };
}

export async function startFunction({ dmsUrl, env = {} }) {
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
  const started = Date.now();
  const hosts = { [FUNCTION]: await host(FUNCTION, vars), [VERDICT_FUNCTION]: await host(VERDICT_FUNCTION, vars) };

  const invoke = async (payload, name = FUNCTION) => {
    const url = `http://127.0.0.1:${hosts[name].port}/2015-03-31/functions/_/invocations`;
    const response = await fetch(url, { method: 'POST', body: JSON.stringify(payload) });
    return { status: response.status, body: await response.json() };
  };

  // The first invocation waits for the function's process to ask for work; a dry run needs no DMS.
  const sample = JSON.parse(readFileSync(path.join(ROOT, 'events/dry-run.json'), 'utf8'));
  const deadline = started + 5 * 60 * 1000;
  for (;;) {
    try {
      const { status } = await invoke(sample);
      if (status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the function did not start:\n${hosts[FUNCTION].logs.text}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.log(`the functions answered ${((Date.now() - started) / 1000).toFixed(1)} s after their emulators started`);

  return {
    invoke,
    logs: () => Object.values(hosts).map((h) => h.logs.text).join(''),
    stop: async () => {
      await Promise.all(Object.values(hosts).map((h) => h.stop()));
    },
  };
}
