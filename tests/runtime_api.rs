//! End-to-end: the built `bootstrap` binary served by a Lambda Runtime API on loopback, with DMS
//! answered by a second loopback server. What is checked is what Lambda would receive on the wire.

mod common;

use common::binary::{Function, SECRET_ACCESS_KEY, SESSION_TOKEN};
use common::loopback::{dms_with_a_missing_task, on_start, started, MISSING_TASK};
use common::runtime_api::RuntimeApi;
use common::*;
use serde_json::{json, Value};
use wiremock::MockServer;

/// Starts the function binary as Lambda would, against `runtime` and `dms`.
fn start_function(runtime: &RuntimeApi, dms: &MockServer, log_level: &str) -> Function {
    start_function_with(runtime, dms, log_level, &[])
}

/// Like [`start_function`], with extra environment variables.
fn start_function_with(
    runtime: &RuntimeApi,
    dms: &MockServer,
    log_level: &str,
    extra: &[(&str, &str)],
) -> Function {
    Function::start(runtime, &dms.uri(), log_level, extra, &[])
}

/// Like [`start_function_with`], with some of the usual variables left out of the environment.
fn start_function_without(
    runtime: &RuntimeApi,
    dms: &MockServer,
    extra: &[(&str, &str)],
    without: &[&str],
) -> Function {
    Function::start(runtime, &dms.uri(), "INFO", extra, without)
}

/// Stops the function and returns what it logged.
async fn stop(function: Function) -> String {
    function.stop().await
}

fn bytes(value: Value) -> Vec<u8> {
    serde_json::to_vec(&value).unwrap()
}

#[tokio::test]
async fn the_binary_answers_success_validation_error_and_dms_fault_through_the_runtime_api() {
    let dms = dms_with_a_missing_task().await;
    let runtime = RuntimeApi::start(
        vec![
            bytes(event("step-functions-minimal.json")),
            bytes(json!({"ReplicationTaskArn": TASK, "IncludeOnlly": ["x"]})),
            bytes(json!({"ReplicationTaskArn": MISSING_TASK})),
        ],
        3,
    )
    .await;
    let function = start_function(&runtime, &dms, "INFO");
    runtime.answers(3).await;
    let logs = stop(function).await;

    let success = runtime.answer(0);
    assert_eq!(success.kind, "response", "{:?}", success.body);
    assert_eq!(success.body["ReplicationTaskAssessmentRunArn"], RUN_ARN);
    assert_eq!(success.body["Status"], "starting");
    assert_eq!(success.body["AlreadyExisted"], false);

    let invalid = runtime.answer(1);
    assert_eq!(invalid.kind, "error");
    assert_eq!(invalid.body["errorType"], "InvalidInput");
    assert!(
        invalid.body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("IncludeOnlly"),
        "{:?}",
        invalid.body
    );

    let fault = runtime.answer(2);
    assert_eq!(fault.kind, "error");
    assert_eq!(fault.body["errorType"], "ResourceNotFoundFault");
    assert_eq!(fault.body["errorMessage"], "Replication task not found");

    // One structured line per invocation, in JSON as AWS_LAMBDA_LOG_FORMAT asks, its fields at the
    // top level as in Lambda's own JSON lines.
    let lines: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let outcomes: Vec<&Value> = lines.iter().filter(|l| l["outcome"].is_string()).collect();
    assert_eq!(outcomes.len(), 3, "{logs}");
    let started = outcomes
        .iter()
        .find(|l| l["outcome"] == "started")
        .expect(&logs);
    assert_eq!(started["run_arn"], RUN_ARN);
    assert_eq!(started["task_arn"], TASK);
    assert_eq!(started["status"], "starting");
    assert_eq!(started["already_existed"], false);
}

/// Every member checked and every error a sentence, as Lambda receives them from the binary: types in
/// plain words, a typo's closest member, DMS's tag and S3's key rules, a default named with its
/// variable; DMS is never called for any of them.
#[tokio::test]
async fn every_member_is_checked_and_every_error_is_a_sentence_through_the_binary() {
    let dms = MockServer::start().await;
    on_start(&dms, started("never")).await;
    let with = |member: &str, value: Value| json!({"ReplicationTaskArn": TASK, member: value});
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let cases: Vec<(Vec<u8>, String)> = vec![
        (bytes(with("RecentRunWindowSeconds", json!("900"))), "`RecentRunWindowSeconds` must be a whole number of seconds from 0 to 86,400, not a string (`900`)".into()),
        (bytes(with("RecentRunWindowSeconds", json!(-1))), "`RecentRunWindowSeconds` must be a whole number of seconds from 0 to 86,400, not the number -1".into()),
        (bytes(with("RecentRunWindowSeconds", json!(1.5))), "`RecentRunWindowSeconds` must be a whole number of seconds from 0 to 86,400, not the number 1.5".into()),
        (bytes(with("DryRun", json!("true"))), "`DryRun` must be true or false, not a string (`true`)".into()),
        (bytes(with("Exclude", json!("a,b"))), "`Exclude` must be a list of assessment names, such as [\"name-1\"], not a string (`a,b`)".into()),
        (bytes(with("IncludeOnlly", json!(["a"]))), "unknown member `IncludeOnlly`; did you mean `IncludeOnly`?".into()),
        (bytes(with("Tags", json!([{"Key": "owner#1"}]))), "Tags[0] has the key `owner#1`, with `#`, which DMS does not allow: tag keys hold only letters, digits, spaces and _ . : / = + -".into()),
        (bytes(with("Tags", json!([{"Key": "team", "Value": "aws:x"}]))), "Tags[0] (`team`) has the value `aws:x`; tag values beginning `aws:` or `dms:` are reserved".into()),
        (bytes(with("Tags", json!(vec![json!({"Key": "k"}); 11]))), "Tags has 11 tags; DMS allows at most 10 on a resource".into()),
        (bytes(with("ResultLocationFolder", json!("runs//nightly"))), "ResultLocationFolder `runs//nightly` has an empty folder name (a leading `/` or `//`), which S3 keeps in every key".into()),
        (bytes(json!({"ReplicationTaskArn": TASK, "IncludeOnly": [], "Exclude": ["b"]})), "IncludeOnly is an empty list; name at least one assessment, or leave IncludeOnly out".into()),
        (bytes(with("ResultKmsKeyArn", json!(key))), "ResultKmsKeyArn is only allowed with ResultEncryptionMode `SSE_KMS`, and ResultEncryptionMode is `SSE_S3`, from the environment variable RESULT_ENCRYPTION_MODE; give \"ResultEncryptionMode\": \"SSE_KMS\" with the key".into()),
        (b"{\"ReplicationTaskArn\": ".to_vec(), "the payload is not usable JSON: it ends before the JSON value is complete (line 1, column 23)".into()),
        (bytes(with("ReplicationTaskArn", json!("arn:aws:dms:eu-west-1:123456789012:task:X"))), "ReplicationTaskArn `arn:aws:dms:eu-west-1:123456789012:task:X` is in partition aws, Region eu-west-1, account 123456789012, and the function runs in partition aws, Region us-east-1, account 123456789012: DMS is called only where the function runs, with its role; deploy the stack in the task's Region and account".into()),
    ];
    let count = cases.len();
    let payloads = cases.iter().map(|(payload, _)| payload.clone()).collect();
    let runtime = RuntimeApi::start(payloads, count).await;
    let function = start_function_with(
        &runtime,
        &dms,
        "INFO",
        &[("RESULT_ENCRYPTION_MODE", "SSE_S3")],
    );
    runtime.answers(count).await;
    stop(function).await;
    for (n, (_, expected)) in cases.iter().enumerate() {
        let answer = runtime.answer(n);
        assert_eq!(answer.kind, "error", "req-{n}");
        assert_eq!(answer.body["errorType"], "InvalidInput", "req-{n}");
        let message = answer.body["errorMessage"]
            .as_str()
            .unwrap_or_else(|| panic!("{}", answer.body));
        assert_eq!(message, expected, "req-{n}");
        assert_plain(message);
    }
    assert!(
        dms.received_requests().await.unwrap().is_empty(),
        "DMS is not called"
    );
}

#[tokio::test]
async fn input_the_runtime_could_not_deserialize_is_answered_as_invalid_input() {
    let dms = dms_with_a_missing_task().await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let payloads = vec![
        b"{\"ReplicationTaskArn\": ".to_vec(),
        deep.into_bytes(),
        format!(r#"{{"ReplicationTaskArn": "{TASK}", "ReplicationTaskArn": "{MISSING_TASK}"}}"#)
            .into_bytes(),
        b"\"just a string\"".to_vec(),
    ];
    let count = payloads.len();
    let runtime = RuntimeApi::start(payloads, count).await;
    let function = start_function(&runtime, &dms, "INFO");
    runtime.answers(count).await;
    stop(function).await;
    for n in 0..count {
        let answer = runtime.answer(n);
        assert_eq!(answer.kind, "error", "req-{n}");
        assert_eq!(
            answer.body["errorType"], "InvalidInput",
            "req-{n}: {:?}",
            answer.body
        );
    }
}

#[tokio::test]
async fn no_credential_and_no_payload_beyond_arns_is_logged() {
    let marker = "payload-marker-7f3a";
    let mut custom_event = event("eventbridge-custom.json");
    custom_event["source"] = json!(format!("com.{marker}"));
    let payloads = vec![
        bytes(custom_event),
        bytes(event("step-functions-minimal.json")),
        bytes(json!({"ReplicationTaskArn": MISSING_TASK})),
        bytes(json!({"ReplicationTaskArn": TASK, marker: 1})),
        bytes(json!({"ReplicationTaskArn": TASK, "ResultLocationBucket": marker.to_uppercase()})),
        bytes(
            json!({"ReplicationTaskArn": TASK, "Tags": [{"Key": "aws:x", "Value": marker}], "ResultLocationFolder": marker}),
        ),
    ];
    let count = payloads.len();

    // At INFO, nothing of the payload beyond ARNs and the run name.
    let dms = dms_with_a_missing_task().await;
    let runtime = RuntimeApi::start(payloads.clone(), count).await;
    let function = start_function(&runtime, &dms, "INFO");
    runtime.answers(count).await;
    let logs = stop(function).await;
    assert!(!logs.to_lowercase().contains(marker), "{logs}");

    // At every level, no secret key and no session token, even with the SDK's own tracing on.
    let runtime = RuntimeApi::start(payloads, count).await;
    let function = start_function(&runtime, &dms, "TRACE");
    runtime.answers(count).await;
    let logs = stop(function).await;
    assert!(logs.len() > 1000, "TRACE logs were expected:\n{logs}");
    assert!(
        !logs.contains(SECRET_ACCESS_KEY),
        "the secret access key was logged"
    );
    assert!(
        !logs.contains(SESSION_TOKEN),
        "the session token was logged"
    );
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/<pid>/status")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_mixed_invocations_in_one_process_with_bounded_memory() {
    const WARM_UP: usize = 200;
    const TOTAL: usize = 1000;
    // Growth allowed between invocation 200 and 1000: allocator slack, not a leak of ~1 KiB per call.
    const GROWTH_BOUND_KIB: u64 = 1024;

    let dms = dms_with_a_missing_task().await;
    let payloads = vec![
        bytes(event("step-functions-minimal.json")),
        bytes(json!({"ReplicationTaskArn": MISSING_TASK})),
        bytes(json!({"ReplicationTaskArn": TASK, "IncludeOnlly": ["x"]})),
        b"{not json".to_vec(),
        bytes(event("eventbridge-dms-task-state-change.json")),
        bytes(event("dry-run.json")),
    ];
    let payloads_count = payloads.len();
    let runtime = RuntimeApi::start(payloads, TOTAL).await;
    let function = start_function(&runtime, &dms, "WARN");
    let pid = function.process.id().expect("a running process");

    runtime.answers(WARM_UP).await;
    let warm = rss_kib(pid);
    let answers = runtime.answers(TOTAL).await;
    let end = rss_kib(pid);
    stop(function).await;

    println!("resident memory after {WARM_UP} invocations: {warm} KiB; after {TOTAL}: {end} KiB");
    assert!(
        end <= warm + GROWTH_BOUND_KIB,
        "memory grew from {warm} KiB to {end} KiB"
    );
    // Every invocation got the answer its payload calls for.
    assert_eq!(answers.len(), TOTAL);
    for answer in &answers {
        let n: usize = answer
            .request_id
            .trim_start_matches("req-")
            .parse()
            .unwrap();
        let expected = match n % payloads_count {
            1 => "ResourceNotFoundFault",
            2 | 3 => "InvalidInput",
            _ => "",
        };
        let got = if answer.kind == "error" {
            answer.body["errorType"].as_str().unwrap_or("?")
        } else {
            ""
        };
        assert_eq!(got, expected, "req-{n}: {:?}", answer.body);
    }
}

#[tokio::test]
async fn a_bad_default_is_logged_at_start_up_and_every_invocation_names_it() {
    let dms = dms_with_a_missing_task().await;
    let payloads = vec![
        bytes(event("step-functions-minimal.json")),
        bytes(event("dry-run.json")),
    ];
    let runtime = RuntimeApi::start(payloads, 2).await;
    let function = start_function_with(
        &runtime,
        &dms,
        "INFO",
        &[("RESULT_ENCRYPTION_MODE", "AES256")],
    );
    let answers = runtime.answers(2).await;
    let logs = stop(function).await;

    let start_up = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line["level"] == "ERROR" && line["error_type"] == "InvalidConfiguration")
        .unwrap_or_else(|| panic!("no start-up error in:\n{logs}"));
    assert!(
        start_up["error"]
            .as_str()
            .unwrap()
            .contains("RESULT_ENCRYPTION_MODE"),
        "{start_up}"
    );
    for answer in answers {
        assert_eq!(answer.kind, "error");
        assert_eq!(answer.body["errorType"], "InvalidConfiguration");
        assert!(answer.body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("RESULT_ENCRYPTION_MODE"));
    }
}

#[tokio::test]
async fn lambdas_fatal_level_keeps_everything_below_error_out_of_the_logs() {
    let dms = dms_with_a_missing_task().await;
    let payloads = vec![
        bytes(event("step-functions-minimal.json")),
        bytes(json!({"ReplicationTaskArn": MISSING_TASK})),
    ];
    let runtime = RuntimeApi::start(payloads, 2).await;
    let function = start_function(&runtime, &dms, "FATAL");
    let answers = runtime.answers(2).await;
    let logs = stop(function).await;

    assert_eq!(answers[0].kind, "response");
    assert_eq!(answers[1].kind, "error");
    // The failed invocation is logged by the runtime at ERROR; its WARN line and the INFO line of
    // the started run are not.
    let levels: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .map(|line| line["level"].clone())
        .collect();
    assert!(levels.iter().all(|level| level == "ERROR"), "{logs}");
    assert!(!logs.contains("\"outcome\""), "{logs}");
}

/// The credential scope a signed request names: `<key id>/<date>/<region>/dms/aws4_request`.
fn credential_scope(request: &wiremock::Request) -> String {
    let authorization = request.headers["authorization"].to_str().unwrap();
    let scope = authorization
        .split("Credential=")
        .nth(1)
        .expect(authorization);
    scope.split(',').next().unwrap().to_owned()
}

#[tokio::test]
async fn region_and_credentials_come_from_the_environment_else_from_the_standard_chains() {
    // A shared config and credentials file, as the standard chains read them.
    let dir =
        std::env::temp_dir().join(format!("dms-assessment-run-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(&config, "[default]\nregion = eu-west-3\n").unwrap();
    std::fs::write(
        &credentials,
        "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n",
    )
    .unwrap();
    let files = [
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
    ];
    let mut scopes = Vec::new();
    for without in [
        &[][..],
        &[
            "AWS_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
        ][..],
    ] {
        let dms = MockServer::start().await;
        on_start(&dms, started("from-the-binary")).await;
        let runtime = RuntimeApi::start(vec![bytes(event("step-functions-minimal.json"))], 1).await;
        let function = start_function_without(&runtime, &dms, &files, without);
        let answers = runtime.answers(1).await;
        stop(function).await;
        assert_eq!(answers[0].kind, "response", "{:?}", answers[0].body);
        let requests = dms.received_requests().await.unwrap();
        scopes.push(credential_scope(&requests[0]));
    }
    std::fs::remove_dir_all(&dir).ok();

    // The environment first, as in Lambda; the profile files when the environment has nothing.
    assert!(scopes[0].starts_with("AKIDE2ETEST/"), "{}", scopes[0]);
    assert!(
        scopes[0].ends_with("/us-east-1/dms/aws4_request"),
        "{}",
        scopes[0]
    );
    assert!(scopes[1].starts_with("AKIDPROFILE/"), "{}", scopes[1]);
    assert!(
        scopes[1].ends_with("/eu-west-3/dms/aws4_request"),
        "{}",
        scopes[1]
    );
}

#[tokio::test]
async fn an_unusable_ssl_cert_file_is_logged_and_the_function_goes_on() {
    let bundle = std::env::temp_dir().join(format!("bad-bundle-{}.pem", std::process::id()));
    std::fs::write(
        &bundle,
        "-----BEGIN CERTIFICATE-----\nMIIBnotacert\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let dms = dms_with_a_missing_task().await;
    let runtime = RuntimeApi::start(vec![bytes(event("step-functions-minimal.json"))], 1).await;
    let function = start_function_with(
        &runtime,
        &dms,
        "INFO",
        &[("SSL_CERT_FILE", bundle.to_str().unwrap())],
    );
    let answers = runtime.answers(1).await;
    let logs = stop(function).await;
    std::fs::remove_file(&bundle).ok();

    assert_eq!(answers[0].kind, "response", "{:?}", answers[0].body);
    let error = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line["level"] == "ERROR")
        .unwrap_or_else(|| panic!("no error logged:\n{logs}"));
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("SSL_CERT_FILE"), "{message}");
    assert!(message.contains(bundle.to_str().unwrap()), "{message}");
}

#[tokio::test]
async fn no_credentials_or_an_unknown_profile_is_no_usable_credentials_in_one_plain_sentence() {
    let dir =
        std::env::temp_dir().join(format!("dms-assessment-run-nocreds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    std::fs::write(&config, "[profile other]\nregion = eu-west-3\n").unwrap();
    let empty = dir.join("credentials");
    std::fs::write(&empty, "").unwrap();
    let files = [
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", empty.to_str().unwrap()),
    ];
    let no_keys = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ];
    // IMDS on, at a loopback port nothing listens on: the chain's last word is then IMDS's failure.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let imds = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut messages = Vec::new();
    for extra in [
        &files[..],
        &[files[0], files[1], ("AWS_PROFILE", "no-such-profile")][..],
        &[
            files[0],
            files[1],
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.as_str()),
        ][..],
    ] {
        let dms = MockServer::start().await;
        on_start(&dms, started("never")).await;
        let runtime = RuntimeApi::start(vec![bytes(event("step-functions-minimal.json"))], 1).await;
        let function = start_function_without(&runtime, &dms, extra, &no_keys);
        let answers = runtime.answers(1).await;
        stop(function).await;
        assert_eq!(answers[0].kind, "error", "{:?}", answers[0].body);
        assert_eq!(answers[0].body["errorType"], "NoUsableCredentials");
        assert!(
            dms.received_requests().await.unwrap().is_empty(),
            "DMS is not called"
        );
        messages.push(answers[0].body["errorMessage"].as_str().unwrap().to_owned());
    }
    std::fs::remove_dir_all(&dir).ok();
    // The profile that is not there, and the files the SDK read, said first.
    let read = format!(
        "the profile `no-such-profile` (AWS_PROFILE) is not in the shared config file {} \
         (AWS_CONFIG_FILE) nor in the shared credentials file {} (AWS_SHARED_CREDENTIALS_FILE); ",
        config.display(),
        empty.display()
    );
    assert!(messages[1].starts_with(&read), "{}", messages[1]);
    assert!(
        !messages[0].contains("is not in the shared config file"),
        "{}",
        messages[0]
    );
    for message in &messages[..2] {
        // What the chain said with IMDS off.
        assert!(
            message.contains("Environment: environment variable not set")
                && message.contains("Ec2InstanceMetadata: IMDS disabled"),
            "{message}"
        );
    }
    for message in &messages {
        // Every source the SDK tried, whatever failed last, and what to do.
        for source in [
            "environment variables (AWS_ACCESS_KEY_ID",
            "the shared config and credentials files",
            "a web identity token",
            "container credentials",
            "EC2 instance metadata",
        ] {
            assert!(message.contains(source), "{source:?} not in {message}");
        }
        assert!(
            message.contains("give the function an execution role"),
            "{message}"
        );
        for debug in [
            "::",
            " { ",
            "Some(",
            "CredentialsError",
            "ProviderError",
            "\\n",
        ] {
            assert!(!message.contains(debug), "{debug:?} in {message}");
        }
        assert_eq!(message.lines().count(), 1, "{message}");
    }
}
