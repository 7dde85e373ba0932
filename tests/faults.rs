//! Faults from DMS, wire-level: the real SDK client against loopback servers that misbehave on cue.
//! Each case checks what the caller sees, how many requests reached DMS, and how long it took.

mod common;

use std::time::{Duration, Instant};

use common::fault_server::{Act, FaultServer};
use common::loopback::*;
use common::*;
use dms_assessment_run::Error;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Well within the 30-second deadline the invocations get.
const PROMPT: Duration = Duration::from_secs(10);

async fn timed(server_url: &str, sample: &str) -> (Result<Value, Error>, Duration) {
    let app = app_for(server_url).await;
    let began = Instant::now();
    let result = app.handle(invocation(event(sample))).await.map(json);
    (result, began.elapsed())
}

/// The start was attempted `attempts` times, and the answer came well within the deadline.
async fn attempted(server: &MockServer, attempts: usize, took: Duration, why: &str) {
    assert_eq!(
        requests_with_target(server, START).await.len(),
        attempts,
        "{why}"
    );
    assert!(took < PROMPT, "{took:?}");
}

fn unavailable(result: Result<Value, Error>, saying: &str) {
    match result {
        Err(Error::DmsUnavailable(message)) => assert!(message.contains(saying), "{message}"),
        other => panic!("expected DmsUnavailable saying {saying:?}, got {other:?}"),
    }
}

fn answer(status: u16, body: Value) -> Act {
    Act::Answer {
        status,
        body: body.to_string(),
    }
}

fn fault(code: &str, message: &str) -> Act {
    answer(400, json!({"__type": code, "message": message}))
}

#[tokio::test]
async fn throttled_twice_then_the_run_is_started_once() {
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
    let (result, took) = timed(&server.uri(), "step-functions-minimal.json").await;
    let output = result.unwrap();
    assert_eq!(output["Status"], "starting");
    assert_eq!(output["AlreadyExisted"], false);
    attempted(
        &server,
        3,
        took,
        "the SDK's standard retry makes 3 attempts",
    )
    .await;
}

#[tokio::test]
async fn server_errors_on_every_attempt_are_dms_unavailable_after_bounded_retries() {
    for (status, code) in [(500, "InternalFailure"), (503, "ServiceUnavailable")] {
        let server = MockServer::start().await;
        on_start(&server, dms_fault(status, code, "try later")).await;
        let (result, took) = timed(&server.uri(), "step-functions-minimal.json").await;
        unavailable(result, &format!("HTTP {status} {code}: try later"));
        attempted(
            &server,
            3,
            took,
            "the SDK's standard retry makes 3 attempts",
        )
        .await;
    }
}

#[tokio::test]
async fn a_dms_that_never_answers_is_dms_unavailable_before_the_deadline() {
    let server = MockServer::start().await;
    on_start(&server, started("n").set_delay(Duration::from_secs(60))).await;
    let app = app_for(&server.uri()).await;
    let began = Instant::now();
    let result = app
        .handle(invocation_with_deadline(
            event("step-functions-minimal.json"),
            Duration::from_secs(3),
        ))
        .await
        .map(json);
    let took = began.elapsed();
    unavailable(result, "before the invocation's deadline");
    assert!(
        took < Duration::from_secs(3),
        "answered after {took:?}, past the deadline"
    );
    assert!(
        took >= Duration::from_millis(1500),
        "gave up early, after {took:?}"
    );
}

#[tokio::test]
async fn nothing_listening_is_dms_unavailable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (result, took) = timed(
        &format!("http://127.0.0.1:{port}"),
        "step-functions-minimal.json",
    )
    .await;
    unavailable(result, "could not reach DMS");
    assert!(took < PROMPT, "{took:?}");
}

#[tokio::test]
async fn unreadable_answers_are_dms_unavailable_saying_what_was_wrong() {
    let body = json!({"ReplicationTaskAssessmentRun": run_json(TASK, "n", RUN_ARN)}).to_string();
    let cases = [
        (
            Act::Answer {
                status: 200,
                body: "<html>proxy error</html>".into(),
            },
            "could not be read",
        ),
        (
            Act::Truncate {
                status: 200,
                body: body.clone(),
                sent: body.len() / 2,
            },
            "could not",
        ),
        (
            answer(200, json!({})),
            "without a ReplicationTaskAssessmentRun",
        ),
        (
            answer(
                200,
                json!({"ReplicationTaskAssessmentRun": {"Status": "starting"}}),
            ),
            "no ReplicationTaskAssessmentRunArn",
        ),
        (
            answer(
                200,
                json!({"ReplicationTaskAssessmentRun": {"ReplicationTaskAssessmentRunArn": RUN_ARN}}),
            ),
            "no Status",
        ),
        (
            answer(200, json!({"ReplicationTaskAssessmentRun": "starting"})),
            "could not be read",
        ),
    ];
    for (act, saying) in cases {
        let server = FaultServer::start(vec![act.clone()]).await;
        let (result, took) = timed(&server.url, "step-functions-minimal.json").await;
        unavailable(result, saying);
        assert!(took < PROMPT, "{act:?} took {took:?}");
    }
}

/// A start whose first answer is lost (`lost`), retried by the SDK and refused (`refused`), then the
/// look-up that finds the run: one run, `AlreadyExisted`, and the requests DMS received, in order.
async fn lost_then_found(lost: Act, refused: Act) -> Vec<(String, Value)> {
    let run = run_json(TASK, "orders-db-before-cutover", RUN_ARN);
    let found = answer(200, json!({"ReplicationTaskAssessmentRuns": [run]}));
    let server = FaultServer::start(vec![lost, refused, found]).await;
    let (result, took) = timed(&server.url, "step-functions-full.json").await;
    let output = result.unwrap();
    assert_eq!(output["AlreadyExisted"], true);
    assert_eq!(output["ReplicationTaskAssessmentRunArn"], RUN_ARN);
    assert!(took < PROMPT, "{took:?}");
    let requests: Vec<(String, Value)> = server
        .requests()
        .into_iter()
        .map(|(target, body)| (target, serde_json::from_str(&body).unwrap()))
        .collect();
    let targets: Vec<&str> = requests.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        targets,
        [
            "amazondmsv20160101.startreplicationtaskassessmentrun",
            "amazondmsv20160101.startreplicationtaskassessmentrun",
            "amazondmsv20160101.describereplicationtaskassessmentruns"
        ]
    );
    requests
}

#[tokio::test]
async fn a_lost_answer_after_dms_created_the_run_gives_that_run_once() {
    // DMS creates the run, and its answer never arrives.
    let refused = fault(
        "ResourceAlreadyExistsFault",
        "Assessment run already exists",
    );
    let requests = lost_then_found(Act::Drop, refused).await;
    assert_eq!(
        requests[0].1["AssessmentRunName"], requests[1].1["AssessmentRunName"],
        "the retry asks for the same run, so no second run can exist"
    );
}

#[tokio::test]
async fn already_exists_then_a_failing_lookup_is_dms_unavailable_with_context() {
    let server = FaultServer::start(vec![
        fault("ResourceAlreadyExistsFault", "exists"),
        answer(
            503,
            json!({"__type": "ServiceUnavailable", "message": "down"}),
        ),
    ])
    .await;
    let (result, took) = timed(&server.url, "step-functions-full.json").await;
    unavailable(
        result,
        "already exists, and looking it up failed: DMS answered HTTP 503",
    );
    assert_eq!(
        server.requests().len(),
        1 + 3,
        "one start, three lookup attempts"
    );
    assert!(took < PROMPT, "{took:?}");
}

#[tokio::test]
async fn already_exists_then_the_run_appears_on_the_fourth_page() {
    let server = MockServer::start().await;
    on_start(
        &server,
        dms_fault(400, "ResourceAlreadyExistsFault", "exists"),
    )
    .await;
    for page in 1..=4 {
        let mut body = json!({
            "ReplicationTaskAssessmentRuns": [run_json(TASK, &format!("older-{page}"), &format!("{RUN_ARN}{page}"))]
        });
        if page < 4 {
            body["Marker"] = json!(format!("page-{}", page + 1));
        } else {
            body["ReplicationTaskAssessmentRuns"]
                .as_array_mut()
                .unwrap()
                .push(run_json(TASK, "orders-db-before-cutover", RUN_ARN));
        }
        let describe = Mock::given(header("x-amz-target", DESCRIBE));
        let mock = if page == 1 {
            describe.respond_with(dms_json(body)).with_priority(2)
        } else {
            describe
                .and(body_partial_json(json!({"Marker": format!("page-{page}")})))
                .respond_with(dms_json(body))
                .with_priority(1)
        };
        mock.mount(&server).await;
    }
    let (result, _) = timed(&server.uri(), "step-functions-full.json").await;
    let output = result.unwrap();
    assert_eq!(output["AlreadyExisted"], true);
    assert_eq!(output["ReplicationTaskAssessmentRunArn"], RUN_ARN);
    assert_eq!(requests_with_target(&server, DESCRIBE).await.len(), 4);
}

#[tokio::test]
async fn rejected_credentials_are_no_usable_credentials_and_not_retried() {
    for code in [
        "UnrecognizedClientException",
        "ExpiredTokenException",
        "InvalidSignatureException",
        "InvalidClientTokenId",
    ] {
        let server = MockServer::start().await;
        on_start(
            &server,
            dms_fault(
                400,
                code,
                "The security token included in the request is invalid",
            ),
        )
        .await;
        let (result, took) = timed(&server.uri(), "step-functions-minimal.json").await;
        let error = result.unwrap_err();
        assert_eq!(error.error_type(), "NoUsableCredentials", "{code}");
        let message = error.to_string();
        assert!(
            message.contains(code) && message.contains("token included in the request is invalid"),
            "{message}"
        );
        attempted(&server, 1, took, &format!("{code} is not retried")).await;
    }
}

#[tokio::test]
async fn a_lost_answer_then_invalid_resource_state_gives_that_run_once() {
    // DMS creates the run, and its answer is a 500; the SDK's retry finds the task `testing`.
    let lost = answer(
        500,
        json!({"__type": "InternalFailure", "message": "internal error"}),
    );
    let refused = fault(
        "InvalidResourceStateFault",
        "Replication task is in testing state",
    );
    let requests = lost_then_found(lost, refused).await;
    assert_eq!(
        requests[2].1["Filters"],
        json!([{"Name": "replication-task-arn", "Values": [TASK]}])
    );
}

#[tokio::test]
async fn invalid_resource_state_without_the_run_stands_as_it_is() {
    let other = run_json(TASK, "someone-elses-run", RUN_ARN);
    let server = FaultServer::start(vec![
        fault(
            "InvalidResourceStateFault",
            "Replication task is in testing state",
        ),
        answer(200, json!({"ReplicationTaskAssessmentRuns": [other]})),
    ])
    .await;
    let (result, _) = timed(&server.url, "step-functions-full.json").await;
    match result {
        Err(Error::Dms { code, message }) => {
            assert_eq!(code, "InvalidResourceStateFault");
            assert_eq!(message, "Replication task is in testing state");
        }
        other => panic!("expected InvalidResourceStateFault, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 2, "one start, one lookup");
}

#[tokio::test]
async fn invalid_resource_state_then_a_failing_lookup_keeps_the_context() {
    let server = FaultServer::start(vec![
        fault("InvalidResourceStateFault", "testing"),
        fault("AccessDeniedFault", "not allowed to describe"),
    ])
    .await;
    let (result, _) = timed(&server.url, "step-functions-full.json").await;
    let error = result.unwrap_err();
    assert_eq!(error.error_type(), "AccessDeniedFault");
    let message = error.to_string();
    assert!(
        message.contains("InvalidResourceStateFault")
            && message.contains("not allowed to describe"),
        "{message}"
    );
}

#[tokio::test]
async fn a_status_without_a_body_is_dms_unavailable() {
    let server = MockServer::start().await;
    on_start(&server, ResponseTemplate::new(502)).await;
    let (result, _) = timed(&server.uri(), "step-functions-minimal.json").await;
    unavailable(result, "HTTP 502");
}

#[tokio::test]
async fn tls_stays_on_an_https_endpoint_that_does_not_speak_tls_is_refused() {
    // A plain TCP server that answers every connection with an HTTP response, never a TLS handshake.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let https = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            use tokio::io::AsyncWriteExt;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                .await;
        }
    });
    let (result, took) = timed(&https, "step-functions-minimal.json").await;
    unavailable(result, "could not reach DMS");
    assert!(took < PROMPT, "{took:?}");
}

/// A credentials chain that finds nothing, as the SDK's does on a machine without credentials.
#[derive(Debug)]
struct NoCredentials;

impl aws_credential_types::provider::ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err(
            aws_credential_types::provider::error::CredentialsError::not_loaded(
                "no providers in chain provided credentials",
            ),
        ))
    }
}

#[tokio::test]
async fn no_credentials_is_no_usable_credentials_and_dms_is_not_called() {
    let server = MockServer::start().await;
    on_start(&server, started("never")).await;
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(dms_assessment_run::http::https_client())
        .region(aws_sdk_databasemigration::config::Region::new("us-east-1"))
        .credentials_provider(NoCredentials)
        .endpoint_url(server.uri())
        .load()
        .await;
    let app = dms_assessment_run::App::new(
        aws_sdk_databasemigration::Client::new(&config),
        Ok(deployment_defaults()),
    );
    let error = app
        .handle(invocation(event("step-functions-minimal.json")))
        .await
        .map(json)
        .unwrap_err();
    assert_eq!(error.error_type(), "NoUsableCredentials");
    let message = error.to_string();
    assert!(
        message.contains("no providers in chain provided credentials"),
        "{message}"
    );
    assert_plain(&message);
    assert!(requests_with_target(&server, START).await.is_empty());
}

/// Fails when `message` carries what only Rust's `Debug` prints: paths, struct and tuple-variant
/// syntax, `Some`/`None`.
fn assert_plain(message: &str) {
    for marker in [
        "::", " { ", "{ ", " }", "Some(", "None", "\\\"", "Error {", "Kind(",
    ] {
        assert!(!message.contains(marker), "{marker:?} in {message:?}");
    }
    // A CamelCase name directly followed by `(` is a Debug-printed value.
    for word in message.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
        let humps = word.chars().filter(char::is_ascii_uppercase).count();
        if humps >= 2 && word.starts_with(|c: char| c.is_ascii_uppercase()) {
            assert!(
                !message.contains(&format!("{word}(")),
                "{word}( in {message:?}"
            );
        }
    }
}

#[tokio::test]
async fn no_error_message_carries_type_names_or_debug_output() {
    let mut messages = Vec::new();
    let nothing_listening = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    messages.push(
        timed(&nothing_listening, "step-functions-minimal.json")
            .await
            .0,
    );
    let body = json!({"ReplicationTaskAssessmentRun": run_json(TASK, "n", RUN_ARN)}).to_string();
    for act in [
        Act::Answer {
            status: 200,
            body: "<html>proxy error</html>".into(),
        },
        Act::Truncate {
            status: 200,
            body: body.clone(),
            sent: body.len() / 2,
        },
        Act::Drop,
        answer(
            503,
            json!({"__type": "ServiceUnavailable", "message": "down"}),
        ),
        answer(200, json!({"ReplicationTaskAssessmentRun": "starting"})),
        fault(
            "UnrecognizedClientException",
            "The security token included in the request is invalid",
        ),
        fault("ResourceNotFoundFault", "Replication task not found"),
    ] {
        let server = FaultServer::start(vec![act]).await;
        messages.push(timed(&server.url, "step-functions-minimal.json").await.0);
    }
    let hung = MockServer::start().await;
    on_start(&hung, started("n").set_delay(Duration::from_secs(60))).await;
    let app = app_for(&hung.uri()).await;
    messages.push(
        app.handle(invocation_with_deadline(
            event("step-functions-minimal.json"),
            Duration::from_secs(3),
        ))
        .await
        .map(json),
    );
    let app = app_for(&nothing_listening).await;
    messages.push(
        app.handle(invocation(json!({"ReplicationTaskArn": "arn:nope"})))
            .await
            .map(json),
    );
    let mut seen = std::collections::BTreeSet::new();
    for result in messages {
        let error = result.expect_err("every case fails");
        println!("{}: {error}", error.error_type());
        seen.insert(error.error_type().to_owned());
        assert_plain(&error.to_string());
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        [
            "DmsUnavailable",
            "InvalidInput",
            "NoUsableCredentials",
            "ResourceNotFoundFault"
        ]
    );
}
