//! Wire-level tests: the real SDK client against a loopback HTTP server standing in for DMS.

mod common;

use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_sdk_databasemigration::config::{Credentials, Region};
use aws_sdk_databasemigration::Client;
use common::*;
use dms_assessment_run::{App, Error};
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const START: &str = "AmazonDMSv20160101.StartReplicationTaskAssessmentRun";
const DESCRIBE: &str = "AmazonDMSv20160101.DescribeReplicationTaskAssessmentRuns";

async fn app_for(endpoint: &str) -> App {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDWIRETEST",
            "wire-test-secret",
            None,
            None,
            "test",
        ))
        .endpoint_url(endpoint)
        .load()
        .await;
    App::new(Client::new(&config), Ok(deployment_defaults()))
}

fn dms_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/x-amz-json-1.1")
}

fn dms_fault(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(
        json!({"__type": code, "message": message}).to_string(),
        "application/x-amz-json-1.1",
    )
}

fn started(name: &str) -> ResponseTemplate {
    dms_json(json!({"ReplicationTaskAssessmentRun": run_json(TASK, name, RUN_ARN)}))
}

/// Answers every StartReplicationTaskAssessmentRun call with `response`.
async fn on_start(server: &MockServer, response: ResponseTemplate) {
    Mock::given(header("x-amz-target", START))
        .respond_with(response)
        .mount(server)
        .await;
}

/// Invokes the function on a sample event, with DMS at `server`.
async fn invoke(server: &MockServer, sample: &str) -> Result<Value, Error> {
    app_for(&server.uri())
        .await
        .handle(invocation(event(sample)))
        .await
}

async fn requests_with_target(server: &MockServer, target: &str) -> Vec<wiremock::Request> {
    let all = server.received_requests().await.unwrap_or_default();
    all.into_iter()
        .filter(|r| r.headers.get("x-amz-target").and_then(|v| v.to_str().ok()) == Some(target))
        .collect()
}

#[tokio::test]
async fn the_request_on_the_wire_is_exactly_the_api_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/"))
        .and(header("x-amz-target", START))
        .respond_with(started("orders-db-before-cutover"))
        .mount(&server)
        .await;

    let output = invoke(&server, "step-functions-full.json").await.unwrap();

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
            "ResultLocationFolder": "orders-db/nightly",
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
async fn throttling_is_retried_by_the_sdk_and_the_run_started_once() {
    let server = MockServer::start().await;
    Mock::given(header("x-amz-target", START))
        .respond_with(dms_fault(400, "ThrottlingException", "Rate exceeded"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(header("x-amz-target", START))
        .respond_with(started("n"))
        .with_priority(2)
        .mount(&server)
        .await;

    let output = invoke(&server, "step-functions-minimal.json")
        .await
        .unwrap();
    assert_eq!(output["Status"], "starting");
    assert_eq!(requests_with_target(&server, START).await.len(), 3);
}

#[tokio::test]
async fn server_errors_on_every_attempt_are_dms_unavailable() {
    let server = MockServer::start().await;
    on_start(&server, dms_fault(503, "ServiceUnavailable", "try later")).await;
    let error = invoke(&server, "step-functions-minimal.json")
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "DmsUnavailable");
    assert!(
        error
            .to_string()
            .contains("HTTP 503 ServiceUnavailable: try later"),
        "{error}"
    );
    assert_eq!(
        requests_with_target(&server, START).await.len(),
        3,
        "the SDK's standard retry makes 3 attempts"
    );
}

#[tokio::test]
async fn an_unreadable_answer_is_dms_unavailable() {
    let server = MockServer::start().await;
    on_start(
        &server,
        ResponseTemplate::new(200).set_body_raw("<html>proxy error</html>", "text/html"),
    )
    .await;
    let error = invoke(&server, "step-functions-minimal.json")
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "DmsUnavailable");
    assert!(error.to_string().contains("could not be read"), "{error}");
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

#[tokio::test]
async fn a_dms_that_never_answers_is_dms_unavailable_before_the_deadline() {
    let server = MockServer::start().await;
    on_start(&server, started("n").set_delay(Duration::from_secs(60))).await;
    let app = app_for(&server.uri()).await;
    let began = Instant::now();
    let error = app
        .handle(invocation_with_deadline(
            event("step-functions-minimal.json"),
            Duration::from_secs(3),
        ))
        .await
        .unwrap_err();
    let took = began.elapsed();
    assert_eq!(error.error_type(), "DmsUnavailable");
    assert!(error.to_string().contains("deadline"), "{error}");
    assert!(
        took < Duration::from_secs(3),
        "answered after {took:?}, past the deadline"
    );
}

#[tokio::test]
async fn nothing_listening_is_dms_unavailable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let error = app_for(&format!("http://127.0.0.1:{port}"))
        .await
        .handle(invocation(event("step-functions-minimal.json")))
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "DmsUnavailable");
    assert!(error.to_string().contains("could not reach DMS"), "{error}");
}
