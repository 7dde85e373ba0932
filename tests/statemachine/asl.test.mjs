// The definition passes asl-validator (cfn-lint does not look inside a state machine definition): as written,
// and as SAM deploys it, with the template's substitutions in every combination the parameters allow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFINITION_FILE, FLEET_DEFINITION_FILE, ROOT, substituted } from './definition.mjs';

function validate(file) {
  const result = spawnSync(path.join(ROOT, 'node_modules/.bin/asl-validator'), ['--json-path', file], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /is valid/);
}

test('statemachine/assessment.asl.json passes asl-validator', () => {
  validate(DEFINITION_FILE);
});

test('the definition with the template substitutions applied passes asl-validator', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asl-'));
  for (const values of [
    {},
    {
      NotificationTopicArn: 'arn:aws:sns:us-east-1:123456789012:verdicts',
      WarningsBlock: 'true',
      StartTaskWhenAllowed: 'true',
      StartReplicationTaskType: 'reload-target',
    },
  ]) {
    const file = path.join(dir, 'substituted.asl.json');
    writeFileSync(file, substituted(values));
    validate(file);
  }
});

test('statemachine/fleet.asl.json passes asl-validator, as written and with the template substitutions applied', () => {
  validate(FLEET_DEFINITION_FILE);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asl-'));
  for (const values of [{}, { FleetConcurrency: '40', ResultsBucket: 'my-bucket', VerdictEventSource: 'com.example.migrations' }]) {
    const file = path.join(dir, 'fleet.asl.json');
    writeFileSync(file, substituted(values, FLEET_DEFINITION_FILE));
    validate(file);
  }
});
