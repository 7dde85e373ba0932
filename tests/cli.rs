//! The command line, `dms-assessment`, as a pipeline runs it: the built binary against a loopback
//! DMS (and a local S3 for the reasons), every subcommand and every exit code, the JUnit report
//! validated against the JUnit XML schema CI tools read, a closed pipe and Ctrl-C.

mod common;

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use common::local_s3::LocalS3;
use common::loopback::{
    answering, dms_fault, dms_json, requests_with_target, APPLICABLE, DESCRIBE,
};
use common::{BUCKET, ROLE, RUN_ARN, TASK};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use wiremock::matchers::header;
use wiremock::{Mock, MockServer};

const BINARY: &str = env!("CARGO_BIN_EXE_dms-assessment");
const START: &str = "AmazonDMSv20160101.StartReplicationTaskAssessmentRun";
const CANCEL: &str = "AmazonDMSv20160101.CancelReplicationTaskAssessmentRun";
const NAME: &str = "orders-db-gate";
const FOLDER: &str = "orders-db/orders-db-gate";

/// The binary with credentials, a Region and DMS (and S3) at loopback addresses; nothing from the
/// developer's own AWS configuration.
fn cli(dms: &str, s3: Option<&str>) -> Command {
    with_env(BINARY, dms, s3)
}

/// `program` (the binary, or a shell that runs it) with the environment of [`cli`].
fn with_env(program: &str, dms: &str, s3: Option<&str>) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "AKIDCLITEST")
        .env("AWS_SECRET_ACCESS_KEY", "cli-test-secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE", dms)
        .env("AWS_ENDPOINT_URL_S3", s3.unwrap_or("http://127.0.0.1:1"))
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

async fn run(mut command: Command, args: &[&str]) -> Output {
    let output = tokio::time::timeout(Duration::from_secs(120), command.args(args).output())
        .await
        .expect("the binary ends within 120 s")
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    output
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("an exit code, not a signal")
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The run as DMS describes it, with `status`, in its own folder of the result bucket.
fn run_json(status: &str, progress: Option<(i32, i32)>) -> Value {
    let mut run = json!({
        "ReplicationTaskAssessmentRunArn": RUN_ARN,
        "ReplicationTaskArn": TASK,
        "Status": status,
        "ReplicationTaskAssessmentRunCreationDate": 1764175200.0,
        "ServiceAccessRoleArn": ROLE,
        "ResultLocationBucket": BUCKET,
        "ResultLocationFolder": FOLDER,
        "AssessmentRunName": NAME,
    });
    if let Some((done, all)) = progress {
        run["AssessmentProgress"] = json!({
            "IndividualAssessmentCount": all,
            "IndividualAssessmentCompletedCount": done
        });
    }
    run
}

fn runs(status: &str, progress: Option<(i32, i32)>) -> Value {
    json!({"ReplicationTaskAssessmentRuns": [run_json(status, progress)]})
}

/// A loopback DMS where the run is described `running` `polls` times, then with `end`, with the
/// individual assessments of `statuses`; starts answer with the run, and a cancel is accepted.
async fn dms(polls: u64, end: &str, statuses: &[(&str, &str)]) -> MockServer {
    let dms = MockServer::start().await;
    answering(
        "StartReplicationTaskAssessmentRun",
        json!({"ReplicationTaskAssessmentRun": run_json("starting", None)}),
    )
    .mount(&dms)
    .await;
    answering(
        "DescribeApplicableIndividualAssessments",
        json!({"IndividualAssessmentNames": statuses.iter().map(|(n, _)| n).collect::<Vec<_>>()}),
    )
    .mount(&dms)
    .await;
    if polls > 0 {
        answering(
            "DescribeReplicationTaskAssessmentRuns",
            runs("running", Some((1, 3))),
        )
        .up_to_n_times(polls)
        .with_priority(1)
        .mount(&dms)
        .await;
    }
    answering("DescribeReplicationTaskAssessmentRuns", runs(end, None))
        .with_priority(2)
        .mount(&dms)
        .await;
    let individuals: Vec<Value> = statuses
        .iter()
        .map(|(name, status)| {
            json!({
                "IndividualAssessmentName": name,
                "Status": status,
                "ReplicationTaskAssessmentRunArn": RUN_ARN,
                "ReplicationTaskIndividualAssessmentArn":
                    format!("arn:aws:dms:us-east-1:123456789012:individual-assessment:{name}"),
            })
        })
        .collect();
    answering(
        "DescribeReplicationTaskIndividualAssessments",
        json!({"ReplicationTaskIndividualAssessments": individuals}),
    )
    .mount(&dms)
    .await;
    answering(
        "CancelReplicationTaskAssessmentRun",
        json!({"ReplicationTaskAssessmentRun": run_json("cancelling", None)}),
    )
    .mount(&dms)
    .await;
    dms
}

const FAILED: &[(&str, &str)] = &[
    ("mysql-check-binlog-format", "failed"),
    ("mysql-check-server-id", "error"),
    ("mysql-check-lob-size", "warning"),
    ("mysql-check-target-privileges", "passed"),
];

/// The start's flags for the sample task.
const START_FLAGS: &[&str] = &[
    "--task-arn",
    TASK,
    "--service-access-role-arn",
    ROLE,
    "--bucket",
    BUCKET,
    "--folder",
    "orders-db",
    "--name",
    NAME,
];

/// `dms-assessment start` with the start's flags and `extra`.
fn start_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    [&["start"], START_FLAGS, extra].concat()
}

/// `dms-assessment gate` with the start's flags, a poll every second, and `extra`.
fn gate_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    [&["gate"], START_FLAGS, &["--interval", "1s"], extra].concat()
}

/// A local S3 holding the run's summary.json, from tests/results/summary-failed.json.
async fn s3_with_the_summary() -> LocalS3 {
    let s3 = LocalS3::start().await;
    s3.bucket(BUCKET).await;
    let summary = common::result_file("summary-failed.json");
    s3.put(BUCKET, &format!("{FOLDER}/summary.json"), summary)
        .await;
    s3
}

/// Validates `file` against the JUnit XML schema of Jenkins' xunit plugin (junit-10.xsd, which
/// scripts/tools.sh extracts from pytest's source distribution), with xmlschema; its text.
fn valid_junit(file: &Path) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let schema = format!("{root}/.tools/junit-10.xsd");
    let python = format!("{root}/.tools/venv/bin/python");
    assert!(
        Path::new(&schema).exists() && Path::new(&python).exists(),
        "{schema} or {python} is missing: run scripts/test once (or scripts/test --install-only)"
    );
    let checked = std::process::Command::new(python)
        .args([
            "-c",
            "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])",
            &schema,
        ])
        .arg(file)
        .output()
        .expect("python runs");
    assert!(
        checked.status.success(),
        "{} is not valid JUnit XML: {}\n{}",
        file.display(),
        String::from_utf8_lossy(&checked.stderr),
        std::fs::read_to_string(file).unwrap_or_default()
    );
    std::fs::read_to_string(file).unwrap()
}

fn temp_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dms-assessment-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[tokio::test]
async fn help_and_version_exit_0_and_describe_every_subcommand_flag_and_exit_code() {
    let dms = "http://127.0.0.1:1";
    let help = run(cli(dms, None), &["--help"]).await;
    assert_eq!(code(&help), 0);
    let text = stdout(&help);
    for word in [
        "start",
        "wait",
        "verdict",
        "gate",
        "list-assessments",
        "--output",
        "--env",
        "Exit codes:",
        "130",
    ] {
        assert!(text.contains(word), "--help lacks {word}: {text}");
    }
    let version = run(cli(dms, None), &["--version"]).await;
    assert_eq!(code(&version), 0);
    assert_eq!(
        stdout(&version).trim(),
        format!("dms-assessment {}", env!("CARGO_PKG_VERSION"))
    );
    let gate = stdout(&run(cli(dms, None), &["gate", "--help"]).await);
    for flag in [
        "--task-arn",
        "--replication-config-arn",
        "--event",
        "--dry-run",
        "--timeout",
        "--interval",
        "--no-cancel",
        "--warnings-block",
        "--junit",
        "[IncludeOnly]",
    ] {
        assert!(gate.contains(flag), "gate --help lacks {flag}: {gate}");
    }
    // A usage error is clap's: exit 2, saying what is wrong.
    let wrong = run(cli(dms, None), &["gate", "--timeout", "soon"]).await;
    assert_eq!(code(&wrong), 2);
    assert!(stderr(&wrong).contains("--timeout"), "{}", stderr(&wrong));
}

#[tokio::test]
async fn the_readme_gate_dry_run_prints_the_request_and_calls_nothing() {
    // No endpoint and no credentials: a dry run calls nothing.
    let mut command = cli("http://127.0.0.1:1", None);
    command.env_remove("AWS_ACCESS_KEY_ID");
    let output = run(command, &gate_args(&["--dry-run", "--output", "json"])).await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let result = stdout_json(&output);
    assert_eq!(result["DryRun"], true);
    assert_eq!(result["Request"]["ReplicationTaskArn"], TASK);
    assert_eq!(result["Request"]["AssessmentRunName"], NAME);
    assert_eq!(result["Request"]["ResultLocationFolder"], FOLDER);
    let text = run(cli("http://127.0.0.1:1", None), &gate_args(&["--dry-run"])).await;
    assert_eq!(code(&text), 0);
    assert!(
        stdout(&text).starts_with("Dry run: nothing was started."),
        "{}",
        stdout(&text)
    );
}

#[tokio::test]
async fn start_starts_a_run_and_its_output_is_the_functions() {
    let dms = dms(0, "passed", FAILED).await;
    let output = run(cli(&dms.uri(), None), &start_args(&["--output", "json"])).await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let result = stdout_json(&output);
    assert_eq!(result["ReplicationTaskAssessmentRunArn"], RUN_ARN);
    assert_eq!(result["AlreadyExisted"], false);
    let sent = requests_with_target(&dms, START).await;
    assert_eq!(sent.len(), 1);
    let body: Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body["AssessmentRunName"], NAME);
    assert_eq!(body["ResultLocationFolder"], FOLDER);
}

#[tokio::test]
async fn input_errors_exit_2_and_aws_errors_exit_4_each_in_words() {
    let dms = MockServer::start().await;
    Mock::given(header("x-amz-target", START))
        .respond_with(dms_fault(
            400,
            "AccessDeniedFault",
            "not authorized to perform dms:StartReplicationTaskAssessmentRun",
        ))
        .mount(&dms)
        .await;
    Mock::given(header("x-amz-target", APPLICABLE))
        .respond_with(dms_json(json!({"IndividualAssessmentNames": []})))
        .mount(&dms)
        .await;
    // A task ARN that is not one: the function's InvalidInput, and DMS is not called.
    let bad = run(
        cli(&dms.uri(), None),
        &["start", "--task-arn", "task-1", "--output", "json"],
    )
    .await;
    assert_eq!(code(&bad), 2);
    assert_eq!(stdout_json(&bad)["errorType"], "InvalidInput");
    assert!(
        stderr(&bad).contains("InvalidInput: ReplicationTaskArn"),
        "{}",
        stderr(&bad)
    );
    assert!(requests_with_target(&dms, START).await.is_empty());
    // A file that is not there.
    let missing = run(
        cli(&dms.uri(), None),
        &["start", "--event", "no-such.json", "--task-arn", TASK],
    )
    .await;
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("no-such.json"),
        "{}",
        stderr(&missing)
    );
    // DMS refuses: its fault's name and sentence, exit 4.
    let denied = run(cli(&dms.uri(), None), &start_args(&[])).await;
    assert_eq!(code(&denied), 4, "{}", stderr(&denied));
    assert!(
        stderr(&denied).contains("AccessDeniedFault: not authorized"),
        "{}",
        stderr(&denied)
    );
    // No Region: the configuration, exit 4.
    let mut command = cli(&dms.uri(), None);
    command.env_remove("AWS_REGION");
    let junit = temp_file("no-region.xml");
    let no_region = run(
        command,
        &["verdict", RUN_ARN, "--junit", junit.to_str().unwrap()],
    )
    .await;
    assert_eq!(code(&no_region), 4);
    // The pipeline's report step finds a report that says why there is no verdict.
    let xml = valid_junit(&junit);
    assert!(
        xml.contains(r#"<testcase name="assessment run" time="0"><error type="InvalidConfiguration" message="no AWS Region"#),
        "{xml}"
    );
    // A member the function would take from its environment: the flag that gives it.
    let no_role = run(
        cli(&dms.uri(), None),
        &["start", "--task-arn", TASK, "--bucket", BUCKET],
    )
    .await;
    assert_eq!(code(&no_role), 2);
    assert!(
        stderr(&no_role).contains("ServiceAccessRoleArn is required")
            && stderr(&no_role).contains("on the command line, each payload member has a flag"),
        "{}",
        stderr(&no_role)
    );
    assert!(
        stderr(&no_region).contains("InvalidConfiguration"),
        "{}",
        stderr(&no_region)
    );
    // A run of another Region than DMS is called in: input, before any call.
    let elsewhere = run(
        cli(&dms.uri(), None),
        &["wait", &RUN_ARN.replace("us-east-1", "eu-west-1")],
    )
    .await;
    assert_eq!(code(&elsewhere), 2, "{}", stderr(&elsewhere));
    assert!(requests_with_target(&dms, DESCRIBE).await.is_empty());
}

#[tokio::test]
async fn the_gate_starts_waits_and_fails_with_the_reasons_in_its_junit_report() {
    let dms = dms(2, "failed", FAILED).await;
    let s3 = s3_with_the_summary().await;
    let junit = temp_file("failed.xml");
    let args = gate_args(&["--junit", junit.to_str().unwrap()]);
    let output = run(cli(&dms.uri(), Some(&s3.url)), &args).await;
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("Failed: the assessment run orders-db-gate (status failed)"),
        "{text}"
    );
    assert!(
        text.contains("failed   mysql-check-binlog-format: The binlog_format parameter of the source is MIXED"),
        "{text}"
    );
    // The progress on stderr, a line at each change, as a CI log shows it; no colour off a terminal.
    let progress = stderr(&output);
    assert!(
        progress.contains("Started the assessment run orders-db-gate"),
        "{progress}"
    );
    assert!(
        progress.contains("running: 1 of 3 individual assessments done"),
        "{progress}"
    );
    assert!(!text.contains('\u{1b}') && !progress.contains('\u{1b}'));

    let xml = valid_junit(&junit);
    assert!(
        xml.contains(r#"<testsuite id="0" name="orders-db-gate""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"tests="4" errors="1" failures="1""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure type="failed" message="The binlog_format parameter of the source is MIXED; change data capture needs ROW"/>"#),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(
            "details: s3://{BUCKET}/{FOLDER}/mysql-check-binlog-format.json"
        )),
        "{xml}"
    );
    assert!(xml.contains(r#"<error type="error" message="The server_id parameter could not be read from the source""#), "{xml}");
    assert!(xml.contains("warning: 2 tables have LOB columns"), "{xml}");
    assert!(
        !xml.contains(r#"name="assessment run""#),
        "the assessments tell the verdict: {xml}"
    );
}

#[tokio::test]
async fn warnings_pass_unless_they_block_and_json_is_the_verdict_functions() {
    let warned: &[(&str, &str)] = &[
        ("mysql-check-lob-size", "warning"),
        ("mysql-check-target-privileges", "passed"),
    ];
    let dms = dms(0, "warning", warned).await;
    let passes = run(cli(&dms.uri(), None), &gate_args(&["--output", "json"])).await;
    assert_eq!(code(&passes), 0, "{}", stderr(&passes));
    let verdict = stdout_json(&passes);
    assert_eq!(verdict["Verdict"], "PassedWithWarnings");
    assert_eq!(
        verdict["Assessments"]["Warning"],
        json!(["mysql-check-lob-size"])
    );
    // The local S3 is not there: the verdict stands, and says why it has no reasons.
    assert!(verdict["ReasonsUnavailable"].is_string(), "{verdict}");

    let junit = temp_file("blocked.xml");
    let blocked = run(
        cli(&dms.uri(), None),
        &gate_args(&["--warnings-block", "--junit", junit.to_str().unwrap()]),
    )
    .await;
    assert_eq!(code(&blocked), 1);
    let xml = valid_junit(&junit);
    assert!(xml.contains(r#"<failure type="warning""#), "{xml}");
}

#[tokio::test]
async fn a_run_that_does_not_end_in_time_is_cancelled_and_exits_3() {
    let dms = dms(1000, "passed", FAILED).await;
    let junit = temp_file("timed-out.xml");
    let args = gate_args(&["--timeout", "2s", "--junit", junit.to_str().unwrap()]);
    let output = run(cli(&dms.uri(), None), &args).await;
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("TimedOut:"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("it was cancelled"),
        "{}",
        stderr(&output)
    );
    assert_eq!(requests_with_target(&dms, CANCEL).await.len(), 1);
    let xml = valid_junit(&junit);
    assert!(xml.contains(r#"<testcase name="assessment run""#), "{xml}");
    assert!(xml.contains(r#"<error type="TimedOut""#), "{xml}");

    // wait alone, told not to cancel: exit 3, the run left running.
    let dms = dms_running_forever().await;
    let output = run(
        cli(&dms.uri(), None),
        &[
            "wait",
            RUN_ARN,
            "--timeout",
            "1s",
            "--interval",
            "1s",
            "--no-cancel",
            "--output",
            "json",
        ],
    )
    .await;
    assert_eq!(code(&output), 3);
    let waited = stdout_json(&output);
    assert_eq!(waited["TimedOut"], true);
    assert_eq!(waited["Cancelled"], false);
    assert_eq!(waited["Status"], "running");
    assert!(requests_with_target(&dms, CANCEL).await.is_empty());
}

async fn dms_running_forever() -> MockServer {
    let dms = MockServer::start().await;
    answering(
        "DescribeReplicationTaskAssessmentRuns",
        runs("running", None),
    )
    .mount(&dms)
    .await;
    dms
}

#[tokio::test]
async fn wait_ends_with_the_run_and_verdict_judges_every_end() {
    let dms = dms(1, "error-executing", &[("mysql-check-server-id", "error")]).await;
    let waited = run(
        cli(&dms.uri(), None),
        &["wait", RUN_ARN, "--interval", "1s", "--output", "json"],
    )
    .await;
    assert_eq!(code(&waited), 0, "{}", stderr(&waited));
    assert_eq!(stdout_json(&waited)["Status"], "error-executing");
    assert_eq!(stdout_json(&waited)["TimedOut"], false);
    let junit = temp_file("errored.xml");
    let judged = run(
        cli(&dms.uri(), None),
        &["verdict", RUN_ARN, "--junit", junit.to_str().unwrap()],
    )
    .await;
    assert_eq!(code(&judged), 1);
    assert!(
        stdout(&judged).starts_with("Errored:"),
        "{}",
        stdout(&judged)
    );
    let xml = valid_junit(&junit);
    // The run broke: a test case of its own says so.
    assert!(xml.contains(r#"<testcase name="assessment run""#), "{xml}");

    let cancelled = dms_ended("cancelling").await;
    let judged = run(cli(&cancelled.uri(), None), &["verdict", RUN_ARN]).await;
    assert_eq!(code(&judged), 3);
    let timed_out = run(
        cli(&cancelled.uri(), None),
        &["verdict", RUN_ARN, "--timed-out", "--output", "json"],
    )
    .await;
    assert_eq!(code(&timed_out), 3);
    assert_eq!(stdout_json(&timed_out)["Verdict"], "TimedOut");
    let passed = dms_ended("passed").await;
    let judged = run(cli(&passed.uri(), None), &["verdict", RUN_ARN]).await;
    assert_eq!(code(&judged), 0, "{}", stdout(&judged));
}

async fn dms_ended(status: &str) -> MockServer {
    let dms = MockServer::start().await;
    answering("DescribeReplicationTaskAssessmentRuns", runs(status, None))
        .mount(&dms)
        .await;
    answering(
        "DescribeReplicationTaskIndividualAssessments",
        json!({"ReplicationTaskIndividualAssessments": [{
            "IndividualAssessmentName": "mysql-check-target-privileges",
            "Status": if status == "passed" { "passed" } else { "cancelled" },
            "ReplicationTaskAssessmentRunArn": RUN_ARN
        }]}),
    )
    .mount(&dms)
    .await;
    dms
}

#[tokio::test]
async fn list_assessments_prints_one_name_a_line_and_a_closed_pipe_is_no_panic() {
    let dms = MockServer::start().await;
    let names: Vec<String> = (0..20_000).map(|n| format!("assessment-{n:05}")).collect();
    Mock::given(header("x-amz-target", APPLICABLE))
        .respond_with(dms_json(json!({"IndividualAssessmentNames": names})))
        .mount(&dms)
        .await;
    let listed = run(cli(&dms.uri(), None), &["list-assessments", TASK]).await;
    assert_eq!(code(&listed), 0);
    assert_eq!(stdout(&listed).lines().count(), 20_000);
    // `| head -1`: the pipe closes after one line; the rest is lost, not the exit code.
    let mut shell = with_env("bash", &dms.uri(), None);
    shell.args(["-c", "set -o pipefail; \"$0\" \"$@\" | head -1", BINARY]);
    let piped = run(shell, &["list-assessments", TASK]).await;
    assert_eq!(code(&piped), 0, "{}", stderr(&piped));
    assert_eq!(stdout(&piped), "assessment-00000\n");
    assert_eq!(stderr(&piped), "", "nothing said of the closed pipe");
    let mut shell = with_env("bash", &dms.uri(), None);
    shell.args(["-c", "set -o pipefail; \"$0\" --help | head -1", BINARY]);
    let help = run(shell, &[]).await;
    assert_eq!(code(&help), 0, "{}", stderr(&help));
}

#[tokio::test]
async fn ctrl_c_while_waiting_leaves_the_run_as_it_is_and_says_so() {
    let dms = dms_running_forever().await;
    let mut child = cli(&dms.uri(), None)
        .args(["wait", RUN_ARN, "--interval", "1s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once the first progress line is out, the wait has begun.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("a progress line within 60 s")
        .unwrap()
        .expect("a line");
    assert!(first.ends_with("running"), "{first}");
    let pid = child.id().expect("running") as i32;
    // SAFETY: a plain kill(2) of the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("the binary ends on Ctrl-C")
        .unwrap();
    assert_eq!(status.code(), Some(130));
    let mut rest = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        rest.push_str(&line);
        rest.push('\n');
    }
    assert!(rest.contains("interrupted: the assessment run is left as it is (status running), neither cancelled nor judged"), "{rest}");
    assert!(
        rest.contains(&format!("dms-assessment wait {RUN_ARN}")),
        "{rest}"
    );
    assert!(requests_with_target(&dms, CANCEL).await.is_empty());
}

const CONFIG: &str = "arn:aws:dms:us-east-1:123456789012:replication-config:CONFIGAAAABBBB";
const SERVERLESS_RUN: &str = "arn:aws:dms:us-east-1:123456789012:assessment-run:SERVERLESSRUN1";

/// A loopback DMS whose replication of CONFIG has this gate's run (a retry finds it): `running`
/// `polls` times, then `end`.
async fn serverless_dms(folder: &str, polls: u64, end: &str) -> MockServer {
    let dms = MockServer::start().await;
    let replication = |status: &str| {
        json!({"Replications": [{
            "ReplicationConfigArn": CONFIG,
            "Status": "running",
            "PremigrationAssessmentStatuses": [{
                "PremigrationAssessmentRunArn": SERVERLESS_RUN,
                "Status": status,
                "ResultLocationBucket": "dms-serverless-premigration-results-abcdef",
                "ResultLocationFolder": folder,
                "ResultStatistic": {"Passed": 3, "Failed": 0, "Error": 0, "Warning": 0, "Cancelled": 0, "Skipped": 0}
            }]
        }]})
    };
    answering("DescribeReplications", replication("running"))
        .up_to_n_times(polls)
        .with_priority(1)
        .mount(&dms)
        .await;
    answering("DescribeReplications", replication(end))
        .with_priority(2)
        .mount(&dms)
        .await;
    answering(
        "DescribeReplicationTaskIndividualAssessments",
        json!({"ReplicationTaskIndividualAssessments": []}),
    )
    .mount(&dms)
    .await;
    dms
}

#[tokio::test]
async fn a_serverless_replication_config_goes_through_the_gate_and_is_never_cancelled() {
    let flags = [
        "gate",
        "--replication-config-arn",
        CONFIG,
        "--start-replication-type",
        "start-replication",
        "--folder",
        "orders-db",
        "--idempotency-key",
        "pipeline-42",
        "--interval",
        "1s",
    ];
    // The run's folder, its identity, as the dry run shows it.
    let dry = run(
        cli("http://127.0.0.1:1", None),
        &[&flags[..], &["--dry-run", "--output", "json"]].concat(),
    )
    .await;
    assert_eq!(code(&dry), 0, "{}", stderr(&dry));
    let settings: Value = serde_json::from_str(
        stdout_json(&dry)["Request"]["PremigrationAssessmentSettings"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let folder = settings["ResultLocationFolder"]
        .as_str()
        .unwrap()
        .to_owned();

    let dms = serverless_dms(&folder, 1, "passed").await;
    let junit = temp_file("serverless.xml");
    let output = run(
        cli(&dms.uri(), None),
        &[
            &flags[..],
            &["--output", "json", "--junit", junit.to_str().unwrap()],
        ]
        .concat(),
    )
    .await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let verdict = stdout_json(&output);
    assert_eq!(verdict["Verdict"], "Passed");
    assert_eq!(verdict["ReplicationConfigArn"], CONFIG);
    assert_eq!(verdict["ReplicationTaskAssessmentRunArn"], SERVERLESS_RUN);
    assert!(
        stderr(&output).contains("Found the assessment run started earlier for the same request"),
        "{}",
        stderr(&output)
    );
    // No individual assessment listed: the run's own test case tells the verdict.
    let xml = valid_junit(&junit);
    assert!(xml.contains(r#"<testcase name="assessment run""#), "{xml}");

    // Past --timeout, a serverless run is left running: DMS documents no cancel of one.
    let dms = serverless_dms(&folder, 1000, "passed").await;
    let output = run(
        cli(&dms.uri(), None),
        &[&flags[..], &["--timeout", "1s"]].concat(),
    )
    .await;
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("it is left running: a DMS Serverless run is not cancelled"),
        "{}",
        stderr(&output)
    );
    assert!(requests_with_target(&dms, CANCEL).await.is_empty());
}
