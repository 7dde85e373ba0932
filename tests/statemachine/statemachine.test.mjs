// Executes statemachine/assessment.asl.json with aws-local-stepfunctions: the StartAssessmentRun
// task invokes the real function (cargo lambda watch) against a loopback DMS; the DescribeRun
// task is answered by each test with the statuses it plays.
import './polyfill.mjs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { startFakeDms } from './fake-dms.mjs';
import { startFunction } from './function-host.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TASK = (id) => `arn:aws:dms:us-east-1:123456789012:task:${id}`;
const MAX_WAIT_SECONDS = 600;
const POLL_INTERVAL_SECONDS = 30;

// What SAM's DefinitionSubstitutions do at deploy time.
const definition = JSON.parse(
  readFileSync(path.join(ROOT, 'statemachine/assessment.asl.json'), 'utf8')
    .replaceAll('${AssessmentRunFunctionArn}', 'arn:aws:lambda:us-east-1:123456789012:function:dms-assessment-run')
    .replaceAll('${MaxWaitSeconds}', String(MAX_WAIT_SECONDS))
    .replaceAll('${PollIntervalSeconds}', String(POLL_INTERVAL_SECONDS)),
);

let dms;
let fn;
before(async () => {
  dms = await startFakeDms();
  fn = await startFunction({ dmsUrl: dms.url });
});
after(async () => {
  await fn?.stop();
  await dms?.close();
});

/** Runs one execution; `statuses` are what DescribeRun reports, one per poll (the last repeats). */
/** `describe` may replace a poll's answer: an error to throw (`{ name, message }`), or a response. */
async function execute({ input, statuses = ['passed'], describe = [], name = `exec-${Math.random().toString(16).slice(2)}` }) {
  const calls = { start: [], describe: [] };
  const machine = new StateMachine(definition);
  const execution = machine.run(input, {
    context: { Execution: { Name: name, Input: input, StartTime: new Date().toISOString() } },
    overrides: {
      taskResourceLocalHandlers: {
        // What the lambda:invoke integration does: invoke, and raise the function's errorType.
        StartAssessmentRun: async (task) => {
          calls.start.push(task);
          const { status, body } = await fn.invoke(task.Payload);
          if (status !== 200) {
            const error = new Error(body.errorMessage);
            error.name = body.errorType;
            throw error;
          }
          return { ExecutedVersion: '$LATEST', Payload: body, StatusCode: 200 };
        },
        DescribeRun: async (task) => {
          calls.describe.push(task);
          const [filter] = task.Filters;
          assert.equal(filter.Name, 'replication-task-assessment-run-arn');
          const scripted = describe[calls.describe.length - 1];
          if (scripted?.name) throw Object.assign(new Error(scripted.message), { name: scripted.name });
          if (scripted) return scripted;
          const status = statuses[Math.min(calls.describe.length - 1, statuses.length - 1)];
          const run = dms.runs.find((r) => r.ReplicationTaskAssessmentRunArn === filter.Values[0]);
          assert.ok(run, `DescribeRun asked for an unknown run ${filter.Values[0]}`);
          const described = { ...run, Status: status };
          if (status === 'passed' || status === 'warning') {
            described.ResultStatistic = { Passed: 10, Failed: 0, Error: 0, Warning: status === 'warning' ? 2 : 0, Cancelled: 0, Skipped: 1 };
          }
          return { ReplicationTaskAssessmentRuns: [described] };
        },
      },
      waitTimeOverrides: { WaitForRun: 0 },
      retryIntervalOverrides: { StartAssessmentRun: 0, DescribeRun: 0 },
    },
  });
  try {
    return { output: await execution.result, calls };
  } catch (error) {
    return { error: error.cause ?? error, calls };
  }
}

describe('state machine', () => {
  for (const status of ['passed', 'warning']) {
    test(`a run that ends ${status} succeeds with its result statistics`, async () => {
      const { output, error, calls } = await execute({
        input: { ReplicationTaskArn: TASK('SUCCEEDS') },
        statuses: ['starting', 'provisioning', 'running', status],
      });
      assert.equal(error, undefined, String(error));
      assert.equal(output.Status, status);
      assert.match(output.ReplicationTaskAssessmentRunArn, /:assessment-run:/);
      assert.equal(output.ReplicationTaskArn, TASK('SUCCEEDS'));
      assert.equal(output.ResultStatistic.Passed, 10);
      assert.equal(output.ResultStatistic.Warning, status === 'warning' ? 2 : 0);
      assert.equal(calls.start.length, 1);
      assert.equal(calls.describe.length, 4);
    });
  }

  const failures = {
    failed: 'AssessmentFailed',
    'error-provisioning': 'AssessmentErrorProvisioning',
    'error-executing': 'AssessmentErrorExecuting',
    cancelling: 'AssessmentCancelled',
    deleting: 'AssessmentDeleted',
    'invalid state': 'AssessmentInvalidState',
    paused: 'AssessmentStatusUnknown',
  };
  for (const [status, errorName] of Object.entries(failures)) {
    test(`a run in status "${status}" fails as ${errorName}`, async () => {
      const { output, error, calls } = await execute({
        input: { ReplicationTaskArn: TASK('ENDS') },
        statuses: ['running', status],
      });
      assert.equal(output, undefined);
      assert.equal(error.name, errorName);
      assert.equal(calls.describe.length, 2, 'it stops at the first terminal status');
    });
  }

  test('a run that never ends fails once the maximum wait is spent', async () => {
    const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('NEVERENDS') }, statuses: ['running'] });
    assert.equal(error.name, 'AssessmentTimedOut');
    assert.equal(calls.describe.length, MAX_WAIT_SECONDS / POLL_INTERVAL_SECONDS);
  });

  // How Step Functions names SDK-integration errors: DatabaseMigration.<AWS SDK for Java v2 class>. Codes
  // DMS does not model for the call (throttling, 5xx, an IAM denial) share the service's base class.
  const throttled = {
    name: 'DatabaseMigration.DatabaseMigrationException',
    message: 'Rate exceeded (Service: DatabaseMigration, Status Code: 400, Request ID: 1a2b)',
  };
  const denied = {
    name: 'DatabaseMigration.DatabaseMigrationException',
    message:
      'User: arn:aws:sts::123456789012:assumed-role/sm-role/x is not authorized to perform: ' +
      'dms:DescribeReplicationTaskAssessmentRuns (Service: DatabaseMigration, Status Code: 400, Request ID: 3c4d)',
  };

  test('a throttled or failing describe is a missed poll, and the run is still followed to its end', async () => {
    const { output, error, calls } = await execute({
      input: { ReplicationTaskArn: TASK('THROTTLED') },
      statuses: ['running', 'running', 'running', 'passed'],
      describe: [throttled, { name: 'DatabaseMigration.SdkClientException', message: 'Unable to execute HTTP request' }],
    });
    assert.equal(error, undefined, String(error));
    assert.equal(output.Status, 'passed');
    assert.equal(calls.describe.length, 4);
  });

  test('describe failing five times in all fails the execution with the last error', async () => {
    const { error, calls } = await execute({
      input: { ReplicationTaskArn: TASK('ALWAYSTHROTTLED') },
      statuses: ['running'],
      describe: Array(10).fill(throttled),
    });
    assert.equal(error.name, 'DatabaseMigration.DatabaseMigrationException');
    assert.match(error.message, /Rate exceeded/);
    assert.equal(calls.describe.length, 5);
  });

  test('a describe error of any other name is a missed poll too', async () => {
    const { output, error, calls } = await execute({
      input: { ReplicationTaskArn: TASK('ODDERROR') },
      statuses: ['running', 'passed'],
      describe: [{ name: 'States.TaskFailed', message: 'something transient' }],
    });
    assert.equal(error, undefined, String(error));
    assert.equal(output.Status, 'passed');
    assert.equal(calls.describe.length, 2);
  });

  for (const [why, thrown] of [
    ['an IAM denial', denied],
    ['States.Permissions', { name: 'States.Permissions', message: 'insufficient privileges' }],
    ['AccessDeniedFault', { name: 'DatabaseMigration.AccessDeniedException', message: 'Access denied' }],
    ['ResourceNotFoundFault', { name: 'DatabaseMigration.ResourceNotFoundException', message: 'not found' }],
  ]) {
    test(`describe refused with ${why} fails at once, keeping the error`, async () => {
      const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('DENIED') }, describe: [thrown] });
      assert.equal(error.name, thrown.name);
      assert.equal(error.message, thrown.message);
      assert.equal(calls.describe.length, 1);
    });
  }

  for (const [why, response] of [
    ['no ReplicationTaskAssessmentRuns', {}],
    ['an empty list', { ReplicationTaskAssessmentRuns: [] }],
    ['a run without a status', { ReplicationTaskAssessmentRuns: [{ ReplicationTaskAssessmentRunArn: 'x' }] }],
  ]) {
    test(`a describe answer with ${why} fails as AssessmentRunNotFound`, async () => {
      const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('GONE') }, describe: [response] });
      assert.equal(error.name, 'AssessmentRunNotFound');
      assert.equal(calls.describe.length, 1);
    });
  }

  test('a passed run described without result statistics still succeeds', async () => {
    const { output, error } = await execute({
      input: { ReplicationTaskArn: TASK('NOSTATS') },
      describe: [{ ReplicationTaskAssessmentRuns: [{ Status: 'passed', ReplicationTaskAssessmentRunArn: 'x' }] }],
    });
    assert.equal(error, undefined, String(error));
    assert.equal(output.Status, 'passed');
    assert.equal(output.ResultStatistic, undefined);
  });

  test('a retryable function error (InvalidResourceStateFault) succeeds on retry', async () => {
    const { output, error, calls } = await execute({ input: { ReplicationTaskArn: TASK('FLAKY') } });
    assert.equal(error, undefined, String(error));
    assert.equal(output.Status, 'passed');
    assert.equal(calls.start.length, 2);
  });

  test('DmsUnavailable (DMS answering 503 past the SDK retries) succeeds on retry', async () => {
    const { output, error, calls } = await execute({ input: { ReplicationTaskArn: TASK('DOWN') } });
    assert.equal(error, undefined, String(error));
    assert.equal(output.Status, 'passed');
    assert.equal(calls.start.length, 2);
  });

  test('a non-retryable function error lands in the failure state with its name and message', async () => {
    const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('MISSING') } });
    assert.equal(error.name, 'ResourceNotFoundFault');
    assert.match(error.message, /Replication task not found/);
    assert.equal(calls.start.length, 1);
    assert.equal(calls.describe.length, 0);
  });

  test('invalid input lands in the failure state as InvalidInput', async () => {
    const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('TYPO'), IncludeOnlly: ['x'] } });
    assert.equal(error.name, 'InvalidInput');
    assert.match(error.message, /IncludeOnlly/);
    assert.equal(calls.start.length, 1);
  });

  test('the execution name is the idempotency key: a second execution of the same name starts no second run', async () => {
    const input = { ReplicationTaskArn: TASK('ONCE') };
    const first = await execute({ input, name: 'nightly-2026-11-26' });
    const second = await execute({ input, name: 'nightly-2026-11-26' });
    assert.equal(first.error, undefined, String(first.error));
    assert.equal(second.error, undefined, String(second.error));
    assert.equal(first.calls.start[0].Payload.IdempotencyKey, 'nightly-2026-11-26');
    assert.equal(first.output.AlreadyExisted, false);
    assert.equal(second.output.AlreadyExisted, true);
    assert.equal(second.output.ReplicationTaskAssessmentRunArn, first.output.ReplicationTaskAssessmentRunArn);
    assert.equal(dms.runs.filter((r) => r.ReplicationTaskArn === TASK('ONCE')).length, 1);
  });
});
