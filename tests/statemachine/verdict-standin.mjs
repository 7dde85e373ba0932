// Stands in for the verdict function (`dms-assessment-verdict`) in the state machine's tests, so that they do
// not need its binary: the verdict rules of its interface, computed from what the fake DMS answers to the two
// calls the function makes. Replace `verdictFunction(dmsUrl)` by an invoke of the real function (as
// function-host.mjs does for the assessment-run function) and the tests stay as they are.

const PREFIX = 'AmazonDMSv20160101.';
const RUN_ARN = /^arn:aws[a-z-]*:dms:[a-z0-9-]+:[0-9]{12}:assessment-run:[A-Za-z0-9-]+$/;
const MEMBERS = { ReplicationTaskAssessmentRunArn: 'replicationTaskAssessmentRunArn', TimedOut: 'timedOut' };
const IN_PROGRESS = ['starting', 'provisioning', 'running'];
const KNOWN_ENDS = ['passed', 'warning', 'failed'];

function fault(name, message) {
  return Object.assign(new Error(message), { name });
}

/** `async (payload) => verdict`, throwing errors named as the function's `errorType`. */
export function verdictFunction(dmsUrl) {
  const call = async (operation, body) => {
    const response = await fetch(dmsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': PREFIX + operation },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status !== 200) throw fault(response.status >= 500 ? 'DmsUnavailable' : answer.__type, answer.message);
    return answer;
  };

  return async (payload) => {
    const { arn, timedOut } = parse(payload);
    const filters = [{ Name: 'replication-task-assessment-run-arn', Values: [arn] }];
    const [run] = (await call('DescribeReplicationTaskAssessmentRuns', { Filters: filters })).ReplicationTaskAssessmentRuns;
    if (!run) throw fault('ResourceNotFoundFault', `DMS knows no assessment run ${arn}`);
    const individual = (await call('DescribeReplicationTaskIndividualAssessments', { Filters: filters }))
      .ReplicationTaskIndividualAssessments;
    return verdictOf(run, individual, timedOut);
  };
}

function parse(payload) {
  const given = Object.keys(payload ?? {});
  const unknown = given.filter((k) => !Object.entries(MEMBERS).some(([pascal, camel]) => k === pascal || k === camel));
  if (unknown.length) throw fault('InvalidInput', `unknown member ${unknown.join(', ')}`);
  const arn = payload.ReplicationTaskAssessmentRunArn ?? payload.replicationTaskAssessmentRunArn;
  if (typeof arn !== 'string' || !RUN_ARN.test(arn)) throw fault('InvalidInput', 'ReplicationTaskAssessmentRunArn must be a DMS assessment-run ARN');
  const timedOut = payload.TimedOut ?? payload.timedOut ?? false;
  if (typeof timedOut !== 'boolean') throw fault('InvalidInput', 'TimedOut must be true or false');
  return { arn, timedOut };
}

/** The interface's rules, in order. */
export function verdictOf(run, individual, timedOut) {
  const statistic = run.ResultStatistic ?? {};
  const named = (status) => individual.filter((a) => a.Status === status).map((a) => a.IndividualAssessmentName);
  const assessments = { Failed: named('failed'), Error: named('error'), Warning: named('warning'), Skipped: named('skipped') };
  const passed = (statistic.Passed ?? 0) > 0 || named('passed').length > 0;
  const warned = (statistic.Warning ?? 0) > 0 || assessments.Warning.length > 0;
  const status = run.Status;
  let verdict;
  let message;
  if (timedOut) verdict = 'TimedOut';
  else if (status === 'cancelling' || status === 'deleting') verdict = 'Cancelled';
  else if ((statistic.Failed ?? 0) > 0 || assessments.Failed.length) verdict = 'Failed';
  else if ((statistic.Error ?? 0) > 0 || assessments.Error.length) verdict = 'Errored';
  else if (IN_PROGRESS.includes(status)) [verdict, message] = ['Errored', `the run has not ended (status ${status})`];
  else if (!KNOWN_ENDS.includes(status)) [verdict, message] = ['Errored', `the run ended with status ${status}`];
  else if (!passed && !warned) verdict = 'NothingAssessed';
  else if (warned) verdict = 'PassedWithWarnings';
  else verdict = 'Passed';

  const folder = run.ResultLocationFolder ? `${run.ResultLocationFolder.replace(/\/$/, '')}/` : '';
  const output = {
    Verdict: verdict,
    Message: message,
    Status: status,
    ReplicationTaskAssessmentRunArn: run.ReplicationTaskAssessmentRunArn,
    ReplicationTaskArn: run.ReplicationTaskArn,
    AssessmentRunName: run.AssessmentRunName,
    ResultStatistic: run.ResultStatistic,
    Assessments: assessments,
    ResultLocation: run.ResultLocationBucket ? `s3://${run.ResultLocationBucket}/${folder}` : undefined,
    LastFailureMessage: run.LastFailureMessage,
  };
  // Members without a value are left out.
  return Object.fromEntries(Object.entries(output).filter(([, v]) => v !== undefined));
}
