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
