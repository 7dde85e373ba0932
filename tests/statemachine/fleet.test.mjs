// Executes statemachine/fleet.asl.json with aws-local-stepfunctions. Each child execution
// (states:startExecution.sync:2) is answered by a local handler that plays the single-run state machine: it
// succeeds with the verdict as output, or fails as Step Functions reports a failed child (States.TaskFailed,
// the child's DescribeExecution output as cause, the child's own error and cause in it). DescribeReplicationTasks,
// ListTagsForResource, s3:putObject and events:putEvents are answered by each test.
import './polyfill.mjs';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { FLEET_DEFAULTS, FLEET_DEFINITION_FILE, runnable, substituted } from './definition.mjs';

const ACCOUNT = '123456789012';
const TASK = (id) => `arn:aws:dms:us-east-1:${ACCOUNT}:task:${id}`;
const INSTANCE = `arn:aws:dms:us-east-1:${ACCOUNT}:rep:INSTANCEAAAABBBBCCCCDDDDEEEEFFFF`;
const CHILD_NAME = /^[A-Za-z0-9_-]{1,80}$/;
// The quotas a fleet execution must stay under (docs/aws-facts.md).
const HISTORY_EVENTS_LIMIT = 25_000;
const PAYLOAD_LIMIT_BYTES = 262_144;

/** The single-run state machine's verdict for a task, as its output or its failure's cause carries it. */
function verdictOf(taskArn, verdict, failing = []) {
  const id = taskArn.split(':').at(-1);
  return {
    Verdict: verdict,
    Status: { Passed: 'passed', PassedWithWarnings: 'warning', Failed: 'failed', Errored: 'error-executing', TimedOut: 'running', Cancelled: 'cancelling', NothingAssessed: 'warning' }[verdict],
    ReplicationTaskAssessmentRunArn: `arn:aws:dms:us-east-1:${ACCOUNT}:assessment-run:RUN${id}`.slice(0, 120),
    ReplicationTaskArn: taskArn,
    AssessmentRunName: `assessment-${id.toLowerCase()}`.slice(0, 64),
    ResultStatistic: { Passed: 10, Failed: failing.length, Error: 0, Warning: 0, Cancelled: 0, Skipped: 0 },
    Assessments: { Failed: failing, Error: [], Warning: [], Skipped: [] },
    ResultLocation: `s3://dms-assessment-results-${ACCOUNT}/fleet/`,
  };
}

const PASSING = new Set(['Passed', 'PassedWithWarnings']);

/**
 * What a child ends with: `{ verdict, failing }` (the child succeeds on a pass, fails as Assessment<Verdict>
 * otherwise), or `{ error, cause }` (the child fails with that error, as RunNotStarted does).
 */
function answerChild(call, outcome) {
  const executionArn = `${call.StateMachineArn.replace(':stateMachine:', ':execution:')}:${call.Name}`;
  const base = { ExecutionArn: executionArn, Name: call.Name, StateMachineArn: call.StateMachineArn, Input: JSON.stringify(call.Input), StartDate: 1, StopDate: 2 };
  if (outcome.verdict && PASSING.has(outcome.verdict)) {
    return { ...base, Status: 'SUCCEEDED', Output: verdictOf(call.Input.ReplicationTaskArn, outcome.verdict, outcome.failing) };
  }
  const [error, cause] = outcome.verdict
    ? [`Assessment${outcome.verdict}`, JSON.stringify(verdictOf(call.Input.ReplicationTaskArn, outcome.verdict, outcome.failing))]
    : [outcome.error, outcome.cause];
  // A failed child fails the .sync task; the cause is the child's DescribeExecution output.
  throw Object.assign(new Error(JSON.stringify({ ...base, Status: 'FAILED', Error: error, Cause: cause })), { name: 'States.TaskFailed' });
}

/** One page of DescribeReplicationTasks as DMS answers it WithoutSettings (the members the fleet reads, and a few more). */
function pageOf(ids, marker) {
  return {
    ReplicationTasks: ids.map((id) => ({
      ReplicationTaskIdentifier: id,
      ReplicationTaskArn: TASK(id.toUpperCase()),
      ReplicationInstanceArn: INSTANCE,
      MigrationType: 'full-load-and-cdc',
      Status: 'ready',
    })),
    ...(marker ? { Marker: marker } : {}),
  };
}

/**
 * Runs one fleet execution. `outcomes(taskArn)`: what that task's child ends with; `pages`: the pages
 * DescribeReplicationTasks answers, in order (or an error to throw, `{ name, message }`); `tags`: tags by task ARN. Returns the output or error, the calls
 * made, and the run's measurements: state transitions and history events, from the execution's event log.
 */
async function runFleet({ input, outcomes = () => ({ verdict: 'Passed' }), pages = [], tags = {}, name = 'fleet-cutover-2026-11-27', values = {}, faults = {}, earlier = {} }) {
  const calls = { describe: [], listTags: [], child: [], describeEarlier: [], putObject: [], publish: [] };
  const { definition, jsonataHandlers } = runnable(values, FLEET_DEFINITION_FILE);
  const context = { Execution: { Name: name, Input: input, StartTime: new Date().toISOString() } };
  const describe = async (request) => {
    calls.describe.push(request);
    assert.equal(request.WithoutSettings, true);
    assert.equal(request.MaxRecords, 100);
    const page = pages[calls.describe.length - 1];
    assert.ok(page, 'no more pages');
    if (calls.describe.length > 1) assert.equal(request.Marker, pages[calls.describe.length - 2].Marker);
    else assert.equal(request.Marker, undefined);
    if (page.name) throw Object.assign(new Error(page.message), { name: page.name });
    return page;
  };
  const machine = new StateMachine(definition);
  const execution = machine.run(input, {
    context,
    overrides: {
      taskResourceLocalHandlers: {
        ...jsonataHandlers(context),
        DescribeFirstPage: describe,
        DescribeNextPage: describe,
        ListTags: async (request) => {
          calls.listTags.push(request);
          return { TagList: request.ResourceArnList.flatMap((arn) => (tags[arn] ?? []).map((tag) => ({ ...tag, ResourceArn: arn }))) };
        },
        AssessTask: async (call) => {
          calls.child.push(call);
          if (earlier[call.Input.ReplicationTaskArn]) {
            // Both spellings the error may have (docs/aws-facts.md): alternate between them.
            const name = calls.child.length % 2 ? 'StepFunctions.ExecutionAlreadyExistsException' : 'StepFunctions.ExecutionAlreadyExists';
            throw Object.assign(new Error(`Execution Already Exists: '${call.Name}'`), { name });
          }
          return answerChild(call, outcomes(call.Input.ReplicationTaskArn));
        },
        // What DescribeExecution (aws-sdk:sfn) says of an earlier child: Output and Cause as strings.
        DescribeEarlierRun: async (request) => {
          calls.describeEarlier.push(request);
          const call = calls.child.find((c) => request.ExecutionArn.endsWith(`:${c.Name}`));
          assert.ok(call, `no child named as ${request.ExecutionArn}`);
          try {
            const done = answerChild(call, earlier[call.Input.ReplicationTaskArn]);
            return { ...done, Output: JSON.stringify(done.Output) };
          } catch (failed) {
            return JSON.parse(failed.message);
          }
        },
        WriteReport: async (request) => {
          calls.putObject.push(request);
          return { ETag: '"etag"' };
        },
        PublishReport: async (request) => {
          calls.publish.push(request);
          if (faults.publish) throw Object.assign(new Error('InternalFailure'), { name: 'EventBridge.FailedEntry' });
          return { Entries: [{ EventId: 'event-1' }], FailedEntryCount: 0 };
        },
      },
      retryIntervalOverrides: { DescribeFirstPage: 0, DescribeNextPage: 0, ListTags: 0, AssessTask: 0, WriteReport: 0, PublishReport: 0 },
    },
  });
  const log = [];
  const logged = (async () => {
    for await (const event of execution.eventLogs) log.push(event);
  })();
  let output;
  let error;
  try {
    output = await execution.result;
  } catch (e) {
    error = e.cause ?? e;
  }
  await logged;
  // Measured against the definition as written: its JSONata Pass states are Pass states, not the stand-in Tasks.
  return { output, error, calls, measure: measure(JSON.parse(substituted(values, FLEET_DEFINITION_FILE)), log), log };
}

/**
 * State transitions and history events of the execution, from its event log. aws-local-stepfunctions logs
 * execution, state and Map iteration events; Step Functions' history (GetExecutionHistory) has, for each of
 * those, one event, and for each Task state also TaskScheduled, TaskStarted and TaskSucceeded or TaskFailed (and
 * TaskSubmitted for a .sync task), and for each Map state MapStateStarted and MapStateSucceeded. Counted per
 * attempt (each retry repeats the Task events), and on the high side: the local log's StateFailed and
 * StateCaught count as events of their own.
 */
function measure(definition, log) {
  const types = {};
  const collect = (states) => {
    for (const [name, state] of Object.entries(states)) {
      types[name] = state;
      if (state.ItemProcessor) collect(state.ItemProcessor.States);
    }
  };
  collect(definition.States);
  let transitions = 0;
  let events = 0;
  for (const entry of log) {
    events += 1;
    if (entry.type !== 'StateEntered' && entry.type !== 'StateRetried') continue;
    const state = types[entry.state.name];
    if (entry.type === 'StateEntered') transitions += 1;
    if (state.Type === 'Task') events += 3 + (String(state.Resource).endsWith('.sync:2') ? 1 : 0);
    if (state.Type === 'Map' && entry.type === 'StateEntered') events += 2;
  }
  return { transitions, events };
}

const bytes = (value) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('fleet state machine', () => {
  test('a list of tasks with mixed verdicts: one report, counts per verdict, the worst verdict, every task with its verdict', async () => {
    const verdicts = { A: 'Passed', B: 'PassedWithWarnings', C: 'Failed', D: 'NothingAssessed', E: 'Passed', F: 'TimedOut' };
    const { output, error, calls } = await runFleet({
      input: { ReplicationTaskArns: Object.keys(verdicts).map(TASK), IncludeOnly: 'mysql-check-binlog-format', WarningsBlock: true },
      outcomes: (arn) => ({ verdict: verdicts[arn.split(':').at(-1)], failing: arn.endsWith(':C') ? ['mysql-check-binlog-format'] : [] }),
    });
    assert.equal(error, undefined, String(error));
    assert.equal(output.Verdict, 'Failed', 'the worst of the tasks');
    assert.equal(output.TaskCount, 6);
    assert.deepEqual(output.Counts, { Passed: 2, PassedWithWarnings: 1, Failed: 1, NothingAssessed: 1, TimedOut: 1 });
    assert.deepEqual(output.Tasks.map((t) => [t.ReplicationTaskArn.split(':').at(-1), t.Verdict]), Object.entries(verdicts));
    const failed = output.Tasks[2];
    assert.deepEqual(failed.FailingAssessments, ['mysql-check-binlog-format']);
    assert.equal(failed.FailingAssessmentCount, 1);
    assert.equal(failed.ReplicationTaskAssessmentRunArn, `arn:aws:dms:us-east-1:${ACCOUNT}:assessment-run:RUNC`);
    assert.equal(failed.ResultLocation, `s3://dms-assessment-results-${ACCOUNT}/fleet/`);
    assert.equal(failed.ExecutionArn, undefined, 'a verdict names its run; the child is found by its name');
    assert.deepEqual(output.Tasks[0].FailingAssessments, []);
    // The children: the single-run state machine, the task and the options, a name of the fleet and the task.
    assert.equal(calls.child.length, 6);
    for (const call of calls.child) {
      assert.equal(call.StateMachineArn, FLEET_DEFAULTS.AssessmentStateMachineArn);
      assert.deepEqual(Object.keys(call.Input).sort(), ['IncludeOnly', 'ReplicationTaskArn', 'WarningsBlock']);
      assert.match(call.Name, CHILD_NAME);
      assert.ok(call.Name.startsWith('fleet-cutover-2026-11-27-'));
    }
    assert.equal(new Set(calls.child.map((c) => c.Name)).size, 6, 'one name per task');
    // One event with the report.
    assert.equal(calls.publish.length, 1);
    const [entry] = calls.publish[0].Entries;
    assert.equal(entry.DetailType, 'DMS Premigration Fleet Assessment Verdict');
    assert.equal(entry.Source, 'dms-assessment-run');
    assert.deepEqual(entry.Detail, output);
    assert.equal(calls.putObject.length, 0, 'a small report stays in the output');
  });

  test('a retried fleet gives each task the same child name (and so the same run); another fleet another name', async () => {
    const input = { ReplicationTaskArns: [TASK('A'), TASK('B')] };
    const first = await runFleet({ input });
    const again = await runFleet({ input });
    const other = await runFleet({ input, name: 'another-fleet' });
    assert.deepEqual(again.calls.child.map((c) => c.Name).sort(), first.calls.child.map((c) => c.Name).sort());
    assert.notDeepEqual(other.calls.child.map((c) => c.Name).sort(), first.calls.child.map((c) => c.Name).sort());
    const long = await runFleet({ input, name: 'x'.repeat(80) });
    for (const call of long.calls.child) assert.match(call.Name, CHILD_NAME, 'at most 80 characters whatever the fleet name');
  });

  test('a child of the same name that already ended (a redriven fleet, a retried start) gives its own verdict', async () => {
    const { output, error, calls } = await runFleet({
      input: { ReplicationTaskArns: [TASK('A'), TASK('B'), TASK('C')] },
      earlier: { [TASK('A')]: { verdict: 'Passed' }, [TASK('B')]: { verdict: 'Failed', failing: ['mysql-check-server-id'] } },
    });
    assert.equal(error, undefined, String(error));
    assert.deepEqual(output.Tasks.map((t) => t.Verdict), ['Passed', 'Failed', 'Passed']);
    assert.deepEqual(output.Tasks[1].FailingAssessments, ['mysql-check-server-id']);
    assert.equal(output.Tasks[0].ReplicationTaskAssessmentRunArn, `arn:aws:dms:us-east-1:${ACCOUNT}:assessment-run:RUNA`);
    assert.deepEqual(calls.describeEarlier.map((r) => r.ExecutionArn), [
      `arn:aws:states:us-east-1:${ACCOUNT}:execution:AssessmentStateMachine-abc:${calls.child[0].Name}`,
      `arn:aws:states:us-east-1:${ACCOUNT}:execution:AssessmentStateMachine-abc:${calls.child[1].Name}`,
    ]);
  });

  test('a child that errors does not stop the others: it ends as NoVerdict with its error, and the fleet is NoVerdict', async () => {
    const { output, error } = await runFleet({
      input: { ReplicationTaskArns: [TASK('A'), TASK('BROKEN'), TASK('C')] },
      outcomes: (arn) => (arn.endsWith('BROKEN') ? { error: 'RunNotStarted', cause: 'AccessDeniedFault: not authorized to perform dms:StartReplicationTaskAssessmentRun' } : { verdict: 'Passed' }),
    });
    assert.equal(error, undefined, String(error));
    assert.equal(output.Verdict, 'NoVerdict');
    assert.deepEqual(output.Counts, { Passed: 2, NoVerdict: 1 });
    const broken = output.Tasks[1];
    assert.equal(broken.Verdict, 'NoVerdict');
    assert.deepEqual(broken.Error, { Error: 'RunNotStarted', Cause: 'AccessDeniedFault: not authorized to perform dms:StartReplicationTaskAssessmentRun' });
    assert.match(broken.ExecutionArn, /:execution:AssessmentStateMachine-abc:fleet-cutover-2026-11-27-[0-9a-f]{32}$/, 'no verdict: the child execution to look at');
  });

  test('a child that cannot be started keeps the start error', async () => {
    const { output } = await runFleet({
      input: { ReplicationTaskArns: [TASK('A')] },
      outcomes: () => {
        throw Object.assign(new Error('User is not authorized to access this resource'), { name: 'States.Permissions' });
      },
    });
    assert.equal(output.Verdict, 'NoVerdict');
    assert.deepEqual(output.Tasks[0].Error, { Error: 'States.Permissions', Cause: 'User is not authorized to access this resource' });
  });

  test('a selection over several pages of DescribeReplicationTasks, by instance, prefix and tag', async () => {
    const page1 = pageOf(['orders-1', 'orders-2', 'billing-1'], 'marker-1');
    const page2 = pageOf(['orders-3', 'orders-4'], 'marker-2');
    const page3 = pageOf(['billing-2', 'orders-5']);
    const tagged = { Key: 'cutover', Value: 'wave-1' };
    const tags = {
      [TASK('ORDERS-1')]: [tagged],
      [TASK('ORDERS-2')]: [{ Key: 'cutover', Value: 'wave-2' }],
      [TASK('ORDERS-3')]: [tagged, { Key: 'team', Value: 'orders' }],
      [TASK('ORDERS-5')]: [tagged],
      [TASK('BILLING-2')]: [tagged],
    };
    const { output, error, calls } = await runFleet({
      input: { ReplicationInstanceArn: INSTANCE, TaskIdentifierPrefix: 'orders-', Tag: tagged, ResultLocationFolder: 'wave-1' },
      pages: [page1, page2, page3],
      tags,
    });
    assert.equal(error, undefined, String(error));
    assert.equal(calls.describe.length, 3, 'every page');
    for (const request of calls.describe) assert.deepEqual(request.Filters, [{ Name: 'replication-instance-arn', Values: [INSTANCE] }]);
    assert.deepEqual(calls.listTags.map((r) => r.ResourceArnList), [
      [TASK('ORDERS-1'), TASK('ORDERS-2')],
      [TASK('ORDERS-3'), TASK('ORDERS-4')],
      [TASK('ORDERS-5')],
    ], 'only the candidates of each page, the prefix applied first');
    assert.deepEqual(output.Tasks.map((t) => t.ReplicationTaskArn), [TASK('ORDERS-1'), TASK('ORDERS-3'), TASK('ORDERS-5')]);
    for (const call of calls.child) assert.deepEqual(Object.keys(call.Input).sort(), ['ReplicationTaskArn', 'ResultLocationFolder'], 'the selection is not passed on');
  });

  test('a selection by instance alone takes every task of every page, with no tag look-up', async () => {
    const { output, calls } = await runFleet({
      input: { ReplicationInstanceArn: INSTANCE },
      pages: [pageOf(['a', 'b'], 'm'), pageOf(['c'])],
    });
    assert.equal(output.TaskCount, 3);
    assert.equal(calls.listTags.length, 0);
  });

  test('an empty selection fails as NoTasksSelected, with no child started and no report', async () => {
    const { output, error, calls } = await runFleet({
      input: { TaskIdentifierPrefix: 'nothing-' },
      pages: [pageOf(['orders-1'], 'm'), pageOf(['billing-1'])],
    });
    assert.equal(output, undefined);
    assert.equal(error.name, 'NoTasksSelected');
    assert.equal(calls.describe.length, 2, 'every page was read before concluding');
    assert.deepEqual(calls.describe[0].Filters, [], 'no instance, no filter');
    assert.equal(calls.child.length + calls.publish.length, 0);
  });

  test('DescribeReplicationTasks answering ResourceNotFoundFault is an empty selection too', async () => {
    const { error, calls } = await runFleet({
      input: { ReplicationInstanceArn: INSTANCE },
      pages: [{ name: 'DatabaseMigration.ResourceNotFoundException', message: 'No replication tasks found (Service: DatabaseMigration, Status Code: 400)' }],
    });
    assert.equal(error.name, 'NoTasksSelected');
    assert.equal(calls.child.length, 0);
  });

  test("the child name is the fleet name and the SHA-256 of the fleet name and the task ARN, as States.Hash gives it", async () => {
    // A short fleet name: aws-local-stepfunctions' own SHA-256 disagrees with Node's (and so with AWS's) on
    // inputs longer than one 55-byte block, which a longer name would make this one.
    const { calls } = await runFleet({ input: { ReplicationTaskArns: [TASK('A')] }, name: 'f' });
    const digest = createHash('sha256').update(`f|${TASK('A')}`).digest('hex');
    assert.equal(calls.child[0].Name, `f-${digest.slice(0, 32)}`);
  });

  test('more than 500 tasks fail as TooManyTasks before any child starts', async () => {
    const arns = Array.from({ length: 501 }, (_, i) => TASK(`T${i}`));
    const { error, calls } = await runFleet({ input: { ReplicationTaskArns: arns } });
    assert.equal(error.name, 'TooManyTasks');
    assert.match(error.message, /split/);
    assert.equal(calls.child.length, 0);
  });

  test('fleets whose names share their first 47 characters get different children', async () => {
    const prefix = 'migration-wave-one-orders-and-payments-cutover-';
    const a = await runFleet({ input: { ReplicationTaskArns: [TASK('A')] }, name: `${prefix}attempt-1` });
    const b = await runFleet({ input: { ReplicationTaskArns: [TASK('A')] }, name: `${prefix}attempt-2` });
    assert.notEqual(a.calls.child[0].Name, b.calls.child[0].Name);
  });

  for (const [input, message] of [
    [{}, /Name the tasks/],
    [{ ReplicationTaskArns: [TASK('A')], ReplicationInstanceArn: INSTANCE }, /not both/],
    [{ ReplicationTaskArns: [] }, /non-empty list/],
    [{ ReplicationTaskArns: TASK('A') }, /non-empty list/],
    [{ Tag: { Value: 'x' } }, /Tag must be/],
    [{ ReplicationTaskArns: [TASK('A')], IdempotencyKey: 'k' }, /set for each task/],
    [{ ReplicationTaskArns: [TASK('A')], replicationTaskArn: TASK('B') }, /set for each task/],
  ]) {
    test(`input ${JSON.stringify(input)} fails as InvalidInput`, async () => {
      const { error, calls } = await runFleet({ input });
      assert.equal(error.name, 'InvalidInput');
      assert.match(error.message, message);
      assert.equal(calls.describe.length + calls.child.length, 0);
    });
  }

  test('a publish that fails after its retries is kept in the report as PublishError', async () => {
    const { output, error, calls } = await runFleet({ input: { ReplicationTaskArns: [TASK('A')] }, faults: { publish: true } });
    assert.equal(error, undefined, String(error));
    assert.equal(calls.publish.length, 4);
    assert.equal(output.PublishError.Error, 'EventBridge.FailedEntry');
  });

  test('500 tasks: under every Step Functions limit; the report goes to S3 when it is too large for the output', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `TASK${String(i).padStart(4, '0')}AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH`);
    const verdicts = ['Passed', 'Passed', 'PassedWithWarnings', 'Failed', 'Errored', 'NothingAssessed', 'Cancelled', 'TimedOut'];
    // Long, realistic failing-assessment names, more than the report keeps per task.
    const failing = ['mysql-check-binlog-format', 'mysql-check-target-privileges-and-more', 'unsupported-data-types-in-source', 'mysql-check-server-id', 'postgres-check-wal-level-and-replication', 'one-more-assessment-that-failed'];
    const outcomes = (arn) => {
      const i = ids.indexOf(arn.split(':').at(-1));
      if (i % 97 === 0) return { error: 'RunNotStarted', cause: 'x'.repeat(2000) };
      const verdict = verdicts[i % verdicts.length];
      return { verdict, failing: verdict === 'Failed' || verdict === 'Errored' ? failing : [] };
    };
    const pages = [];
    for (let p = 0; p < 5; p += 1) pages.push(pageOf(ids.slice(p * 100, p * 100 + 100).map((id) => id.toLowerCase()), p < 4 ? `marker-${p + 1}` : undefined));
    const started = Date.now();
    const { output, error, calls, measure: m, log } = await runFleet({ input: { ReplicationInstanceArn: INSTANCE }, pages, outcomes, values: { FleetConcurrency: '40' } });
    assert.equal(error, undefined, String(error));
    assert.equal(calls.child.length, 500);
    assert.equal(output.TaskCount, 500);
    assert.equal(Object.values(output.Counts).reduce((a, b) => a + b, 0), 500);
    assert.equal(output.Verdict, 'NoVerdict');
    // The largest payload any state passed on, from the run's own log.
    const largest = Math.max(...log.filter((e) => e.type === 'StateExited' || e.type === 'StateEntered').map((e) => bytes(e.state.output ?? e.state.input ?? null)));
    const report = calls.putObject.length ? JSON.parse(calls.putObject[0].Body) : output;
    const reportBytes = bytes(report);
    // The putObject request as the history's TaskScheduled event holds it: the report as an escaped string.
    const putBytes = calls.putObject.length ? bytes(calls.putObject[0]) : 0;
    const byType = log.reduce((counts, e) => ({ ...counts, [e.type]: (counts[e.type] ?? 0) + 1 }), {});
    console.log(`500 tasks, the run's event log by type: ${JSON.stringify(byType)}`);
    console.log(`500 tasks: ${m.transitions} state transitions, ${m.events} history events (limit ${HISTORY_EVENTS_LIMIT}); ` +
      `largest state payload ${largest} bytes, report ${reportBytes} bytes, putObject request ${putBytes} bytes (limit ${PAYLOAD_LIMIT_BYTES}); ` +
      `report ${calls.putObject.length ? 'written to S3' : 'in the output'}; ${Date.now() - started} ms`);
    assert.ok(m.events < HISTORY_EVENTS_LIMIT, `${m.events} history events`);
    assert.ok(largest < PAYLOAD_LIMIT_BYTES, `largest payload ${largest} bytes`);
    assert.ok(putBytes < PAYLOAD_LIMIT_BYTES, `putObject request ${putBytes} bytes`);
    for (const task of output.Tasks ?? report.Tasks) assert.ok((task.FailingAssessments ?? []).length <= 5);
    assert.ok(bytes(calls.publish[0].Entries[0].Detail) < PAYLOAD_LIMIT_BYTES);
    assert.equal(calls.putObject.length, 1, 'a report this large goes to S3');
    {
      const [put] = calls.putObject;
      assert.equal(put.Bucket, FLEET_DEFAULTS.ResultsBucket);
      assert.equal(put.Key, 'fleet-reports/fleet-cutover-2026-11-27.json');
      assert.equal(typeof put.Body, 'string', 'the report as JSON text');
      assert.equal(put.ContentType, 'application/json');
      assert.equal(report.Tasks.length, 500);
      assert.deepEqual(report.Counts, output.Counts);
      assert.equal(report.Verdict, output.Verdict);
      assert.equal(output.ReportLocation, `s3://${FLEET_DEFAULTS.ResultsBucket}/fleet-reports/fleet-cutover-2026-11-27.json`);
      assert.equal(output.Tasks, undefined);
    }
  });
});
