// The definition passes asl-validator (cfn-lint does not look inside a state machine definition).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('statemachine/assessment.asl.json passes asl-validator', () => {
  const result = spawnSync(
    path.join(ROOT, 'node_modules/.bin/asl-validator'),
    ['--json-path', path.join(ROOT, 'statemachine/assessment.asl.json')],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /is valid/);
});
