//! End-to-end: the built `bootstrap` binary served by a Lambda Runtime API on loopback, with DMS
//! answered by a second loopback server. What is checked is what Lambda would receive on the wire.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header, method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NEXT: &str = "/2018-06-01/runtime/invocation/next";

/// Queues `payload` as invocation `request_id`; invocations are handed out in the order queued.
async fn queue_invocation(runtime: &MockServer, request_id: &str, payload: Value) {
    Mock::given(method("GET"))
        .and(path(NEXT))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("lambda-runtime-aws-request-id", request_id)
                .insert_header(
                    "lambda-runtime-deadline-ms",
                    deadline_in(Duration::from_secs(30)).to_string().as_str(),
                )
                .insert_header(
                    "lambda-runtime-invoked-function-arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:dms-assessment-run",
                )
                .insert_header(
                    "lambda-runtime-trace-id",
                    "Root=1-00000000-000000000000000000000000",
                )
                .set_body_json(payload),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(runtime)
        .await;
}

/// Starts the Runtime API and queues the invocations; once they are handed out, `next` waits.
async fn runtime_api(invocations: &[(&str, Value)]) -> MockServer {
    let runtime = MockServer::start().await;
    for (id, payload) in invocations {
        queue_invocation(&runtime, id, payload.clone()).await;
    }
    Mock::given(method("GET"))
        .and(path(NEXT))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(600)))
        .with_priority(10)
        .mount(&runtime)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(
            r"^/2018-06-01/runtime/invocation/[^/]+/(response|error)$",
        ))
        .respond_with(ResponseTemplate::new(202))
        .mount(&runtime)
        .await;
    runtime
}

/// The function's answers, by request id: (`response` or `error`, body).
async fn answers(runtime: &MockServer, expected: usize) -> Vec<(String, String, Value)> {
    let began = Instant::now();
    loop {
        let posted: Vec<(String, String, Value)> = runtime
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.method.as_str() == "POST")
            .map(|r| {
                let parts: Vec<&str> = r.url.path().rsplitn(3, '/').collect();
                let body = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
                (parts[1].to_owned(), parts[0].to_owned(), body)
            })
            .collect();
        if posted.len() >= expected {
            return posted;
        }
        assert!(
            began.elapsed() < Duration::from_secs(60),
            "only {} of {expected} answers arrived",
            posted.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_binary_answers_success_validation_error_and_dms_fault_through_the_runtime_api() {
    let dms = MockServer::start().await;
    Mock::given(header(
        "x-amz-target",
        "AmazonDMSv20160101.StartReplicationTaskAssessmentRun",
    ))
    .and(body_partial_json(json!({"ReplicationTaskArn": TASK})))
    .respond_with(
        ResponseTemplate::new(200).set_body_raw(
            json!({"ReplicationTaskAssessmentRun": run_json(TASK, "from-the-binary", RUN_ARN)})
                .to_string(),
            "application/x-amz-json-1.1",
        ),
    )
    .mount(&dms)
    .await;
    let missing_task = "arn:aws:dms:us-east-1:123456789012:task:GONE";
    Mock::given(header(
        "x-amz-target",
        "AmazonDMSv20160101.StartReplicationTaskAssessmentRun",
    ))
    .and(body_partial_json(
        json!({"ReplicationTaskArn": missing_task}),
    ))
    .respond_with(
        ResponseTemplate::new(400).set_body_raw(
            json!({"__type": "ResourceNotFoundFault", "message": "Replication task not found"})
                .to_string(),
            "application/x-amz-json-1.1",
        ),
    )
    .mount(&dms)
    .await;

    let runtime = runtime_api(&[
        ("req-success", event("step-functions-minimal.json")),
        (
            "req-invalid",
            json!({"ReplicationTaskArn": TASK, "IncludeOnlly": ["x"]}),
        ),
        ("req-fault", json!({"ReplicationTaskArn": missing_task})),
    ])
    .await;

    let mut function = tokio::process::Command::new(env!("CARGO_BIN_EXE_dms-assessment-run"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address().to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "dms-assessment-run")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "AKIDE2ETEST")
        .env("AWS_SECRET_ACCESS_KEY", "e2e-test-secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE", dms.uri())
        .env("SERVICE_ACCESS_ROLE_ARN", ROLE)
        .env("RESULT_LOCATION_BUCKET", BUCKET)
        .env("RESULT_LOCATION_FOLDER", "")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the function binary starts");

    let answers = answers(&runtime, 3).await;
    function.kill().await.ok();
    let logs = function
        .wait_with_output()
        .await
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();

    let find = |id: &str| {
        answers
            .iter()
            .find(|(rid, _, _)| rid == id)
            .unwrap_or_else(|| panic!("no answer for {id}"))
    };

    let (_, kind, body) = find("req-success");
    assert_eq!(kind, "response", "{body}");
    assert_eq!(body["ReplicationTaskAssessmentRunArn"], RUN_ARN);
    assert_eq!(body["Status"], "starting");
    assert_eq!(body["AlreadyExisted"], false);

    let (_, kind, body) = find("req-invalid");
    assert_eq!(kind, "error");
    assert_eq!(body["errorType"], "InvalidInput");
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("IncludeOnlly"),
        "{body}"
    );

    let (_, kind, body) = find("req-fault");
    assert_eq!(kind, "error");
    assert_eq!(body["errorType"], "ResourceNotFoundFault");
    assert_eq!(body["errorMessage"], "Replication task not found");

    // One structured line per invocation, in JSON as AWS_LAMBDA_LOG_FORMAT asks.
    let started: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["fields"]["outcome"] == "started")
        .collect();
    assert_eq!(started.len(), 1, "{logs}");
    assert_eq!(started[0]["fields"]["run_arn"], RUN_ARN, "{logs}");
}
