//! Hostile and malformed input: never a panic, always a valid request or `InvalidInput`, in bounded
//! time, with messages that stay small however large the input.

mod common;

use std::time::{Duration, Instant};

use common::*;
use dms_assessment_run::config::Defaults;
use dms_assessment_run::naming::NameSeed;
use dms_assessment_run::payload::{self, Event, MEMBERS};
use dms_assessment_run::{request, App, Error};
use lambda_runtime::{Context, LambdaEvent};
use proptest::prelude::*;
use serde_json::{json, Value};

/// An app in dry-run mode whose DMS client has nothing to answer with: input never reaches DMS.
fn app_without_dms() -> App {
    let no_rules: [&aws_smithy_mocks::Rule; 0] = [];
    App::new(
        aws_smithy_mocks::mock_client!(aws_sdk_databasemigration, no_rules),
        Ok(Defaults {
            dry_run: true,
            ..deployment_defaults()
        }),
    )
}

/// Hands `bytes` to the handler as the Lambda runtime would, and returns the error or dry-run output.
async fn answer(app: &App, bytes: &[u8]) -> (Result<Value, Error>, Duration) {
    let mut context = Context::default();
    context.deadline = deadline_in(Duration::from_secs(30));
    let began = Instant::now();
    let result = app
        .handle(LambdaEvent::new(Event::from_slice(bytes), context))
        .await
        .map(json);
    (result, began.elapsed())
}

async fn invalid(bytes: &[u8]) -> String {
    let (result, took) = answer(&app_without_dms(), bytes).await;
    assert!(took < Duration::from_secs(2), "took {took:?}");
    match result {
        Err(Error::InvalidInput(message)) => {
            assert!(
                message.len() < 1000,
                "the message is {} bytes long",
                message.len()
            );
            message
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_json_is_invalid_input() {
    for bytes in [
        &b""[..],
        b"{",
        b"{\"ReplicationTaskArn\": }",
        b"\xff\xfe",
        b"nul",
        b"{\"a\":1,}",
    ] {
        let message = invalid(bytes).await;
        assert!(message.contains("not usable JSON"), "{message}");
    }
}

#[tokio::test]
async fn thousands_of_nesting_levels_are_invalid_input() {
    for depth in [200, 5_000, 100_000] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let message = invalid(deep.as_bytes()).await;
        assert!(message.contains("recursion limit"), "{message}");
        let deep_object = format!("{}1{}", "{\"detail\":".repeat(depth), "}".repeat(depth));
        invalid(deep_object.as_bytes()).await;
    }
}

#[tokio::test]
async fn a_member_given_twice_is_invalid_input_at_any_depth() {
    let message = invalid(
        format!(r#"{{"ReplicationTaskArn": "{TASK}", "ReplicationTaskArn": "{TASK}"}}"#).as_bytes(),
    )
    .await;
    assert!(
        message.contains("`ReplicationTaskArn` is given more than once"),
        "{message}"
    );
    let nested = format!(
        r#"{{"id": "1", "source": "s", "detail-type": "d", "detail": {{"ReplicationTaskArn": "{TASK}", "ReplicationTaskArn": "x"}}}}"#
    );
    invalid(nested.as_bytes()).await;
    let in_tag =
        format!(r#"{{"ReplicationTaskArn": "{TASK}", "Tags": [{{"Key": "a", "Key": "b"}}]}}"#);
    invalid(in_tag.as_bytes()).await;
}

#[tokio::test]
async fn megabytes_of_input_get_a_short_answer_quickly() {
    let huge = "A".repeat(5 * 1024 * 1024);
    for payload in [
        json!({ "ReplicationTaskArn": huge }),
        json!({ "ReplicationTaskArn": format!("arn:aws:dms:us-east-1:123456789012:task:{huge}!") }),
        json!({ "ReplicationTaskArn": TASK, "ServiceAccessRoleArn": huge }),
        json!({ "ReplicationTaskArn": TASK, "AssessmentRunName": huge }),
        json!({ "ReplicationTaskArn": TASK, huge.clone(): 1 }),
        json!({ "ReplicationTaskArn": TASK, "Tags": [{"Key": huge}] }),
        json!({ "ReplicationTaskArn": TASK, "Exclude": vec!["x"; 500_000] , "IncludeOnly": ["y"]}),
    ] {
        let bytes = serde_json::to_vec(&payload).unwrap();
        invalid(&bytes).await;
    }
}

#[tokio::test]
async fn numbers_where_strings_belong_are_invalid_input() {
    for member in [
        "ReplicationTaskArn",
        "ServiceAccessRoleArn",
        "ResultLocationFolder",
        "AssessmentRunName",
        "IdempotencyKey",
    ] {
        let message = invalid(json!({ member: 1e308 }).to_string().as_bytes()).await;
        assert!(
            message.contains(member) && message.contains("must be a string"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn unicode_in_names_and_tags_passes_through_unchanged() {
    let payload = json!({
        "ReplicationTaskArn": TASK,
        "AssessmentRunName": "évaluation-préalable 迁移 🚀",
        "ResultLocationFolder": "résultats/データ",
        "Tags": [{"Key": "équipe", "Value": "données 数据"}]
    });
    let (result, _) = answer(&app_without_dms(), payload.to_string().as_bytes()).await;
    let request = &result.unwrap()["Request"];
    assert_eq!(request["AssessmentRunName"], "évaluation-préalable 迁移 🚀");
    assert_eq!(request["ResultLocationFolder"], "résultats/データ");
    assert_eq!(
        request["Tags"],
        json!([{"Key": "équipe", "Value": "données 数据"}])
    );
}

/// Any JSON value: scalars, and arrays and objects of them a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
        Just(Value::String(TASK.to_owned())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(".{0,20}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Objects made of the accepted members (either spelling) and event members, with any values.
fn payload_like() -> impl Strategy<Value = Value> {
    let names: Vec<String> = MEMBERS
        .iter()
        .flat_map(|m| {
            [
                m.to_string(),
                format!("{}{}", m[..1].to_lowercase(), &m[1..]),
            ]
        })
        .chain(["source", "detail-type", "detail", "id", "resources"].map(String::from))
        .collect();
    prop::collection::btree_map(prop::sample::select(names), any_json(), 0..10)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// What the function does with a payload before DMS: a request, or `InvalidInput`; never a panic.
fn check(value: Value) -> Result<(), TestCaseError> {
    match payload::parse(value)
        .and_then(|i| request::resolve(&i, &deployment_defaults(), NameSeed::unique_now()))
        .map(|resolved| resolved.request)
    {
        Ok(request) => {
            prop_assert!(request.assessment_run_name.chars().count() <= 255);
            prop_assert!(request.include_only.is_empty() || request.exclude.is_empty());
        }
        Err(Error::InvalidInput(message)) => prop_assert!(message.len() < 2000),
        Err(other) => prop_assert!(false, "unexpected error {other:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_json_gives_a_request_or_invalid_input(value in any_json()) {
        check(value)?;
    }

    #[test]
    fn payload_like_objects_give_a_request_or_invalid_input(value in payload_like()) {
        check(value)?;
    }

    #[test]
    fn any_bytes_give_a_request_or_invalid_input(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        match Event::from_slice(&bytes).into_json() {
            Ok(value) => check(value)?,
            Err(error) => prop_assert_eq!(error.error_type(), "InvalidInput"),
        }
    }
}
