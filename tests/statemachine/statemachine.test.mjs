// Executes statemachine/assessment.asl.json with aws-local-stepfunctions: the StartAssessmentRun task
// invokes the real assessment-run function (the binary `cargo test` built, under `cargo lambda watch --only-lambda-apis`) against a loopback DMS; TakeVerdict is
// answered by the real verdict function (the crate's second binary) from that DMS; the SDK-integration
// tasks (describe, cancel, putEvents, sns:publish, the gate's describe and start) are answered by each test.
import './polyfill.mjs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import YAML from 'yaml';
import jsonata from 'jsonata';
import { DEFINITION_FILE, runnable, ROOT, substituted } from './definition.mjs';
import {
  assertMargin,
  CAUSE_LIMIT_CHARS,
  collect,
  ERROR_LIMIT_CHARS,
  eventsOfState,
  HISTORY_EVENTS_LIMIT,
  measure,
  PAYLOAD_LIMIT_BYTES,
  statesOf,
} from './limits.mjs';
import { startFakeDms } from './fake-dms.mjs';
import { startLocalS3 } from './local-s3.mjs';
import { startFunction, VERDICT_FUNCTION } from './function-host.mjs';
import { assertPutMetricDataRequest } from './cloudwatch-model.mjs';

const TASK = (id) => `arn:aws:dms:us-east-1:123456789012:task:${id}`;
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:dms-assessment-verdicts';
const MAX_WAIT_SECONDS = 600;
const POLL_INTERVAL_SECONDS = 30;
const GATE_CHECKS = 20;

// What DMS reports once a run has ended, by the status the test plays: result statistics and individual
// assessments ([name, status]). `warning` with everything skipped is what DMS reports when nothing ran.
const RESULTS = {
  passed: {
    ResultStatistic: { Passed: 10, Failed: 0, Error: 0, Warning: 0, Cancelled: 0, Skipped: 1 },
    assessments: [['mysql-check-binlog-format', 'passed'], ['mysql-check-server-id', 'passed'], ['mysql-check-lob-size', 'skipped']],
  },
  warning: {
    ResultStatistic: { Passed: 8, Failed: 0, Error: 0, Warning: 2, Cancelled: 0, Skipped: 1 },
    assessments: [['mysql-check-binlog-format', 'passed'], ['mysql-check-target-privileges', 'warning'], ['mysql-check-lob-size', 'skipped']],
  },
  failed: {
    ResultStatistic: { Passed: 9, Failed: 1, Error: 0, Warning: 1, Cancelled: 0, Skipped: 0 },
    assessments: [['mysql-check-binlog-format', 'failed'], ['mysql-check-target-privileges', 'warning']],
  },
  'error-executing': {
    ResultStatistic: { Passed: 3, Failed: 0, Error: 1, Warning: 0, Cancelled: 6, Skipped: 0 },
    assessments: [['mysql-check-server-id', 'error']],
  },
  nothing: {
    ResultStatistic: { Passed: 0, Failed: 0, Error: 0, Warning: 0, Cancelled: 0, Skipped: 5 },
    assessments: [['mysql-check-binlog-format', 'skipped']],
  },
};
const IN_PROGRESS = ['starting', 'provisioning', 'running'];

/** What DMS would say of an assessment that did not pass (the tests' own sentences). */
const SENTENCE = (name, result) => `${name} ${result}: the source is not set up as the migration needs`;
/**
 * A run's summary.json in the shape of the one public sample (docs/aws-facts.md, "The run's result files"):
 * each assessment in the list of its result.
 */
function summaryOf(assessments, sentence = SENTENCE) {
  const lists = { passed: [], failed: [], error: [], warning: [], cancelled: [] };
  for (const [name, status] of assessments) {
    lists[status]?.push({ 'test-name': name, 'test-result': status, 'test-result-details': sentence(name, status), 'results-summary': { passed: 'N/A', warning: 'N/A', failed: 'N/A' } });
  }
  return { version: '0.0.2', 'overall-test-result': lists.failed.length ? 'failed' : 'passed', summary: lists };
}

let dms;
let s3;
let fn;
let takeVerdict;
before(async () => {
  dms = await startFakeDms();
  s3 = await startLocalS3();
  await s3.bucket('dms-assessment-results-123456789012');
  await s3.bucket('dms-serverless-premigration-results-abc');
  fn = await startFunction({ dmsUrl: dms.url, env: { AWS_ENDPOINT_URL_S3: s3.url } });
  // The verdict function, invoked as lambda:invoke does: its errorType becomes the error's name.
  takeVerdict = async (payload) => {
    const { status, body } = await fn.invoke(payload, VERDICT_FUNCTION);
    if (status !== 200) throw Object.assign(new Error(body.errorMessage), { name: body.errorType });
    return body;
  };
});
after(async () => {
  await fn?.stop();
  await dms?.close();
  await s3?.stop();
});

/**
 * Writes the run's summary.json in its result folder once, as DMS does when a run ends: `ended.summary` when
 * given (`null`: DMS wrote none), else one made from its assessments. (moto refuses an unsigned overwrite.)
 */
const summariesWritten = new Set();
async function writeSummary(bucket, folder, status, ended) {
  const key = `${bucket}/${folder}/summary.json`;
  if (ended.summary === null || IN_PROGRESS.includes(status) || summariesWritten.has(key)) return;
  summariesWritten.add(key);
  await s3.put(bucket, `${folder}/summary.json`, ended.summary ?? summaryOf(ended.assessments));
}

const raise = ({ name, message }) => {
  throw Object.assign(new Error(message), { name });
};

/**
 * Runs one execution. `statuses`: what DescribeRun reports, one per poll (the last repeats); `results`: what
 * the run reports once it has ended (by default RESULTS of its status); `describe` may replace a poll's answer
 * with an error to throw (`{ name, message }`) or a response; `values`: template parameters for the
 * definition's substitutions; `taskStatuses`: what the gate's DescribeTask reports (`null`: no task);
 * `faults`: errors thrown by `verdict` (a list, one per call), `cancel`, `publish`, `metric`, `notify`, `startTask`;
 * `dryRunFunction`: the function answers as one deployed with DRY_RUN=true; `answer`: rewrites the
 * function's answer. Every execution's event log is measured against Step Functions' hard limits
 * (`measured`: history events, the largest state, the cause's and error's characters), each under 80%.
 */
async function execute({
  input,
  statuses = ['passed'],
  results,
  describe = [],
  name = `exec-${Math.random().toString(16).slice(2)}`,
  values = {},
  taskStatuses = ['stopped'],
  faults = {},
  dryRunFunction = false,
  answer = (body) => body,
  run: runMembers = {},
}) {
  const calls = { start: [], describe: [], cancel: [], verdict: [], publish: [], metric: [], notify: [], describeTask: [], startTask: [] };
  const parameters = { MaxWaitSeconds: String(MAX_WAIT_SECONDS), PollIntervalSeconds: String(POLL_INTERVAL_SECONDS), ...values };
  const { definition, jsonataHandlers } = runnable(parameters);
  // What Step Functions runs: JSONata Pass states as Pass states, for the event count.
  const written = JSON.parse(substituted(parameters));
  const context = { Execution: { Name: name, Input: input, StartTime: new Date().toISOString() } };
  const runOf = (arn) => dms.runs.find((r) => r.ReplicationTaskAssessmentRunArn === arn);
  const machine = new StateMachine(definition);
  const execution = machine.run(input, {
    context,
    overrides: {
      taskResourceLocalHandlers: {
        ...jsonataHandlers(context),
        // What the lambda:invoke integration does: invoke, and raise the function's errorType.
        StartAssessmentRun: async (task) => {
          calls.start.push(task);
          const { status, body } = await fn.invoke(dryRunFunction ? { ...task.Payload, DryRun: true } : task.Payload);
          if (status !== 200) raise({ name: body.errorType, message: body.errorMessage });
          return { ExecutedVersion: '$LATEST', Payload: answer(body), StatusCode: 200 };
        },
        DescribeRun: async (task) => {
          calls.describe.push(task);
          const [filter] = task.Filters;
          assert.equal(filter.Name, 'replication-task-assessment-run-arn');
          const scripted = describe[calls.describe.length - 1];
          if (scripted?.name) raise(scripted);
          if (scripted) return scripted;
          const status = statuses[Math.min(calls.describe.length - 1, statuses.length - 1)];
          const run = runOf(filter.Values[0]);
          assert.ok(run, `DescribeRun asked for an unknown run ${filter.Values[0]}`);
          // The run in the fake DMS moves on, so that the verdict is taken from what DMS holds.
          run.Status = status;
          Object.assign(run, runMembers);
          const ended = results ?? (IN_PROGRESS.includes(status) ? undefined : RESULTS[status]);
          if (ended) {
            if (ended.ResultStatistic) run.ResultStatistic = ended.ResultStatistic;
            dms.individualAssessments.set(
              run.ReplicationTaskAssessmentRunArn,
              ended.assessments.map(([IndividualAssessmentName, Status]) => ({ IndividualAssessmentName, Status })),
            );
            await writeSummary(run.ResultLocationBucket, run.ResultLocationFolder, status, ended);
          }
          return { ReplicationTaskAssessmentRuns: [{ ...run }] };
        },
        // DMS Serverless: the run is the replication's latest PremigrationAssessmentStatuses entry.
        DescribeReplication: async (task) => {
          calls.describe.push(task);
          const [filter] = task.Filters;
          assert.equal(filter.Name, 'replication-config-arn');
          const scripted = describe[calls.describe.length - 1];
          if (scripted?.name) raise(scripted);
          if (scripted) return scripted;
          const status = statuses[Math.min(calls.describe.length - 1, statuses.length - 1)];
          const replication = dms.replications.get(filter.Values[0]);
          assert.ok(replication, `DescribeReplication asked for an unknown config ${filter.Values[0]}`);
          const run = replication.PremigrationAssessmentStatuses.at(-1);
          run.Status = status;
          replication.Status = IN_PROGRESS.includes(status) ? 'starting' : status === 'passed' || status === 'warning' ? 'running' : 'stopped';
          const ended = results ?? (IN_PROGRESS.includes(status) ? undefined : RESULTS[status]);
          if (ended) {
            if (ended.ResultStatistic) run.ResultStatistic = ended.ResultStatistic;
            dms.individualAssessments.set(
              run.PremigrationAssessmentRunArn,
              ended.assessments.map(([IndividualAssessmentName, Status]) => ({ IndividualAssessmentName, Status })),
            );
            await writeSummary(run.ResultLocationBucket, run.ResultLocationFolder, status, ended);
          }
          return { Replications: [structuredClone(replication)] };
        },
        CancelRun: async (task) => {
          calls.cancel.push(task);
          if (faults.cancel) raise(faults.cancel);
          const run = runOf(task.ReplicationTaskAssessmentRunArn);
          run.Status = 'cancelling';
          return { ReplicationTaskAssessmentRun: { ...run } };
        },
        // The verdict function, invoked as lambda:invoke would.
        TakeVerdict: async (task) => {
          calls.verdict.push(task);
          const fault = faults.verdict?.[calls.verdict.length - 1];
          if (fault) raise(fault);
          return { ExecutedVersion: '$LATEST', Payload: await takeVerdict(task.Payload), StatusCode: 200 };
        },
        PublishVerdict: async (task) => {
          calls.publish.push(task);
          if (faults.publish) raise(faults.publish);
          return { Entries: task.Entries.map((_, i) => ({ EventId: `event-${i}` })), FailedEntryCount: 0 };
        },
        // The aws-sdk:cloudwatch:putMetricData integration: the request must be one the API model accepts.
        PutVerdictMetric: async (task) => {
          calls.metric.push(task);
          assertPutMetricDataRequest(task);
          if (faults.metric) raise(faults.metric);
          return {};
        },
        NotifyVerdict: async (task) => {
          calls.notify.push(task);
          if (faults.notify) raise(faults.notify);
          return { MessageId: 'message-1' };
        },
        DescribeTask: async (task) => {
          calls.describeTask.push(task);
          const status = taskStatuses[Math.min(calls.describeTask.length - 1, taskStatuses.length - 1)];
          const [filter] = task.Filters;
          assert.equal(filter.Name, 'replication-task-arn');
          assert.equal(task.WithoutSettings, true);
          if (status === null) return { ReplicationTasks: [] };
          return { ReplicationTasks: [{ ReplicationTaskArn: filter.Values[0], Status: status }] };
        },
        StartTask: async (task) => {
          calls.startTask.push(task);
          if (faults.startTask) raise(faults.startTask);
          return { ReplicationTask: { ReplicationTaskArn: task.ReplicationTaskArn, Status: 'starting' } };
        },
      },
      waitTimeOverrides: { WaitForRun: 0, WaitForAssessment: 0, WaitForTask: 0 },
      retryIntervalOverrides: Object.fromEntries(
        ['StartAssessmentRun', 'DescribeRun', 'DescribeReplication', 'CancelRun', 'TakeVerdict', 'PublishVerdict', 'PutVerdictMetric', 'NotifyVerdict', 'DescribeTask'].map((s) => [s, 0]),
      ),
    },
  });
  const log = collect(execution);
  let ended;
  try {
    ended = { output: await execution.result, calls };
  } catch (error) {
    const cause = error.cause ?? error;
    let verdict;
    try {
      verdict = JSON.parse(cause.message);
    } catch {
      // not a verdict
    }
    ended = { error: cause, verdict, calls };
  }
  await log.done;
  const measured = {
    ...measure(written, log),
    causeChars: ended.error ? String(ended.error.message ?? '').length : 0,
    errorChars: ended.error ? String(ended.error.name ?? '').length : 0,
  };
  assert.notEqual(ended.error?.name, 'States.Runtime', `States.Runtime: ${ended.error?.message}`);
  assertMargin('history events', measured.events, HISTORY_EVENTS_LIMIT);
  assertMargin(`largest state (${measured.largestAt})`, measured.largest, PAYLOAD_LIMIT_BYTES);
  assertMargin('cause characters', measured.causeChars, CAUSE_LIMIT_CHARS);
  assertMargin('error characters', measured.errorChars, ERROR_LIMIT_CHARS);
  return { ...ended, measured };
}

/** What EventBridge sends the state machine for `event`, by the rule's input transformer in template.yaml. */
function transformed(event) {
  const template = YAML.parse(readFileSync(path.join(ROOT, 'template.yaml'), 'utf8'), { logLevel: 'silent' });
  const { InputPathsMap, InputTemplate } =
    template.Resources.AssessmentStateMachine.Properties.Events.DmsTaskEvent.Properties.InputTransformer;
  const at = (jsonPath) =>
    jsonPath
      .replace(/^\$\./, '')
      .split(/\.|\[(\d+)\]/)
      .filter((step) => step !== undefined && step !== '')
      .reduce((value, step) => value?.[step], event);
  // Outside quotes a placeholder becomes the value as JSON (EventBridge API reference, InputTransformer).
  const text = InputTemplate.replace(/<([A-Za-z0-9]+)>/g, (_, variable) => JSON.stringify(at(InputPathsMap[variable])));
  return JSON.parse(text);
}

describe('state machine', () => {
  // Every verdict the interface names, from what DMS reports at the end of the run.
  const verdicts = [
    ['passed', undefined, 'Passed'],
    ['warning', undefined, 'PassedWithWarnings'],
    ['failed', undefined, 'Failed'],
    ['error-executing', undefined, 'Errored'],
    ['error-provisioning', { assessments: [] }, 'Errored'],
    ['invalid state', { assessments: [] }, 'Errored'],
    ['paused', { assessments: [] }, 'Errored'],
    ['cancelling', { assessments: [] }, 'Cancelled'],
    ['deleting', { assessments: [] }, 'Cancelled'],
    ['warning', RESULTS.nothing, 'NothingAssessed'],
  ];
  for (const [status, results, verdict] of verdicts) {
    const passes = verdict === 'Passed' || verdict === 'PassedWithWarnings';
    test(`a run that ends "${status}"${results === RESULTS.nothing ? ' with everything skipped' : ''} is ${verdict}: the execution ${passes ? 'succeeds with the verdict' : `fails as Assessment${verdict}`}`, async () => {
      const { output, error, verdict: cause, calls } = await execute({
        input: { ReplicationTaskArn: TASK('ENDS') },
        statuses: ['starting', 'running', status],
        results,
      });
      assert.equal(calls.describe.length, 3, 'it stops at the first status that is not in progress');
      assert.equal(calls.verdict.length, 1);
      assert.deepEqual(calls.verdict[0].Payload, {
        ReplicationTaskAssessmentRunArn: calls.start[0] && dms.runs.at(-1).ReplicationTaskAssessmentRunArn,
        TimedOut: false,
        ReplicationConfigArn: '',
      });
      assert.equal(calls.publish.length, 1);
      assert.equal(calls.notify.length, 0, 'no topic, no message');
      assert.equal(calls.describeTask.length + calls.startTask.length, 0, 'the gate is off by default');
      const taken = passes ? output : cause;
      if (passes) assert.equal(error, undefined, String(error));
      else assert.equal(error.name, `Assessment${verdict}`);
      assert.equal(taken.Verdict, verdict);
      assert.equal(taken.Status, status);
      assert.equal(taken.ReplicationTaskArn, TASK('ENDS'));
      assert.match(taken.ReplicationTaskAssessmentRunArn, /:assessment-run:/);
      assert.deepEqual(calls.publish[0].Entries[0].Detail, taken, 'the event carries the same verdict');
      // One data point per verdict, in the stack's namespace, the verdict as its only dimension.
      assert.deepEqual(calls.metric, [
        {
          Namespace: 'DmsPremigrationAssessment/dms-assessment-run',
          MetricData: [{ MetricName: 'Verdicts', Dimensions: [{ Name: 'Verdict', Value: verdict }], Value: 1, Unit: 'Count' }],
        },
      ]);
      assert.equal(taken.MetricError, undefined);
    });
  }

  describe('verdict metrics', () => {
    test('one PutMetricData call per verdict, after the verdict is published, for a timed-out run too', async () => {
      const { calls, verdict } = await execute({ input: { ReplicationTaskArn: TASK('METRICTIMEOUT') }, statuses: ['running'] });
      assert.equal(verdict.Verdict, 'TimedOut');
      assert.equal(calls.publish.length, 1);
      assert.equal(calls.metric.length, 1);
      assert.deepEqual(calls.metric[0].MetricData[0].Dimensions, [{ Name: 'Verdict', Value: 'TimedOut' }]);
    });

    test('Monitoring off: no metric, the same verdict, and 5 history events fewer (PutVerdictMetric; CheckMetrics, 2 more, is passed either way)', async () => {
      const on = await execute({ input: { ReplicationTaskArn: TASK('METRICON') } });
      const off = await execute({ input: { ReplicationTaskArn: TASK('METRICOFF') }, values: { PutMetrics: 'false' } });
      assert.equal(off.calls.metric.length, 0);
      assert.equal(off.output.Verdict, 'Passed');
      assert.equal(on.measured.events - off.measured.events, 5, 'the Task; the Choice is passed either way');
      console.log(`verdict metric: ${on.measured.events} history events with it, ${off.measured.events} without (+${on.measured.events - off.measured.events})`);
    });

    for (const [status, verdict] of [['passed', 'Passed'], ['failed', 'Failed']]) {
      test(`a metric that cannot be put (${verdict}) never loses the verdict: it is retried twice, then kept as MetricError`, async () => {
        const denied = { name: 'CloudWatch.CloudWatchException', message: 'not authorized to perform: cloudwatch:PutMetricData' };
        const { output, error, verdict: cause, calls } = await execute({ input: { ReplicationTaskArn: TASK(`NOMETRIC${status}`) }, statuses: [status], faults: { metric: denied } });
        assert.equal(calls.metric.length, 3);
        assert.equal(calls.publish.length, 1, 'the verdict event went out before the metric');
        const taken = verdict === 'Passed' ? output : cause;
        if (verdict === 'Passed') assert.equal(error, undefined);
        else assert.equal(error.name, 'AssessmentFailed');
        assert.equal(taken.Verdict, verdict);
        assert.deepEqual(taken.MetricError, { Error: denied.name, Cause: denied.message });
      });
    }
  });

  test('the verdict names the individual assessments that failed, warned and were skipped', async () => {
    const { verdict } = await execute({ input: { ReplicationTaskArn: TASK('NAMES') }, statuses: ['failed'] });
    assert.deepEqual(verdict.Assessments, {
      Failed: ['mysql-check-binlog-format'],
      Error: [],
      Warning: ['mysql-check-target-privileges'],
      Skipped: [],
    });
    assert.deepEqual(verdict.ResultStatistic, RESULTS.failed.ResultStatistic);
    // The run's own folder, named for it, at the bucket's root (no RESULT_LOCATION_FOLDER).
    assert.equal(verdict.ResultLocation, `s3://dms-assessment-results-123456789012/${verdict.AssessmentRunName}/`);
  });

  test('a run that never ends is cancelled once the maximum wait is spent, and fails as AssessmentTimedOut', async () => {
    const { error, verdict, calls } = await execute({ input: { ReplicationTaskArn: TASK('NEVERENDS') }, statuses: ['running'] });
    const run = dms.runs.at(-1);
    assert.equal(calls.describe.length, MAX_WAIT_SECONDS / POLL_INTERVAL_SECONDS);
    assert.deepEqual(calls.cancel, [{ ReplicationTaskAssessmentRunArn: run.ReplicationTaskAssessmentRunArn }]);
    assert.deepEqual(calls.verdict[0].Payload, { ReplicationTaskAssessmentRunArn: run.ReplicationTaskAssessmentRunArn, TimedOut: true, ReplicationConfigArn: '' });
    assert.equal(calls.publish[0].Entries[0].Detail.Verdict, 'TimedOut');
    assert.equal(error.name, 'AssessmentTimedOut');
    assert.equal(verdict.Verdict, 'TimedOut');
    assert.equal(verdict.Status, 'cancelling');
    assert.equal(verdict.CancelError, undefined);
  });

  test('a cancel that fails still gives the TimedOut verdict, with the cancel error in it', async () => {
    const refused = { name: 'DatabaseMigration.InvalidResourceStateException', message: 'The run is not in progress' };
    const { error, verdict, calls } = await execute({
      input: { ReplicationTaskArn: TASK('NOCANCEL') },
      statuses: ['running'],
      faults: { cancel: refused },
    });
    assert.equal(calls.cancel.length, 1, 'a refusal is not retried');
    assert.equal(error.name, 'AssessmentTimedOut');
    assert.equal(verdict.Verdict, 'TimedOut');
    assert.equal(verdict.CancelError.Error, refused.name);
    assert.equal(verdict.CancelError.Cause, refused.message);
  });

  test('the verdict event: one entry on the default bus, with the verdict as detail and the task and run as resources', async () => {
    const { output, calls } = await execute({ input: { ReplicationTaskArn: TASK('EVENT') } });
    assert.equal(calls.publish.length, 1);
    const { Entries } = calls.publish[0];
    assert.equal(Entries.length, 1);
    const [entry] = Entries;
    assert.deepEqual(Object.keys(entry).sort(), ['Detail', 'DetailType', 'Resources', 'Source'], 'no EventBusName: the default bus');
    assert.equal(entry.Source, 'dms-assessment-run');
    assert.equal(entry.DetailType, 'DMS Premigration Assessment Verdict');
    assert.deepEqual(entry.Detail, output);
    assert.deepEqual(entry.Resources, [TASK('EVENT'), output.ReplicationTaskAssessmentRunArn]);
  });

  test('the event source is the template parameter VerdictEventSource', async () => {
    const { calls } = await execute({ input: { ReplicationTaskArn: TASK('SOURCE') }, values: { VerdictEventSource: 'com.example.migrations' } });
    assert.equal(calls.publish[0].Entries[0].Source, 'com.example.migrations');
  });

  test('with NotificationTopicArn, a short message goes to the topic', async () => {
    const { error, verdict, calls } = await execute({
      input: { ReplicationTaskArn: TASK('NOTIFY') },
      statuses: ['failed'],
      values: { NotificationTopicArn: TOPIC },
    });
    assert.equal(error.name, 'AssessmentFailed');
    assert.equal(calls.notify.length, 1);
    const [message] = calls.notify;
    assert.equal(message.TopicArn, TOPIC);
    assert.equal(message.Subject, 'DMS premigration assessment: Failed');
    assert.ok(message.Subject.length <= 100, 'SNS subjects are at most 100 characters');
    const run = dms.runs.at(-1);
    assert.match(message.Message, new RegExp(`run ${run.AssessmentRunName} of the DMS task ${TASK('NOTIFY')} ended with the verdict Failed\\.`));
    assert.ok(message.Message.includes(run.ReplicationTaskAssessmentRunArn));
    assert.deepEqual(JSON.parse(message.Message.split('The verdict in full:\n')[1]), { ...verdict });
  });

  test("a failed run's verdict, event, message and cause give DMS's reason for each assessment that did not pass", async () => {
    const { error, verdict, calls } = await execute({
      input: { ReplicationTaskArn: TASK('REASONS') },
      statuses: ['failed'],
      values: { NotificationTopicArn: TOPIC },
    });
    assert.equal(error.name, 'AssessmentFailed');
    const run = dms.runs.at(-1);
    assert.equal(run.ResultLocationFolder, run.AssessmentRunName, "the run's own folder, at the bucket's root without a folder asked for");
    const file = (name) => `s3://dms-assessment-results-123456789012/${run.ResultLocationFolder}/${name}.json`;
    const reason = (name, result) => ({ Assessment: name, Result: result, Reason: SENTENCE(name, result), Details: file(name) });
    const expected = [reason('mysql-check-binlog-format', 'failed'), reason('mysql-check-target-privileges', 'warning')];
    assert.deepEqual(verdict.Reasons, expected, 'the cause');
    assert.deepEqual(calls.publish[0].Entries[0].Detail.Reasons, expected, 'the event');
    const message = calls.notify[0].Message;
    const lines = expected.map((r) => `- ${r.Assessment} (${r.Result}): ${r.Reason}\n  ${r.Details}`).join('\n');
    assert.ok(message.includes(`ended with the verdict Failed.\n\nWhy, in DMS's words:\n${lines}\n\nAssessment run: `), message);
    assert.deepEqual(JSON.parse(message.split('The verdict in full:\n')[1]).Reasons, expected);
  });

  test('a run whose summary.json DMS did not write keeps its verdict; the event, message and cause say why there are no reasons', async () => {
    const { error, verdict, calls } = await execute({
      input: { ReplicationTaskArn: TASK('NOSUMMARY') },
      statuses: ['failed'],
      results: { ...RESULTS.failed, summary: null },
      values: { NotificationTopicArn: TOPIC },
    });
    assert.equal(error.name, 'AssessmentFailed');
    assert.deepEqual(verdict.Assessments.Failed, ['mysql-check-binlog-format']);
    assert.equal(verdict.Reasons, undefined);
    assert.match(verdict.ReasonsUnavailable, /^DMS wrote no summary\.json in the run's ResultLocation \(S3: NoSuchKey/);
    assert.equal(calls.publish[0].Entries[0].Detail.ReasonsUnavailable, verdict.ReasonsUnavailable);
    assert.ok(calls.notify[0].Message.includes(`Failed.\n\nNo reasons from DMS: ${verdict.ReasonsUnavailable}\n\nAssessment run: `), calls.notify[0].Message);
  });

  test('a publish that fails after its retries does not lose the verdict: it is the output, with PublishError', async () => {
    const refused = { name: 'EventBridge.FailedEntry', message: 'InternalFailure' };
    const { output, error, calls } = await execute({
      input: { ReplicationTaskArn: TASK('NOPUBLISH') },
      values: { NotificationTopicArn: TOPIC },
      faults: { publish: refused },
    });
    assert.equal(error, undefined, String(error));
    assert.equal(calls.publish.length, 4, 'the first try and three retries');
    assert.equal(output.Verdict, 'Passed');
    assert.deepEqual(output.PublishError, { Error: refused.name, Cause: refused.message });
    assert.equal(calls.notify.length, 1, 'the message still goes out');
  });

  test('a publish that fails with a failing verdict keeps both in the failure', async () => {
    const { error, verdict } = await execute({
      input: { ReplicationTaskArn: TASK('NOPUBLISHFAIL') },
      statuses: ['failed'],
      faults: { publish: { name: 'States.Permissions', message: 'not allowed' } },
    });
    assert.equal(error.name, 'AssessmentFailed');
    assert.equal(verdict.Verdict, 'Failed');
    assert.equal(verdict.PublishError.Error, 'States.Permissions');
  });

  test('a message that cannot be sent is recorded as NotifyError', async () => {
    const { output } = await execute({
      input: { ReplicationTaskArn: TASK('NONOTIFY') },
      values: { NotificationTopicArn: TOPIC },
      faults: { notify: { name: 'SNS.AuthorizationErrorException', message: 'not authorized' } },
    });
    assert.equal(output.Verdict, 'Passed');
    assert.equal(output.NotifyError.Error, 'SNS.AuthorizationErrorException');
  });

  test('the verdict function is retried on DmsUnavailable, ThrottlingException and Lambda service errors', async () => {
    const { output, calls } = await execute({
      input: { ReplicationTaskArn: TASK('VERDICTRETRY') },
      faults: {
        verdict: [
          { name: 'DmsUnavailable', message: 'DMS answered 503' },
          { name: 'ThrottlingException', message: 'Rate exceeded' },
          { name: 'Lambda.TooManyRequestsException', message: 'Rate exceeded' },
        ],
      },
    });
    assert.equal(output.Verdict, 'Passed');
    assert.equal(calls.verdict.length, 4);
  });

  test('a verdict function error that retrying cannot fix fails the execution with its name, and nothing is published', async () => {
    const { error, calls } = await execute({
      input: { ReplicationTaskArn: TASK('VERDICTFAILS') },
      faults: { verdict: [{ name: 'ResourceNotFoundFault', message: 'DMS knows no assessment run' }] },
    });
    assert.equal(error.name, 'ResourceNotFoundFault');
    assert.match(error.message, /knows no assessment run/);
    assert.equal(calls.verdict.length, 1);
    assert.equal(calls.publish.length, 0);
  });

  describe('warnings', () => {
    test('WarningsBlock in the input makes PassedWithWarnings fail, and is not passed to the start function', async () => {
      const { error, verdict, calls } = await execute({
        input: { ReplicationTaskArn: TASK('WARNS'), WarningsBlock: true },
        statuses: ['warning'],
      });
      assert.equal(error.name, 'AssessmentPassedWithWarnings');
      assert.equal(verdict.Verdict, 'PassedWithWarnings');
      assert.equal('WarningsBlock' in calls.start[0].Payload, false);
      assert.equal(calls.publish.length, 1, 'the verdict is published all the same');
    });

    test('the template parameter WarningsBlock is the default; the input overrides it', async () => {
      const blocked = await execute({ input: { ReplicationTaskArn: TASK('WARNS') }, statuses: ['warning'], values: { WarningsBlock: 'true' } });
      assert.equal(blocked.error.name, 'AssessmentPassedWithWarnings');
      const allowed = await execute({
        input: { ReplicationTaskArn: TASK('WARNS'), WarningsBlock: false },
        statuses: ['warning'],
        values: { WarningsBlock: 'true' },
      });
      assert.equal(allowed.error, undefined, String(allowed.error));
      assert.equal(allowed.output.Verdict, 'PassedWithWarnings');
    });

    test('a Passed verdict passes though warnings block', async () => {
      const { output } = await execute({ input: { ReplicationTaskArn: TASK('CLEAN'), WarningsBlock: true } });
      assert.equal(output.Verdict, 'Passed');
    });

    test('a WarningsBlock that is not a boolean fails as InvalidInput before any run starts', async () => {
      const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('WARNS'), WarningsBlock: 'yes' } });
      assert.equal(error.name, 'InvalidInput');
      assert.match(error.message, /WarningsBlock/);
      assert.equal(calls.start.length, 0);
    });
  });

  describe('the gate', () => {
    const on = { StartTaskWhenAllowed: 'true' };

    test('on: waits until the task has left testing, then starts it', async () => {
      const { output, error, calls } = await execute({
        input: { ReplicationTaskArn: TASK('GATE') },
        values: on,
        taskStatuses: ['testing', 'testing', 'stopped'],
      });
      assert.equal(error, undefined, String(error));
      assert.equal(calls.describeTask.length, 3);
      assert.deepEqual(calls.describeTask[0].Filters, [{ Name: 'replication-task-arn', Values: [TASK('GATE')] }]);
      assert.deepEqual(calls.startTask, [{ ReplicationTaskArn: TASK('GATE'), StartReplicationTaskType: 'start-replication' }]);
      assert.equal(output.Verdict, 'Passed');
      assert.deepEqual(output.TaskStarted, { StartReplicationTaskType: 'start-replication', Status: 'starting' });
    });

    test('on: starts the task as StartReplicationTaskType says', async () => {
      const { calls } = await execute({
        input: { ReplicationTaskArn: TASK('GATE') },
        values: { ...on, StartReplicationTaskType: 'resume-processing' },
      });
      assert.equal(calls.startTask[0].StartReplicationTaskType, 'resume-processing');
    });

    test('on: PassedWithWarnings starts the task unless warnings block', async () => {
      const open = await execute({ input: { ReplicationTaskArn: TASK('GATE') }, statuses: ['warning'], values: on });
      assert.equal(open.calls.startTask.length, 1);
      const shut = await execute({ input: { ReplicationTaskArn: TASK('GATE'), WarningsBlock: true }, statuses: ['warning'], values: on });
      assert.equal(shut.error.name, 'AssessmentPassedWithWarnings');
      assert.equal(shut.calls.describeTask.length + shut.calls.startTask.length, 0);
    });

    for (const status of ['failed', 'error-executing']) {
      test(`on: a run that ends ${status} never starts the task`, async () => {
        const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('GATE') }, statuses: [status], values: on });
        assert.match(error.name, /^Assessment/);
        assert.equal(calls.describeTask.length + calls.startTask.length, 0);
      });
    }

    test('on: a run that times out never starts the task', async () => {
      const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('GATE') }, statuses: ['running'], values: on });
      assert.equal(error.name, 'AssessmentTimedOut');
      assert.equal(calls.startTask.length, 0);
    });

    test(`on: a task still testing after ${GATE_CHECKS} checks is not started (TaskNotStarted, TaskStillTesting)`, async () => {
      const { error, verdict, calls } = await execute({ input: { ReplicationTaskArn: TASK('GATE') }, values: on, taskStatuses: ['testing'] });
      assert.equal(error.name, 'TaskNotStarted');
      assert.equal(verdict.Verdict, 'Passed');
      assert.equal(verdict.StartTaskError.Error, 'TaskStillTesting');
      assert.equal(calls.describeTask.length, GATE_CHECKS);
      assert.equal(calls.startTask.length, 0);
    });

    test('on: a start DMS refuses is not retried, and fails as TaskNotStarted with the refusal', async () => {
      const refused = { name: 'DatabaseMigration.InvalidResourceStateException', message: 'The task is running' };
      const { error, verdict, calls } = await execute({ input: { ReplicationTaskArn: TASK('GATE') }, values: on, faults: { startTask: refused } });
      assert.equal(error.name, 'TaskNotStarted');
      assert.deepEqual(verdict.StartTaskError, { Error: refused.name, Cause: refused.message });
      assert.equal(calls.startTask.length, 1);
    });

    test('on: a task DMS does not return is not started (TaskNotFound)', async () => {
      const { error, verdict, calls } = await execute({ input: { ReplicationTaskArn: TASK('GATE') }, values: on, taskStatuses: [null] });
      assert.equal(error.name, 'TaskNotStarted');
      assert.equal(verdict.StartTaskError.Error, 'TaskNotFound');
      assert.equal(calls.startTask.length, 0);
    });
  });

  describe('idempotency', () => {
    test('IdempotencyKey in the input wins over the execution name', async () => {
      const { calls } = await execute({ input: { ReplicationTaskArn: TASK('KEYED'), IdempotencyKey: 'change-4711' }, name: 'exec-other' });
      assert.equal(calls.start[0].Payload.IdempotencyKey, 'change-4711');
    });

    test('a camelCase idempotencyKey wins too, and is not given twice', async () => {
      const { error, calls } = await execute({ input: { replicationTaskArn: TASK('CAMEL'), idempotencyKey: 'change-4712' } });
      assert.equal(error, undefined, String(error));
      assert.deepEqual(calls.start[0].Payload, { replicationTaskArn: TASK('CAMEL'), idempotencyKey: 'change-4712' });
    });

    test('the execution name is the idempotency key: a second execution of the same name starts no second run', async () => {
      const input = { ReplicationTaskArn: TASK('ONCE') };
      const first = await execute({ input, name: 'nightly-2026-11-26' });
      const second = await execute({ input, name: 'nightly-2026-11-26' });
      assert.equal(first.error, undefined, String(first.error));
      assert.equal(second.error, undefined, String(second.error));
      assert.equal(first.calls.start[0].Payload.IdempotencyKey, 'nightly-2026-11-26');
      assert.equal(second.output.ReplicationTaskAssessmentRunArn, first.output.ReplicationTaskAssessmentRunArn);
      assert.equal(dms.runs.filter((r) => r.ReplicationTaskArn === TASK('ONCE')).length, 1);
    });
  });

  test('an EventBridge-started run: the rule\'s input carries the task and the event id, followed to its verdict', async () => {
    const event = JSON.parse(readFileSync(path.join(ROOT, 'events/eventbridge-dms-task-state-change.json'), 'utf8'));
    const input = transformed(event);
    assert.deepEqual(input, { ReplicationTaskArn: event.resources[0], IdempotencyKey: event.id, RecentRunWindowSeconds: 900 });
    // EventBridge names the execution itself; the event id must be what names the run.
    const first = await execute({ input, name: '4d1c6a0e-0b2f-4f71-9d3e-5a1b2c3d4e5f' });
    assert.equal(first.error, undefined, String(first.error));
    assert.deepEqual(first.calls.start[0].Payload, input);
    assert.equal(first.output.Verdict, 'Passed');
    assert.equal(first.output.ReplicationTaskArn, event.resources[0]);
    // The same event delivered again starts a second execution, which finds the first run.
    const again = await execute({ input: transformed(event), name: 'a7e0f3c2-19d4-4b6a-8f0e-2c3b4a5d6e7f' });
    assert.equal(again.output.ReplicationTaskAssessmentRunArn, first.output.ReplicationTaskAssessmentRunArn);
    assert.equal(dms.runs.filter((r) => r.ReplicationTaskArn === event.resources[0]).length, 1);
  });

  test('no event loop: a DMS event that follows a run or a start of this application, within 15 minutes, starts no run (RecentRunExists)', async () => {
    // The events DMS sends for a task: the User Guide's sample (DMS-EVENT-0069, the task started, as the gate's
    // StartReplicationTask would make it) and one of the shape real accounts send; each as a new event.
    const task = TASK('LOOP');
    const first = await execute({ input: { ReplicationTaskArn: task, IdempotencyKey: 'first-event', RecentRunWindowSeconds: 900 } });
    assert.equal(first.error, undefined, String(first.error));
    const run = dms.runs.at(-1);
    // The run DMS just ran: created a minute ago.
    run.ReplicationTaskAssessmentRunCreationDate = Date.now() / 1000 - 60;
    for (const file of ['eventbridge-dms-task-started-user-guide.json', 'eventbridge-dms-task-state-change.json']) {
      const event = JSON.parse(readFileSync(path.join(ROOT, 'events', file), 'utf8'));
      const next = await execute({ input: { ...transformed({ ...event, resources: [task] }), IdempotencyKey: `after-${file}` } });
      assert.equal(next.error?.name, 'RecentRunExists', `${file}: ${next.error}`);
      assert.match(next.error.message, new RegExp(run.ReplicationTaskAssessmentRunArn));
      assert.equal(next.calls.describe.length + next.calls.verdict.length + next.calls.publish.length, 0, 'nothing followed, nothing published');
    }
    assert.equal(dms.runs.filter((r) => r.ReplicationTaskArn === task).length, 1, 'no second run');
    // Once the run is older than the window, the next event assesses the task again.
    run.ReplicationTaskAssessmentRunCreationDate = Date.now() / 1000 - 901;
    const later = await execute({ input: { ReplicationTaskArn: task, IdempotencyKey: 'a-later-event', RecentRunWindowSeconds: 900 } });
    assert.equal(later.error, undefined, String(later.error));
    assert.equal(dms.runs.filter((r) => r.ReplicationTaskArn === task).length, 2);
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
    assert.equal(output.Verdict, 'Passed');
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
    assert.equal(output.Verdict, 'Passed');
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

  test('a run that ends passed without statistics or individual results is NothingAssessed', async () => {
    const { error, verdict } = await execute({ input: { ReplicationTaskArn: TASK('NOSTATS') }, results: { assessments: [] } });
    assert.equal(error.name, 'AssessmentNothingAssessed');
    assert.equal(verdict.ResultStatistic, undefined);
  });

  test('a retryable function error (InvalidResourceStateFault) succeeds on retry', async () => {
    const { output, error, calls } = await execute({ input: { ReplicationTaskArn: TASK('FLAKY') } });
    assert.equal(error, undefined, String(error));
    assert.equal(output.Verdict, 'Passed');
    assert.equal(calls.start.length, 2);
  });

  test('DmsUnavailable (DMS answering 503 past the SDK retries) succeeds on retry', async () => {
    const { output, error, calls } = await execute({ input: { ReplicationTaskArn: TASK('DOWN') } });
    assert.equal(error, undefined, String(error));
    assert.equal(output.Verdict, 'Passed');
    assert.equal(calls.start.length, 2);
  });

  test('a non-retryable function error lands in the failure state with its name and message', async () => {
    const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('MISSING') } });
    assert.equal(error.name, 'ResourceNotFoundFault');
    assert.match(error.message, /Replication task not found/);
    assert.equal(calls.start.length, 1);
    assert.equal(calls.describe.length, 0);
  });

  test('an IncludeOnly name DMS does not list for the task fails as InvalidInput naming it, before any run starts', async () => {
    const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('TYPONAME'), IncludeOnly: ['mysql-check-binlog-formatt'] } });
    assert.equal(error.name, 'InvalidInput');
    assert.match(error.message, /mysql-check-binlog-formatt; the applicable ones are: mysql-check-binlog-format, /);
    assert.equal(dms.runs.filter((r) => r.ReplicationTaskArn === TASK('TYPONAME')).length, 0);
    assert.equal(calls.describe.length, 0);
  });

  test('a task in another Region fails as InvalidInput naming both Regions, before any run starts', async () => {
    const task = 'arn:aws:dms:eu-west-1:123456789012:task:ELSEWHERE';
    const { error } = await execute({ input: { ReplicationTaskArn: task } });
    assert.equal(error.name, 'InvalidInput');
    assert.match(error.message, /is in partition aws, Region eu-west-1, account 123456789012, and the function runs in .*Region us-east-1/);
    assert.equal(dms.runs.filter((r) => r.ReplicationTaskArn === task).length, 0);
  });

  test('invalid input lands in the failure state as InvalidInput', async () => {
    const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('TYPO'), IncludeOnlly: ['x'] } });
    assert.equal(error.name, 'InvalidInput');
    assert.match(error.message, /IncludeOnlly/);
    assert.equal(calls.start.length, 1);
  });
});

// Step Functions' hard limits, which no Catch handles (docs/aws-facts.md): every execution above is measured
// in `execute`; these are the extremes.
describe('limits', () => {
  const template = YAML.parse(readFileSync(path.join(ROOT, 'template.yaml'), 'utf8'), { logLevel: 'silent' });
  // A parameter's range, or the one value the template substitutes when it is not a parameter.
  const range = (name) => {
    if (!(name in template.Parameters)) {
      const fixed = Number(template.Resources.AssessmentStateMachine.Properties.DefinitionSubstitutions[name]);
      assert.ok(Number.isInteger(fixed), `${name}: neither a parameter nor a fixed number`);
      return { min: fixed, max: fixed, default: fixed };
    }
    const { MinValue, MaxValue, Default } = template.Parameters[name];
    return { min: MinValue, max: MaxValue, default: Default };
  };
  const wait = range('MaxWaitSeconds');
  const interval = range('PollIntervalSeconds');
  const asWritten = JSON.parse(readFileSync(DEFINITION_FILE, 'utf8'));
  const states = statesOf(asWritten);
  const next = (state) =>
    [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].filter(Boolean);
  // A state's events, every retry spent (three events each; MaxAttempts defaults to 3).
  const weight = (name) => eventsOfState(states[name]) + 3 * (states[name].Retry ?? []).reduce((n, r) => n + (r.MaxAttempts ?? 3), 0);
  // The heaviest way round the loop through `start`, and every state on some way round.
  const loop = (start) => {
    let heaviest = 0;
    const on = new Set();
    const walk = (name, way) => {
      for (const to of next(states[name])) {
        if (to === start) {
          heaviest = Math.max(heaviest, way.reduce((n, s) => n + weight(s), 0));
          for (const s of way) on.add(s);
        } else if (!way.includes(to)) walk(to, [...way, to]);
      }
    };
    walk(start, [start]);
    return { heaviest, on };
  };

  test('the poll bound, modelled from the definition: at most 1,000 polls and under 80% of 25,000 events for every MaxWaitSeconds and PollIntervalSeconds the template allows', async () => {
    // A task's run and a DMS Serverless run each have their own way round; the heavier counts.
    const loops = [loop('WaitForRun'), loop('WaitForAssessment')];
    const poll = {
      heaviest: Math.max(...loops.map((l) => l.heaviest)),
      on: new Set(loops.flatMap((l) => [...l.on])),
    };
    const gate = loop('WaitForTask');
    const gateChecks = states.CheckGateBudget.Choices[0].NumericGreaterThanEquals;
    // Every other state once, every retry spent, the gate's checks all made, and the execution's start and end.
    const fixed =
      2 + Object.keys(states).filter((s) => !poll.on.has(s)).reduce((n, s) => n + weight(s), 0) + (gateChecks - 1) * gate.heaviest;
    // PrepareRun's own expression, with the template's values bound where SAM substitutes them.
    const text = asWritten.States.PrepareRun.Output.Poll.IntervalSeconds.match(/^\{%(.*)%\}$/s)[1];
    const bound = text.replaceAll("'${PollIntervalSeconds}'", '$P').replaceAll("'${MaxWaitSeconds}'", '$W');
    assert.ok(bound.includes('$P') && bound.includes('$W'), text);
    const expression = jsonata(bound);
    let worst = { events: 0 };
    // Every wait up to 10,000 s (where the shortest interval meets the bound), every 13th beyond, both ends and the default.
    const waits = [wait.default, wait.max];
    for (let w = wait.min; w <= wait.max; w += w < 10_000 ? 1 : 13) waits.push(w);
    for (const i of [interval.min, interval.default, 87, interval.max]) {
      for (const w of waits) {
        const effective = await expression.evaluate(null, { P: String(i), W: String(w) });
        assert.ok(Number.isInteger(effective) && effective >= i, `${w}/${i}: ${effective}`);
        const polls = Math.ceil(w / effective);
        assert.ok(polls <= 1000, `MaxWaitSeconds ${w}, PollIntervalSeconds ${i}: ${polls} polls`);
        const events = polls * poll.heaviest + fixed;
        if (events > worst.events) worst = { events, polls, w, i, effective };
      }
    }
    const share = assertMargin(`history events at MaxWaitSeconds ${worst.w}, PollIntervalSeconds ${worst.i}`, worst.events, HISTORY_EVENTS_LIMIT);
    console.log(
      `poll model: one pass round the loop ${poll.heaviest} events at most (${[...poll.on].join(', ')}); fixed part ${fixed} ` +
        `(gate ${gateChecks} checks of ${gate.heaviest}); worst MaxWaitSeconds ${worst.w}, PollIntervalSeconds ${worst.i}: ` +
        `interval ${worst.effective} s, ${worst.polls} polls, ${worst.events} events (${(share * 100).toFixed(1)}% of ${HISTORY_EVENTS_LIMIT})`,
    );
  });

  test('the longest wait at the shortest interval, for real: a run that never ends is cancelled after at most 1,000 polls, TimedOut is published, and the history stays under 80%', async () => {
    const values = { MaxWaitSeconds: String(wait.max), PollIntervalSeconds: String(interval.min), NotificationTopicArn: TOPIC };
    const { error, verdict, calls, measured } = await execute({ input: { ReplicationTaskArn: TASK('LONGEST') }, statuses: ['running'], values });
    const effective = Math.max(interval.min, Math.ceil(wait.max / 1000));
    assert.equal(calls.describe.length, Math.ceil(wait.max / effective));
    assert.ok(calls.describe.length <= 1000);
    assert.equal(calls.cancel.length, 1);
    assert.equal(calls.verdict[0].Payload.TimedOut, true);
    assert.equal(calls.publish[0].Entries[0].Detail.Verdict, 'TimedOut');
    assert.equal(error.name, 'AssessmentTimedOut');
    assert.equal(verdict.Verdict, 'TimedOut');
    console.log(
      `longest wait: MaxWaitSeconds ${wait.max}, PollIntervalSeconds ${interval.min} -> every ${effective} s, ${calls.describe.length} polls, ` +
        `${measured.events} history events (${((measured.events / HISTORY_EVENTS_LIMIT) * 100).toFixed(1)}%), largest state ${measured.largest} bytes (${measured.largestAt}), cause ${measured.causeChars} characters`,
    );
  });

  describe('hostile inputs: a named error or a verdict, never States.Runtime', () => {
    const ENDINGS = /^(InvalidInput|NoRunStarted|Assessment[A-Za-z]+)$/;
    const ended = ({ output, error }) => {
      if (error) assert.match(error.name, ENDINGS, `${error.name}: ${error.message}`);
      else assert.equal(typeof output.Verdict, 'string');
    };
    const members = ['ReplicationTaskArn', 'IdempotencyKey', 'WarningsBlock', 'DryRun', 'IncludeOnly', 'Exclude', 'Tags', 'ResultLocationFolder', 'AssessmentRunName'];
    const lists = new Set(['IncludeOnly', 'Exclude', 'Tags']);
    for (const member of members) {
      const variants = [
        ['null', null],
        ['a number', 42],
        ['an object', { a: 1 }],
        lists.has(member) ? ['a string', 'x'] : ['an array', ['x']],
        ['absent', undefined],
      ];
      test(`${member} as null, a number, an object, ${lists.has(member) ? 'a string' : 'an array'}, absent`, async () => {
        for (const [what, value] of variants) {
          const input = { ReplicationTaskArn: TASK('HOSTILE') };
          if (value === undefined) delete input[member];
          else input[member] = value;
          const result = await execute({ input });
          ended(result);
          if (result.error?.name === 'InvalidInput') assert.ok(result.error.message.length > 0, `${member} ${what}`);
        }
      });
    }

    for (const [what, input] of [
      ['an array', [{ ReplicationTaskArn: TASK('HOSTILE') }]],
      ['a string', 'arn:aws:dms:us-east-1:123456789012:task:HOSTILE'],
      ['a number', 42],
      ['null', null],
      ['true', true],
    ]) {
      test(`an input that is ${what} fails as InvalidInput before the function is called`, async () => {
        const { error, calls } = await execute({ input });
        assert.equal(error.name, 'InvalidInput');
        assert.match(error.message, /must be a JSON object/);
        assert.equal(calls.start.length, 0);
      });
    }

    for (const member of ['DryRun', 'dryRun']) {
      test(`${member}: true fails as InvalidInput, saying why, before the function is called`, async () => {
        const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('DRY'), [member]: true } });
        assert.equal(error.name, 'InvalidInput');
        assert.match(error.message, /a dry run starts none.*cargo run --bin dms-assessment -- start --dry-run/);
        assert.equal(calls.start.length, 0);
      });
    }

    test('DryRun: false starts the run as usual', async () => {
      const { output, error } = await execute({ input: { ReplicationTaskArn: TASK('NOTDRY'), DryRun: false } });
      assert.equal(error, undefined, String(error));
      assert.equal(output.Verdict, 'Passed');
    });

    test('a function deployed with DRY_RUN=true answers without a run: the execution fails as NoRunStarted', async () => {
      const { error, calls } = await execute({ input: { ReplicationTaskArn: TASK('DRYFUNCTION') }, dryRunFunction: true });
      assert.equal(error.name, 'NoRunStarted');
      assert.match(error.message, /DRY_RUN/);
      assert.equal(calls.start.length, 1);
      assert.equal(calls.describe.length, 0);
    });

    for (const [what, rewrite] of [
      ['a string', () => 'started'],
      ['null', () => null],
      ['a run ARN that is a number', (body) => ({ ...body, ReplicationTaskAssessmentRunArn: 7 })],
      ['no task ARN', ({ ReplicationTaskArn, ...body }) => body],
    ]) {
      test(`an answer that is ${what} fails as NoRunStarted`, async () => {
        const { error } = await execute({ input: { ReplicationTaskArn: TASK('ODDANSWER') }, answer: rewrite });
        assert.equal(error.name, 'NoRunStarted');
      });
    }

    test('an answer without the run name and status is followed, and the message still names the run', async () => {
      const { output, error, calls } = await execute({
        input: { ReplicationTaskArn: TASK('NONAME') },
        values: { NotificationTopicArn: TOPIC },
        answer: ({ AssessmentRunName, Status, AlreadyExisted, ...body }) => body,
      });
      assert.equal(error, undefined, String(error));
      assert.equal(output.Verdict, 'Passed');
      assert.match(calls.notify[0].Message, /^The premigration assessment run  of the DMS task /);
    });

    test('an input of 40,000 bytes fails as InvalidInput, naming the limit and the size, before the function is called', async () => {
      const input = { ReplicationTaskArn: TASK('HUGE'), ResultLocationFolder: 'f'.repeat(40_000 - 100) };
      const { error, calls, measured } = await execute({ input });
      assert.ok(JSON.stringify(input).length >= 39_900);
      assert.equal(error.name, 'InvalidInput');
      assert.match(error.message, /The input is \d+ characters of JSON; the state machine takes at most 32768/);
      assert.equal(calls.start.length, 0);
      console.log(`40,000-byte input: largest state ${measured.largest} bytes (${measured.largestAt}), ${measured.events} events`);
    });
  });

  describe('the largest outputs', () => {
    const LONG = (n) => 'e'.repeat(n);
    // The DMS User Guide's longest list of individual assessments (Oracle sources) has fewer than this.
    const COUNT = 150;
    const failedNames = Array.from({ length: COUNT }, (_, i) => `oracle-check-${String(i).padStart(3, '0')}-`.padEnd(100, 'x'));
    // Each with a sentence longer than the verdict keeps (500 characters), so that the reasons fill their budget.
    const allFailed = {
      ResultStatistic: { Passed: 0, Failed: COUNT, Error: 0, Warning: 0, Cancelled: 0, Skipped: 0 },
      assessments: failedNames.map((n) => [n, 'failed']),
      summary: summaryOf(failedNames.map((n) => [n, 'failed']), () => 'r'.repeat(3000)),
    };
    const report = (measured, what) =>
      console.log(
        `${what}: ${measured.events} events, largest state ${measured.largest} bytes (${measured.largestAt}, ` +
          `${((measured.largest / PAYLOAD_LIMIT_BYTES) * 100).toFixed(1)}%), cause ${measured.causeChars} characters (${((measured.causeChars / CAUSE_LIMIT_CHARS) * 100).toFixed(1)}%)`,
      );

    test(`${COUNT} failed assessments with 100-character names, a 5,000-character LastFailureMessage, and publish and notify failing with 5,000-character messages: AssessmentFailed, every limit under 80%`, async () => {
      const { error, verdict: cause, calls, measured } = await execute({
        input: { ReplicationTaskArn: TASK('MANYFAILED') },
        statuses: ['failed'],
        results: allFailed,
        run: { LastFailureMessage: LONG(5000) },
        values: { NotificationTopicArn: TOPIC },
        faults: { publish: { name: 'EventBridge.FailedEntry', message: LONG(5000) }, notify: { name: 'SNS.InternalErrorException', message: LONG(5000) } },
      });
      assert.equal(error.name, 'AssessmentFailed');
      // The verdict in full, as the state machine tried to publish it.
      const verdict = calls.publish[0].Entries[0].Detail;
      assert.equal(verdict.Assessments.Failed.length, 100);
      assert.deepEqual(verdict.AssessmentsNotListed, { Failed: COUNT - 100, Error: 0, Warning: 0, Skipped: 0 });
      assert.equal(verdict.Assessments.Failed[0], failedNames[0]);
      assert.ok(verdict.LastFailureMessage.length <= 2000);
      // The reasons as many as fit their 16 KiB, each sentence cut to 500 characters, the rest counted.
      const reasons = verdict.Reasons ?? [];
      assert.ok(reasons.length > 5 && reasons.length < COUNT, String(reasons.length));
      assert.equal(reasons.length + verdict.ReasonsNotListed, COUNT);
      assert.ok(reasons.every((r) => r.Reason.length === 500 && r.Reason.endsWith('(3000 characters)')));
      assert.ok(Buffer.byteLength(JSON.stringify(reasons)) <= 16 * 1024);
      assert.ok(
        calls.notify[0].Message.includes(`\n(${reasons.length - 10} more in the verdict event; ${verdict.ReasonsNotListed} more only in the run's summary.json)\n`),
        calls.notify[0].Message.slice(0, 6000),
      );
      // Too long for a cause with every reason and both reports: the short members, the first 10 reasons without
      // their files, and the reports' error names.
      assert.match(cause.CauseShortened, /took \d+ characters/);
      assert.deepEqual(cause.Reasons, reasons.slice(0, 10).map(({ Details, ...rest }) => rest));
      assert.equal(cause.ReasonsNotListed, verdict.ReasonsNotListed);
      assert.deepEqual(cause.PublishError, { Error: 'EventBridge.FailedEntry' });
      assert.deepEqual(cause.NotifyError, { Error: 'SNS.InternalErrorException' });
      report(measured, `${COUNT} failed assessments`);
    });

    test('a run that times out with the same, and the cancel failing with a 5,000-character message too: AssessmentTimedOut, every limit under 80%', async () => {
      const long = { name: 'DatabaseMigration.DatabaseMigrationException', message: LONG(5000) };
      const { error, verdict, measured } = await execute({
        input: { ReplicationTaskArn: TASK('MANYTIMEDOUT') },
        statuses: ['running'],
        results: allFailed,
        run: { LastFailureMessage: LONG(5000) },
        values: { NotificationTopicArn: TOPIC },
        faults: { cancel: long, publish: long, notify: long },
      });
      assert.equal(error.name, 'AssessmentTimedOut');
      assert.equal(verdict.Assessments.Failed.length, 100);
      assert.ok(verdict.CancelError.Cause.length < 2100);
      report(measured, `${COUNT} failed assessments, timed out`);
    });

    test('a verdict too long for a cause (four full lists of the longest names): the cause keeps the short members and says so', async () => {
      const statuses = ['failed', 'error', 'warning', 'skipped'];
      const { error, verdict, calls, measured } = await execute({
        input: { ReplicationTaskArn: TASK('LONGEST') },
        statuses: ['failed'],
        results: {
          assessments: statuses.flatMap((status) => Array.from({ length: 120 }, (_, i) => [`${status}-${String(i).padStart(3, '0')}-`.padEnd(200, 'y'), status])),
        },
        faults: { publish: { name: 'EventBridge.FailedEntry', message: LONG(5000) } },
      });
      assert.equal(error.name, 'AssessmentFailed');
      assert.equal(verdict.Verdict, 'Failed');
      assert.equal(verdict.Assessments, undefined);
      assert.equal(verdict.PublishError.Error, 'EventBridge.FailedEntry');
      assert.match(verdict.CauseShortened, /took \d+ characters/);
      assert.equal(calls.publish[0].Entries[0].Detail.Assessments.Failed.length, 100, 'the event has the verdict in full');
      // The cause keeps the first 10 reasons, without their files; the event has every reason that fits.
      assert.equal(verdict.Reasons.length, 10);
      assert.ok(verdict.Reasons.every((r) => r.Details === undefined && r.Result === 'failed' && r.Reason.startsWith('failed-')), JSON.stringify(verdict.Reasons[0]));
      const published = calls.publish[0].Entries[0].Detail;
      assert.ok(published.Reasons.length > 10 && published.Reasons[0].Details.startsWith('s3://'));
      assert.equal(verdict.ReasonsNotListed, published.ReasonsNotListed);
      assert.equal(published.Reasons.length + published.ReasonsNotListed, 360);
      report(measured, 'four full lists');
    });

    // The most IncludeOnly names that fit in an input at the size limit, and the most Tags DMS allows on a
    // resource (10), each as long as the function allows.
    const fill = (make) => {
      const input = { ReplicationTaskArn: TASK('FULL'), IdempotencyKey: 'full' };
      const list = [];
      for (let i = 0; ; i += 1) {
        const item = make(i);
        if (JSON.stringify({ ...input, list: [...list, item] }).length > 32_768 - 20) return list;
        list.push(item);
      }
    };
    const tag = (i) => ({ Key: `k${i}-`.padEnd(128, 'k'), Value: 'v'.repeat(256) });
    const tags = Array.from({ length: 10 }, (_, i) => tag(i));
    const names = fill((i) => `check-${i}-`.padEnd(100, 'n'));

    for (const [member, list] of [
      ['Tags', tags],
      ['IncludeOnly', names],
    ]) {
      test(`${member}: the ${list.length} allowed in an input run as designed; more are InvalidInput`, async () => {
        const input = { ReplicationTaskArn: TASK('FULL'), [member]: list };
        assert.ok(JSON.stringify(input).length <= 32_768);
        // The names are ones DMS lists for the task, as the function checks.
        if (member === 'IncludeOnly') dms.applicable.push(...list);
        const { output, error, calls, measured } = await execute({ input });
        assert.equal(error, undefined, String(error?.message));
        assert.equal(output.Verdict, 'Passed');
        assert.equal(calls.start[0].Payload[member].length, list.length);
        report(measured, `${list.length} ${member}`);
        if (member === 'Tags') {
          // An eleventh tag: the function refuses it, and no run starts.
          const refused = await execute({ input: { ...input, Tags: [...list, tag(10)] } });
          assert.equal(refused.error.name, 'InvalidInput');
          assert.match(refused.error.message, /Tags has 11 tags; DMS allows at most 10 on a resource/);
          assert.equal(refused.output, undefined);
          return;
        }
        const over = { ...input, [member]: [...list, ...list.slice(0, 2)] };
        const refused = await execute({ input: over });
        assert.equal(refused.error.name, 'InvalidInput');
        assert.equal(refused.calls.start.length, 0);
      });
    }
  });
});

describe('DMS Serverless replication configs', () => {
  const CONFIG = (id) => `arn:aws:dms:us-east-1:123456789012:replication-config:${id}`;
  const input = (id, more = {}) => ({ ReplicationConfigArn: CONFIG(id), StartReplicationType: 'start-replication', WarningsBlock: false, ...more });

  for (const [status, verdict, listed] of [
    ['passed', 'Passed', true],
    ['failed', 'Failed', true],
    ['failed', 'Failed', false],
    ['warning', 'PassedWithWarnings', true],
  ]) {
    test(`a serverless run that ends "${status}" is ${verdict}${listed ? '' : ', its individual assessments unlisted by DMS'}: the same verdict, event and metric as a task's, and no task started`, async () => {
      dms.listServerless.value = listed;
      try {
        const id = `SRV${status.toUpperCase()}${listed ? 'L' : 'U'}`;
        const { output, error, verdict: cause, calls } = await execute({
          input: input(id),
          statuses: ['starting', 'running', status],
          values: { StartTaskWhenAllowed: 'true' },
        });
        const started = dms.startCalls.at(-1);
        assert.equal(started.ReplicationConfigArn, CONFIG(id));
        assert.equal(typeof started.PremigrationAssessmentSettings, 'string', 'the settings go as a JSON string');
        const settings = JSON.parse(started.PremigrationAssessmentSettings);
        assert.equal(settings.FailOnAssessmentFailure, true);
        const run = dms.replications.get(CONFIG(id)).PremigrationAssessmentStatuses.at(-1);
        assert.equal(settings.ResultLocationFolder, run.ResultLocationFolder);
        assert.equal(calls.describe.length, 3);
        assert.deepEqual(calls.verdict[0].Payload, {
          ReplicationTaskAssessmentRunArn: run.PremigrationAssessmentRunArn,
          TimedOut: false,
          ReplicationConfigArn: CONFIG(id),
        });
        const passes = verdict === 'Passed' || verdict === 'PassedWithWarnings';
        const taken = passes ? output : cause;
        if (passes) assert.equal(error, undefined, String(error));
        else assert.equal(error.name, `Assessment${verdict}`);
        assert.equal(taken.Verdict, verdict);
        assert.equal(taken.ReplicationConfigArn, CONFIG(id));
        assert.equal(taken.ReplicationTaskArn, undefined);
        if (status === 'failed') {
          assert.deepEqual(taken.Assessments.Failed, listed ? ['mysql-check-binlog-format'] : []);
          assert.equal(taken.ResultStatistic.Failed, 1, 'the counts hold whether or not the names are listed');
          // The reasons come from the run's summary.json in DMS Serverless's bucket, listed names or not.
          assert.deepEqual(taken.Reasons[0], {
            Assessment: 'mysql-check-binlog-format',
            Result: 'failed',
            Reason: SENTENCE('mysql-check-binlog-format', 'failed'),
            Details: `s3://dms-serverless-premigration-results-abc/${run.ResultLocationFolder}/mysql-check-binlog-format.json`,
          });
        }
        assert.deepEqual(calls.publish[0].Entries[0].Resources, [CONFIG(id), run.PremigrationAssessmentRunArn]);
        assert.deepEqual(calls.publish[0].Entries[0].Detail, taken);
        assert.equal(calls.metric[0].MetricData[0].Dimensions[0].Value, verdict);
        assert.equal(calls.describeTask.length + calls.startTask.length, 0, 'DMS starts the replication itself');
      } finally {
        dms.listServerless.value = true;
      }
    });
  }

  test('a serverless run that never ends is not cancelled (DMS documents no cancel for it) and fails as AssessmentTimedOut', async () => {
    const { error, verdict, calls } = await execute({ input: input('SRVNEVER'), statuses: ['running'] });
    assert.equal(calls.describe.length, MAX_WAIT_SECONDS / POLL_INTERVAL_SECONDS);
    assert.equal(calls.cancel.length, 0);
    assert.equal(calls.verdict[0].Payload.TimedOut, true);
    assert.equal(error.name, 'AssessmentTimedOut');
    assert.equal(verdict.Verdict, 'TimedOut');
  });

  test('the SNS message names the replication config', async () => {
    const { calls } = await execute({ input: input('SRVNOTIFY'), values: { NotificationTopicArn: TOPIC } });
    assert.match(calls.notify[0].Message, /of the DMS replication config arn:aws:dms:us-east-1:123456789012:replication-config:SRVNOTIFY ended with the verdict Passed/);
  });

  test('WarningsBlock true in the input is InvalidInput before anything starts (DMS starts a serverless replication on warnings); the template\'s applies to tasks only', async () => {
    const { error, calls } = await execute({ input: input('SRVBLOCK', { WarningsBlock: true }) });
    assert.equal(error.name, 'InvalidInput');
    assert.match(error.message, /cannot be held on warnings/);
    assert.equal(calls.start.length, 0);
    const { input: given } = { input: input('SRVWARN') };
    delete given.WarningsBlock;
    const { output, error: none } = await execute({ input: given, statuses: ['warning'], values: { WarningsBlock: 'true' } });
    assert.equal(none, undefined, String(none));
    assert.equal(output.Verdict, 'PassedWithWarnings');
  });

  test('the longest wait at the shortest interval, for real: a serverless run that never ends is followed to TimedOut with the history under 80%', async () => {
    const template = YAML.parse(readFileSync(path.join(ROOT, 'template.yaml'), 'utf8'), { logLevel: 'silent' });
    // A parameter's bound, or the one value the template substitutes when it is not a parameter.
    const bound = (name, which) =>
      template.Parameters[name]?.[which] ?? Number(template.Resources.AssessmentStateMachine.Properties.DefinitionSubstitutions[name]);
    const wait = bound('MaxWaitSeconds', 'MaxValue');
    const interval = bound('PollIntervalSeconds', 'MinValue');
    const values = { MaxWaitSeconds: String(wait), PollIntervalSeconds: String(interval), NotificationTopicArn: TOPIC };
    const { error, calls, measured } = await execute({ input: input('SRVLONGEST'), statuses: ['running'], values });
    assert.ok(calls.describe.length <= 1000);
    assert.equal(error.name, 'AssessmentTimedOut');
    console.log(
      `longest serverless wait: ${calls.describe.length} polls, ${measured.events} history events ` +
        `(${((measured.events / HISTORY_EVENTS_LIMIT) * 100).toFixed(1)}%), largest state ${measured.largest} bytes (${measured.largestAt})`,
    );
  });
});
