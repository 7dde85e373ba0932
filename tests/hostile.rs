//! Hostile and malformed input: never a panic, always a valid request or `InvalidInput`, in bounded
//! time, with messages that stay small however large the input. And the same of a run's
//! `summary.json`, however garbled: reasons within their bounds, or one sentence saying why not.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use dms_assessment_run::config::Defaults;
use dms_assessment_run::naming::NameSeed;
use dms_assessment_run::payload::{self, Event, DMS_TASK_STATE_CHANGE};
use dms_assessment_run::reasons::{self, Location};
use dms_assessment_run::{request, App, Error};
use lambda_runtime::{Context, LambdaEvent};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
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
        assert!(
            message.contains("not usable JSON: it is nested more than 128 levels deep"),
            "{message}"
        );
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
    assert_eq!(
        request["ResultLocationFolder"],
        "résultats/データ/évaluation-préalable 迁移 🚀"
    );
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

/// The accepted members in both spellings, from the function's list of them when it meets another
/// one (serde's list of the payload's derived fields), so no second list is kept.
fn accepted_members() -> Vec<String> {
    let message = match payload::parse(&Event::from(json!({"?": 0})).into_json().unwrap()) {
        Err(Error::InvalidInput(message)) => message,
        other => panic!("expected InvalidInput, got {other:?}"),
    };
    let list = message
        .split_once("accepted members are ")
        .and_then(|(_, list)| list.strip_suffix(" (each also in camelCase)"))
        .unwrap_or_else(|| panic!("no list of members in {message}"));
    let pascal = list
        .split(", ")
        .map(|name| name.trim_matches('`').to_owned());
    pascal
        .flat_map(|name| {
            let camel = format!("{}{}", name[..1].to_lowercase(), &name[1..]);
            [name, camel]
        })
        .collect()
}

/// A string that is sometimes `valid`, sometimes near it, sometimes anything.
fn text_or(valid: &'static str, near: &'static str) -> BoxedStrategy<Value> {
    prop_oneof![
        6 => Just(valid.to_owned()),
        2 => near,
        1 => ".{0,40}",
        1 => Just(String::new()),
    ]
    .prop_map(Value::String)
    .boxed()
}

/// A value for `member` (in its API spelling): mostly of its type and often valid, sometimes any JSON.
fn value_of(member: &str) -> BoxedStrategy<Value> {
    let names = || {
        prop::collection::vec(
            prop_oneof![8 => "[a-z-]{1,20}", 1 => Just(" ".to_owned())],
            0..4,
        )
        .prop_map(|names| json!(names))
    };
    let typed = match member {
        "ReplicationTaskArn" => text_or(
            TASK,
            "arn:aws:dms:us-east-1:[0-9]{11,12}:(task|rep):[A-Z0-9_!-]{0,12}",
        ),
        "ServiceAccessRoleArn" => {
            text_or(ROLE, "arn:aws:iam::[0-9]{11,12}:role/[a-z+=,.@_/-]{0,12}")
        }
        "ResultLocationBucket" => text_or(BUCKET, "[a-z0-9.-]{1,64}"),
        "ResultEncryptionMode" => text_or("SSE_S3", "SSE_(S3|KMS|X)"),
        "ResultKmsKeyArn" => text_or(
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:us-east-1:[0-9]{12}:(key|alias)/[a-z0-9-]{0,12}",
        ),
        "AssessmentRunName" => text_or("nightly checks", ".{250,260}"),
        "IncludeOnly" | "Exclude" => names().boxed(),
        "Tags" => prop::collection::vec(
            (
                prop::sample::select(vec!["Key", "key", "Colour"]),
                "(aws:|dms:)?[a-z ]{0,12}",
                prop::option::of(prop::sample::select(vec!["Value", "value"])),
                prop_oneof![4 => ".{0,20}".prop_map(Value::String), 1 => Just(Value::Null)],
            )
                .prop_map(|(key_name, key, value_name, value)| {
                    let mut tag = serde_json::Map::new();
                    tag.insert(key_name.to_owned(), json!(key));
                    if let Some(value_name) = value_name {
                        tag.insert(value_name.to_owned(), value);
                    }
                    Value::Object(tag)
                }),
            0..4,
        )
        .prop_map(Value::Array)
        .boxed(),
        "DryRun" => any::<bool>().prop_map(Value::Bool).boxed(),
        // ResultLocationFolder, IdempotencyKey
        _ => text_or("runs/nightly", ".{0,3}"),
    };
    prop_oneof![14 => typed, 1 => Just(Value::Null), 1 => any_json()].boxed()
}

/// A JSON object's text from its members in order; unlike a `serde_json::Value`, it may name one
/// member twice.
fn object_text(members: &[(String, String)]) -> String {
    let members: Vec<String> = members
        .iter()
        .map(|(name, value)| format!("{}: {value}", Value::from(name.as_str())))
        .collect();
    format!("{{{}}}", members.join(", "))
}

/// The text of a payload: accepted members in either spelling with values of any JSON type (mostly
/// their own), now and then a member the function does not know or one given twice.
fn payload_text() -> impl Strategy<Value = String> {
    let names = accepted_members();
    let api: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
        .cloned()
        .collect();
    let member = |name: String| {
        let camel = format!("{}{}", name[..1].to_lowercase(), &name[1..]);
        (
            prop_oneof![Just(name.clone()), Just(camel)],
            value_of(&name).prop_map(|v| v.to_string()),
        )
    };
    let task = prop::option::weighted(0.95, member(api[0].clone()));
    let others = prop::sample::subsequence(api[1..].to_vec(), 0..6)
        .prop_flat_map(move |names| names.into_iter().map(member).collect::<Vec<_>>());
    let extra = prop_oneof![
        prop::sample::select(names),
        "[a-zA-Z]{1,12}",
        Just("source".to_owned()),
    ];
    let extras = prop_oneof![
        12 => Just(vec![]),
        1 => prop::collection::vec((extra, any_json().prop_map(|v| v.to_string())), 1..3),
    ];
    (task, others, extras).prop_map(|(task, others, extras)| {
        let members: Vec<(String, String)> = task.into_iter().chain(others).chain(extras).collect();
        object_text(&members)
    })
}

/// Invocations shaped like the three inputs: a direct payload, a custom EventBridge event with a
/// payload in `detail`, a DMS event (mostly well formed).
fn payload_like() -> impl Strategy<Value = String> {
    let text = |value: &str| Value::from(value).to_string();
    let custom_event =
        (payload_text(), prop::option::of("[a-z0-9-]{0,12}")).prop_map(move |(detail, id)| {
            let mut members = vec![
                ("source".to_owned(), text("com.example.migrations")),
                ("detail-type".to_owned(), text("Start assessment")),
                ("detail".to_owned(), detail),
            ];
            members.extend(id.map(|id| ("id".to_owned(), text(&id))));
            object_text(&members)
        });
    let dms_event = (
        prop_oneof![4 => Just(DMS_TASK_STATE_CHANGE.to_owned()), 1 => "DMS [A-Za-z ]{0,20}"],
        prop_oneof![4 => Just(vec![TASK.to_owned()]), 1 => prop::collection::vec(".{0,60}", 0..2)],
        any_json(),
    )
        .prop_map(move |(detail_type, resources, detail)| {
            object_text(&[
                ("id".to_owned(), text("e-1")),
                ("source".to_owned(), text("aws.dms")),
                ("detail-type".to_owned(), text(&detail_type)),
                ("resources".to_owned(), json!(resources).to_string()),
                ("detail".to_owned(), detail.to_string()),
            ])
        });
    prop_oneof![6 => payload_text(), 3 => custom_event, 1 => dms_event]
}

/// What the function does with an invocation's bytes before DMS: a request, or `InvalidInput`;
/// never a panic. Says whether they were read as a payload and so reached validation.
fn check(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let parsed = Event::from_slice(bytes)
        .into_json()
        .and_then(|json| payload::parse(&json));
    let reached_validation = parsed.is_ok();
    match parsed
        .and_then(|i| request::resolve(&i, &deployment_defaults(), NameSeed::unique_now()))
        .map(|resolved| resolved.request)
    {
        Ok(request) => {
            prop_assert!(request.assessment_run_name.chars().count() <= 255);
            prop_assert!(request.include_only.is_empty() || request.exclude.is_empty());
        }
        Err(Error::InvalidInput(message)) => {
            prop_assert!(message.len() < 2000);
            assert_plain(&message);
        }
        Err(other) => prop_assert!(false, "unexpected error {other:?}"),
    }
    Ok(reached_validation)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(512),
        source_file: Some(file!()),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_json_gives_a_request_or_invalid_input(value in any_json()) {
        check(value.to_string().as_bytes())?;
    }

    #[test]
    fn any_bytes_give_a_request_or_invalid_input(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        check(&bytes)?;
    }
}

/// Many payload-like invocations get past parsing, so that validation is what the cases exercise: about
/// half of them, and at least 40% (a bound that 512 random cases meet however they fall; half did not,
/// at 48% in one run).
#[test]
fn payload_like_objects_give_a_request_or_invalid_input() {
    let (cases, reached) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let result = TestRunner::new(config()).run(&payload_like(), |text| {
        cases.fetch_add(1, Ordering::Relaxed);
        if check(text.as_bytes())? {
            reached.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    let (cases, reached) = (cases.into_inner(), reached.into_inner());
    println!(
        "{reached} of {cases} payload-like cases reached validation ({}%)",
        reached * 100 / cases
    );
    assert!(
        reached * 5 >= cases * 2,
        "only {reached} of {cases} payload-like cases reached validation"
    );
}

// ---------------------------------------------------------------------------------------------
// The run's summary.json, however garbled

/// Parses `json` as the verdict function does: reasons within every bound, or a short sentence.
fn check_summary(json: &[u8]) -> Result<(), TestCaseError> {
    let location = Location::of(Some(BUCKET), Some("runs/assessment-1")).unwrap();
    match reasons::parse(json, &location) {
        Ok(found) => {
            let size = serde_json::to_string(&found.listed).unwrap().len();
            prop_assert!(size <= reasons::MAX_REASONS_BYTES, "{size} bytes");
            for reason in &found.listed {
                prop_assert!(["failed", "error", "warning"].contains(&reason.result.as_str()));
                prop_assert!(!reason.assessment.is_empty());
                for text in [Some(&reason.assessment), reason.reason.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    prop_assert!(!text.chars().any(char::is_control), "{text:?}");
                    prop_assert!(text.chars().count() <= reasons::MAX_REASON_CHARS);
                }
                if let Some(details) = &reason.details {
                    prop_assert!(details.starts_with("s3://") && details.len() <= 1100);
                }
            }
        }
        Err(why) => {
            prop_assert!(why.len() < 200, "{why}");
            assert_plain(&why);
        }
    }
    Ok(())
}

/// Objects in the shape of `summary.json`, with members and values of every kind where the shape
/// has strings: names and sentences long, empty, with control characters or not strings at all.
fn summary_like() -> impl Strategy<Value = String> {
    // Long texts are short ones repeated: generating 600 random characters costs more than the parse.
    let text = prop_oneof![
        ".{0,40}".prop_map(Value::String),
        "[a-z-]{1,30}".prop_map(Value::String),
        ("(.|\n|\t|\u{0}){1,12}", 1..60usize).prop_map(|(s, n)| Value::String(s.repeat(n))),
        Just(Value::String("n/a/../x".into())),
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
    ];
    // Most entries have a name, so that most files get past the shape and their reasons are checked.
    let name = prop_oneof![
        9 => prop_oneof![
            "[a-z-]{1,30}".prop_map(Value::String),
            (".{1,12}", 1..30usize).prop_map(|(s, n)| Value::String(s.repeat(n))),
        ],
        1 => text.clone(),
    ];
    let entry = (
        name,
        text.clone(),
        prop::collection::btree_map(".{0,10}", text, 0..2),
    )
        .prop_map(|(name, details, mut extra)| {
            extra.insert("test-name".to_owned(), name);
            extra.insert("test-result-details".to_owned(), details);
            Value::Object(extra.into_iter().collect())
        });
    let list = prop_oneof![
        prop::collection::vec(entry, 0..16).prop_map(Value::Array),
        Just(Value::Null),
        Just(json!({})),
    ];
    prop::collection::btree_map(
        prop_oneof![
            Just("failed".to_owned()),
            Just("error".to_owned()),
            Just("warning".to_owned()),
            Just("passed".to_owned()),
            ".{0,10}"
        ],
        list,
        0..5,
    )
    .prop_map(|lists| {
        json!({"version": "0.0.2", "summary": Value::Object(lists.into_iter().collect())})
            .to_string()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_json_summary_gives_reasons_or_a_sentence(value in any_json()) {
        check_summary(value.to_string().as_bytes())?;
    }

    #[test]
    fn any_bytes_summary_give_reasons_or_a_sentence(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_summary(&bytes)?;
    }

    #[test]
    fn summary_like_objects_give_reasons_or_a_sentence(text in summary_like()) {
        check_summary(text.as_bytes())?;
    }
}

#[test]
fn the_largest_summary_read_is_parsed_quickly_and_within_bounds() {
    // 1 MiB of entries with long names and sentences: what the reader lets through at most.
    let entry = json!({"test-name": "n".repeat(300), "test-result-details": "d\n".repeat(1000)});
    let mut entries = Vec::new();
    let mut size = 0;
    while size < reasons::MAX_SUMMARY_BYTES as usize - 4000 {
        size += entry.to_string().len() + 1;
        entries.push(entry.clone());
    }
    let json = json!({"summary": {"failed": entries}}).to_string();
    assert!(json.len() as u64 <= reasons::MAX_SUMMARY_BYTES);
    let started = Instant::now();
    check_summary(json.as_bytes()).unwrap();
    let found =
        reasons::parse(json.as_bytes(), &Location::of(Some(BUCKET), None).unwrap()).unwrap();
    assert_eq!(
        found.listed.len(),
        1,
        "duplicates of one name are one reason"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

/// A value's own characters are not the message's words: a backtick inside the value, and an escape
/// whose hex digits spell `f64` (found by the long property run), pass; the message's own `f64` does not.
#[test]
fn the_plain_words_check_leaves_a_values_characters_alone() {
    assert_plain(
        "`RecentRunWindowSeconds` must be a whole number of seconds from 0 to 86,400, not a string \
         (`\"\\u{1b}&0\\u{202e}`x\\u{10f64d}\\u{feff}\"`)",
    );
    let caught = std::panic::catch_unwind(|| assert_plain("expected f64, found `x`"));
    assert!(caught.is_err(), "the message's own words are still checked");
}
