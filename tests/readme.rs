//! The README's commands work as documented: the first-run command prints the dry-run result it shows,
//! every sample runs as a dry run, the pipeline's dry run prints its request, and the commands that read
//! DMS answer against a loopback DMS. Each command is read from the README itself.

mod common;

use std::process::Command;

use common::loopback::answering;
use serde_json::{json, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_dms-assessment");
const TASK: &str =
    "arn:aws:dms:us-east-1:123456789012:task:AAAABBBB0CCCCDDDDEEEEE1FFFF2GGG3FFFFFF3";

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The README's line that starts with `start`, whole; fails when the README no longer has one.
fn readme_line(start: &str) -> String {
    readme()
        .lines()
        .find(|line| line.starts_with(start))
        .unwrap_or_else(|| panic!("the README no longer shows a command starting `{start}`"))
        .to_owned()
}

/// The arguments after `cargo run --bin dms-assessment --` in a README command line.
fn arguments(line: &str) -> Vec<String> {
    let (_, args) = line
        .split_once("cargo run --bin dms-assessment -- ")
        .unwrap_or_else(|| panic!("not a `cargo run --bin dms-assessment` line: {line}"));
    args.split_whitespace().map(str::to_owned).collect()
}

/// The built command line, as a new user's shell has it: none of the AWS variables the tests set.
fn command_line() -> Command {
    let mut command = Command::new(BINARY);
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("DRY_RUN")
        .env_remove("SERVICE_ACCESS_ROLE_ARN")
        .env_remove("RESULT_LOCATION_BUCKET")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    command
}

const RUN_COMMAND: &str = "AWS_REGION=us-east-1 cargo run --bin dms-assessment -- start --event events/dry-run.json --output json";

#[test]
fn the_readme_run_command_prints_the_dry_run_result_it_shows() {
    let readme = readme();
    assert!(
        readme.contains(RUN_COMMAND),
        "the README no longer shows `{RUN_COMMAND}`"
    );
    // As the README runs it: through cargo, which builds the command line alone.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet", "--bin", "dms-assessment", "--"])
        .args(arguments(RUN_COMMAND))
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value =
        serde_json::from_slice(&output.stdout).expect("stdout is the JSON result alone");
    assert_eq!(result["DryRun"], true);
    assert_eq!(result["Request"]["ReplicationTaskArn"], TASK);
    // The README shows exactly what the command prints.
    let shown = readme
        .split_once(&format!("{RUN_COMMAND}\n```\n\n```json\n"))
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(json, _)| json)
        .expect("the README shows the command's output after it");
    let shown: Value = serde_json::from_str(shown).expect("the README's output is JSON");
    assert_eq!(result, shown);
}

/// Every sample in `events/` runs as a dry run with the README's command: a supported input prints
/// the request it would send; the DMS instance event prints the function's `InvalidInput` answer.
#[test]
fn every_sample_runs_as_a_dry_run_with_the_sample_environment() {
    let line = readme_line("cargo run --bin dms-assessment -- --env events/dry-run.env start");
    let mut samples: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/events"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".json"))
            .collect();
    samples.sort();
    assert!(samples.len() >= 6, "{samples:?}");
    for sample in samples {
        let args: Vec<String> = arguments(&line)
            .into_iter()
            .map(|arg| arg.replace("<sample>.json", &sample))
            .collect();
        let output = command_line().args(&args).output().expect("it runs");
        let result: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{sample}: stdout is not JSON ({e}): {output:?}"));
        if sample == "eventbridge-dms-instance-state-change.json" {
            assert_eq!(output.status.code(), Some(2), "{sample}");
            assert_eq!(result["errorType"], "InvalidInput", "{sample}");
        } else {
            assert!(output.status.success(), "{sample}: {result}");
            assert_eq!(result["DryRun"], true, "{sample}");
            let request = &result["Request"];
            let arn = request["ReplicationTaskArn"].as_str();
            let config = request["ReplicationConfigArn"].as_str();
            assert!(
                arn.is_some_and(|arn| arn.contains(":task:"))
                    || config.is_some_and(|arn| arn.contains(":replication-config:")),
                "{sample}: {result}"
            );
        }
    }
}

/// "In a pipeline": the gate's dry run calls nothing and prints the request, in words.
#[test]
fn the_readme_pipeline_dry_run_prints_the_request_in_words() {
    let line = readme_line("AWS_REGION=us-east-1 cargo run --bin dms-assessment -- gate --dry-run");
    let output = command_line()
        .args(arguments(&line))
        .env("AWS_REGION", "us-east-1")
        // Neither credentials nor DMS: a dry run calls nothing.
        .env("AWS_ACCESS_KEY_ID", "")
        .env(
            "AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE",
            "http://127.0.0.1:1",
        )
        .output()
        .expect("it runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("Dry run: nothing was started. The request it would send:\n{"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("\"ReplicationTaskArn\": \"{TASK}\"")),
        "{stdout}"
    );
}

/// The README's commands that read DMS, against a loopback DMS with credentials. Offline, without
/// credentials or an endpoint, they cannot do this.
async fn run_readme_line(
    dms: &wiremock::MockServer,
    start: &str,
    (placeholder, value): (&str, &str),
) -> (i32, Value) {
    let line = readme_line(start);
    assert!(line.contains(placeholder), "{line}");
    let mut args = arguments(&line.replace(placeholder, value));
    args.extend(["--output".to_owned(), "json".to_owned()]);
    let output = tokio::process::Command::from(command_line())
        .args(&args)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example-secret")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE", dms.uri())
        .output()
        .await
        .expect("it runs");
    let result = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {output:?}"));
    (output.status.code().expect("an exit code"), result)
}

const VERDICT_LINE: &str =
    "AWS_PROFILE=migrations AWS_REGION=us-east-1 cargo run --bin dms-assessment -- verdict";
const ARN_PLACEHOLDER: &str = "<task or replication config ARN>";
const LIST_LINE: &str =
    "AWS_PROFILE=migrations AWS_REGION=us-east-1 cargo run --bin dms-assessment -- list-assessments";

#[tokio::test]
async fn the_readme_verdict_command_runs_the_verdict_function_on_every_verdict_sample() {
    let dms = wiremock::MockServer::start().await;
    let run = "arn:aws:dms:us-east-1:123456789012:assessment-run:RUNAAAABBBBCCCCDDDD";
    answering("DescribeReplicationTaskAssessmentRuns", json!({"ReplicationTaskAssessmentRuns": [{
        "ReplicationTaskAssessmentRunArn": run,
        "ReplicationTaskArn": TASK,
        "Status": "passed",
        "AssessmentRunName": "orders-db-before-cutover",
        "ResultStatistic": {"Passed": 12, "Failed": 0, "Error": 0, "Warning": 0, "Cancelled": 0, "Skipped": 0}
    }]}))
    .mount(&dms)
    .await;
    answering(
        "DescribeReplicationTaskIndividualAssessments",
        json!({"ReplicationTaskIndividualAssessments": []}),
    )
    .mount(&dms)
    .await;
    for (sample, verdict, code) in [
        ("ended.json", "Passed", 0),
        ("timed-out.json", "TimedOut", 3),
    ] {
        let (exit, result) = run_readme_line(&dms, VERDICT_LINE, ("ended.json", sample)).await;
        assert_eq!(exit, code, "{sample}: {result}");
        assert_eq!(result["Verdict"], verdict, "{sample}");
        assert_eq!(result["ReplicationTaskAssessmentRunArn"], run, "{sample}");
    }
}

#[tokio::test]
async fn the_readme_list_command_lists_the_assessments_a_task_allows() {
    let dms = wiremock::MockServer::start().await;
    answering(
        "DescribeApplicableIndividualAssessments",
        json!({"IndividualAssessmentNames": ["mysql-check-binlog-format", "mysql-check-server-id"]}),
    )
    .mount(&dms)
    .await;
    let (exit, result) = run_readme_line(&dms, LIST_LINE, (ARN_PLACEHOLDER, TASK)).await;
    assert_eq!(exit, 0, "{result}");
    assert_eq!(
        result,
        json!({"ReplicationTaskArn": TASK, "IndividualAssessmentNames": ["mysql-check-binlog-format", "mysql-check-server-id"]})
    );
    let (exit, result) = run_readme_line(&dms, LIST_LINE, (ARN_PLACEHOLDER, "not-an-arn")).await;
    assert_eq!(exit, 2);
    assert_eq!(result["errorType"], "InvalidInput");
    // A task of another Region is refused as a start would refuse it, before DMS is called.
    let calls = dms.received_requests().await.unwrap().len();
    let elsewhere = "arn:aws:dms:eu-west-1:123456789012:task:AAAABBBB";
    let (exit, result) = run_readme_line(&dms, LIST_LINE, (ARN_PLACEHOLDER, elsewhere)).await;
    assert_eq!(exit, 2);
    assert_eq!(result["errorType"], "InvalidInput");
    let message = result["errorMessage"].as_str().unwrap();
    assert!(
        message.contains("is in partition aws, Region eu-west-1")
            && message.ends_with("set AWS_REGION to the task's Region"),
        "{message}"
    );
    assert_eq!(dms.received_requests().await.unwrap().len(), calls);
}
