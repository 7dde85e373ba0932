//! A panic in a handler reaches the caller as an error, and the process goes on serving: the Lambda
//! runtime catches it, provided panics unwind, which the release profile keeps.

mod common;

use common::runtime_api::RuntimeApi;
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::{json, Value};

#[test]
fn the_release_profile_keeps_panics_unwinding() {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let release = manifest
        .split("[profile.release]")
        .nth(1)
        .expect("a [profile.release] section");
    let release = release.split("\n[").next().unwrap();
    assert!(
        release
            .lines()
            .any(|line| line.replace(' ', "") == "panic=\"unwind\""),
        "[profile.release] must set panic = \"unwind\":{release}"
    );
}

#[tokio::test]
async fn a_panicking_handler_answers_an_error_and_the_next_invocation_is_served() {
    let runtime = RuntimeApi::start(
        vec![
            serde_json::to_vec(&json!({"panic": true})).unwrap(),
            serde_json::to_vec(&json!({"panic": false})).unwrap(),
        ],
        2,
    )
    .await;
    // This test binary runs one test that reads the Lambda environment, so setting it is race-free.
    for (key, value) in [
        ("AWS_LAMBDA_RUNTIME_API", runtime.address()),
        ("AWS_LAMBDA_FUNCTION_NAME", "panics".to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
    ] {
        std::env::set_var(key, value);
    }

    let function = tokio::spawn(lambda_runtime::run(service_fn(
        |event: LambdaEvent<Value>| async move {
            if event.payload["panic"] == true {
                panic!("deliberate panic in a test handler");
            }
            Ok::<_, lambda_runtime::Error>(json!({"served": true}))
        },
    )));
    runtime.answers(2).await;
    function.abort();

    let panicked = runtime.answer(0);
    assert_eq!(panicked.kind, "error");
    assert_eq!(
        panicked.body["errorMessage"],
        "Lambda panicked: deliberate panic in a test handler"
    );
    let next = runtime.answer(1);
    assert_eq!(next.kind, "response");
    assert_eq!(next.body, json!({"served": true}));
}
