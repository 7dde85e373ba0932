//! DMS Serverless replication configs: the handler with a mocked DMS client (aws-smithy-mocks).

mod common;

use aws_sdk_databasemigration::operation::describe_applicable_individual_assessments::DescribeApplicableIndividualAssessmentsOutput;
use aws_sdk_databasemigration::operation::describe_replications::DescribeReplicationsOutput;
use aws_sdk_databasemigration::operation::start_replication::StartReplicationOutput;
use aws_sdk_databasemigration::types::{PremigrationAssessmentStatus, Replication};
use aws_sdk_databasemigration::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use common::local_s3::unreachable_s3;
use common::*;
use dms_assessment_run::{App, Defaults, Error};
use serde_json::{json, Value};

const CONFIG: &str = "arn:aws:dms:us-east-1:123456789012:replication-config:CONFIGAAAABBBB";
const SERVERLESS_RUN: &str = "arn:aws:dms:us-east-1:123456789012:assessment-run:SERVERLESSRUN1";

fn app(rules: &[&Rule]) -> App {
    let client = mock_client!(aws_sdk_databasemigration, RuleMode::MatchAny, rules);
    let defaults = Defaults {
        result_location_folder: Some("runs".into()),
        result_encryption_mode: Some("SSE_S3".into()),
        ..deployment_defaults()
    };
    App::new(client, Ok(defaults))
}

fn assessment(folder: &str, status: &str) -> PremigrationAssessmentStatus {
    PremigrationAssessmentStatus::builder()
        .premigration_assessment_run_arn(SERVERLESS_RUN)
        .status(status)
        .fail_on_assessment_failure(true)
        .result_location_bucket("dms-serverless-premigration-results-abc")
        .result_location_folder(folder)
        .build()
}

fn replication(status: &str, assessments: Vec<PremigrationAssessmentStatus>) -> Replication {
    Replication::builder()
        .replication_config_arn(CONFIG)
        .status(status)
        .set_premigration_assessment_statuses(Some(assessments))
        .build()
}

fn described(replications: Vec<Replication>) -> Rule {
    mock!(Client::describe_replications).then_output(move || {
        DescribeReplicationsOutput::builder()
            .set_replications(Some(replications.clone()))
            .build()
    })
}

/// Starts the replication, reporting the assessment in the folder the request names.
fn starts() -> Rule {
    mock!(Client::start_replication).then_compute_output(|req| {
        let settings: Value =
            serde_json::from_str(req.premigration_assessment_settings().unwrap()).unwrap();
        let folder = settings["ResultLocationFolder"].as_str().unwrap();
        StartReplicationOutput::builder()
            .replication(replication(
                "starting",
                vec![assessment(folder, "starting")],
            ))
            .build()
    })
}

fn applicable() -> Rule {
    mock!(Client::describe_applicable_individual_assessments)
        .match_requests(|req| req.replication_config_arn() == Some(CONFIG))
        .then_output(|| {
            DescribeApplicableIndividualAssessmentsOutput::builder()
                .individual_assessment_names("mysql-check-binlog-format")
                .build()
        })
}

async fn invoke(app: &App, payload: Value) -> Result<Value, Error> {
    let mut context = lambda_runtime::Context::default();
    context.deadline = deadline_in(std::time::Duration::from_secs(30));
    app.handle(lambda_runtime::LambdaEvent::new(payload.into(), context))
        .await
        .map(|output| serde_json::to_value(output).unwrap())
}

fn payload() -> Value {
    json!({"ReplicationConfigArn": CONFIG, "StartReplicationType": "start-replication",
           "IdempotencyKey": "exec-1", "IncludeOnly": ["mysql-check-binlog-format"]})
}

#[tokio::test]
async fn a_replication_config_starts_its_replication_with_the_assessment() {
    let (describe, start, names) = (described(vec![]), starts(), applicable());
    let app = app(&[&describe, &start, &names]);
    let output = invoke(&app, payload()).await.unwrap();
    assert_eq!(output["ReplicationTaskAssessmentRunArn"], SERVERLESS_RUN);
    assert_eq!(output["Status"], "starting");
    assert_eq!(output["ReplicationConfigArn"], CONFIG);
    assert_eq!(output["AlreadyExisted"], false);
    let name = output["AssessmentRunName"].as_str().unwrap();
    assert!(name.starts_with("assessment-configaaaabbbb-"), "{name}");
    assert_eq!(
        output["PremigrationAssessmentStatus"]["ResultLocationFolder"],
        format!("runs/{name}")
    );
    assert_eq!(start.num_calls(), 1);
}

#[tokio::test]
async fn a_retry_finds_the_run_it_started_by_its_folder() {
    let (first, start, names) = (described(vec![]), starts(), applicable());
    let output = invoke(&app(&[&first, &start, &names]), payload())
        .await
        .unwrap();
    let folder = output["PremigrationAssessmentStatus"]["ResultLocationFolder"]
        .as_str()
        .unwrap()
        .to_owned();
    // The replication now runs, with this run's assessment: the retry answers it, starting nothing.
    let running = described(vec![replication(
        "running",
        vec![assessment(&folder, "running")],
    )]);
    let (start, names) = (starts(), applicable());
    let retry = invoke(&app(&[&running, &start, &names]), payload())
        .await
        .unwrap();
    assert_eq!(retry["AlreadyExisted"], true);
    assert_eq!(retry["Status"], "running");
    assert_eq!(retry["ReplicationTaskAssessmentRunArn"], SERVERLESS_RUN);
    assert_eq!(start.num_calls(), 0);
}

#[tokio::test]
async fn a_running_replication_is_a_named_error_not_a_second_start() {
    let other = assessment("runs/someone-else", "passed");
    let running = described(vec![replication("running", vec![other])]);
    let (start, names) = (starts(), applicable());
    let error = invoke(&app(&[&running, &start, &names]), payload())
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "InvalidResourceStateFault");
    assert!(error.to_string().contains("is `running`"), "{error}");
    assert_eq!(start.num_calls(), 0);
}

#[tokio::test]
async fn a_start_whose_answer_was_lost_finds_its_run_when_dms_refuses_the_retry() {
    // The retry: the replication still stopped and without the run when it looks first (the lost start
    // had not shown yet), DMS refuses the start, and the look after the refusal finds the run in this
    // request's folder.
    let folder = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let seen = folder.clone();
    let body =
        json!({"__type": "InvalidResourceStateFault", "message": "The replication is starting"})
            .to_string();
    let refused = mock!(Client::start_replication)
        .match_requests(move |req| {
            let settings: Value =
                serde_json::from_str(req.premigration_assessment_settings().unwrap()).unwrap();
            *seen.lock().unwrap() = settings["ResultLocationFolder"]
                .as_str()
                .unwrap()
                .to_owned();
            true
        })
        .sequence()
        .http_status(400, Some(body))
        .build();
    let looks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = looks.clone();
    let described = mock!(Client::describe_replications).then_compute_output(move |_| {
        let replicated = if counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            replication("stopped", vec![])
        } else {
            replication(
                "starting",
                vec![assessment(&folder.lock().unwrap(), "starting")],
            )
        };
        DescribeReplicationsOutput::builder()
            .replications(replicated)
            .build()
    });
    let names = applicable();
    let output = invoke(&app(&[&described, &refused, &names]), payload())
        .await
        .unwrap();
    assert_eq!(output["AlreadyExisted"], true);
    assert_eq!(output["ReplicationTaskAssessmentRunArn"], SERVERLESS_RUN);
    assert_eq!(refused.num_calls(), 1);
    assert_eq!(looks.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_custom_event_carries_a_config_and_its_id_names_the_run() {
    let event = json!({"version": "0", "id": "event-7", "detail-type": "Start assessment",
        "source": "com.example.migrations", "account": "123456789012", "time": "2026-12-06T10:00:00Z",
        "region": "us-east-1", "resources": [],
        "detail": {"ReplicationConfigArn": CONFIG, "StartReplicationType": "start-replication", "DryRun": true}});
    let first = invoke(&app(&[]), event.clone()).await.unwrap();
    let again = invoke(&app(&[]), event).await.unwrap();
    assert_eq!(first["Request"]["ReplicationConfigArn"], CONFIG);
    assert_eq!(
        first["Request"]["PremigrationAssessmentSettings"],
        again["Request"]["PremigrationAssessmentSettings"],
        "the event id makes the run's folder the same"
    );
}

#[tokio::test]
async fn members_that_do_not_apply_are_refused_by_name() {
    let app = app(&[]);
    for (member, value, why) in [
        (
            "ServiceAccessRoleArn",
            json!(ROLE),
            "its own service-linked role",
        ),
        ("ResultLocationBucket", json!(BUCKET), "a bucket it manages"),
        ("Tags", json!([{"Key": "k"}]), "does not tag"),
        ("AssessmentRunName", json!("mine"), "has no name"),
    ] {
        let mut given = payload();
        given[member] = value;
        let Err(Error::InvalidInput(message)) = invoke(&app, given).await else {
            panic!("{member} accepted");
        };
        assert!(
            message.starts_with(&format!("{member} does not apply to a replication config"))
                && message.contains(why),
            "{message}"
        );
    }
    let mut no_type = payload();
    no_type
        .as_object_mut()
        .unwrap()
        .remove("StartReplicationType");
    let Err(Error::InvalidInput(message)) = invoke(&app, no_type).await else {
        panic!("no StartReplicationType accepted");
    };
    assert!(
        message.starts_with("StartReplicationType is required with ReplicationConfigArn"),
        "{message}"
    );
    let Err(Error::InvalidInput(message)) = invoke(
        &app,
        json!({"ReplicationTaskArn": TASK, "StartReplicationType": "start-replication"}),
    )
    .await
    else {
        panic!("StartReplicationType accepted for a task");
    };
    assert!(
        message.starts_with("StartReplicationType applies only to a DMS Serverless"),
        "{message}"
    );
}

#[tokio::test]
async fn a_dry_run_shows_the_exact_request_with_the_settings_as_a_json_string() {
    let app = app(&[]);
    let mut given = payload();
    given["DryRun"] = json!(true);
    given["FailOnAssessmentFailure"] = json!(false);
    let output = invoke(&app, given).await.unwrap();
    let request = &output["Request"];
    assert_eq!(request["ReplicationConfigArn"], CONFIG);
    assert_eq!(request["StartReplicationType"], "start-replication");
    let settings: Value =
        serde_json::from_str(request["PremigrationAssessmentSettings"].as_str().unwrap()).unwrap();
    assert_eq!(settings["IncludeOnly"], "mysql-check-binlog-format");
    assert_eq!(settings["FailOnAssessmentFailure"], false);
    assert_eq!(settings["ResultEncryptionMode"], "SSE_S3");
    assert!(settings["ResultLocationFolder"]
        .as_str()
        .unwrap()
        .starts_with("runs/assessment-configaaaabbbb-"));
    assert!(
        output["NotChecked"][0]
            .as_str()
            .unwrap()
            .contains("replication config"),
        "{output}"
    );
}

mod verdict {
    use super::*;
    use aws_sdk_databasemigration::operation::describe_replication_task_individual_assessments::DescribeReplicationTaskIndividualAssessmentsOutput;
    use aws_sdk_databasemigration::types::{
        ReplicationTaskAssessmentRunResultStatistic, ReplicationTaskIndividualAssessment,
    };
    use dms_assessment_run::verdict::VerdictApp;

    fn ended(failed: i32) -> PremigrationAssessmentStatus {
        PremigrationAssessmentStatus::builder()
            .premigration_assessment_run_arn(SERVERLESS_RUN)
            .status(if failed > 0 { "failed" } else { "passed" })
            .result_statistic(
                ReplicationTaskAssessmentRunResultStatistic::builder()
                    .passed(3)
                    .failed(failed)
                    .build(),
            )
            .result_location_bucket("dms-serverless-premigration-results-abc")
            .result_location_folder("runs/assessment-configaaaabbbb-1")
            .build()
    }

    async fn judge(rules: &[&Rule], payload: Value) -> Result<Value, Error> {
        let client = mock_client!(aws_sdk_databasemigration, RuleMode::MatchAny, rules);
        let mut context = lambda_runtime::Context::default();
        context.deadline = deadline_in(std::time::Duration::from_secs(30));
        VerdictApp::new(client, unreachable_s3())
            .handle(lambda_runtime::LambdaEvent::new(payload.into(), context))
            .await
            .map(|output| serde_json::to_value(output).unwrap())
    }

    #[tokio::test]
    async fn a_serverless_run_is_judged_from_its_replication_with_the_names_when_dms_lists_them() {
        let other = PremigrationAssessmentStatus::builder()
            .premigration_assessment_run_arn(
                "arn:aws:dms:us-east-1:123456789012:assessment-run:OLDER",
            )
            .status("passed")
            .build();
        let described = described(vec![replication("stopped", vec![other, ended(1)])]);
        let listed =
            mock!(Client::describe_replication_task_individual_assessments).then_output(|| {
                DescribeReplicationTaskIndividualAssessmentsOutput::builder()
                    .replication_task_individual_assessments(
                        ReplicationTaskIndividualAssessment::builder()
                            .individual_assessment_name("mysql-check-binlog-format")
                            .status("failed")
                            .build(),
                    )
                    .build()
            });
        let verdict = judge(
            &[&described, &listed],
            json!({"ReplicationTaskAssessmentRunArn": SERVERLESS_RUN, "ReplicationConfigArn": CONFIG}),
        )
        .await
        .unwrap();
        assert_eq!(verdict["Verdict"], "Failed");
        assert_eq!(verdict["ReplicationConfigArn"], CONFIG);
        assert_eq!(
            verdict["Assessments"]["Failed"],
            json!(["mysql-check-binlog-format"])
        );
        assert_eq!(
            verdict["ResultLocation"],
            "s3://dms-serverless-premigration-results-abc/runs/assessment-configaaaabbbb-1/"
        );
    }

    #[tokio::test]
    async fn the_verdict_holds_when_dms_does_not_list_a_serverless_runs_assessments() {
        let described = described(vec![replication("running", vec![ended(0)])]);
        // What DMS might answer for a run that is not a task's: a fault, on the wire.
        let body =
            json!({"__type": "ResourceNotFoundFault", "message": "not a task's run"}).to_string();
        let unlisted = mock!(Client::describe_replication_task_individual_assessments)
            .sequence()
            .http_status(400, Some(body))
            .repeatedly()
            .build();
        let verdict = judge(
            &[&described, &unlisted],
            json!({"ReplicationTaskAssessmentRunArn": SERVERLESS_RUN, "ReplicationConfigArn": CONFIG}),
        )
        .await
        .unwrap();
        assert_eq!(verdict["Verdict"], "Passed");
        assert_eq!(verdict["ResultStatistic"]["Passed"], 3);
    }

    #[tokio::test]
    async fn a_config_of_another_region_is_invalid_input_before_dms_is_called() {
        let described = described(vec![]);
        let error = judge(
            &[&described],
            json!({"ReplicationTaskAssessmentRunArn": SERVERLESS_RUN,
                   "ReplicationConfigArn": "arn:aws:dms:eu-west-1:123456789012:replication-config:X"}),
        )
        .await
        .unwrap_err();
        assert_eq!(error.error_type(), "InvalidInput");
        assert!(error.to_string().contains("Region eu-west-1"), "{error}");
        assert_eq!(described.num_calls(), 0);
    }

    #[tokio::test]
    async fn a_run_the_replication_does_not_list_is_resource_not_found() {
        let described = described(vec![replication("running", vec![])]);
        let listed = mock!(Client::describe_replication_task_individual_assessments)
            .then_output(|| DescribeReplicationTaskIndividualAssessmentsOutput::builder().build());
        let error = judge(
            &[&described, &listed],
            json!({"ReplicationTaskAssessmentRunArn": SERVERLESS_RUN, "ReplicationConfigArn": CONFIG}),
        )
        .await
        .unwrap_err();
        assert_eq!(error.error_type(), "ResourceNotFoundFault");
        assert!(
            error.to_string().contains("for the replication config"),
            "{error}"
        );
    }
}
