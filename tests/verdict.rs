//! The verdict function in tiers: the handler with a mocked SDK client, the real client against a
//! loopback DMS, and the built `dms-assessment-verdict` binary through the Lambda Runtime API.
//! The judgement itself is unit-tested in src/verdict.rs.

mod common;

use std::time::{Duration, Instant};

use aws_sdk_databasemigration::operation::describe_replication_task_assessment_runs::DescribeReplicationTaskAssessmentRunsOutput;
use aws_sdk_databasemigration::operation::describe_replication_task_individual_assessments::DescribeReplicationTaskIndividualAssessmentsOutput;
use aws_sdk_databasemigration::types::{
    ReplicationTaskAssessmentRun, ReplicationTaskAssessmentRunResultStatistic,
    ReplicationTaskIndividualAssessment,
};
use aws_sdk_databasemigration::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use common::local_s3::unreachable_s3;
use common::loopback::{client_for, dms_fault, dms_json, DESCRIBE, DESCRIBE_INDIVIDUAL};
use common::runtime_api::RuntimeApi;
use common::*;
use dms_assessment_run::verdict::{VerdictApp, RUN_ARN_FILTER};
use dms_assessment_run::Error;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const UNKNOWN_RUN: &str = "arn:aws:dms:us-east-1:123456789012:assessment-run:GONE";

// ---------------------------------------------------------------------------------------------
// The handler with a mocked SDK client

fn app(rules: &[&Rule]) -> VerdictApp {
    VerdictApp::new(
        mock_client!(aws_sdk_databasemigration, RuleMode::MatchAny, rules),
        unreachable_s3(),
    )
}

fn statistic(
    passed: i32,
    failed: i32,
    error: i32,
    warning: i32,
    skipped: i32,
) -> ReplicationTaskAssessmentRunResultStatistic {
    ReplicationTaskAssessmentRunResultStatistic::builder()
        .passed(passed)
        .failed(failed)
        .error(error)
        .warning(warning)
        .cancelled(0)
        .skipped(skipped)
        .build()
}

fn run(
    status: &str,
    statistic: ReplicationTaskAssessmentRunResultStatistic,
) -> ReplicationTaskAssessmentRun {
    run_described(TASK, "orders-db-before-cutover", RUN_ARN, status)
        .result_location_bucket(BUCKET)
        .result_location_folder("orders-db")
        .result_statistic(statistic)
        .build()
}

fn assessment(name: &str, status: &str) -> ReplicationTaskIndividualAssessment {
    ReplicationTaskIndividualAssessment::builder()
        .individual_assessment_name(name)
        .replication_task_assessment_run_arn(RUN_ARN)
        .status(status)
        .build()
}

/// Describes the run as `run`, only when asked by its ARN.
fn describes(run: ReplicationTaskAssessmentRun) -> Rule {
    mock!(Client::describe_replication_task_assessment_runs)
        .match_requests(|req| {
            req.filters().len() == 1
                && req.filters()[0].name() == RUN_ARN_FILTER
                && req.filters()[0].values() == [RUN_ARN]
        })
        .then_output(move || {
            DescribeReplicationTaskAssessmentRunsOutput::builder()
                .replication_task_assessment_runs(run.clone())
                .build()
        })
}

/// Lists `assessments` on one page, only when asked by the run's ARN.
fn lists(assessments: Vec<ReplicationTaskIndividualAssessment>) -> Rule {
    mock!(Client::describe_replication_task_individual_assessments)
        .match_requests(|req| {
            req.filters().len() == 1
                && req.filters()[0].name() == RUN_ARN_FILTER
                && req.filters()[0].values() == [RUN_ARN]
        })
        .then_output(move || {
            DescribeReplicationTaskIndividualAssessmentsOutput::builder()
                .set_replication_task_individual_assessments(Some(assessments.clone()))
                .build()
        })
}

fn no_runs() -> Rule {
    mock!(Client::describe_replication_task_assessment_runs)
        .then_output(|| DescribeReplicationTaskAssessmentRunsOutput::builder().build())
}

fn no_assessments() -> Rule {
    mock!(Client::describe_replication_task_individual_assessments)
        .then_output(|| DescribeReplicationTaskIndividualAssessmentsOutput::builder().build())
}

async fn verdict_of(app: &VerdictApp, payload: Value) -> Result<Value, Error> {
    app.handle(invocation(payload))
        .await
        .map(|output| serde_json::to_value(output).unwrap())
}

fn ended() -> Value {
    event("verdict/ended.json")
}

#[tokio::test]
async fn a_failed_run_is_failed_with_its_assessments_named_by_status() {
    let mut failed = run("failed", statistic(21, 1, 0, 2, 3));
    failed.last_failure_message =
        Some("Individual assessment mysql-check-binlog-format failed".to_owned());
    let runs = describes(failed);
    let first_page = mock!(Client::describe_replication_task_individual_assessments)
        .match_requests(|req| req.marker().is_none())
        .then_output(|| {
            DescribeReplicationTaskIndividualAssessmentsOutput::builder()
                .replication_task_individual_assessments(assessment(
                    "mysql-check-binlog-format",
                    "failed",
                ))
                .replication_task_individual_assessments(assessment(
                    "mysql-check-server-id",
                    "passed",
                ))
                .replication_task_individual_assessments(assessment(
                    "unsupported-data-types-in-source",
                    "warning",
                ))
                .marker("page-2")
                .build()
        });
    let second_page = mock!(Client::describe_replication_task_individual_assessments)
        .match_requests(|req| req.marker() == Some("page-2"))
        .then_output(|| {
            DescribeReplicationTaskIndividualAssessmentsOutput::builder()
                .replication_task_individual_assessments(assessment(
                    "mysql-check-target-privileges",
                    "skipped",
                ))
                .replication_task_individual_assessments(assessment(
                    "full-lob-not-nullable-at-target",
                    "cancelled",
                ))
                .build()
        });

    let output = verdict_of(&app(&[&runs, &first_page, &second_page]), ended())
        .await
        .unwrap();
    assert_eq!(
        output,
        json!({
            "Verdict": "Failed",
            "Status": "failed",
            "ReplicationTaskAssessmentRunArn": RUN_ARN,
            "ReplicationTaskArn": TASK,
            "AssessmentRunName": "orders-db-before-cutover",
            "ResultStatistic": {"Passed": 21, "Failed": 1, "Error": 0, "Warning": 2, "Cancelled": 0, "Skipped": 3},
            "Assessments": {
                "Failed": ["mysql-check-binlog-format"],
                "Error": [],
                "Warning": ["unsupported-data-types-in-source"],
                "Skipped": ["mysql-check-target-privileges"]
            },
            "ResultLocation": format!("s3://{BUCKET}/orders-db/"),
            "LastFailureMessage": "Individual assessment mysql-check-binlog-format failed",
            // A run started elsewhere, whose folder may hold another run's summary.json.
            "ReasonsUnavailable": "the run's folder is not named for the run (`orders-db-before-cutover`), \
                 so summary.json there may be another run's; the start function gives each run it \
                 starts a folder of its own"
        })
    );
    assert_eq!(
        (
            runs.num_calls(),
            first_page.num_calls(),
            second_page.num_calls()
        ),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn each_end_of_a_run_has_its_verdict() {
    let cases = [
        ("passed", statistic(12, 0, 0, 0, 0), vec![], "Passed"),
        (
            "warning",
            statistic(10, 0, 0, 2, 0),
            vec![assessment("w", "warning")],
            "PassedWithWarnings",
        ),
        (
            "warning",
            statistic(0, 0, 0, 0, 12),
            vec![assessment("s", "skipped")],
            "NothingAssessed",
        ),
        (
            "passed",
            statistic(10, 0, 1, 0, 0),
            vec![assessment("e", "error")],
            "Errored",
        ),
        (
            "error-executing",
            statistic(3, 0, 0, 0, 0),
            vec![],
            "Errored",
        ),
        ("cancelling", statistic(3, 0, 0, 0, 0), vec![], "Cancelled"),
        ("running", statistic(3, 0, 0, 0, 0), vec![], "Errored"),
    ];
    for (status, counts, assessments, expected) in cases {
        let runs = describes(run(status, counts));
        let listed = lists(assessments);
        let output = verdict_of(&app(&[&runs, &listed]), ended()).await.unwrap();
        assert_eq!(output["Verdict"], expected, "{status}: {output}");
        assert_eq!(output["Status"], status);
    }
}

#[tokio::test]
async fn the_verdict_says_why_when_the_status_is_the_reason() {
    let runs = describes(run("running", statistic(3, 0, 0, 0, 0)));
    let listed = lists(vec![]);
    let output = verdict_of(&app(&[&runs, &listed]), ended()).await.unwrap();
    assert_eq!(output["Verdict"], "Errored");
    assert_eq!(
        output["Message"],
        "the assessment run has not ended: its status is `running`"
    );
}

#[tokio::test]
async fn timed_out_wins_whatever_dms_says() {
    let runs = describes(run("failed", statistic(3, 2, 0, 0, 0)));
    let listed = lists(vec![assessment("f", "failed")]);
    let output = verdict_of(&app(&[&runs, &listed]), event("verdict/timed-out.json"))
        .await
        .unwrap();
    assert_eq!(output["Verdict"], "TimedOut");
    assert_eq!(output["Assessments"]["Failed"], json!(["f"]));
}

#[tokio::test]
async fn a_run_dms_does_not_list_is_resource_not_found_naming_it() {
    let (runs, listed) = (no_runs(), no_assessments());
    let error = verdict_of(
        &app(&[&runs, &listed]),
        json!({"ReplicationTaskAssessmentRunArn": UNKNOWN_RUN}),
    )
    .await
    .unwrap_err();
    assert_eq!(error.error_type(), "ResourceNotFoundFault");
    assert!(error.to_string().contains(UNKNOWN_RUN), "{error}");
}

fn runs_fault(code: &str, status: u16) -> Rule {
    always_fails!(
        Client::describe_replication_task_assessment_runs,
        code,
        status
    )
}

#[tokio::test]
async fn faults_have_the_start_functions_names() {
    let cases = [
        ("ResourceNotFoundFault", 400, "ResourceNotFoundFault"),
        ("AccessDeniedFault", 400, "AccessDeniedFault"),
        ("ThrottlingException", 400, "ThrottlingException"),
        ("UnrecognizedClientException", 400, "NoUsableCredentials"),
        ("InternalFailure", 500, "DmsUnavailable"),
    ];
    for (code, status, expected) in cases {
        let (fault, listed) = (runs_fault(code, status), no_assessments());
        let error = verdict_of(&app(&[&fault, &listed]), ended())
            .await
            .unwrap_err();
        assert_eq!(error.error_type(), expected, "{code}");
        assert!(error.to_string().contains(code), "{code}: {error}");
    }
}

#[tokio::test]
async fn invalid_input_never_reaches_dms() {
    let (runs, listed) = (no_runs(), no_assessments());
    let app = app(&[&runs, &listed]);
    let payloads = [
        json!({"ReplicationTaskAssessmentRunArn": RUN_ARN, "TimedOutt": true}),
        json!({"ReplicationTaskArn": TASK}),
        json!({"ReplicationTaskAssessmentRunArn": TASK}),
        json!({"ReplicationTaskAssessmentRunArn": RUN_ARN, "TimedOut": "true"}),
        json!("just a string"),
    ];
    for payload in payloads {
        let error = verdict_of(&app, payload.clone()).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidInput", "{payload}");
    }
    assert_eq!((runs.num_calls(), listed.num_calls()), (0, 0));
}

/// Every sample in `events/verdict/` goes through the handler, each with the outcome it documents.
#[tokio::test]
async fn every_verdict_sample_has_its_documented_outcome() {
    let samples = verdict_event_files();
    assert!(!samples.is_empty());
    for name in samples {
        let runs = describes(run("passed", statistic(12, 0, 0, 0, 0)));
        let listed = lists(vec![]);
        let output = verdict_of(&app(&[&runs, &listed]), event(&name))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = match name.as_str() {
            "verdict/ended.json" => "Passed",
            "verdict/timed-out.json" => "TimedOut",
            other => panic!("events/{other} has no expected outcome in this test; add one"),
        };
        assert_eq!(output["Verdict"], expected, "{name}");
        assert_eq!(output["ReplicationTaskAssessmentRunArn"], RUN_ARN, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// The real SDK client against a loopback DMS

/// The run as DMS's JSON describes it once it has ended with `status`.
fn ended_json(status: &str) -> Value {
    let mut run = run_json(TASK, "orders-db-before-cutover", RUN_ARN);
    run["Status"] = json!(status);
    run["ResultLocationFolder"] = json!("orders-db");
    run["ResultStatistic"] =
        json!({"Passed": 4, "Failed": 0, "Error": 0, "Warning": 1, "Cancelled": 0, "Skipped": 1});
    run
}

fn assessment_json(name: &str, status: &str) -> Value {
    json!({
        "IndividualAssessmentName": name,
        "ReplicationTaskAssessmentRunArn": RUN_ARN,
        "ReplicationTaskIndividualAssessmentArn": format!("arn:aws:dms:us-east-1:123456789012:individual-assessment:{name}"),
        "ReplicationTaskIndividualAssessmentStartDate": 1764175260.5,
        "Status": status
    })
}

/// A loopback DMS that lists the run as `status`, and its individual assessments on three pages.
async fn loopback_dms(status: &str) -> MockServer {
    let dms = MockServer::start().await;
    Mock::given(header("x-amz-target", DESCRIBE))
        .and(body_partial_json(
            json!({"Filters": [{"Values": [UNKNOWN_RUN]}]}),
        ))
        .respond_with(dms_json(json!({"ReplicationTaskAssessmentRuns": []})))
        .with_priority(1)
        .mount(&dms)
        .await;
    Mock::given(header("x-amz-target", DESCRIBE))
        .respond_with(dms_json(
            json!({"ReplicationTaskAssessmentRuns": [ended_json(status)]}),
        ))
        .with_priority(2)
        .mount(&dms)
        .await;
    let pages = [
        (
            Some("m2"),
            json!({"Marker": "m3", "ReplicationTaskIndividualAssessments": [
            assessment_json("mysql-check-server-id", "passed"), assessment_json("mysql-check-binlog-format", "passed")]}),
        ),
        (
            Some("m3"),
            json!({"ReplicationTaskIndividualAssessments": [
            assessment_json("mysql-check-target-privileges", "skipped")]}),
        ),
        (
            None,
            json!({"Marker": "m2", "ReplicationTaskIndividualAssessments": [
            assessment_json("unsupported-data-types-in-source", "warning"), assessment_json("mysql-check-source-version", "passed")]}),
        ),
    ];
    for (marker, page) in pages {
        let mock = match marker {
            Some(marker) => Mock::given(header("x-amz-target", DESCRIBE_INDIVIDUAL))
                .and(body_partial_json(json!({"Marker": marker})))
                .respond_with(dms_json(page))
                .with_priority(1),
            None => Mock::given(header("x-amz-target", DESCRIBE_INDIVIDUAL))
                .respond_with(dms_json(page))
                .with_priority(2),
        };
        mock.mount(&dms).await;
    }
    dms
}

async fn wire_verdict(dms: &MockServer, payload: Value) -> Result<Value, Error> {
    let app = VerdictApp::new(client_for(&dms.uri()).await, unreachable_s3());
    verdict_of(&app, payload).await
}

async fn bodies(dms: &MockServer, target: &str) -> Vec<Value> {
    common::loopback::requests_with_target(dms, target)
        .await
        .iter()
        .map(|request| {
            assert_eq!(
                request.headers.get("content-type").unwrap(),
                "application/x-amz-json-1.1"
            );
            serde_json::from_slice(&request.body).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn on_the_wire_both_calls_filter_by_the_run_and_every_page_is_read() {
    let dms = loopback_dms("warning").await;
    let output = wire_verdict(&dms, ended()).await.unwrap();

    let filter = |marker: Option<&str>| {
        let mut body = json!({"Filters": [{"Name": "replication-task-assessment-run-arn", "Values": [RUN_ARN]}]});
        if let Some(marker) = marker {
            body["Marker"] = json!(marker);
        }
        body
    };
    assert_eq!(bodies(&dms, DESCRIBE).await, [filter(None)]);
    assert_eq!(
        bodies(&dms, DESCRIBE_INDIVIDUAL).await,
        [filter(None), filter(Some("m2")), filter(Some("m3"))]
    );

    assert_eq!(output["Verdict"], "PassedWithWarnings");
    assert_eq!(output["Status"], "warning");
    assert_eq!(
        output["Assessments"],
        json!({"Failed": [], "Error": [], "Warning": ["unsupported-data-types-in-source"],
               "Skipped": ["mysql-check-target-privileges"]})
    );
    assert_eq!(
        output["ResultLocation"],
        format!("s3://{BUCKET}/orders-db/")
    );
    assert_eq!(output["ResultStatistic"]["Passed"], 4);
}

#[tokio::test]
async fn on_the_wire_a_fault_keeps_its_name_and_an_unknown_run_is_not_found() {
    let dms = MockServer::start().await;
    Mock::given(header("x-amz-target", DESCRIBE))
        .respond_with(dms_json(
            json!({"ReplicationTaskAssessmentRuns": [ended_json("passed")]}),
        ))
        .mount(&dms)
        .await;
    Mock::given(header("x-amz-target", DESCRIBE_INDIVIDUAL))
        .respond_with(dms_fault(
            400,
            "AccessDeniedFault",
            "not authorized to perform dms:DescribeReplicationTaskIndividualAssessments",
        ))
        .mount(&dms)
        .await;
    let error = wire_verdict(&dms, ended()).await.unwrap_err();
    assert_eq!(
        error,
        Error::Dms {
            code: "AccessDeniedFault".into(),
            message: "not authorized to perform dms:DescribeReplicationTaskIndividualAssessments"
                .into()
        }
    );

    let dms = loopback_dms("passed").await;
    let error = wire_verdict(
        &dms,
        json!({"ReplicationTaskAssessmentRunArn": UNKNOWN_RUN}),
    )
    .await
    .unwrap_err();
    assert_eq!(error.error_type(), "ResourceNotFoundFault");
}

#[tokio::test]
async fn a_dms_that_never_answers_is_unavailable_before_the_deadline() {
    let dms = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .mount(&dms)
        .await;
    let app = VerdictApp::new(client_for(&dms.uri()).await, unreachable_s3());
    let began = Instant::now();
    let error = app
        .handle(invocation_with_deadline(ended(), Duration::from_secs(3)))
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "DmsUnavailable");
    assert!(error.to_string().contains("no answer from DMS"), "{error}");
    assert!(
        began.elapsed() < Duration::from_secs(3),
        "{:?}",
        began.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// The built binary through the Lambda Runtime API

#[tokio::test]
async fn the_binary_answers_verdicts_and_errors_through_the_runtime_api() {
    let dms = loopback_dms("passed").await;
    let bytes = |value: Value| serde_json::to_vec(&value).unwrap();
    let payloads = vec![
        bytes(ended()),
        bytes(event("verdict/timed-out.json")),
        bytes(json!({"ReplicationTaskAssessmentRunArn": RUN_ARN, "TimedOutt": true})),
        bytes(json!({"replicationTaskAssessmentRunArn": UNKNOWN_RUN})),
        b"{\"ReplicationTaskAssessmentRunArn\": ".to_vec(),
    ];
    let count = payloads.len();
    let runtime = RuntimeApi::start(payloads, count).await;

    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_dms-assessment-verdict"));
    binary::lambda_environment(
        &mut command,
        "dms-assessment-verdict",
        &runtime,
        &dms.uri(),
        "INFO",
    );
    let function = binary::Function::spawn(command);
    runtime.answers(count).await;
    let logs = function.stop().await;

    let passed = runtime.answer(0);
    assert_eq!(passed.kind, "response", "{:?}", passed.body);
    assert_eq!(passed.body["Verdict"], "PassedWithWarnings");
    assert_eq!(passed.body["Status"], "passed");
    assert_eq!(passed.body["ReplicationTaskAssessmentRunArn"], RUN_ARN);
    assert_eq!(
        passed.body["ResultLocation"],
        format!("s3://{BUCKET}/orders-db/")
    );

    let timed_out = runtime.answer(1);
    assert_eq!(timed_out.kind, "response");
    assert_eq!(timed_out.body["Verdict"], "TimedOut");

    for (n, expected) in [
        (2, "InvalidInput"),
        (3, "ResourceNotFoundFault"),
        (4, "InvalidInput"),
    ] {
        let answer = runtime.answer(n);
        assert_eq!(answer.kind, "error", "req-{n}");
        assert_eq!(
            answer.body["errorType"], expected,
            "req-{n}: {:?}",
            answer.body
        );
    }
    assert!(runtime.answer(2).body["errorMessage"]
        .as_str()
        .unwrap()
        .contains("TimedOutt"));

    let verdicts: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["outcome"] == "verdict")
        .collect();
    assert_eq!(verdicts.len(), 2, "{logs}");
    assert_eq!(verdicts[0]["run_arn"], RUN_ARN);
    assert_eq!(verdicts[0]["verdict"], "PassedWithWarnings");
    assert_eq!(
        verdicts[0]["failing"], "",
        "no failed or errored assessment"
    );
    assert_eq!(verdicts[0]["requestId"], "req-0");
}

#[tokio::test]
async fn a_run_of_another_region_or_account_is_invalid_input_and_dms_is_not_called() {
    let described = mock!(aws_sdk_databasemigration::Client::describe_replication_task_assessment_runs)
        .then_output(|| {
            aws_sdk_databasemigration::operation::describe_replication_task_assessment_runs::DescribeReplicationTaskAssessmentRunsOutput::builder().build()
        });
    let app = app(&[&described]);
    for run in [
        "arn:aws:dms:eu-west-1:123456789012:assessment-run:RUNAAAABBBB",
        "arn:aws:dms:us-east-1:210987654321:assessment-run:RUNAAAABBBB",
    ] {
        let error = app
            .handle(invocation_of(
                json!({"ReplicationTaskAssessmentRunArn": run}),
                FUNCTION_ARN,
            ))
            .await
            .map(|output| serde_json::to_value(output).unwrap())
            .unwrap_err();
        assert_eq!(error.error_type(), "InvalidInput");
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("ReplicationTaskAssessmentRunArn `{run}` is in "))
                && message.contains(
                    "the function runs in partition aws, Region us-east-1, account 123456789012"
                ),
            "{message}"
        );
    }
    assert_eq!(described.num_calls(), 0);
}

#[tokio::test]
async fn the_binarys_verdict_line_names_the_failed_and_errored_assessments() {
    let dms = MockServer::start().await;
    Mock::given(header("x-amz-target", DESCRIBE))
        .respond_with(dms_json(
            json!({"ReplicationTaskAssessmentRuns": [ended_json("failed")]}),
        ))
        .mount(&dms)
        .await;
    Mock::given(header("x-amz-target", DESCRIBE_INDIVIDUAL))
        .respond_with(dms_json(json!({"ReplicationTaskIndividualAssessments": [
            assessment_json("mysql-check-server-id", "error"),
            assessment_json("mysql-check-binlog-format", "failed"),
            assessment_json("mysql-check-target-privileges", "passed")]})))
        .mount(&dms)
        .await;
    let runtime = RuntimeApi::start(vec![serde_json::to_vec(&ended()).unwrap()], 1).await;
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_dms-assessment-verdict"));
    binary::lambda_environment(
        &mut command,
        "dms-assessment-verdict",
        &runtime,
        &dms.uri(),
        "INFO",
    );
    let function = binary::Function::spawn(command);
    runtime.answers(1).await;
    let logs = function.stop().await;
    assert_eq!(runtime.answer(0).body["Verdict"], "Failed");
    let line = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line["outcome"] == "verdict")
        .unwrap_or_else(|| panic!("no verdict line:\n{logs}"));
    assert_eq!(
        line["failing"],
        "mysql-check-binlog-format,mysql-check-server-id"
    );
}
