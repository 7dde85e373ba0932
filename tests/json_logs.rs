//! The built function with `AWS_LAMBDA_LOG_FORMAT=JSON`, at each of Lambda's log levels: every line it
//! prints on stdout must be one that Lambda's log-level filter reads as intended ("Log-level
//! filtering" in the Lambda Developer Guide): a JSON object with an RFC 3339 `timestamp` and a
//! `level` in Lambda's names, shaped like Lambda's own JSON lines (`message`, and `requestId` inside
//! an invocation, at the top level, with the event's own fields beside them).
//!
//! The binary is started as in tests/runtime_api.rs, through tests/common/binary.rs, under a Runtime
//! API on loopback (tests/common/runtime_api.rs) with a loopback DMS.

mod common;

use std::time::{Duration, SystemTime};

use aws_sdk_databasemigration::primitives::{DateTime, DateTimeFormat};
use common::binary::Function;
use common::loopback::{dms_with_a_missing_task, MISSING_TASK};
use common::runtime_api::{Answer, RuntimeApi};
use common::*;
use serde_json::{json, Map, Value};

/// The trace header tests/common/runtime_api.rs hands out with every invocation.
const TRACE_ID: &str = "Root=1-00000000-000000000000000000000000";

/// Lambda's level names, from the most verbose.
const LEVELS: [&str; 6] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

fn rank(level: &str) -> usize {
    LEVELS
        .iter()
        .position(|l| *l == level)
        .unwrap_or_else(|| panic!("{level:?} is not one of Lambda's level names"))
}

/// The most verbose level the function may print when configured at `level`. tracing has no
/// `FATAL`: at `FATAL` the function prints its errors only (which Lambda's own filter then drops).
fn floor(level: &str) -> usize {
    rank(level).min(rank("ERROR"))
}

/// The invocations, `req-0` to `req-4`, each logging at its own levels; lambda_runtime adds an
/// `ERROR` line for each one that fails.
fn payloads() -> Vec<Vec<u8>> {
    vec![
        // req-0: a run started, INFO.
        serde_json::to_vec(&event("step-functions-minimal.json")).unwrap(),
        // req-1: an invalid payload, WARN (and its message at DEBUG).
        serde_json::to_vec(&json!({"ReplicationTaskArn": TASK, "IncludeOnlly": ["x"]})).unwrap(),
        // req-2: a DMS fault, WARN.
        serde_json::to_vec(&json!({"ReplicationTaskArn": MISSING_TASK})).unwrap(),
        // req-3: a payload that is not JSON, WARN.
        b"{not json".to_vec(),
        // req-4: a dry run, INFO.
        serde_json::to_vec(&event("dry-run.json")).unwrap(),
    ]
}

/// Runs the function at `level` with JSON logs over [`payloads`]; its answers and its stdout.
async fn run_at(level: &str) -> (Vec<Answer>, String) {
    let dms = dms_with_a_missing_task().await;
    let payloads = payloads();
    let count = payloads.len();
    let runtime = RuntimeApi::start(payloads, count).await;
    let function = Function::start(&runtime, &dms.uri(), level, &[], &[]);
    let answers = runtime.answers(count).await;
    // Let the lines that follow the last answer be written before the process stops.
    tokio::time::sleep(Duration::from_millis(300)).await;
    (answers, function.stop().await)
}

fn epoch_millis(time: SystemTime) -> i64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`: RFC 3339, UTC, milliseconds.
fn is_rfc3339_utc_millis(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 24
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'.',
            23 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// Checks one line as Lambda's filter and a Logs Insights query would read it; returns it parsed.
fn check_line(line: &str, level: &str, window: (i64, i64), ids: &[String]) -> Map<String, Value> {
    let object = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(object)) => object,
        _ => panic!("at {level}, a line that is not a JSON object: {line}"),
    };

    // timestamp, level and message lead, in that order.
    let timestamp = object["timestamp"].as_str().unwrap();
    assert!(is_rfc3339_utc_millis(timestamp), "timestamp of {line}");
    let millis = DateTime::from_str(timestamp, DateTimeFormat::DateTime)
        .unwrap_or_else(|e| panic!("{timestamp}: {e}"))
        .to_millis()
        .unwrap();
    assert!(
        window.0 - 1000 <= millis && millis <= window.1 + 1000,
        "timestamp {timestamp} outside the run: {line}"
    );

    let line_level = object["level"].as_str().expect(line);
    assert!(
        rank(line_level) >= floor(level),
        "a {line_level} line at {level}: {line}"
    );
    let message = object.get("message").unwrap_or(&Value::Null);
    assert!(message.is_string(), "message of {line}");
    let after_level =
        format!("{{\"timestamp\":\"{timestamp}\",\"level\":\"{line_level}\",\"message\":");
    assert!(line.starts_with(&after_level), "{line}");

    // Flat: no nesting, and none of tracing-subscriber's own containers.
    for key in ["fields", "span", "spans", "target", "threadId"] {
        assert!(!object.contains_key(key), "{key:?} in {line}");
    }
    for (key, value) in &object {
        assert!(
            !value.is_object() && !value.is_array(),
            "{key} nested in {line}"
        );
    }

    if let Some(id) = object.get("requestId") {
        let id = id.as_str().expect(line);
        assert!(ids.iter().any(|i| i == id), "unknown requestId in {line}");
        assert_eq!(object["xrayTraceId"], TRACE_ID, "{line}");
    } else {
        assert!(!object.contains_key("xrayTraceId"), "{line}");
    }
    object
}

/// The lines with `key` = `value`.
fn with<'a>(
    lines: &'a [Map<String, Value>],
    key: &str,
    value: &str,
) -> Vec<&'a Map<String, Value>> {
    lines
        .iter()
        .filter(|l| l.get(key).and_then(Value::as_str) == Some(value))
        .collect()
}

async fn every_line_is_a_lambda_json_line_at(level: &str) {
    let began = epoch_millis(SystemTime::now());
    let (answers, logs) = run_at(level).await;
    let ended = epoch_millis(SystemTime::now());
    let ids: Vec<String> = (0..payloads().len()).map(|n| format!("req-{n}")).collect();

    // The invocations were answered as their payloads call for.
    let answer = |id: &str| answers.iter().find(|a| a.request_id == id).expect(id);
    assert_eq!(answer("req-0").kind, "response");
    assert_eq!(answer("req-1").body["errorType"], "InvalidInput");
    assert_eq!(answer("req-2").body["errorType"], "ResourceNotFoundFault");
    assert_eq!(answer("req-3").kind, "error");
    assert_eq!(answer("req-4").kind, "response");

    assert!(
        logs.ends_with('\n') || logs.is_empty(),
        "a cut line:\n{logs}"
    );
    let lines: Vec<Map<String, Value>> = logs
        .lines()
        .map(|line| check_line(line, level, (began, ended), &ids))
        .collect();

    // One invocation at a time: their ids appear in order.
    let order: Vec<usize> = lines
        .iter()
        .filter_map(|l| {
            l.get("requestId")?
                .as_str()?
                .strip_prefix("req-")?
                .parse()
                .ok()
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}\n{logs}");

    // The handler logs only inside an invocation.
    for line in with(&lines, "outcome", "error")
        .into_iter()
        .chain(with(&lines, "outcome", "started"))
        .chain(with(&lines, "outcome", "dry-run"))
    {
        assert!(line.contains_key("requestId"), "{line:?}");
    }

    // What each invocation logs, at the levels that show it, under its own request id.
    let expect = |lines: Vec<&Map<String, Value>>, ids: &[&str], line_level: &str, what: &str| {
        if rank(line_level) >= floor(level) {
            let got: Vec<&Value> = lines.iter().map(|l| &l["requestId"]).collect();
            assert_eq!(got, ids, "at {level}, {what}:\n{logs}");
            for line in lines {
                assert_eq!(line["level"], line_level, "{what}: {line:?}");
            }
        } else {
            assert!(lines.is_empty(), "at {level}, {what}:\n{logs}");
        }
    };
    let started = with(&lines, "outcome", "started");
    expect(started.clone(), &["req-0"], "INFO", "the started run");
    if let Some(started) = started.first() {
        assert_eq!(started["message"], "assessment run started");
        assert_eq!(started["run_arn"], RUN_ARN);
        assert_eq!(started["task_arn"], TASK);
        assert_eq!(started["already_existed"], false);
    }
    let invalid = with(&lines, "error_type", "InvalidInput");
    expect(invalid, &["req-1", "req-3"], "WARN", "the invalid payloads");
    let invalid_detail = with(&lines, "message", "invalid input");
    expect(
        invalid_detail,
        &["req-1", "req-3"],
        "DEBUG",
        "the invalid payloads' messages",
    );
    let fault = with(&lines, "error_type", "ResourceNotFoundFault");
    expect(fault.clone(), &["req-2"], "WARN", "the DMS fault");
    if let Some(fault) = fault.first() {
        assert_eq!(fault["outcome"], "error");
        assert_eq!(fault["message"], "assessment run not started");
        assert_eq!(fault["error"], "Replication task not found");
    }
    let dry_run = with(&lines, "outcome", "dry-run");
    expect(dry_run, &["req-4"], "INFO", "the dry run");
    // lambda_runtime's own line for each failed invocation, at ERROR: what Lambda's filter dropped,
    // as undated lines filed as INFO, when the function was set to WARN or ERROR.
    let failed: Vec<_> = lines
        .iter()
        .filter(|l| l["level"] == "ERROR" && l.contains_key("requestId"))
        .collect();
    expect(
        failed.clone(),
        &["req-1", "req-2", "req-3"],
        "ERROR",
        "the failed invocations",
    );
    let messages: Vec<&Value> = failed.iter().map(|l| &l["message"]).collect();
    assert_eq!(
        messages,
        [
            "InvalidInput(the payload is not valid; see the error message)",
            "ResourceNotFoundFault(Replication task not found)",
            "InvalidInput(the payload is not valid; see the error message)",
        ],
        "{logs}"
    );

    // At TRACE, lambda_runtime's own line inside each invocation carries its id too.
    let raw = with(&lines, "message", "raw JSON event received from Lambda");
    if level == "TRACE" {
        let raw_ids: Vec<&Value> = raw.iter().map(|l| &l["requestId"]).collect();
        assert_eq!(raw_ids, ids.iter().collect::<Vec<_>>(), "{logs}");
        assert!(raw[0]["body"].is_string());
    } else {
        assert!(raw.is_empty());
    }
}

#[tokio::test]
async fn json_lines_at_trace() {
    every_line_is_a_lambda_json_line_at("TRACE").await;
}

#[tokio::test]
async fn json_lines_at_debug() {
    every_line_is_a_lambda_json_line_at("DEBUG").await;
}

#[tokio::test]
async fn json_lines_at_info() {
    every_line_is_a_lambda_json_line_at("INFO").await;
}

#[tokio::test]
async fn json_lines_at_warn_keep_the_error_lines() {
    every_line_is_a_lambda_json_line_at("WARN").await;
}

#[tokio::test]
async fn json_lines_at_error_keep_the_error_lines() {
    every_line_is_a_lambda_json_line_at("ERROR").await;
}

#[tokio::test]
async fn json_lines_at_fatal() {
    every_line_is_a_lambda_json_line_at("FATAL").await;
}
