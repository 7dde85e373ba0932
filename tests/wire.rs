//! Wire-level tests: the real SDK client against a loopback HTTP server standing in for DMS.

mod common;

use common::loopback::*;
use common::*;
use dms_assessment_run::Error;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer};

#[tokio::test]
async fn the_request_on_the_wire_is_exactly_the_api_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/"))
        .and(header("x-amz-target", START))
        .respond_with(started("orders-db-before-cutover"))
        .mount(&server)
        .await;
    every_sample_assessment_applies(&server).await;

    let output = invoke(&server, "step-functions-full.json").await.unwrap();

    // The sample's Exclude names are checked first: the task's applicable assessments, by its ARN.
    let checked = requests_with_target(&server, APPLICABLE).await;
    assert_eq!(checked.len(), 1);
    let body: Value = serde_json::from_slice(&checked[0].body).unwrap();
    assert_eq!(body, json!({"ReplicationTaskArn": TASK}));

    let sent = requests_with_target(&server, START).await;
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(
        request.headers.get("content-type").unwrap(),
        "application/x-amz-json-1.1"
    );
    let auth = request
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDWIRETEST/"),
        "{auth}"
    );
    assert!(auth.contains("/us-east-1/dms/aws4_request"), "{auth}");
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({
            "ReplicationTaskArn": TASK,
            "ServiceAccessRoleArn": ROLE,
            "ResultLocationBucket": BUCKET,
            "ResultLocationFolder": "orders-db/nightly/orders-db-before-cutover",
            "ResultEncryptionMode": "SSE_KMS",
            "ResultKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "AssessmentRunName": "orders-db-before-cutover",
            "Exclude": ["mysql-check-target-privileges"],
            "Tags": [{"Key": "team", "Value": "data-platform"}, {"Key": "migration", "Value": "orders-db"}]
        })
    );

    assert_eq!(output["ReplicationTaskAssessmentRunArn"], RUN_ARN);
    assert_eq!(output["Status"], "starting");
    assert_eq!(output["AlreadyExisted"], false);
    assert_eq!(
        output["ReplicationTaskAssessmentRun"]["ReplicationTaskAssessmentRunCreationDate"],
        "2025-11-26T16:40:00.123Z"
    );
}

#[tokio::test]
async fn members_without_a_value_are_not_sent() {
    let server = MockServer::start().await;
    on_start(&server, started("n")).await;
    invoke(&server, "step-functions-minimal.json")
        .await
        .unwrap();
    let sent = requests_with_target(&server, START).await;
    let body: Value = serde_json::from_slice(&sent[0].body).unwrap();
    let mut members: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    members.sort_unstable();
    assert_eq!(
        members,
        [
            "AssessmentRunName",
            "ReplicationTaskArn",
            "ResultLocationBucket",
            "ResultLocationFolder",
            "ServiceAccessRoleArn"
        ]
    );
}

#[tokio::test]
async fn a_fault_keeps_its_wire_name() {
    let server = MockServer::start().await;
    on_start(
        &server,
        dms_fault(400, "KMSKeyNotAccessibleFault", "The key is not accessible"),
    )
    .await;
    let error = invoke(&server, "step-functions-full.json")
        .await
        .unwrap_err();
    assert_eq!(
        error,
        Error::Dms {
            code: "KMSKeyNotAccessibleFault".into(),
            message: "The key is not accessible".into()
        }
    );
    assert_eq!(
        requests_with_target(&server, START).await.len(),
        1,
        "a 4xx fault is not retried"
    );
}

#[tokio::test]
async fn an_existing_run_is_looked_up_page_by_page() {
    let server = MockServer::start().await;
    on_start(
        &server,
        dms_fault(400, "ResourceAlreadyExistsFault", "already exists"),
    )
    .await;
    Mock::given(header("x-amz-target", DESCRIBE))
        .and(body_partial_json(json!({"Marker": "m2"})))
        .respond_with(dms_json(json!({
            "ReplicationTaskAssessmentRuns": [run_json(TASK, "orders-db-before-cutover", RUN_ARN)]
        })))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(header("x-amz-target", DESCRIBE))
        .respond_with(dms_json(json!({
            "Marker": "m2",
            "ReplicationTaskAssessmentRuns": [run_json(TASK, "another-run", "arn:aws:dms:us-east-1:123456789012:assessment-run:OTHER")]
        })))
        .with_priority(2)
        .mount(&server)
        .await;

    let output = invoke(&server, "step-functions-full.json").await.unwrap();
    assert_eq!(output["AlreadyExisted"], true);
    assert_eq!(output["ReplicationTaskAssessmentRunArn"], RUN_ARN);

    let lookups = requests_with_target(&server, DESCRIBE).await;
    assert_eq!(lookups.len(), 2);
    let first: Value = serde_json::from_slice(&lookups[0].body).unwrap();
    assert_eq!(
        first,
        json!({"Filters": [{"Name": "replication-task-arn", "Values": [TASK]}]})
    );
    let second: Value = serde_json::from_slice(&lookups[1].body).unwrap();
    assert_eq!(second["Marker"], "m2");
}

/// A DMS Serverless replication config's start, as it leaves the real client: a DescribeReplications
/// for the run a retry started, then StartReplication with the settings as a JSON string. Each body is
/// checked against botocore's model of the DMS API by botocore's own validator, and the settings
/// string against the members the API reference lists for it (`StartReplication`,
/// `PremigrationAssessmentSettings`).
#[tokio::test]
async fn a_serverless_start_on_the_wire_is_what_botocores_model_and_the_api_reference_accept() {
    const SERVERLESS_START: &str = "AmazonDMSv20160101.StartReplication";
    const SERVERLESS_DESCRIBE: &str = "AmazonDMSv20160101.DescribeReplications";
    let server = MockServer::start().await;
    Mock::given(header("x-amz-target", SERVERLESS_DESCRIBE))
        .respond_with(dms_json(json!({"Replications": []})))
        .mount(&server)
        .await;
    // DMS answers with the replication and this run's assessment, in the folder it was given.
    Mock::given(header("x-amz-target", SERVERLESS_START))
        .respond_with(|request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            let settings: Value =
                serde_json::from_str(body["PremigrationAssessmentSettings"].as_str().unwrap())
                    .unwrap();
            dms_json(json!({"Replication": {
                "ReplicationConfigArn": body["ReplicationConfigArn"],
                "Status": "starting",
                "PremigrationAssessmentStatuses": [{
                    "PremigrationAssessmentRunArn": "arn:aws:dms:us-east-1:123456789012:assessment-run:SRV1",
                    "Status": "starting",
                    "ResultLocationFolder": settings["ResultLocationFolder"],
                    "FailOnAssessmentFailure": true
                }]
            }}))
        })
        .mount(&server)
        .await;
    every_sample_assessment_applies(&server).await;

    let output = invoke(&server, "step-functions-serverless.json")
        .await
        .unwrap();
    assert_eq!(
        output["ReplicationTaskAssessmentRunArn"],
        "arn:aws:dms:us-east-1:123456789012:assessment-run:SRV1"
    );

    for (target, operation) in [
        (APPLICABLE, "DescribeApplicableIndividualAssessments"),
        (SERVERLESS_DESCRIBE, "DescribeReplications"),
        (SERVERLESS_START, "StartReplication"),
    ] {
        let sent = requests_with_target(&server, target).await;
        assert_eq!(sent.len(), 1, "{operation}");
        assert_valid_for_botocore(operation, &sent[0].body);
    }
    let sent = &requests_with_target(&server, SERVERLESS_START).await[0];
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    let settings: Value =
        serde_json::from_str(body["PremigrationAssessmentSettings"].as_str().unwrap()).unwrap();
    let documented = [
        "ResultLocationFolder",
        "ResultEncryptionMode",
        "ResultKmsKeyArn",
        "IncludeOnly",
        "Exclude",
        "FailOnAssessmentFailure",
    ];
    for member in settings.as_object().unwrap().keys() {
        assert!(
            documented.contains(&member.as_str()),
            "{member} is not documented"
        );
    }
    // Names space-separated, as the API reference says; the folder the run's identity.
    assert_eq!(
        settings["IncludeOnly"],
        "mysql-check-binlog-format mysql-check-server-id"
    );
    assert_eq!(settings["FailOnAssessmentFailure"], true);
    let folder = settings["ResultLocationFolder"].as_str().unwrap();
    assert!(
        folder.starts_with("orders-db/assessment-aaaabbbbccccddddeeeeffffgg-"),
        "{folder}"
    );
    assert_eq!(body["StartReplicationType"], "start-replication");
}

/// Runs botocore's validator (tests/model/validate_request.py, in the Python environment that
/// scripts/test installs) on a request body; fails with what botocore says.
fn assert_valid_for_botocore(operation: &str, body: &[u8]) {
    use std::io::Write;
    let root = env!("CARGO_MANIFEST_DIR");
    let python = format!("{root}/.tools/venv/bin/python");
    let mut child = std::process::Command::new(&python)
        .arg(format!("{root}/tests/model/validate_request.py"))
        .arg(operation)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{python}: {e}; run scripts/test once, which installs botocore in .tools/venv")
        });
    child.stdin.take().unwrap().write_all(body).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{operation}: botocore refuses {}: {}",
        String::from_utf8_lossy(body),
        String::from_utf8_lossy(&output.stdout)
    );
}
