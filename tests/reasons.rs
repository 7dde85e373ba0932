//! The verdict's reasons, read from the run's `summary.json`: the handler with a mocked DMS and a
//! local S3 (moto's server) holding the files, present, missing, of another run, oversized and
//! garbled; a loopback S3 that denies or never answers, as S3 says it on the wire; and the built
//! binary through the Lambda Runtime API. The parser itself is unit-tested in src/reasons.rs.

mod common;

use std::time::Duration;

use aws_sdk_databasemigration::operation::describe_replication_task_assessment_runs::DescribeReplicationTaskAssessmentRunsOutput;
use aws_sdk_databasemigration::operation::describe_replication_task_individual_assessments::DescribeReplicationTaskIndividualAssessmentsOutput;
use aws_sdk_databasemigration::primitives::DateTime;
use aws_sdk_databasemigration::types::{
    ReplicationTaskAssessmentRun, ReplicationTaskAssessmentRunResultStatistic,
    ReplicationTaskIndividualAssessment,
};
use aws_sdk_databasemigration::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use common::local_s3::{s3_at, LocalS3};
use common::loopback::{dms_json, DESCRIBE, DESCRIBE_INDIVIDUAL};
use common::runtime_api::RuntimeApi;
use common::*;
use dms_assessment_run::reasons::{MAX_SUMMARY_BYTES, MAX_UNAVAILABLE_CHARS};
use dms_assessment_run::verdict::VerdictApp;
use serde_json::{json, Value};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NAME: &str = "assessment-aaaabbbb0ccccddddeeeee1ffff2ggg3ffffff3-20261206t120000z-1a2b3c4d";
/// The run's own folder, as the start function makes it.
fn folder() -> String {
    format!("nightly/{NAME}")
}
fn summary_key() -> String {
    format!("{}/summary.json", folder())
}
/// The run's creation: 2026-01-01T00:00:00Z, before any file the tests write.
const CREATED: i64 = 1_767_225_600;

fn failed_summary() -> Vec<u8> {
    common::result_file("summary-failed.json")
}

fn the_run(
    status: &str,
) -> aws_sdk_databasemigration::types::builders::ReplicationTaskAssessmentRunBuilder {
    run_described(TASK, NAME, RUN_ARN, status)
        .result_location_bucket(BUCKET)
        .result_location_folder(folder())
        .replication_task_assessment_run_creation_date(DateTime::from_secs(CREATED))
        .result_statistic(
            ReplicationTaskAssessmentRunResultStatistic::builder()
                .passed(1)
                .failed(1)
                .error(1)
                .warning(1)
                .build(),
        )
}

fn describes(run: ReplicationTaskAssessmentRun) -> Rule {
    mock!(Client::describe_replication_task_assessment_runs).then_output(move || {
        DescribeReplicationTaskAssessmentRunsOutput::builder()
            .replication_task_assessment_runs(run.clone())
            .build()
    })
}

fn lists() -> Rule {
    let assessment = |name: &str, status: &str| {
        ReplicationTaskIndividualAssessment::builder()
            .individual_assessment_name(name)
            .replication_task_assessment_run_arn(RUN_ARN)
            .status(status)
            .build()
    };
    mock!(Client::describe_replication_task_individual_assessments).then_output(move || {
        DescribeReplicationTaskIndividualAssessmentsOutput::builder()
            .replication_task_individual_assessments(assessment(
                "mysql-check-binlog-format",
                "failed",
            ))
            .replication_task_individual_assessments(assessment("mysql-check-server-id", "error"))
            .replication_task_individual_assessments(assessment("mysql-check-lob-size", "warning"))
            .replication_task_individual_assessments(assessment(
                "mysql-check-target-privileges",
                "passed",
            ))
            .build()
    })
}

/// The verdict of `run` with DMS mocked and S3 at `s3`.
async fn verdict_of(run: ReplicationTaskAssessmentRun, s3: aws_sdk_s3::Client) -> Value {
    let (described, listed) = (describes(run), lists());
    let dms = mock_client!(
        aws_sdk_databasemigration,
        RuleMode::MatchAny,
        [&described, &listed]
    );
    let app = VerdictApp::new(dms, s3);
    let output = app
        .handle(invocation(
            json!({"ReplicationTaskAssessmentRunArn": RUN_ARN}),
        ))
        .await
        .expect("a verdict");
    serde_json::to_value(output).unwrap()
}

fn unavailable(verdict: &Value) -> &str {
    verdict["ReasonsUnavailable"]
        .as_str()
        .unwrap_or_else(|| panic!("no ReasonsUnavailable: {verdict}"))
}

/// What every verdict without reasons keeps: the verdict as it would be without them.
fn assert_same_verdict(verdict: &Value) {
    assert_eq!(verdict["Verdict"], "Failed", "{verdict}");
    assert_eq!(
        verdict["Assessments"]["Failed"],
        json!(["mysql-check-binlog-format"])
    );
    assert_eq!(
        verdict["Assessments"]["Error"],
        json!(["mysql-check-server-id"])
    );
    assert!(verdict.get("Reasons").is_none(), "{verdict}");
    let why = unavailable(verdict);
    assert!(why.chars().count() <= MAX_UNAVAILABLE_CHARS, "{why}");
    assert_plain(why);
}

#[tokio::test]
async fn a_failed_run_says_why_in_dmss_words_from_its_summary() {
    let s3 = LocalS3::start().await;
    s3.bucket(BUCKET).await;
    s3.put(BUCKET, &summary_key(), failed_summary()).await;
    let verdict = verdict_of(the_run("failed").build(), s3.client.clone()).await;
    assert_eq!(verdict["Verdict"], "Failed");
    let file = |name: &str| format!("s3://{BUCKET}/{}/{name}.json", folder());
    assert_eq!(
        verdict["Reasons"],
        json!([
            {"Assessment": "mysql-check-binlog-format", "Result": "failed",
             "Reason": "The binlog_format parameter of the source is MIXED; change data capture needs ROW",
             "Details": file("mysql-check-binlog-format")},
            {"Assessment": "mysql-check-server-id", "Result": "error",
             "Reason": "The server_id parameter could not be read from the source",
             "Details": file("mysql-check-server-id")},
            {"Assessment": "mysql-check-lob-size", "Result": "warning",
             "Reason": "2 tables have LOB columns larger than the task's LOB size limit",
             "Details": file("mysql-check-lob-size")}
        ])
    );
    assert!(verdict.get("ReasonsUnavailable").is_none());
    assert!(verdict.get("ReasonsNotListed").is_none());
}

#[tokio::test]
async fn a_summary_that_lists_nothing_failing_says_so_and_keeps_the_verdict() {
    let s3 = LocalS3::start().await;
    s3.bucket(BUCKET).await;
    let published = common::result_file("summary-published.json");
    s3.put(BUCKET, &summary_key(), published).await;
    let verdict = verdict_of(the_run("failed").build(), s3.client.clone()).await;
    assert_eq!(
        verdict["Verdict"], "Failed",
        "the reasons never change the verdict"
    );
    // The one public sample lists a passed assessment only.
    assert!(verdict.get("Reasons").is_none(), "{verdict}");
    assert_eq!(
        unavailable(&verdict),
        "summary.json lists no assessment that failed, erred or warned"
    );
}

#[tokio::test]
async fn every_failed_read_on_a_local_s3_keeps_the_verdict_and_says_why() {
    let s3 = LocalS3::start().await;
    s3.bucket(BUCKET).await;
    // No file.
    let verdict = verdict_of(the_run("failed").build(), s3.client.clone()).await;
    assert_same_verdict(&verdict);
    assert_eq!(
        unavailable(&verdict),
        "DMS wrote no summary.json in the run's ResultLocation (S3: NoSuchKey: The specified key does not exist.)"
    );

    // No bucket.
    let run = the_run("failed")
        .result_location_bucket("no-such-bucket-here")
        .build();
    let verdict = verdict_of(run, s3.client.clone()).await;
    assert_same_verdict(&verdict);
    assert!(
        unavailable(&verdict)
            .starts_with("the bucket of the run's ResultLocation does not exist (S3: NoSuchBucket"),
        "{verdict}"
    );

    // Not the summary DMS writes.
    s3.put(BUCKET, &summary_key(), "<html>Service Unavailable</html>")
        .await;
    let verdict = verdict_of(the_run("failed").build(), s3.client.clone()).await;
    assert_same_verdict(&verdict);
    assert_eq!(
        unavailable(&verdict),
        "summary.json is not the summary DMS writes: it is not JSON (line 1, column 1)"
    );
    s3.put(
        BUCKET,
        &summary_key(),
        r#"{"summary": {"failed": [{"name": 1}]}}"#,
    )
    .await;
    let verdict = verdict_of(the_run("failed").build(), s3.client.clone()).await;
    assert_same_verdict(&verdict);
    assert!(unavailable(&verdict).ends_with("entry 0 of its `summary.failed` has no `test-name`"));

    // Larger than is read.
    let mut big = failed_summary();
    big.resize(MAX_SUMMARY_BYTES as usize + 1, b' ');
    s3.put(BUCKET, &summary_key(), big).await;
    let verdict = verdict_of(the_run("failed").build(), s3.client.clone()).await;
    assert_same_verdict(&verdict);
    assert_eq!(
        unavailable(&verdict),
        "summary.json has more than the 1048576 bytes read (1048577 bytes or more)"
    );

    // Written before the run was created: another run's.
    s3.put(BUCKET, &summary_key(), failed_summary()).await;
    let later = DateTime::from_secs(4_102_444_800); // 2100-01-01
    let run = the_run("failed")
        .replication_task_assessment_run_creation_date(later)
        .build();
    let verdict = verdict_of(run, s3.client.clone()).await;
    assert_same_verdict(&verdict);
    assert!(
        unavailable(&verdict)
            .contains("before this run was created at 2100-01-01T00:00:00Z: it is another run's"),
        "{verdict}"
    );
}

#[tokio::test]
async fn a_folder_not_named_for_the_run_is_not_read() {
    let s3 = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&s3)
        .await;
    let run = the_run("failed").result_location_folder("nightly").build();
    let verdict = verdict_of(run, s3_at(&s3.uri())).await;
    assert_same_verdict(&verdict);
    assert_eq!(
        unavailable(&verdict),
        format!(
            "the run's folder is not named for the run (`{NAME}`), so summary.json there may be another \
             run's; the start function gives each run it starts a folder of its own"
        )
    );
}

#[tokio::test]
async fn a_run_named_with_a_trailing_slash_is_read_in_its_own_folder() {
    let s3 = LocalS3::start().await;
    s3.bucket(BUCKET).await;
    s3.put(BUCKET, "nightly/cutover/summary.json", failed_summary())
        .await;
    // The start function sends `nightly/cutover/` for the name `cutover/`.
    let run = the_run("failed")
        .assessment_run_name("cutover/")
        .result_location_folder("nightly/cutover/")
        .build();
    let verdict = verdict_of(run, s3.client.clone()).await;
    assert_eq!(
        verdict["Reasons"].as_array().map(Vec::len),
        Some(3),
        "{verdict}"
    );
}

#[tokio::test]
async fn a_passed_timed_out_cancelled_or_unfinished_run_reads_nothing() {
    let s3 = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&s3)
        .await;
    let clean = ReplicationTaskAssessmentRunResultStatistic::builder()
        .passed(3)
        .build();
    for (status, payload, expected) in [
        (
            "passed",
            json!({"ReplicationTaskAssessmentRunArn": RUN_ARN}),
            "Passed",
        ),
        (
            "running",
            json!({"ReplicationTaskAssessmentRunArn": RUN_ARN, "TimedOut": true}),
            "TimedOut",
        ),
        (
            "cancelling",
            json!({"ReplicationTaskAssessmentRunArn": RUN_ARN}),
            "Cancelled",
        ),
        // Errored because it has not ended: it has written no summary yet.
        (
            "running",
            json!({"ReplicationTaskAssessmentRunArn": RUN_ARN}),
            "Errored",
        ),
    ] {
        let described = describes(the_run(status).result_statistic(clean.clone()).build());
        let none = mock!(Client::describe_replication_task_individual_assessments)
            .then_output(|| DescribeReplicationTaskIndividualAssessmentsOutput::builder().build());
        let dms = mock_client!(
            aws_sdk_databasemigration,
            RuleMode::MatchAny,
            [&described, &none]
        );
        let output = VerdictApp::new(dms, s3_at(&s3.uri()))
            .handle(invocation(payload))
            .await
            .unwrap();
        let output = serde_json::to_value(output).unwrap();
        assert_eq!(output["Verdict"], expected);
        assert!(output.get("Reasons").is_none() && output.get("ReasonsUnavailable").is_none());
    }
}

// ---------------------------------------------------------------------------------------------
// A loopback S3 that denies or never answers, as S3 answers on the wire

/// S3's error document (S3 API reference, "Error responses": `<Error><Code>…</Code><Message>…`).
fn s3_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("content-type", "application/xml").set_body_string(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>\
         <RequestId>4442587FB7D0A2F9</RequestId><HostId>host</HostId></Error>"
    ))
}

#[tokio::test]
async fn a_denied_read_keeps_the_verdict_and_names_what_the_role_may_lack() {
    let s3 = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(s3_error(403, "AccessDenied", "Access Denied"))
        .mount(&s3)
        .await;
    let verdict = verdict_of(the_run("failed").build(), s3_at(&s3.uri())).await;
    assert_same_verdict(&verdict);
    assert_eq!(
        unavailable(&verdict),
        "reading summary.json was denied: the function's role may read only the stack's results bucket \
         (where a file that does not exist is NoSuchKey), and decrypt only with the key the stack was \
         given (S3: AccessDenied: Access Denied)"
    );

    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let run = the_run("failed")
        .result_encryption_mode("SSE_KMS")
        .result_kms_key_arn(key)
        .build();
    let verdict = verdict_of(run, s3_at(&s3.uri())).await;
    assert_same_verdict(&verdict);
    assert!(
        unavailable(&verdict).contains(&format!(
            ", and the results are encrypted with the KMS key {key}: reading them needs kms:Decrypt on it \
             (S3: AccessDenied: Access Denied)"
        )),
        "{verdict}"
    );
    // The request was the run's summary, path-style on a local endpoint.
    let requests = s3.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.path(),
        format!("/{BUCKET}/{}", summary_key())
    );
}

#[tokio::test]
async fn an_s3_that_never_answers_is_given_up_before_the_deadline() {
    let s3 = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .mount(&s3)
        .await;
    let started = std::time::Instant::now();
    let verdict = verdict_of(the_run("failed").build(), s3_at(&s3.uri())).await;
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert_same_verdict(&verdict);
    assert!(
        unavailable(&verdict).starts_with("S3 did not answer within 5.0 s for summary.json"),
        "{verdict}"
    );
}

// ---------------------------------------------------------------------------------------------
// The built binary, with moto as its S3

#[tokio::test]
async fn the_binary_gives_the_reasons_in_its_answer_and_its_verdict_line() {
    let s3 = LocalS3::start().await;
    s3.bucket(BUCKET).await;
    s3.put(BUCKET, &summary_key(), failed_summary()).await;
    let dms = MockServer::start().await;
    let mut run = run_json(TASK, NAME, RUN_ARN);
    run["Status"] = json!("failed");
    run["ResultLocationFolder"] = json!(folder());
    run["ReplicationTaskAssessmentRunCreationDate"] = json!(CREATED);
    Mock::given(header("x-amz-target", DESCRIBE))
        .respond_with(dms_json(json!({"ReplicationTaskAssessmentRuns": [run]})))
        .mount(&dms)
        .await;
    Mock::given(header("x-amz-target", DESCRIBE_INDIVIDUAL))
        .respond_with(dms_json(json!({"ReplicationTaskIndividualAssessments": [
            {"IndividualAssessmentName": "mysql-check-binlog-format", "Status": "failed",
             "ReplicationTaskAssessmentRunArn": RUN_ARN}]})))
        .mount(&dms)
        .await;
    let runtime = RuntimeApi::start(
        vec![serde_json::to_vec(&json!({"ReplicationTaskAssessmentRunArn": RUN_ARN})).unwrap()],
        1,
    )
    .await;
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_dms-assessment-verdict"));
    binary::lambda_environment(
        &mut command,
        "dms-assessment-verdict",
        &runtime,
        &dms.uri(),
        "INFO",
    )
    .env("AWS_ENDPOINT_URL_S3", &s3.url);
    let function = binary::Function::spawn(command);
    runtime.answers(1).await;
    let logs = function.stop().await;
    let answer = runtime.answer(0);
    assert_eq!(answer.body["Verdict"], "Failed", "{:?}", answer.body);
    assert_eq!(
        answer.body["Reasons"][0]["Assessment"],
        "mysql-check-binlog-format"
    );
    assert_eq!(answer.body["Reasons"].as_array().unwrap().len(), 3);
    let line = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line["outcome"] == "verdict")
        .unwrap_or_else(|| panic!("no verdict line:\n{logs}"));
    assert_eq!(
        line["why"],
        "mysql-check-binlog-format: The binlog_format parameter of the source is MIXED; change data capture \
         needs ROW | mysql-check-server-id: The server_id parameter could not be read from the source | \
         mysql-check-lob-size: 2 tables have LOB columns larger than the task's LOB size limit"
    );
    assert_eq!(line["reasons_unavailable"], "");
}
