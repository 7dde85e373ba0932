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
import { assertPutMetricDataRequest } from './cloudwatch-model.mjs';
import { CAUSE_LIMIT_CHARS, HISTORY_EVENTS_LIMIT, PAYLOAD_LIMIT_BYTES, assertMargin, bytes, collect, eventsOfState, longestPath, measure, retriesSpent } from './limits.mjs';

const ACCOUNT = '123456789012';
const TASK = (id) => `arn:aws:dms:us-east-1:${ACCOUNT}:task:${id}`;
const INSTANCE = `arn:aws:dms:us-east-1:${ACCOUNT}:rep:INSTANCEAAAABBBBCCCCDDDDEEEEFFFF`;
const CHILD_NAME = /^[A-Za-z0-9_-]{1,80}$/;
// DMS's default quota of tasks per account and Region, the fleet's cap (docs/aws-facts.md).
const MAX_TASKS = 600;
// Up to this many tasks the report carries each task's detail; above, the detail goes to the results bucket.
const DETAILED_MAX_TASKS = 40;
const PAGE_SIZE = 20;

/** The single-run state machine's verdict for a task, as its output or its failure's cause carries it. */
function verdictOf(taskArn, verdict, failing = [], more = {}) {
  const id = taskArn.split(':').at(-1);
  return {
    ...more,
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
 * What a child ends with: `{ verdict, failing, more }` (the child succeeds on a pass, fails as Assessment<Verdict>
 * otherwise; `more`: other members of its verdict, such as Reasons), or `{ error, cause }` (the child fails with
 * that error, as RunNotStarted does).
 */
function answerChild(call, outcome) {
  const executionArn = `${call.StateMachineArn.replace(':stateMachine:', ':execution:')}:${call.Name}`;
  const base = { ExecutionArn: executionArn, Name: call.Name, StateMachineArn: call.StateMachineArn, Input: JSON.stringify(call.Input), StartDate: 1, StopDate: 2 };
  if (outcome.verdict && PASSING.has(outcome.verdict)) {
    return { ...base, Status: 'SUCCEEDED', Output: verdictOf(call.Input.ReplicationTaskArn ?? call.Input.ReplicationConfigArn, outcome.verdict, outcome.failing, outcome.more) };
  }
  const [error, cause] = outcome.verdict
    ? [`Assessment${outcome.verdict}`, JSON.stringify(verdictOf(call.Input.ReplicationTaskArn ?? call.Input.ReplicationConfigArn, outcome.verdict, outcome.failing, outcome.more))]
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
async function runFleet({ input, outcomes = () => ({ verdict: 'Passed' }), pages = [], configPages = [], tags = {}, name = 'fleet-cutover-2026-11-27', values = {}, faults = {}, earlier = {} }) {
  const calls = { describe: [], describeConfigs: [], listTags: [], child: [], describeEarlier: [], putObject: [], publish: [], metric: [] };
  const { definition, jsonataHandlers } = runnable(values, FLEET_DEFINITION_FILE);
  const context = { Execution: { Name: name, Input: input, StartTime: new Date().toISOString() } };
  const describe = async (request) => {
    calls.describe.push(request);
    assert.equal(request.WithoutSettings, true);
    assert.equal(request.MaxRecords, PAGE_SIZE);
    const page = pages[calls.describe.length - 1];
    assert.ok(page, 'no more pages');
    if (calls.describe.length > 1) assert.equal(request.Marker, pages[calls.describe.length - 2].Marker);
    else assert.equal(request.Marker, undefined);
    if (page.name) throw Object.assign(new Error(page.message), { name: page.name });
    return page;
  };
  // DescribeReplicationConfigs, for a selection by Tag alone: `configPages` in order.
  const describeConfigs = async (request) => {
    calls.describeConfigs.push(request);
    assert.equal(request.MaxRecords, PAGE_SIZE);
    const page = configPages[calls.describeConfigs.length - 1];
    assert.ok(page, 'no more config pages');
    if (calls.describeConfigs.length > 1) assert.equal(request.Marker, configPages[calls.describeConfigs.length - 2].Marker);
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
        DescribeConfigFirstPage: describeConfigs,
        DescribeConfigNextPage: describeConfigs,
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
          return answerChild(call, outcomes(call.Input.ReplicationTaskArn ?? call.Input.ReplicationConfigArn));
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
        WriteDetail: async (request) => {
          calls.putObject.push(request);
          if (faults.putObject) throw Object.assign(new Error('Access Denied (Service: S3, Status Code: 403)'), { name: 'S3.S3Exception' });
          return { ETag: '"etag"' };
        },
        PublishReport: async (request) => {
          calls.publish.push(request);
          if (faults.publish) throw Object.assign(new Error('InternalFailure'), { name: 'EventBridge.FailedEntry' });
          return { Entries: [{ EventId: 'event-1' }], FailedEntryCount: 0 };
        },
        // aws-sdk:cloudwatch:putMetricData: the request must be one the API model accepts.
        PutFleetMetric: async (request) => {
          calls.metric.push(request);
          assertPutMetricDataRequest(request);
          if (faults.metric) throw Object.assign(new Error('not authorized to perform: cloudwatch:PutMetricData'), { name: 'CloudWatch.CloudWatchException' });
          return {};
        },
      },
      retryIntervalOverrides: { DescribeFirstPage: 0, DescribeNextPage: 0, DescribeConfigFirstPage: 0, DescribeConfigNextPage: 0, ListTags: 0, AssessTask: 0, DescribeEarlierRun: 0, WriteDetail: 0, PublishReport: 0, PutFleetMetric: 0 },
    },
  });
  const log = collect(execution);
  let output;
  let error;
  try {
    output = await execution.result;
  } catch (e) {
    error = e.cause ?? e;
  }
  await log.done;
  // Measured against the definition as written: its JSONata Pass states are Pass states, not the stand-in Tasks.
  // Task parameters are measured as the handlers received them (the history's TaskScheduled events hold them).
  const m = measure(JSON.parse(substituted(values, FLEET_DEFINITION_FILE)), log);
  const parameters = Math.max(0, ...Object.values(calls).flat().map((request) => bytes(request)));
  return { output, error, calls, measure: { ...m, parameters }, log };
}


// The reasons the verdict function gives (src/reasons.rs): C's from its summary.json, D's missing.
const REASONS = {
  C: {
    Reasons: [
      { Assessment: 'mysql-check-binlog-format', Result: 'failed', Reason: 'The binlog_format parameter of the source is MIXED; change data capture needs ROW', Details: 's3://b/f/mysql-check-binlog-format.json' },
      { Assessment: 'mysql-check-lob-size', Result: 'warning', Reason: 'LOBs too large', Details: 's3://b/f/mysql-check-lob-size.json' },
    ],
    ReasonsNotListed: 1,
  },
  D: { ReasonsUnavailable: "DMS wrote no summary.json in the run's ResultLocation (S3: NoSuchKey)" },
};

describe('fleet state machine', () => {
  test('a list of tasks with mixed verdicts: one report, counts per verdict, the worst verdict, every task with its verdict', async () => {
    const verdicts = { A: 'Passed', B: 'PassedWithWarnings', C: 'Failed', D: 'NothingAssessed', E: 'Passed', F: 'TimedOut' };
    const { output, error, calls } = await runFleet({
      input: { ReplicationTaskArns: Object.keys(verdicts).map(TASK), IncludeOnly: 'mysql-check-binlog-format', WarningsBlock: true },
      outcomes: (arn) => ({ verdict: verdicts[arn.split(':').at(-1)], failing: arn.endsWith(':C') ? ['mysql-check-binlog-format'] : [], more: REASONS[arn.split(':').at(-1)] }),
    });
    assert.equal(error, undefined, String(error));
    assert.equal(output.Verdict, 'Failed', 'the worst of the tasks');
    // Why, in one line per task: the first reason in DMS's words and how many more, or why there are none.
    assert.equal(output.Tasks[2].Why, 'mysql-check-binlog-format (failed): The binlog_format parameter of the source is MIXED; change data capture needs ROW (and 2 more)');
    assert.equal(output.Tasks[3].Why, "No reasons from DMS: DMS wrote no summary.json in the run's ResultLocation (S3: NoSuchKey)");
    assert.equal(output.Tasks[0].Why, undefined, 'a pass has no reasons');
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
    // One PutMetricData call per fleet: its worst verdict, and how many tasks had each verdict.
    const count = (MetricName, Value, n) => ({ MetricName, Dimensions: [{ Name: 'Verdict', Value }], Value: n, Unit: 'Count' });
    assert.deepEqual(calls.metric, [
      {
        Namespace: 'DmsPremigrationAssessment/dms-assessment-run',
        MetricData: [
          count('FleetVerdicts', 'Failed', 1),
          count('FleetTasks', 'Failed', 1),
          count('FleetTasks', 'TimedOut', 1),
          count('FleetTasks', 'NothingAssessed', 1),
          count('FleetTasks', 'PassedWithWarnings', 1),
          count('FleetTasks', 'Passed', 2),
        ],
      },
    ]);
    assert.equal(output.MetricError, undefined);
  });

  test('the fleet metric: one task is one FleetTasks entry; Monitoring off puts none; a failure is kept as MetricError', async () => {
    const one = await runFleet({ input: { ReplicationTaskArns: [TASK('A')] } });
    assert.deepEqual(one.calls.metric[0].MetricData.map((d) => [d.MetricName, d.Dimensions[0].Value, d.Value]), [['FleetVerdicts', 'Passed', 1], ['FleetTasks', 'Passed', 1]]);
    const off = await runFleet({ input: { ReplicationTaskArns: [TASK('A')] }, values: { PutMetrics: 'false' } });
    assert.equal(off.calls.metric.length, 0);
    assert.deepEqual(off.output, one.output);
    assert.equal(one.measure.events - off.measure.events, 5, 'PutFleetMetric; CheckMetrics is passed either way');
    const failing = await runFleet({ input: { ReplicationTaskArns: [TASK('A')] }, faults: { metric: true } });
    assert.equal(failing.error, undefined, String(failing.error));
    assert.equal(failing.calls.metric.length, 3, 'retried twice');
    assert.equal(failing.output.Verdict, 'Passed');
    assert.equal(failing.output.MetricError.Error, 'CloudWatch.CloudWatchException');
    assert.equal(failing.calls.publish.length, 1, 'the report event went out first');
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

  test(`more than ${MAX_TASKS} tasks fail as TooManyTasks before any child starts`, async () => {
    const arns = Array.from({ length: MAX_TASKS + 1 }, (_, i) => TASK(`T${i}`));
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

  test('the limits model: the worst history of a fleet of the largest size, computed from the definition', () => {
    const definition = JSON.parse(substituted({ FleetConcurrency: '40' }, FLEET_DEFINITION_FILE));
    const states = definition.States;
    const item = states.AssessTasks.ItemProcessor;
    // One task: the longest path through the item processor (an earlier child described, its detail not
    // written), and the iteration's own started and succeeded events.
    const perTask = longestPath(item.States, item.StartAt) + 2;
    // One page of the selection, tags read: the loop from DescribeNextPage back to CheckMorePages.
    const page = ['DescribeNextPage', 'KeepPage', 'CheckTagFilter', 'ListTags', 'KeepTagged', 'AddCandidates', 'CheckMorePages'].reduce((sum, name) => sum + eventsOfState(states[name]), 0);
    // A selection by Tag alone pages through the tasks and then the DMS Serverless replication configs, each
    // loop as heavy as the other; DMS documents no quota of replication configs, so as many as tasks are
    // assumed (docs/fleet.md, "Limits").
    const configPage = ['DescribeConfigNextPage', 'KeepConfigPage', 'CheckTagFilter', 'ListTags', 'KeepTagged', 'AddCandidates', 'CheckMorePages'].reduce((sum, name) => sum + eventsOfState(states[name]), 0);
    assert.equal(configPage, page);
    const pages = 2 * Math.ceil(MAX_TASKS / states.DescribeFirstPage.Parameters.MaxRecords);
    // The rest of the execution once: every state but the page loop and the Map's iterations.
    const rest = longestPath(states, definition.StartAt, () => 0, new Set(['DescribeNextPage', 'DescribeConfigNextPage']));
    const worst = 2 + rest + pages * page + MAX_TASKS * perTask;
    // The same with every retry of every task spent (throttling on each call): not an input, but shown.
    const retried = 2 + rest + pages * page + MAX_TASKS * (longestPath(item.States, item.StartAt, retriesSpent) + 2);
    console.log(`model: ${perTask} events per task, ${page} per page of ${states.DescribeFirstPage.Parameters.MaxRecords}; ` +
      `${MAX_TASKS} tasks: ${worst} events (${((100 * worst) / HISTORY_EVENTS_LIMIT).toFixed(1)}%); with every retry spent ${retried}`);
    assertMargin('the worst fleet history', worst, HISTORY_EVENTS_LIMIT);
    // The report: each compact entry is at most a task or replication config ARN (128 characters, checked on
    // input; DMS's own are shorter) under the longer of the two names, a verdict, and a count or an error's name (48 characters), and the name of a failed write (48),
    // as BuildEntry and DetailNotWritten cut them; a detailed entry is at most 1,000 characters of JSON, 4
    // bytes each at worst in UTF-8.
    const compact = Math.max(
      bytes({ ReplicationConfigArn: 'a'.repeat(128), Verdict: 'PassedWithWarnings', FailingAssessmentCount: 999, DetailNotWritten: 'w'.repeat(48) }),
      bytes({ ReplicationConfigArn: 'a'.repeat(128), Verdict: 'NoVerdict', Error: { Error: 'e'.repeat(48) }, DetailNotWritten: 'w'.repeat(48) }),
    );
    const detailed = 4 * 1000;
    const report = bytes({ Verdict: 'PassedWithWarnings', TaskCount: 600, Counts: { NoVerdict: 1, Errored: 1, Failed: 1, TimedOut: 1, Cancelled: 1, NothingAssessed: 1, PassedWithWarnings: 1, Passed: 600 }, DetailLocation: `s3://${'b'.repeat(63)}/fleet-reports/${'n'.repeat(80)}/`, PublishError: { Error: 'e'.repeat(256), Cause: 'c'.repeat(2000) }, MetricError: { Error: 'e'.repeat(256), Cause: 'c'.repeat(2000) }, Tasks: [] }) +
      // BuildReport's output also carries the fleet's metric data: one FleetVerdicts entry and a FleetTasks entry per verdict.
      bytes({ Metrics: true, MetricData: Array.from({ length: 9 }, () => ({ MetricName: 'FleetVerdicts', Dimensions: [{ Name: 'Verdict', Value: 'PassedWithWarnings' }], Value: 600, Unit: 'Count' })) });
    const largest = Math.max(report + MAX_TASKS * (compact + 1), report + DETAILED_MAX_TASKS * (detailed + 1));
    console.log(`model: report at most ${largest} bytes (${((100 * largest) / PAYLOAD_LIMIT_BYTES).toFixed(1)}%): ${compact} bytes per compact entry, ${detailed} per detailed one`);
    assertMargin('the largest report', largest, PAYLOAD_LIMIT_BYTES);
  });

  // The largest fleet: DMS's quota of tasks, ids as long as DMS makes them, found by a selection over every page.
  const ids = Array.from({ length: MAX_TASKS }, (_, i) => `TASK${String(i).padStart(4, '0')}AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH`);
  const everyPage = () => {
    const pages = [];
    for (let p = 0; p * PAGE_SIZE < ids.length; p += 1) {
      const last = (p + 1) * PAGE_SIZE >= ids.length;
      pages.push(pageOf(ids.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE).map((id) => id.toLowerCase()), last ? undefined : `marker-${p + 1}`));
    }
    return pages;
  };
  // What a child says when the role lacks a permission: the function's AccessDeniedFault with IAM's message,
  // several hundred characters of JSON-looking text with quotes to escape, as RunNotStarted keeps it.
  const accessDenied = (arn) =>
    JSON.stringify({
      errorType: 'AccessDeniedFault',
      errorMessage: `User: arn:aws:sts::${ACCOUNT}:assumed-role/dms-assessment-run-AssessmentRunFunctionRole-ABCDEFGHIJKL/dms-assessment-run-AssessmentRunFunction-MNOPQRSTUVWX is not authorized to perform: dms:StartReplicationTaskAssessmentRun on resource: ${arn} because no identity-based policy allows the dms:StartReplicationTaskAssessmentRun action "with quotes" \\ and backslashes`.repeat(3),
    });

  /** Asserts every limit of one fleet execution with margin, and prints what it used. */
  const assertLimits = (what, { measure: m, calls, output }) => {
    const event = calls.publish[0].Entries[0];
    console.log(
      `${what}: ${m.events} history events (${((100 * m.events) / HISTORY_EVENTS_LIMIT).toFixed(1)}% of ${HISTORY_EVENTS_LIMIT}); ` +
        `largest state payload ${m.largest} bytes at ${m.largestAt} (${((100 * m.largest) / PAYLOAD_LIMIT_BYTES).toFixed(1)}%); ` +
        `largest task parameters ${m.parameters} bytes; report ${bytes(output)} bytes; event entry ${bytes(event)} bytes`,
    );
    assertMargin(`${what}: history events`, m.events, HISTORY_EVENTS_LIMIT);
    assertMargin(`${what}: largest state input or output`, m.largest, PAYLOAD_LIMIT_BYTES);
    assertMargin(`${what}: largest task parameters`, m.parameters, PAYLOAD_LIMIT_BYTES);
    // A PutEvents entry is limited to 256 KB in all (EventBridge quotas).
    assertMargin(`${what}: the report's event entry`, bytes(event), PAYLOAD_LIMIT_BYTES);
  };

  test(`${MAX_TASKS} tasks whose children all fail with a long access-denied cause: the report is published, each task's detail is in the bucket`, async () => {
    const { output, error, calls, measure: m, log } = await runFleet({
      input: { ReplicationInstanceArn: INSTANCE },
      pages: everyPage(),
      outcomes: (arn) => ({ error: 'AccessDeniedFault', cause: accessDenied(arn) }),
      values: { FleetConcurrency: '40' },
    });
    assert.equal(error, undefined, String(error));
    assert.equal(calls.child.length, MAX_TASKS);
    assert.equal(output.Verdict, 'NoVerdict');
    assert.deepEqual(output.Counts, { NoVerdict: MAX_TASKS });
    assert.equal(output.DetailLocation, `s3://${FLEET_DEFAULTS.ResultsBucket}/fleet-reports/fleet-cutover-2026-11-27/`);
    // The report keeps each task's verdict and error name; the whole entry went to the bucket.
    assert.deepEqual(output.Tasks[0], { ReplicationTaskArn: TASK(ids[0]), Verdict: 'NoVerdict', Error: { Error: 'AccessDeniedFault' } });
    assert.equal(calls.putObject.length, MAX_TASKS);
    const [put] = calls.putObject;
    assert.equal(put.Bucket, FLEET_DEFAULTS.ResultsBucket);
    assert.equal(put.Key, `fleet-reports/fleet-cutover-2026-11-27/${ids[0]}.json`);
    assert.equal(put.ContentType, 'application/json');
    const detail = JSON.parse(put.Body);
    assert.equal(detail.Verdict, 'NoVerdict');
    assert.equal(detail.Error.Error, 'AccessDeniedFault');
    assert.equal(detail.Error.Cause, accessDenied(TASK(ids[0])).slice(0, 300), 'the first 300 characters of the cause');
    assert.match(detail.ExecutionArn, /:execution:AssessmentStateMachine-abc:fleet-cutover-2026-11-27-[0-9a-f]{32}$/);
    assert.equal(calls.publish.length, 1);
    assert.deepEqual(calls.publish[0].Entries[0].Detail, output);
    const byType = log.reduce((counts, e) => ({ ...counts, [e.type]: (counts[e.type] ?? 0) + 1 }), {});
    console.log(`${MAX_TASKS} failing tasks, the run's event log by type: ${JSON.stringify(byType)}`);
    assertLimits(`${MAX_TASKS} tasks, every child failing`, { measure: m, calls, output });
  });

  test(`${MAX_TASKS} DMS Serverless replication configs listed, every child failing with a long access-denied cause: under every limit, with margin`, async () => {
    const configs = ids.map((id) => `arn:aws:dms:us-east-1:${ACCOUNT}:replication-config:${id}`);
    const { output, error, calls, measure: m } = await runFleet({
      input: { ReplicationConfigArns: configs, StartReplicationType: 'start-replication' },
      outcomes: (arn) => ({ error: 'AccessDeniedFault', cause: accessDenied(arn) }),
      values: { FleetConcurrency: '40' },
    });
    assert.equal(error, undefined, String(error));
    assert.equal(calls.child.length, MAX_TASKS);
    assert.deepEqual(output.Counts, { NoVerdict: MAX_TASKS });
    assert.deepEqual(output.Tasks[0], { ReplicationConfigArn: configs[0], Verdict: 'NoVerdict', Error: { Error: 'AccessDeniedFault' } });
    assertLimits(`${MAX_TASKS} configs, every child failing`, { measure: m, calls, output });
  });

  test(`${MAX_TASKS} tasks of every verdict with the longest failing-assessment names: under every limit, with margin`, async () => {
    const verdicts = ['Passed', 'PassedWithWarnings', 'Failed', 'Errored', 'NothingAssessed', 'Cancelled', 'TimedOut'];
    // More failing assessments than the report keeps, each longer than it keeps.
    const failing = Array.from({ length: 150 }, (_, i) => `${String(i).padStart(3, '0')}-${'unsupported-data-types-in-source-'.repeat(6)}`);
    const outcomes = (arn) => {
      const i = ids.indexOf(arn.split(':').at(-1));
      if (i % 97 === 0) return { error: 'RunNotStarted', cause: '{"not": "json'.repeat(500) };
      const verdict = verdicts[i % verdicts.length];
      // As many of the longest reasons as the verdict function keeps in its 16 KiB.
      const reasons = { Reasons: failing.slice(0, 9).map((name) => ({ Assessment: name.slice(0, 128), Result: 'failed', Reason: 'r'.repeat(500), Details: `s3://${'b'.repeat(63)}/${'f'.repeat(800)}/${name}.json` })), ReasonsNotListed: 141 };
      return { verdict, failing: verdict === 'Failed' || verdict === 'Errored' ? failing : [], more: verdict === 'Failed' ? reasons : verdict === 'Errored' ? { ReasonsUnavailable: 'u'.repeat(400) } : {} };
    };
    const { output, error, calls, measure: m } = await runFleet({ input: { ReplicationInstanceArn: INSTANCE }, pages: everyPage(), outcomes, values: { FleetConcurrency: '40' } });
    assert.equal(error, undefined, String(error));
    assert.equal(output.TaskCount, MAX_TASKS);
    assert.equal(Object.values(output.Counts).reduce((a, b) => a + b, 0), MAX_TASKS);
    assert.equal(output.Verdict, 'NoVerdict');
    const failed = output.Tasks.find((t) => t.Verdict === 'Failed');
    assert.deepEqual(failed, { ReplicationTaskArn: failed.ReplicationTaskArn, Verdict: 'Failed', FailingAssessmentCount: 150 });
    const detail = JSON.parse(calls.putObject.find((p) => p.Key.endsWith(`${failed.ReplicationTaskArn.split(':').at(-1)}.json`)).Body);
    assert.equal(detail.FailingAssessmentCount, 150);
    assert.ok(detail.Truncated || detail.FailingAssessments.length === 5, 'at most 5 names, or none when the entry would pass 1,000 characters');
    assert.ok(detail.Truncated || (detail.Why.length <= 300 && detail.Why.endsWith('\u2026')), detail.Why);
    assert.ok(JSON.stringify(detail).length <= 1000);
    assertLimits(`${MAX_TASKS} tasks, every verdict`, { measure: m, calls, output });
  });

  test(`${DETAILED_MAX_TASKS} tasks keep each task's detail in the report; ${DETAILED_MAX_TASKS + 1} report it in the bucket`, async () => {
    const arns = (n) => Array.from({ length: n }, (_, i) => TASK(ids[i]));
    const outcomes = () => ({ verdict: 'Failed', failing: ['mysql-check-binlog-format'] });
    const small = await runFleet({ input: { ReplicationTaskArns: arns(DETAILED_MAX_TASKS) }, outcomes });
    assert.equal(small.calls.putObject.length, 0);
    assert.equal(small.output.DetailLocation, undefined);
    assert.deepEqual(small.output.Tasks[0].FailingAssessments, ['mysql-check-binlog-format']);
    const large = await runFleet({ input: { ReplicationTaskArns: arns(DETAILED_MAX_TASKS + 1) }, outcomes });
    assert.equal(large.calls.putObject.length, DETAILED_MAX_TASKS + 1);
    assert.equal(large.output.Tasks[0].FailingAssessments, undefined);
    assert.equal(large.output.Tasks[0].FailingAssessmentCount, 1);
    assert.deepEqual(JSON.parse(large.calls.putObject[0].Body).FailingAssessments, ['mysql-check-binlog-format']);
  });

  test('a detail that cannot be written keeps the verdict, with the write error named in the entry', async () => {
    const { output, error, calls } = await runFleet({
      input: { ReplicationTaskArns: Array.from({ length: DETAILED_MAX_TASKS + 1 }, (_, i) => TASK(ids[i])) },
      faults: { putObject: true },
    });
    assert.equal(error, undefined, String(error));
    assert.equal(calls.putObject.length, (DETAILED_MAX_TASKS + 1) * 4, 'the first try and three retries each');
    assert.deepEqual(output.Tasks[0], { ReplicationTaskArn: TASK(ids[0]), Verdict: 'Passed', FailingAssessmentCount: 0, DetailNotWritten: 'S3.S3Exception' });
  });

  // Hostile inputs: each member null, of the wrong type, too long; the input not an object, or too large. Each
  // ends as InvalidInput (or another named error) before any child starts: never States.Runtime.
  const hostile = [
    ['null', null, /JSON object/],
    ['an array', [TASK('A')], /JSON object/],
    ['a string', TASK('A'), /JSON object/],
    ['a number', 7, /JSON object/],
    ['ReplicationTaskArns null', { ReplicationTaskArns: null }, /non-empty list/],
    ['ReplicationTaskArns an object', { ReplicationTaskArns: { a: TASK('A') } }, /non-empty list/],
    ['ReplicationTaskArns with a number', { ReplicationTaskArns: [TASK('A'), 7] }, /non-empty list/],
    ['ReplicationTaskArns with a null', { ReplicationTaskArns: [null] }, /non-empty list/],
    ['a task ARN of another service', { ReplicationTaskArns: ['arn:aws:rds:us-east-1:123456789012:db:orders'] }, /is not a task ARN/],
    ['a task ARN of 129 characters', { ReplicationTaskArns: [TASK('A'.repeat(129 - TASK('').length))] }, /is not a task ARN/],
    ['ReplicationInstanceArn null', { ReplicationInstanceArn: null }, /must be a string/],
    ['ReplicationInstanceArn a list', { ReplicationInstanceArn: [INSTANCE] }, /must be a string/],
    ['TaskIdentifierPrefix a number', { TaskIdentifierPrefix: 7 }, /must be a string/],
    ['TaskIdentifierPrefix null', { TaskIdentifierPrefix: null }, /must be a string/],
    ['Tag null', { Tag: null }, /Tag must be/],
    ['Tag a string', { Tag: 'cutover' }, /Tag must be/],
    ['Tag with a numeric Value', { Tag: { Key: 'k', Value: 1 } }, /Tag must be/],
    ['DryRun true', { ReplicationTaskArns: [TASK('A')], DryRun: true }, /dry run starts none/],
    ['dryRun false', { ReplicationTaskArns: [TASK('A')], dryRun: false }, /dry run starts none/],
    ['IdempotencyKey null', { ReplicationTaskArns: [TASK('A')], IdempotencyKey: null }, /set for each task/],
    ['options over 16,384 characters', { ReplicationTaskArns: [TASK('A')], Tags: Array.from({ length: 60 }, (_, i) => ({ Key: `k${i}`.padEnd(128, 'k'), Value: 'v'.repeat(256) })) }, /at most 16384/],
    ['an input over 131,072 characters', { ReplicationTaskArns: Array.from({ length: 1500 }, (_, i) => TASK(`T${i}`.padEnd(80, 'X'))) }, /at most 131072/],
  ];
  for (const [what, input, message] of hostile) {
    test(`hostile input (${what}) fails as InvalidInput, before any child starts, within the limits`, async () => {
      const { error, calls, measure: m } = await runFleet({ input });
      assert.equal(error?.name, 'InvalidInput', String(error));
      assert.match(error.message, message);
      assert.ok(error.message.length < 400, 'a short cause');
      assert.equal(calls.describe.length + calls.child.length, 0);
      assertMargin(`${what}: largest state`, m.largest, PAYLOAD_LIMIT_BYTES);
      assertMargin(`${what}: cause`, error.message.length, CAUSE_LIMIT_CHARS);
    });
  }

  test('hostile members passed on to every task (null, wrong types) end each task with a named error, never the fleet', async () => {
    // The fleet passes the options on; the single-run state machine refuses them as InvalidInput (played here).
    const { output, error } = await runFleet({
      input: { ReplicationTaskArns: [TASK('A'), TASK('B')], IncludeOnly: null, Tags: 'x', WarningsBlock: 'yes' },
      outcomes: () => ({ error: 'InvalidInput', cause: '`IncludeOnly` must be a list of strings, not null' }),
    });
    assert.equal(error, undefined, String(error));
    assert.deepEqual(output.Counts, { NoVerdict: 2 });
    assert.equal(output.Tasks[0].Error.Error, 'InvalidInput');
  });

  test('a selection whose pages carry members of the wrong type or none ends in a named outcome', async () => {
    const odd = { ReplicationTasks: [{ ReplicationTaskArn: TASK('ODD') }, { ReplicationTaskIdentifier: 'orders-x' }], Marker: '' };
    const { error, calls } = await runFleet({ input: { TaskIdentifierPrefix: 'orders-' }, pages: [odd] });
    assert.equal(error.name, 'NoTasksSelected');
    assert.equal(calls.child.length, 0);
    const none = await runFleet({ input: { TaskIdentifierPrefix: 'orders-' }, pages: [{}] });
    assert.equal(none.error.name, 'NoTasksSelected');
  });

  test('DescribeReplicationTasks answering ResourceNotFoundFault under its SDK name is an empty selection too', async () => {
    const { error } = await runFleet({
      input: { ReplicationInstanceArn: INSTANCE },
      pages: [{ name: 'DatabaseMigration.ResourceNotFoundFault', message: 'No replication tasks found' }],
    });
    assert.equal(error.name, 'NoTasksSelected');
  });
});

describe('DMS Serverless replication configs in a fleet', () => {
  const CONFIG = (id) => `arn:aws:dms:us-east-1:${ACCOUNT}:replication-config:${id}`;

  test('configs listed with tasks: each child gets its own members, and the report names each by its ARN', async () => {
    const { output, error, calls } = await runFleet({
      input: {
        ReplicationTaskArns: [TASK('A')],
        ReplicationConfigArns: [CONFIG('SRVA'), CONFIG('SRVB')],
        StartReplicationType: 'start-replication',
        FailOnAssessmentFailure: true,
        ServiceAccessRoleArn: `arn:aws:iam::${ACCOUNT}:role/dms`,
        Tags: [{ Key: 'team', Value: 'migrations' }],
        IncludeOnly: ['mysql-check-binlog-format'],
      },
      outcomes: (arn) => ({ verdict: arn.endsWith('SRVB') ? 'Failed' : 'Passed', failing: arn.endsWith('SRVB') ? ['mysql-check-binlog-format'] : [] }),
    });
    assert.equal(error, undefined, String(error));
    const inputs = Object.fromEntries(calls.child.map((c) => [c.Input.ReplicationTaskArn ?? c.Input.ReplicationConfigArn, c.Input]));
    assert.deepEqual(inputs[TASK('A')], {
      ReplicationTaskArn: TASK('A'),
      ServiceAccessRoleArn: `arn:aws:iam::${ACCOUNT}:role/dms`,
      Tags: [{ Key: 'team', Value: 'migrations' }],
      IncludeOnly: ['mysql-check-binlog-format'],
    });
    assert.deepEqual(inputs[CONFIG('SRVA')], {
      ReplicationConfigArn: CONFIG('SRVA'),
      StartReplicationType: 'start-replication',
      FailOnAssessmentFailure: true,
      IncludeOnly: ['mysql-check-binlog-format'],
      WarningsBlock: false,
    });
    assert.equal(output.Verdict, 'Failed');
    assert.equal(output.TaskCount, 3);
    const byArn = Object.fromEntries(output.Tasks.map((t) => [t.ReplicationTaskArn ?? t.ReplicationConfigArn, t]));
    assert.equal(byArn[CONFIG('SRVB')].Verdict, 'Failed');
    assert.deepEqual(byArn[CONFIG('SRVB')].FailingAssessments, ['mysql-check-binlog-format']);
    assert.equal(byArn[CONFIG('SRVB')].ReplicationTaskArn, undefined);
    assert.equal(byArn[TASK('A')].Verdict, 'Passed');
  });

  test('a selection by Tag alone selects the tagged tasks and the tagged configs, page by page', async () => {
    const { output, error, calls } = await runFleet({
      input: { Tag: { Key: 'cutover', Value: 'wave-1' }, StartReplicationType: 'start-replication' },
      pages: [pageOf(['t1', 't2'])],
      configPages: [
        { ReplicationConfigs: [{ ReplicationConfigArn: CONFIG('C1'), ReplicationConfigIdentifier: 'c1' }], Marker: 'next' },
        { ReplicationConfigs: [{ ReplicationConfigArn: CONFIG('C2'), ReplicationConfigIdentifier: 'c2' }] },
      ],
      tags: {
        [TASK('T1')]: [{ Key: 'cutover', Value: 'wave-1' }],
        [CONFIG('C2')]: [{ Key: 'cutover', Value: 'wave-1' }],
        [CONFIG('C1')]: [{ Key: 'cutover', Value: 'wave-2' }],
      },
    });
    assert.equal(error, undefined, String(error));
    assert.equal(calls.describeConfigs.length, 2);
    assert.deepEqual(output.Tasks.map((t) => t.ReplicationTaskArn ?? t.ReplicationConfigArn).sort(), [CONFIG('C2'), TASK('T1')].sort());
  });

  test('a selection by replication instance or prefix selects tasks only (configs have neither)', async () => {
    const { error, calls } = await runFleet({ input: { Tag: { Key: 'cutover' }, TaskIdentifierPrefix: 't' }, pages: [pageOf(['t1'])], tags: { [TASK('T1')]: [{ Key: 'cutover', Value: 'x' }] } });
    assert.equal(error, undefined, String(error));
    assert.equal(calls.describeConfigs.length, 0);
  });

  test('configs without StartReplicationType, with WarningsBlock true, or not config ARNs are InvalidInput', async () => {
    for (const [input, message] of [
      [{ ReplicationConfigArns: [CONFIG('X')] }, /StartReplicationType is required with ReplicationConfigArns/],
      [{ ReplicationConfigArns: [CONFIG('X')], StartReplicationType: 'start-replication', WarningsBlock: true }, /cannot be held on warnings/],
      [{ ReplicationConfigArns: [TASK('X')], StartReplicationType: 'start-replication' }, /is not a replication config ARN/],
      [{ ReplicationConfigArns: [], StartReplicationType: 'start-replication' }, /must be a non-empty list/],
      [{ ReplicationTaskArns: [TASK('X')], ReplicationConfigArn: CONFIG('X') }, /set for each task or config by the fleet/],
    ]) {
      const { error, calls } = await runFleet({ input });
      assert.equal(error.name, 'InvalidInput', JSON.stringify(input));
      assert.match(error.message, message);
      assert.equal(calls.child.length, 0);
    }
  });
});
