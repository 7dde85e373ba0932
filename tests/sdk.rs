//! SDK-level tests: the handler with a mocked DMS client (aws-smithy-mocks), no HTTP.

mod common;

use aws_sdk_databasemigration::operation::describe_replication_task_assessment_runs::DescribeReplicationTaskAssessmentRunsOutput;
use aws_sdk_databasemigration::operation::start_replication_task_assessment_run::StartReplicationTaskAssessmentRunOutput;
use aws_sdk_databasemigration::primitives::DateTime;
use aws_sdk_databasemigration::types::{
    ReplicationTaskAssessmentRun, ReplicationTaskAssessmentRunProgress,
};
use aws_sdk_databasemigration::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use common::*;
use dms_assessment_run::{App, Defaults, Error};
use serde_json::{json, Value};

fn app(rules: &[&Rule]) -> App {
    // Last, so that a test's own list of applicable assessments wins.
    let samples = samples_applicable();
    let rules = rules.iter().copied().chain([&samples]);
    let client = mock_client!(aws_sdk_databasemigration, RuleMode::MatchAny, rules);
    App::new(client, Ok(deployment_defaults()))
}

/// DMS's list of applicable assessments with every name the samples in `events/` give.
fn samples_applicable() -> Rule {
    use aws_sdk_databasemigration::operation::describe_applicable_individual_assessments::DescribeApplicableIndividualAssessmentsOutput as Listed;
    mock!(Client::describe_applicable_individual_assessments).then_output(|| {
        Listed::builder()
            .individual_assessment_names("mysql-check-binlog-format")
            .individual_assessment_names("mysql-check-server-id")
            .individual_assessment_names("mysql-check-target-privileges")
            .build()
    })
}

fn run(name: &str, arn: &str) -> ReplicationTaskAssessmentRun {
    run_of(TASK, name, arn)
}

fn run_of(task: &str, name: &str, arn: &str) -> ReplicationTaskAssessmentRun {
    run_described(task, name, arn, "starting")
        .replication_task_assessment_run_creation_date(DateTime::from_millis(1_764_175_200_123))
        .assessment_progress(
            ReplicationTaskAssessmentRunProgress::builder()
                .individual_assessment_count(12)
                .individual_assessment_completed_count(0)
                .build(),
        )
        .is_latest_task_assessment_run(true)
        .build()
}

/// A rule that starts the run DMS is asked for, echoing its name.
fn starts() -> Rule {
    mock!(Client::start_replication_task_assessment_run).then_compute_output(|req| {
        StartReplicationTaskAssessmentRunOutput::builder()
            .replication_task_assessment_run(run_of(
                req.replication_task_arn().unwrap_or_default(),
                req.assessment_run_name().unwrap_or_default(),
                RUN_ARN,
            ))
            .build()
    })
}

fn fault(code: &str, status: u16) -> Rule {
    always_fails!(Client::start_replication_task_assessment_run, code, status)
}

async fn fails(app: &App, payload: Value) -> Error {
    app.handle(invocation(payload))
        .await
        .map(json)
        .expect_err("the invocation should fail")
}

#[tokio::test]
async fn a_step_functions_payload_starts_a_run_and_returns_its_arn_and_status() {
    let start = mock!(Client::start_replication_task_assessment_run)
        .match_requests(|req| {
            req.replication_task_arn() == Some(TASK)
                && req.service_access_role_arn() == Some(ROLE)
                && req.result_location_bucket() == Some(BUCKET)
                // Without a folder asked for, the run's own folder is at the bucket's root.
                && req.result_location_folder() == req.assessment_run_name()
                && req.include_only.is_none()
                && req.tags.is_none()
        })
        .then_compute_output(|req| {
            StartReplicationTaskAssessmentRunOutput::builder()
                .replication_task_assessment_run(run(req.assessment_run_name().unwrap(), RUN_ARN))
                .build()
        });
    let output = app(&[&start])
        .handle(invocation(event("step-functions-minimal.json")))
        .await
        .map(json)
        .unwrap();

    assert_eq!(start.num_calls(), 1);
    assert_eq!(output["ReplicationTaskAssessmentRunArn"], RUN_ARN);
    assert_eq!(output["Status"], "starting");
    assert_eq!(output["ReplicationTaskArn"], TASK);
    assert_eq!(output["AlreadyExisted"], false);
    let name = output["AssessmentRunName"].as_str().unwrap();
    assert!(
        name.starts_with("assessment-aaaabbbb0ccccddddeeeee1ffff2ggg3ffffff3-"),
        "{name}"
    );
    let described = &output["ReplicationTaskAssessmentRun"];
    assert_eq!(
        described["ReplicationTaskAssessmentRunCreationDate"],
        "2025-11-26T16:40:00.123Z"
    );
    assert_eq!(
        described["AssessmentProgress"],
        json!({"IndividualAssessmentCount": 12, "IndividualAssessmentCompletedCount": 0})
    );
    assert_eq!(described["IsLatestTaskAssessmentRun"], true);
    assert!(
        described.get("LastFailureMessage").is_none(),
        "absent members are left out"
    );
    assert!(
        described.get("ResultStatistic").is_none(),
        "absent members are left out"
    );
}

#[tokio::test]
async fn the_same_idempotency_key_asks_for_the_same_run_name() {
    let start = starts();
    let app = app(&[&start]);
    let first = app
        .handle(invocation(event("step-functions-minimal.json")))
        .await
        .map(json)
        .unwrap();
    let second = app
        .handle(invocation(event("step-functions-minimal.json")))
        .await
        .map(json)
        .unwrap();
    assert_eq!(first["AssessmentRunName"], second["AssessmentRunName"]);
    let mut other = event("step-functions-minimal.json");
    other["IdempotencyKey"] = json!("another-execution");
    let third = app.handle(invocation(other)).await.map(json).unwrap();
    assert_ne!(first["AssessmentRunName"], third["AssessmentRunName"]);
}

#[tokio::test]
async fn every_dms_fault_keeps_its_wire_name_and_message() {
    let codes = [
        "ResourceNotFoundFault",
        "InvalidResourceStateFault",
        "AccessDeniedFault",
        "KMSAccessDeniedFault",
        "KMSDisabledFault",
        "KMSFault",
        "KMSInvalidStateFault",
        "KMSNotFoundFault",
        "KMSKeyNotAccessibleFault",
        "S3AccessDeniedFault",
        "S3ResourceNotFoundFault",
        "ThrottlingException",
        "AccessDeniedException",
    ];
    for code in codes {
        let rule = fault(code, 400);
        // InvalidResourceStateFault is first looked up as a possibly lost answer; no run has the name.
        let nothing = mock!(Client::describe_replication_task_assessment_runs)
            .then_output(|| page(vec![], None));
        let error = fails(
            &app(&[&rule, &nothing]),
            event("step-functions-minimal.json"),
        )
        .await;
        assert_eq!(error.error_type(), code);
        assert_eq!(error.to_string(), format!("{code} from DMS"));
    }
}

#[tokio::test]
async fn rejected_credentials_are_no_usable_credentials_naming_dmss_code() {
    for code in ["UnrecognizedClientException", "ExpiredTokenException"] {
        let rule = fault(code, 400);
        let error = fails(&app(&[&rule]), event("step-functions-minimal.json")).await;
        assert_eq!(error.error_type(), "NoUsableCredentials");
        assert!(error.to_string().contains(code), "{error}");
    }
}

#[tokio::test]
async fn server_errors_are_dms_unavailable_with_their_code_in_the_message() {
    let rule = fault("InternalFailure", 500);
    let error = fails(&app(&[&rule]), event("step-functions-minimal.json")).await;
    assert_eq!(error.error_type(), "DmsUnavailable");
    assert!(
        error.to_string().contains("HTTP 500 InternalFailure"),
        "{error}"
    );
    assert!(rule.num_calls() > 1, "the SDK retries server errors");
}

#[tokio::test]
async fn an_answer_without_a_run_is_dms_unavailable() {
    let empty = mock!(Client::start_replication_task_assessment_run)
        .then_output(|| StartReplicationTaskAssessmentRunOutput::builder().build());
    let error = fails(&app(&[&empty]), event("step-functions-minimal.json")).await;
    assert_eq!(error.error_type(), "DmsUnavailable");
    assert!(
        error
            .to_string()
            .contains("without a ReplicationTaskAssessmentRun"),
        "{error}"
    );

    let no_arn = mock!(Client::start_replication_task_assessment_run).then_output(|| {
        StartReplicationTaskAssessmentRunOutput::builder()
            .replication_task_assessment_run(
                ReplicationTaskAssessmentRun::builder()
                    .status("starting")
                    .build(),
            )
            .build()
    });
    let error = fails(&app(&[&no_arn]), event("step-functions-minimal.json")).await;
    assert_eq!(error.error_type(), "DmsUnavailable");
    assert!(
        error
            .to_string()
            .contains("no ReplicationTaskAssessmentRunArn"),
        "{error}"
    );
}

fn page(
    runs: Vec<ReplicationTaskAssessmentRun>,
    marker: Option<&str>,
) -> DescribeReplicationTaskAssessmentRunsOutput {
    DescribeReplicationTaskAssessmentRunsOutput::builder()
        .set_replication_task_assessment_runs(Some(runs))
        .set_marker(marker.map(str::to_owned))
        .build()
}

#[tokio::test]
async fn an_existing_run_is_found_across_pages_and_returned_as_already_existed() {
    let payload = event("step-functions-full.json");
    let name = payload["AssessmentRunName"].as_str().unwrap().to_owned();
    let taken = fault("ResourceAlreadyExistsFault", 400);
    let first_page = mock!(Client::describe_replication_task_assessment_runs)
        .match_requests(|req| {
            req.marker().is_none()
                && req.filters().len() == 1
                && req.filters()[0].name() == "replication-task-arn"
                && req.filters()[0].values() == [TASK]
        })
        .then_output(|| {
            page(
                vec![run(
                    "older-run",
                    "arn:aws:dms:us-east-1:123456789012:assessment-run:OLD",
                )],
                Some("page-2"),
            )
        });
    let found = name.clone();
    let second_page = mock!(Client::describe_replication_task_assessment_runs)
        .match_requests(|req| req.marker() == Some("page-2"))
        .then_compute_output(move |_| page(vec![run(&found, RUN_ARN)], None));

    let output = app(&[&taken, &first_page, &second_page])
        .handle(invocation(payload))
        .await
        .map(json)
        .unwrap();
    assert_eq!(output["AlreadyExisted"], true);
    assert_eq!(output["ReplicationTaskAssessmentRunArn"], RUN_ARN);
    assert_eq!(output["AssessmentRunName"], name.as_str());
    assert_eq!(
        (
            taken.num_calls(),
            first_page.num_calls(),
            second_page.num_calls()
        ),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn when_no_run_has_the_name_the_fault_stands() {
    let taken = fault("ResourceAlreadyExistsFault", 400);
    let nothing = mock!(Client::describe_replication_task_assessment_runs)
        .then_output(|| page(vec![run("some-other-run", RUN_ARN)], None));
    let error = fails(&app(&[&taken, &nothing]), event("step-functions-full.json")).await;
    assert_eq!(error.error_type(), "ResourceAlreadyExistsFault");
    assert_eq!(nothing.num_calls(), 1);
}

#[tokio::test]
async fn when_the_lookup_fails_its_error_is_returned_with_context() {
    let taken = fault("ResourceAlreadyExistsFault", 400);
    let denied = mock!(Client::describe_replication_task_assessment_runs)
        .sequence()
        .http_status(
            400,
            Some(json!({"__type": "AccessDeniedFault", "message": "not allowed"}).to_string()),
        )
        .build();
    let error = fails(&app(&[&taken, &denied]), event("step-functions-full.json")).await;
    assert_eq!(error.error_type(), "AccessDeniedFault");
    assert!(
        error
            .to_string()
            .contains("already exists, and looking it up failed: not allowed"),
        "{error}"
    );
}

#[tokio::test]
async fn invalid_input_and_configuration_never_reach_dms() {
    let start = starts();
    let error = fails(
        &app(&[&start]),
        json!({"ReplicationTaskArn": TASK, "IncludeOnlly": ["x"]}),
    )
    .await;
    assert_eq!(error.error_type(), "InvalidInput");

    let broken = Defaults::from_lookup(|name| {
        (name == "RESULT_ENCRYPTION_MODE").then(|| "AES256".to_owned())
    });
    let app = App::new(
        mock_client!(aws_sdk_databasemigration, RuleMode::MatchAny, [&start]),
        broken,
    );
    let error = fails(&app, event("step-functions-minimal.json")).await;
    assert_eq!(error.error_type(), "InvalidConfiguration");
    assert!(
        error.to_string().contains("RESULT_ENCRYPTION_MODE"),
        "{error}"
    );
    assert_eq!(start.num_calls(), 0);
}

#[tokio::test]
async fn a_dry_run_sends_nothing_and_returns_the_request() {
    let start = starts();
    let output = app(&[&start])
        .handle(invocation(event("dry-run.json")))
        .await
        .map(json)
        .unwrap();
    assert_eq!(start.num_calls(), 0);
    assert_eq!(output["DryRun"], true);
    let request = &output["Request"];
    assert_eq!(request["ReplicationTaskArn"], TASK);
    assert_eq!(request["ResultEncryptionMode"], "SSE_S3");
    assert_eq!(
        request["IncludeOnly"],
        json!(["mysql-check-binlog-format", "mysql-check-server-id"])
    );
    assert!(
        request.get("Exclude").is_none()
            && request.get("Tags").is_none()
            && request.get("ResultKmsKeyArn").is_none()
    );
    assert!(request["AssessmentRunName"]
        .as_str()
        .unwrap()
        .starts_with("assessment-"));
}

#[tokio::test]
async fn dry_run_from_the_environment_and_its_override_in_the_payload() {
    let start = starts();
    let defaults = Defaults {
        dry_run: true,
        ..deployment_defaults()
    };
    let app = App::new(
        mock_client!(aws_sdk_databasemigration, RuleMode::MatchAny, [&start]),
        Ok(defaults),
    );
    let output = app
        .handle(invocation(event("step-functions-minimal.json")))
        .await
        .map(json)
        .unwrap();
    assert_eq!(output["DryRun"], true);
    assert_eq!(start.num_calls(), 0);

    let mut payload = event("step-functions-minimal.json");
    payload["DryRun"] = json!(false);
    let output = app.handle(invocation(payload)).await.map(json).unwrap();
    assert_eq!(output["Status"], "starting");
    assert_eq!(start.num_calls(), 1);
}

/// Every sample in `events/` goes through the handler, each with the outcome it documents.
/// A describe of the task's runs that lists none: what the recent-run check of a DMS event reads.
fn no_runs() -> Rule {
    mock!(Client::describe_replication_task_assessment_runs).then_output(|| page(vec![], None))
}

#[tokio::test]
async fn every_sample_event_has_its_documented_outcome() {
    for name in event_files() {
        if name == "step-functions-serverless.json" {
            a_replication_config_sample_starts_its_replication(&name).await;
            continue;
        }
        let start = starts();
        let none = no_runs();
        let app = app(&[&start, &none]);
        let result = app.handle(invocation(event(&name))).await.map(json);
        match name.as_str() {
            "step-functions-minimal.json"
            | "step-functions-full.json"
            | "eventbridge-custom.json" => {
                let output = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(output["ReplicationTaskArn"], TASK, "{name}");
                assert_eq!(output["Status"], "starting", "{name}");
                assert_eq!(start.num_calls(), 1, "{name}");
            }
            "eventbridge-dms-task-state-change.json"
            | "eventbridge-dms-task-started-user-guide.json" => {
                let output = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(output["ReplicationTaskArn"], event(&name)["resources"][0]);
                assert_eq!(start.num_calls(), 1);
            }
            "dry-run.json" => {
                assert_eq!(result.unwrap()["DryRun"], true);
                assert_eq!(start.num_calls(), 0);
            }
            "step-functions-serverless.json" => {
                panic!("{name} is a replication config's: answered below")
            }
            "eventbridge-dms-instance-state-change.json" => {
                let error = result.expect_err(&name);
                assert_eq!(error.error_type(), "InvalidInput");
                assert!(
                    error
                        .to_string()
                        .contains("DMS Replication Task State Change"),
                    "{error}"
                );
                assert_eq!(start.num_calls(), 0);
            }
            other => panic!("events/{other} has no expected outcome in this test; add one"),
        }
    }
}

/// The DMS Serverless sample: no replication yet, then StartReplication, whose answer lists the
/// assessment in the folder the request named; no task's run is started.
async fn a_replication_config_sample_starts_its_replication(name: &str) {
    use aws_sdk_databasemigration::operation::describe_replications::DescribeReplicationsOutput;
    use aws_sdk_databasemigration::operation::start_replication::StartReplicationOutput;
    use aws_sdk_databasemigration::types::{PremigrationAssessmentStatus, Replication};
    let none = mock!(Client::describe_replications)
        .then_output(|| DescribeReplicationsOutput::builder().build());
    let start = mock!(Client::start_replication).then_compute_output(|req| {
        let settings: Value =
            serde_json::from_str(req.premigration_assessment_settings().unwrap()).unwrap();
        let assessment = PremigrationAssessmentStatus::builder()
            .premigration_assessment_run_arn(RUN_ARN)
            .status("starting")
            .result_location_folder(settings["ResultLocationFolder"].as_str().unwrap())
            .build();
        StartReplicationOutput::builder()
            .replication(
                Replication::builder()
                    .set_replication_config_arn(req.replication_config_arn().map(str::to_owned))
                    .premigration_assessment_statuses(assessment)
                    .build(),
            )
            .build()
    });
    let task_start = starts();
    let output = app(&[&none, &start, &task_start])
        .handle(invocation(event(name)))
        .await
        .map(json)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        output["ReplicationConfigArn"],
        event(name)["ReplicationConfigArn"]
    );
    assert_eq!(output["ReplicationTaskAssessmentRunArn"], RUN_ARN);
    assert_eq!(output["AlreadyExisted"], false);
    assert_eq!(start.num_calls(), 1);
    assert_eq!(task_start.num_calls(), 0);
}

#[tokio::test]
async fn a_repeated_event_asks_for_the_same_run_name() {
    let start = starts();
    let none = no_runs();
    let app = app(&[&start, &none]);
    for name in [
        "eventbridge-dms-task-state-change.json",
        "eventbridge-custom.json",
    ] {
        let first = app.handle(invocation(event(name))).await.map(json).unwrap();
        let again = app.handle(invocation(event(name))).await.map(json).unwrap();
        assert_eq!(
            first["AssessmentRunName"], again["AssessmentRunName"],
            "{name}"
        );
    }
}

/// A run of the task created `age` ago with `status`, as the recent-run check lists it.
fn run_aged(name: &str, status: &str, age: std::time::Duration) -> ReplicationTaskAssessmentRun {
    let created = std::time::SystemTime::now() - age;
    let earlier = "arn:aws:dms:us-east-1:123456789012:assessment-run:EARLIER";
    run_described(TASK, name, earlier, status)
        .replication_task_assessment_run_creation_date(DateTime::from(created))
        .build()
}

fn lists(runs: Vec<ReplicationTaskAssessmentRun>) -> Rule {
    mock!(Client::describe_replication_task_assessment_runs)
        .match_requests(|req| {
            req.filters().len() == 1
                && req.filters()[0].name() == "replication-task-arn"
                && req.filters()[0].values() == [TASK]
        })
        .then_output(move || page(runs.clone(), None))
}

#[tokio::test]
async fn a_recent_or_running_run_of_the_task_refuses_a_start_when_a_window_is_given() {
    use std::time::Duration;
    let minute = Duration::from_secs(60);
    let payload = json!({"ReplicationTaskArn": TASK, "IdempotencyKey": "event-2", "RecentRunWindowSeconds": 900});
    for (why, earlier) in [
        (
            "created five minutes ago and ended",
            run_aged("assessment-other", "passed", 5 * minute),
        ),
        (
            "running for two hours",
            run_aged("assessment-other", "running", 120 * minute),
        ),
    ] {
        let start = starts();
        let listed = lists(vec![earlier]);
        let error = fails(&app(&[&start, &listed]), payload.clone()).await;
        assert_eq!(error.error_type(), "RecentRunExists", "{why}");
        let message = error.to_string();
        assert!(
            message.contains("assessment-run:EARLIER") && message.contains("900 s"),
            "{why}: {message}"
        );
        assert_eq!(
            (listed.num_calls(), start.num_calls()),
            (1, 0),
            "{why}: no run started"
        );
    }
}

#[tokio::test]
async fn an_old_ended_run_or_the_invocations_own_run_does_not_refuse_the_start() {
    use std::time::Duration;
    let payload = json!({"ReplicationTaskArn": TASK, "IdempotencyKey": "event-2", "RecentRunWindowSeconds": 900});
    // The run this key names, as a repeated delivery of the same event finds it.
    let own = app(&[])
        .handle(invocation(
            json!({"ReplicationTaskArn": TASK, "IdempotencyKey": "event-2", "DryRun": true}),
        ))
        .await
        .map(json)
        .unwrap()["Request"]["AssessmentRunName"]
        .as_str()
        .unwrap()
        .to_owned();
    for (why, earlier) in [
        (
            "an hour old and ended",
            run_aged("assessment-other", "failed", Duration::from_secs(3600)),
        ),
        (
            "its own run, just started",
            run_aged(&own, "starting", Duration::from_secs(10)),
        ),
    ] {
        let start = starts();
        let listed = lists(vec![earlier]);
        let output = app(&[&start, &listed])
            .handle(invocation(payload.clone()))
            .await
            .map(json);
        assert!(output.is_ok(), "{why}: {output:?}");
        assert_eq!(start.num_calls(), 1, "{why}");
    }
    // Without a window (a direct invocation), nothing is looked up.
    let start = starts();
    let listed = lists(vec![run_aged(
        "assessment-other",
        "running",
        Duration::from_secs(10),
    )]);
    app(&[&start, &listed])
        .handle(invocation(json!({"ReplicationTaskArn": TASK})))
        .await
        .unwrap();
    assert_eq!((listed.num_calls(), start.num_calls()), (0, 1));
}

#[tokio::test]
async fn a_dms_task_event_given_to_the_function_directly_has_a_window_of_900_seconds() {
    let start = starts();
    let listed = mock!(Client::describe_replication_task_assessment_runs).then_output(|| {
        page(
            vec![run_aged(
                "assessment-other",
                "passed",
                std::time::Duration::from_secs(899),
            )],
            None,
        )
    });
    let error = fails(
        &app(&[&start, &listed]),
        event("eventbridge-dms-task-state-change.json"),
    )
    .await;
    assert_eq!(error.error_type(), "RecentRunExists");
    assert_eq!(start.num_calls(), 0);
}

#[tokio::test]
async fn a_window_over_a_day_is_invalid_input() {
    let error = fails(
        &app(&[]),
        json!({"ReplicationTaskArn": TASK, "RecentRunWindowSeconds": 86_401}),
    )
    .await;
    assert_eq!(error.error_type(), "InvalidInput");
    assert!(
        error.to_string().contains("RecentRunWindowSeconds"),
        "{error}"
    );
    let error = fails(
        &app(&[]),
        json!({"ReplicationTaskArn": TASK, "RecentRunWindowSeconds": -1}),
    )
    .await;
    assert_eq!(error.error_type(), "InvalidInput");
}

#[tokio::test]
async fn a_task_without_runs_answered_resource_not_found_still_gets_its_run() {
    // DMS may answer a describe whose filter matches nothing with ResourceNotFoundFault.
    let start = starts();
    let body = json!({"__type": "ResourceNotFoundFault", "message": "No assessment runs found"})
        .to_string();
    let none = mock!(Client::describe_replication_task_assessment_runs)
        .sequence()
        .http_status(400, Some(body))
        .repeatedly()
        .build();
    let output = app(&[&start, &none])
        .handle(invocation(event("eventbridge-dms-task-state-change.json")))
        .await
        .map(json)
        .unwrap();
    assert_eq!(output["Status"], "starting");
    assert_eq!((none.num_calls(), start.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_run_being_cancelled_refuses_the_start_too() {
    let start = starts();
    let listed = lists(vec![run_aged(
        "assessment-other",
        "cancelling",
        std::time::Duration::from_secs(7200),
    )]);
    let payload = json!({"ReplicationTaskArn": TASK, "RecentRunWindowSeconds": 900});
    let error = fails(&app(&[&start, &listed]), payload).await;
    assert_eq!(error.error_type(), "RecentRunExists");
    assert_eq!(start.num_calls(), 0);
}

#[tokio::test]
async fn a_task_of_another_region_or_account_is_invalid_input_and_dms_is_not_called() {
    for task in [
        "arn:aws:dms:eu-west-1:123456789012:task:AAAABBBB",
        "arn:aws:dms:us-east-1:210987654321:task:AAAABBBB",
    ] {
        let start = starts();
        let payload = json!({"ReplicationTaskArn": task, "DryRun": true});
        let error = app(&[&start])
            .handle(invocation_of(payload, FUNCTION_ARN))
            .await
            .map(json)
            .expect_err(task);
        assert_eq!(error.error_type(), "InvalidInput");
        let message = error.to_string();
        assert!(
            message.contains(task)
                && message.contains(
                    "the function runs in partition aws, Region us-east-1, account 123456789012"
                ),
            "{message}"
        );
        assert_eq!(
            start.num_calls(),
            0,
            "not even a dry run shows it as a request"
        );
    }
    // Without a function ARN (a local run), the SDK's Region is the function's.
    let error = fails(
        &app(&[]),
        json!({"ReplicationTaskArn": "arn:aws:dms:eu-west-1:123456789012:task:AAAABBBB"}),
    )
    .await;
    assert!(
        error
            .to_string()
            .contains("the function runs in Region us-east-1:"),
        "{error}"
    );
}

#[tokio::test]
async fn a_role_of_another_partition_is_invalid_input() {
    let payload = json!({"ReplicationTaskArn": TASK, "ServiceAccessRoleArn": "arn:aws-cn:iam::123456789012:role/dms"});
    let error = app(&[])
        .handle(invocation_of(payload, FUNCTION_ARN))
        .await
        .map(json)
        .unwrap_err();
    assert_eq!(error.error_type(), "InvalidInput");
    assert!(
        error.to_string().starts_with(
            "ServiceAccessRoleArn `arn:aws-cn:iam::123456789012:role/dms` is in partition aws-cn"
        ),
        "{error}"
    );
}

/// DMS's list of the assessments applicable to the task, over two pages.
fn applicable(first: &'static [&'static str], second: &'static [&'static str]) -> [Rule; 2] {
    use aws_sdk_databasemigration::operation::describe_applicable_individual_assessments::DescribeApplicableIndividualAssessmentsOutput as Listed;
    let page = |names: &[&str], marker: Option<&str>| {
        Listed::builder()
            .set_individual_assessment_names(Some(names.iter().map(|n| n.to_string()).collect()))
            .set_marker(marker.map(str::to_owned))
            .build()
    };
    [
        mock!(Client::describe_applicable_individual_assessments)
            .match_requests(|req| {
                req.replication_task_arn() == Some(TASK) && req.marker().is_none()
            })
            .then_output(move || page(first, Some("next"))),
        mock!(Client::describe_applicable_individual_assessments)
            .match_requests(|req| req.marker() == Some("next"))
            .then_output(move || page(second, None)),
    ]
}

#[tokio::test]
async fn unknown_individual_assessment_names_are_invalid_input_listing_the_applicable_ones() {
    let start = starts();
    let [first, second] = applicable(&["mysql-check-binlog-format"], &["mysql-check-server-id"]);
    let payload = json!({"ReplicationTaskArn": TASK, "IncludeOnly": ["mysql-check-server-id", "mysql-check-binlog-formatt"]});
    let error = fails(&app(&[&start, &first, &second]), payload).await;
    assert_eq!(error.error_type(), "InvalidInput");
    assert_eq!(
        error.to_string(),
        format!(
            "IncludeOnly names individual assessments that DMS does not list for the task {TASK}: \
             mysql-check-binlog-formatt; the applicable ones are: mysql-check-binlog-format, mysql-check-server-id"
        )
    );
    assert_eq!(
        (first.num_calls(), second.num_calls(), start.num_calls()),
        (1, 1, 0)
    );
}

#[tokio::test]
async fn applicable_names_start_the_run_and_no_list_is_read_without_names() {
    let start = starts();
    let [first, second] = applicable(&["mysql-check-binlog-format"], &["mysql-check-server-id"]);
    let app = app(&[&start, &first, &second]);
    let payload = json!({"ReplicationTaskArn": TASK, "Exclude": ["mysql-check-server-id"]});
    app.handle(invocation(payload)).await.unwrap();
    assert_eq!(
        (first.num_calls(), second.num_calls(), start.num_calls()),
        (1, 1, 1)
    );
    app.handle(invocation(json!({"ReplicationTaskArn": TASK})))
        .await
        .unwrap();
    assert_eq!(
        (first.num_calls(), start.num_calls()),
        (1, 2),
        "every assessment: nothing to check"
    );
}

#[tokio::test]
async fn no_region_is_invalid_configuration_not_an_outage() {
    let config = aws_sdk_databasemigration::Config::builder()
        .behavior_version(aws_sdk_databasemigration::config::BehaviorVersion::latest())
        .build();
    let app = App::new(Client::from_conf(config), Ok(deployment_defaults()));
    let error = fails(&app, json!({"ReplicationTaskArn": TASK})).await;
    assert_eq!(error.error_type(), "InvalidConfiguration");
    assert!(error.to_string().contains("AWS_REGION"), "{error}");
    // A dry run needs no Region, and calls nothing.
    let output = app
        .handle(invocation(
            json!({"ReplicationTaskArn": TASK, "DryRun": true}),
        ))
        .await
        .map(json)
        .unwrap();
    assert_eq!(output["DryRun"], true);
}

#[tokio::test]
async fn a_dms_event_of_another_account_is_invalid_input() {
    // The User Guide's sample names the account 012345678901; this function runs in 123456789012.
    let start = starts();
    let error = app(&[&start])
        .handle(invocation_of(
            event("eventbridge-dms-task-started-user-guide.json"),
            FUNCTION_ARN,
        ))
        .await
        .map(json)
        .unwrap_err();
    assert_eq!(error.error_type(), "InvalidInput");
    assert!(
        error
            .to_string()
            .starts_with("the DMS event's resources[0] "),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("account 012345678901, and the function runs in"),
        "{error}"
    );
    assert_eq!(start.num_calls(), 0);
}
