//! Shared by the integration tests: sample events, defaults like a deployment's, invocations.
#![allow(dead_code)] // each test binary uses its own part of this module

pub mod binary;
pub mod fault_server;
pub mod local_s3;
pub mod loopback;
pub mod runtime_api;

pub use runtime_api::deadline_in;

use std::path::{Path, PathBuf};
use std::time::Duration;

use dms_assessment_run::payload::Event;
use dms_assessment_run::Defaults;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::Value;

/// The task of every sample in `events/` (except the DMS event, whose account differs).
pub const TASK: &str =
    "arn:aws:dms:us-east-1:123456789012:task:AAAABBBB0CCCCDDDDEEEEE1FFFF2GGG3FFFFFF3";
pub const ROLE: &str = "arn:aws:iam::123456789012:role/dms-premigration-assessment";
pub const BUCKET: &str = "dms-assessment-results-123456789012";
pub const RUN_ARN: &str = "arn:aws:dms:us-east-1:123456789012:assessment-run:RUNAAAABBBBCCCCDDDD";

/// Defaults as a deployment sets them: the service role and the result bucket.
pub fn deployment_defaults() -> Defaults {
    Defaults {
        service_access_role_arn: Some(ROLE.to_owned()),
        result_location_bucket: Some(BUCKET.to_owned()),
        ..Defaults::default()
    }
}

pub fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("events")
}

/// Every sample event's file name: the start function's. The verdict function's are in
/// `events/verdict/` ([`verdict_event_files`]).
pub fn event_files() -> Vec<String> {
    json_files_in("")
}

/// Every sample of the verdict function's input, as paths under `events/`.
pub fn verdict_event_files() -> Vec<String> {
    json_files_in("verdict/")
}

/// The `.json` files of `events/<folder>`, as paths under `events/`, sorted.
fn json_files_in(folder: &str) -> Vec<String> {
    let dir = events_dir().join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable entry").file_name())
        .map(|name| format!("{folder}{}", name.to_string_lossy()))
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
}

/// A sample event from `events/`.
pub fn event(name: &str) -> Value {
    let bytes =
        std::fs::read(events_dir().join(name)).unwrap_or_else(|e| panic!("events/{name}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("events/{name}: {e}"))
}

/// An invocation of `payload` with a deadline 30 seconds away.
pub fn invocation(payload: Value) -> LambdaEvent<Event> {
    invocation_with_deadline(payload, Duration::from_secs(30))
}

/// The function ARN Lambda gives a function deployed in the samples' Region and account.
pub const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:dms-assessment-run";

/// An invocation as Lambda makes it, the function's ARN in its context.
pub fn invocation_of(payload: Value, function_arn: &str) -> LambdaEvent<Event> {
    let mut event = invocation(payload);
    event.context.invoked_function_arn = function_arn.to_owned();
    event
}

pub fn invocation_with_deadline(payload: Value, left: Duration) -> LambdaEvent<Event> {
    let mut context = Context::default();
    context.request_id = "test-request".to_owned();
    context.deadline = deadline_in(left);
    LambdaEvent::new(Event::from(payload), context)
}

/// A mock rule for the DMS operation `$op` (`Client::operation`) that always answers with DMS's fault
/// `$code` at HTTP `$status`, as DMS sends it on the wire.
#[macro_export]
macro_rules! always_fails {
    ($op:path, $code:expr, $status:expr) => {{
        let code: &str = $code;
        let body = serde_json::json!({"__type": code, "message": format!("{code} from DMS")}).to_string();
        aws_smithy_mocks::mock!($op)
            .sequence()
            .http_status($status, Some(body))
            .repeatedly()
            .build()
    }};
}

/// A run as the SDK describes it: `arn`, of `task`, named `name`, with `status`; tests add the rest.
pub fn run_described(
    task: &str,
    name: &str,
    arn: &str,
    status: &str,
) -> aws_sdk_databasemigration::types::builders::ReplicationTaskAssessmentRunBuilder {
    aws_sdk_databasemigration::types::ReplicationTaskAssessmentRun::builder()
        .replication_task_assessment_run_arn(arn)
        .replication_task_arn(task)
        .assessment_run_name(name)
        .status(status)
}

/// A run as DMS's JSON describes it.
pub fn run_json(task_arn: &str, name: &str, run_arn: &str) -> Value {
    serde_json::json!({
        "ReplicationTaskAssessmentRunArn": run_arn,
        "ReplicationTaskArn": task_arn,
        "Status": "starting",
        "ReplicationTaskAssessmentRunCreationDate": 1764175200.123,
        "ServiceAccessRoleArn": ROLE,
        "ResultLocationBucket": BUCKET,
        "AssessmentRunName": name,
        "IsLatestTaskAssessmentRun": true
    })
}

/// A result file of `tests/results/` (summary.json samples).
pub fn result_file(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/results")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An output as the Lambda runtime sends it: JSON.
pub fn json(output: dms_assessment_run::output::Output) -> Value {
    serde_json::to_value(output).expect("an output is plain data")
}

/// Words of serde and Rust that no message may carry.
pub const NOT_PLAIN: &[&str] = &[
    "u32",
    "u64",
    "i32",
    "i64",
    "usize",
    "f64",
    "invalid type",
    "invalid value",
    "expected",
    "sequence",
    "a map",
    "struct ",
    "floating point",
    "unit value",
    "Option<",
    "Vec<",
];

/// Asserts that `message`, less the values it quotes (`…`) and the escapes that show a value's
/// characters (`\u{10f64d}`, whose digits may spell `f64`), has none of [`NOT_PLAIN`].
pub fn assert_plain(message: &str) {
    let quoted_out: String = message.split('`').step_by(2).collect();
    // A value may hold a backtick itself, so escapes are taken out wherever they are.
    let mut own_words = String::with_capacity(quoted_out.len());
    let mut rest = quoted_out.as_str();
    while let Some(at) = rest.find("\\u{") {
        own_words.push_str(&rest[..at]);
        rest = rest[at..].find('}').map_or("", |end| &rest[at + end + 1..]);
    }
    own_words.push_str(rest);
    for word in NOT_PLAIN {
        assert!(!own_words.contains(word), "{word:?} in {message}");
    }
}
