// A local S3 for the verdict function's reasons: moto's server (`moto_server`, which scripts/test installs in
// .tools/venv), on a free loopback port. The tests write each run's summary.json into it as DMS would; the
// verdict function reads it with its own S3 client (AWS_ENDPOINT_URL_S3).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './definition.mjs';

export async function startLocalS3() {
  const venv = path.join(ROOT, '.tools/venv/bin/moto_server');
  const program = existsSync(venv) ? venv : 'moto_server';
  const child = spawn(program, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(() => reject(new Error(`moto_server did not listen within 60 s:\n${said}`)), 60_000);
    child.once('error', (error) => reject(new Error(`${program}: ${error.message}; run scripts/test once, which installs moto`)));
    child.stderr.on('data', (chunk) => {
      said += chunk;
      const found = said.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (found) {
        clearTimeout(timer);
        resolve(found[0]);
      }
    });
  });
  // Unsigned requests, which moto takes; JSON bodies as JSON, which its server keeps as sent.
  const put = async (bucket, key = '', body) => {
    const response = await fetch(`${url}/${bucket}${key ? `/${key}` : ''}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`PUT ${bucket}/${key}: HTTP ${response.status} ${await response.text()}`);
  };
  return {
    url,
    bucket: (name) => put(name),
    put,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
