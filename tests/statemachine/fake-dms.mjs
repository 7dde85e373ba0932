// A loopback stand-in for DMS's JSON 1.1 API: StartReplicationTaskAssessmentRun,
// DescribeReplicationTaskAssessmentRuns, DescribeReplicationTaskIndividualAssessments,
// DescribeApplicableIndividualAssessments, and DMS Serverless's StartReplication and DescribeReplications, with runs and
// their individual assessments kept in memory (the tests set them) and faults on cue by task id.
import http from 'node:http';

const PREFIX = 'AmazonDMSv20160101.';

// Task ids that misbehave: each entry is the answers given to the first calls, in order.
const SCRIPTED_FAULTS = {
  FLAKY: [[400, 'InvalidResourceStateFault', 'The task is still being created']],
  DOWN: [
    [503, 'ServiceUnavailable', 'Service unavailable'],
    [503, 'ServiceUnavailable', 'Service unavailable'],
    [503, 'ServiceUnavailable', 'Service unavailable'],
  ],
};
const ALWAYS = { MISSING: [400, 'ResourceNotFoundFault', 'Replication task not found'] };

export async function startFakeDms() {
  const runs = [];
  // Run ARN → [{ IndividualAssessmentName, Status }], as the tests play them.
  const individualAssessments = new Map();
  const startCalls = [];
  // What DescribeApplicableIndividualAssessments lists for every task; a test may add names.
  const applicable = ['mysql-check-binlog-format', 'mysql-check-server-id', 'mysql-check-target-privileges', 'mysql-check-lob-size'];
  const callsByTask = new Map();
  // Replication config ARN → its replication (Status, PremigrationAssessmentStatuses), as DMS Serverless keeps it.
  const replications = new Map();
  const listServerless = { value: true };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const target = (req.headers['x-amz-target'] ?? '').replace(PREFIX, '');
      const input = JSON.parse(body || '{}');
      const send = (status, payload) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      const fault = ([status, code, message]) => send(status, { __type: code, message });

      if (target === 'StartReplicationTaskAssessmentRun') {
        startCalls.push(input);
        const taskId = input.ReplicationTaskArn.split(':task:')[1];
        const seen = callsByTask.get(taskId) ?? 0;
        callsByTask.set(taskId, seen + 1);
        if (ALWAYS[taskId]) return fault(ALWAYS[taskId]);
        const scripted = SCRIPTED_FAULTS[taskId]?.[seen];
        if (scripted) return fault(scripted);
        if (runs.some((r) => r.ReplicationTaskArn === input.ReplicationTaskArn && r.AssessmentRunName === input.AssessmentRunName)) {
          return fault([400, 'ResourceAlreadyExistsFault', 'An assessment run with this name already exists']);
        }
        const run = {
          ReplicationTaskAssessmentRunArn: `arn:aws:dms:us-east-1:123456789012:assessment-run:RUN${runs.length + 1}${taskId}`,
          ReplicationTaskArn: input.ReplicationTaskArn,
          Status: 'starting',
          ReplicationTaskAssessmentRunCreationDate: 1764175200.123,
          ServiceAccessRoleArn: input.ServiceAccessRoleArn,
          ResultLocationBucket: input.ResultLocationBucket,
          ResultLocationFolder: input.ResultLocationFolder,
          ResultEncryptionMode: input.ResultEncryptionMode,
          AssessmentRunName: input.AssessmentRunName,
          IsLatestTaskAssessmentRun: true,
        };
        runs.push(run);
        return send(200, { ReplicationTaskAssessmentRun: run });
      }
      // DMS Serverless: StartReplication starts the replication with its assessment, whose settings
      // arrive as a JSON string (API reference, StartReplication); DescribeReplications reports it.
      if (target === 'StartReplication') {
        startCalls.push(input);
        if (typeof input.PremigrationAssessmentSettings !== 'string') {
          return fault([400, 'InvalidParameterValueException', 'PremigrationAssessmentSettings must be a string']);
        }
        const settings = JSON.parse(input.PremigrationAssessmentSettings);
        const config = input.ReplicationConfigArn;
        const replication = replications.get(config) ?? { ReplicationConfigArn: config, PremigrationAssessmentStatuses: [] };
        replication.Status = 'starting';
        replication.StartReplicationType = input.StartReplicationType;
        const status = {
          PremigrationAssessmentRunArn: `arn:aws:dms:us-east-1:123456789012:assessment-run:SRV${replications.size + 1}${replication.PremigrationAssessmentStatuses.length + 1}`,
          Status: 'starting',
          PremigrationAssessmentRunCreationDate: 1764175200.123,
          FailOnAssessmentFailure: settings.FailOnAssessmentFailure,
          ResultLocationBucket: 'dms-serverless-premigration-results-abc',
          ResultLocationFolder: settings.ResultLocationFolder,
          ResultEncryptionMode: settings.ResultEncryptionMode,
        };
        replication.PremigrationAssessmentStatuses.push(status);
        replications.set(config, replication);
        return send(200, { Replication: replication });
      }
      if (target === 'DescribeReplications') {
        const byConfig = (input.Filters ?? []).find((f) => f.Name === 'replication-config-arn');
        const matching = [...replications.values()].filter((r) => !byConfig || byConfig.Values.includes(r.ReplicationConfigArn));
        return send(200, { Replications: matching });
      }
      const byRun = (input.Filters ?? []).find((f) => f.Name === 'replication-task-assessment-run-arn');
      if (target === 'DescribeReplicationTaskAssessmentRuns') {
        const byTask = (input.Filters ?? []).find((f) => f.Name === 'replication-task-arn');
        const matching = runs.filter(
          (r) =>
            (!byTask || byTask.Values.includes(r.ReplicationTaskArn)) &&
            (!byRun || byRun.Values.includes(r.ReplicationTaskAssessmentRunArn)),
        );
        return send(200, { ReplicationTaskAssessmentRuns: matching });
      }
      if (target === 'DescribeReplicationTaskIndividualAssessments') {
        // Whether DMS lists a serverless run's individual assessments here is not documented: the tests play both.
        const serverless = [...replications.values()]
          .flatMap((r) => r.PremigrationAssessmentStatuses)
          .map((s) => ({ ReplicationTaskAssessmentRunArn: s.PremigrationAssessmentRunArn }));
        const listed = [...runs, ...(listServerless.value ? serverless : [])]
          .filter((r) => !byRun || byRun.Values.includes(r.ReplicationTaskAssessmentRunArn))
          .flatMap((r) =>
            (individualAssessments.get(r.ReplicationTaskAssessmentRunArn) ?? []).map((a, i) => ({
              ReplicationTaskIndividualAssessmentArn: `${r.ReplicationTaskAssessmentRunArn}:individual:${i}`,
              ReplicationTaskAssessmentRunArn: r.ReplicationTaskAssessmentRunArn,
              ...a,
            })),
          );
        return send(200, { ReplicationTaskIndividualAssessments: listed });
      }
      if (target === 'DescribeApplicableIndividualAssessments') {
        // Every name the tests give in IncludeOnly or Exclude is one DMS lists, unless a test says otherwise.
        return send(200, { IndividualAssessmentNames: applicable });
      }
      return fault([400, 'InvalidAction', `unexpected target ${target}`]);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    runs,
    individualAssessments,
    startCalls,
    applicable,
    replications,
    listServerless,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
