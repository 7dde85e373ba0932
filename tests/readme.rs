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
    assert!(result["Request"]["AssessmentRunName"]
        .as_str()
        .unwrap()
        .starts_with("assessment-"));
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
            assert!(result["Request"]["ReplicationTaskArn"]
                .as_str()
                .is_some_and(|arn| arn.contains(":task:")));
        }
    }
}
