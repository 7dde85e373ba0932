//! A loopback DMS (wiremock) and a real SDK client pointed at it.

use aws_config::BehaviorVersion;
use aws_sdk_databasemigration::config::{Credentials, Region};
use aws_sdk_databasemigration::Client;
use dms_assessment_run::{App, Error};
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

pub const SECRET_ACCESS_KEY: &str = "wire-test-secret";
pub const SESSION_TOKEN: &str = "wire-test-session-token";

pub const START: &str = "AmazonDMSv20160101.StartReplicationTaskAssessmentRun";
pub const DESCRIBE: &str = "AmazonDMSv20160101.DescribeReplicationTaskAssessmentRuns";
pub const APPLICABLE: &str = "AmazonDMSv20160101.DescribeApplicableIndividualAssessments";
pub const DESCRIBE_INDIVIDUAL: &str =
    "AmazonDMSv20160101.DescribeReplicationTaskIndividualAssessments";

/// The app with a real SDK client whose endpoint is `endpoint`.
pub async fn app_for(endpoint: &str) -> App {
    App::new(client_for(endpoint).await, Ok(deployment_defaults()))
}

/// A real SDK client whose endpoint is `endpoint`.
pub async fn client_for(endpoint: &str) -> Client {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .http_client(dms_assessment_run::http::https_client())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDWIRETEST",
            SECRET_ACCESS_KEY,
            Some(SESSION_TOKEN.to_owned()),
            None,
            "test",
        ))
        .endpoint_url(endpoint)
        .load()
        .await;
    Client::new(&config)
}

pub fn dms_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/x-amz-json-1.1")
}

/// Answers every call of DMS's `operation` with `body`.
pub fn answering(operation: &str, body: Value) -> Mock {
    Mock::given(header(
        "x-amz-target",
        format!("AmazonDMSv20160101.{operation}").as_str(),
    ))
    .respond_with(dms_json(body))
}

pub fn dms_fault(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(
        json!({"__type": code, "message": message}).to_string(),
        "application/x-amz-json-1.1",
    )
}

pub fn started(name: &str) -> ResponseTemplate {
    dms_json(json!({"ReplicationTaskAssessmentRun": run_json(TASK, name, RUN_ARN)}))
}

/// Answers every StartReplicationTaskAssessmentRun call with `response`, and the check of
/// `IncludeOnly` and `Exclude` names with every name the samples give.
pub async fn on_start(server: &MockServer, response: ResponseTemplate) {
    Mock::given(header("x-amz-target", START))
        .respond_with(response)
        .mount(server)
        .await;
    every_sample_assessment_applies(server).await;
}

/// DescribeApplicableIndividualAssessments: every individual assessment the samples name.
pub async fn every_sample_assessment_applies(server: &MockServer) {
    Mock::given(header("x-amz-target", APPLICABLE))
        .respond_with(dms_json(json!({"IndividualAssessmentNames": [
            "mysql-check-binlog-format",
            "mysql-check-server-id",
            "mysql-check-target-privileges"
        ]})))
        .mount(server)
        .await;
}

/// Invokes the function on a sample event, with DMS at `server`.
pub async fn invoke(server: &MockServer, sample: &str) -> Result<Value, Error> {
    app_for(&server.uri())
        .await
        .handle(invocation(event(sample)))
        .await
        .map(json)
}

/// The requests `server` received for one operation.
pub async fn requests_with_target(server: &MockServer, target: &str) -> Vec<wiremock::Request> {
    let all = server.received_requests().await.unwrap_or_default();
    all.into_iter()
        .filter(|r| r.headers.get("x-amz-target").and_then(|v| v.to_str().ok()) == Some(target))
        .collect()
}

/// The task the loopback DMS of [`dms_with_a_missing_task`] does not know.
pub const MISSING_TASK: &str = "arn:aws:dms:us-east-1:123456789012:task:GONE";

/// A loopback DMS for the built binary: MISSING_TASK is not found; runs of any other task start.
pub async fn dms_with_a_missing_task() -> MockServer {
    let dms = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(header("x-amz-target", START))
        .and(body_partial_json(
            json!({"ReplicationTaskArn": MISSING_TASK}),
        ))
        .respond_with(dms_fault(
            400,
            "ResourceNotFoundFault",
            "Replication task not found",
        ))
        .with_priority(1)
        .mount(&dms)
        .await;
    Mock::given(header("x-amz-target", START))
        .respond_with(started("from-the-binary"))
        .with_priority(2)
        .mount(&dms)
        .await;
    every_sample_assessment_applies(&dms).await;
    // The task has no other run: what a DMS event's recent-run check reads.
    Mock::given(header("x-amz-target", DESCRIBE))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ReplicationTaskAssessmentRuns": []})),
        )
        .mount(&dms)
        .await;
    dms
}
