//! The README's run command works as documented: it prints the dry-run result of a sample event.

use std::process::Command;

const RUN_COMMAND: &str = "AWS_REGION=us-east-1 cargo run --example invoke -- events/dry-run.json";

#[test]
fn the_readme_run_command_prints_a_dry_run_result() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    assert!(
        readme.contains(RUN_COMMAND),
        "the README no longer shows `{RUN_COMMAND}`"
    );

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(root)
        .args([
            "run",
            "--quiet",
            "--example",
            "invoke",
            "--",
            "events/dry-run.json",
        ])
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is the JSON result alone");
    assert_eq!(result["DryRun"], true);
    assert_eq!(
        result["Request"]["ReplicationTaskArn"],
        "arn:aws:dms:us-east-1:123456789012:task:AAAABBBB0CCCCDDDDEEEEE1FFFF2GGG3FFFFFF3"
    );
    // The README shows exactly what the command prints.
    let shown = readme
        .split_once(&format!("{RUN_COMMAND}\n```\n\n```json\n"))
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(json, _)| json)
        .expect("the README shows the command's output after it");
    let shown: serde_json::Value =
        serde_json::from_str(shown).expect("the README's output is JSON");
    assert_eq!(result, shown);
}

const EVERY_SAMPLE_COMMAND: &str =
    "cargo run --example invoke -- --env events/dry-run.env events/<sample>.json";

/// Every sample in `events/` runs as a dry run with the README's command: a supported input prints
/// the request it would send; the DMS instance event prints the function's `InvalidInput` answer.
#[test]
fn every_sample_runs_as_a_dry_run_with_the_sample_environment() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    assert!(
        readme.contains(EVERY_SAMPLE_COMMAND),
        "the README no longer shows `{EVERY_SAMPLE_COMMAND}`"
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut samples: Vec<String> = std::fs::read_dir(format!("{root}/events"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    samples.sort();
    assert!(samples.len() >= 6, "{samples:?}");
    for sample in samples {
        // As a new user's shell has it: none of the variables the file sets.
        let output = Command::new(&cargo)
            .current_dir(root)
            .args(["run", "--quiet", "--example", "invoke", "--"])
            .args(["--env", "events/dry-run.env", &format!("events/{sample}")])
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION")
            .env_remove("DRY_RUN")
            .env_remove("SERVICE_ACCESS_ROLE_ARN")
            .env_remove("RESULT_LOCATION_BUCKET")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .expect("cargo runs");
        let result: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{sample}: stdout is not JSON ({e}): {output:?}"));
        if sample == "eventbridge-dms-instance-state-change.json" {
            assert!(!output.status.success(), "{sample}");
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

/// The example runner against a loopback DMS, with credentials: what `--verdict` and
/// `--list-assessments` print. Offline, without credentials or an endpoint, they cannot do this.
async fn run_example(dms: &wiremock::MockServer, args: &[&str]) -> (bool, serde_json::Value) {
    let root = env!("CARGO_MANIFEST_DIR");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = tokio::process::Command::new(cargo)
        .current_dir(root)
        .args(["run", "--quiet", "--example", "invoke", "--"])
        .args(args)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example-secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE", dms.uri())
        .output()
        .await
        .expect("cargo runs");
    let result = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {output:?}"));
    (output.status.success(), result)
}

fn answering(target: &str, body: serde_json::Value) -> wiremock::Mock {
    use wiremock::matchers::header;
    wiremock::Mock::given(header(
        "x-amz-target",
        format!("AmazonDMSv20160101.{target}").as_str(),
    ))
    .respond_with(
        wiremock::ResponseTemplate::new(200)
            .set_body_raw(body.to_string(), "application/x-amz-json-1.1"),
    )
}

#[tokio::test]
async fn the_example_runs_the_verdict_function_on_every_verdict_sample() {
    let dms = wiremock::MockServer::start().await;
    let run = "arn:aws:dms:us-east-1:123456789012:assessment-run:RUNAAAABBBBCCCCDDDD";
    answering("DescribeReplicationTaskAssessmentRuns", serde_json::json!({"ReplicationTaskAssessmentRuns": [{
        "ReplicationTaskAssessmentRunArn": run,
        "ReplicationTaskArn": "arn:aws:dms:us-east-1:123456789012:task:AAAABBBB0CCCCDDDDEEEEE1FFFF2GGG3FFFFFF3",
        "Status": "passed",
        "AssessmentRunName": "orders-db-before-cutover",
        "ResultStatistic": {"Passed": 12, "Failed": 0, "Error": 0, "Warning": 0, "Cancelled": 0, "Skipped": 0}
    }]}))
    .mount(&dms)
    .await;
    answering(
        "DescribeReplicationTaskIndividualAssessments",
        serde_json::json!({"ReplicationTaskIndividualAssessments": []}),
    )
    .mount(&dms)
    .await;
    for (sample, verdict) in [("ended.json", "Passed"), ("timed-out.json", "TimedOut")] {
        let (ok, result) =
            run_example(&dms, &["--verdict", &format!("events/verdict/{sample}")]).await;
        assert!(ok, "{sample}: {result}");
        assert_eq!(result["Verdict"], verdict, "{sample}");
        assert_eq!(result["ReplicationTaskAssessmentRunArn"], run, "{sample}");
    }
}

#[tokio::test]
async fn the_example_lists_the_assessments_a_task_allows() {
    let dms = wiremock::MockServer::start().await;
    answering(
        "DescribeApplicableIndividualAssessments",
        serde_json::json!({
            "IndividualAssessmentNames": ["mysql-check-binlog-format", "mysql-check-server-id"]
        }),
    )
    .mount(&dms)
    .await;
    let task = "arn:aws:dms:us-east-1:123456789012:task:AAAABBBB0CCCCDDDDEEEEE1FFFF2GGG3FFFFFF3";
    let (ok, result) = run_example(&dms, &["--list-assessments", task]).await;
    assert!(ok, "{result}");
    assert_eq!(
        result,
        serde_json::json!({"ReplicationTaskArn": task, "IndividualAssessmentNames": ["mysql-check-binlog-format", "mysql-check-server-id"]})
    );
    let (ok, result) = run_example(&dms, &["--list-assessments", "not-an-arn"]).await;
    assert!(!ok);
    assert_eq!(result["errorType"], "InvalidInput");
    // A task of another Region is refused as a start would refuse it, before DMS is called.
    let calls = dms.received_requests().await.unwrap().len();
    let elsewhere = "arn:aws:dms:eu-west-1:123456789012:task:AAAABBBB";
    let (ok, result) = run_example(&dms, &["--list-assessments", elsewhere]).await;
    assert!(!ok);
    assert_eq!(result["errorType"], "InvalidInput");
    let message = result["errorMessage"].as_str().unwrap();
    assert!(
        message.contains("is in partition aws, Region eu-west-1")
            && message.ends_with("set AWS_REGION to the task's Region"),
        "{message}"
    );
    assert_eq!(dms.received_requests().await.unwrap().len(), calls);
}
