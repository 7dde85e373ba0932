//! Runs the function once on an event file and prints its result, as Lambda would return it.
//!
//! `cargo run --example invoke -- events/dry-run.json`
//! `cargo run --example invoke -- --env events/dry-run.env events/step-functions-full.json`
//!
//! `--env FILE` reads `NAME=value` lines (blank lines and `#` comments skipped) into the environment
//! before the function reads its defaults; a variable already set in the environment wins.

use std::time::{Duration, SystemTime};

use dms_assessment_run::{payload::Event, App, Defaults};
use lambda_runtime::{Context, Diagnostic, LambdaEvent};

const USAGE: &str = "usage: invoke [--env FILE] <event.json>";

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (env_file, path) = match args.as_slice() {
        [path] => (None, path.clone()),
        [flag, file, path] if flag == "--env" => (Some(file.clone()), path.clone()),
        _ => {
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    if let Some(file) = env_file {
        if let Err(problem) = load_env_file(&file) {
            eprintln!("{file}: {problem}");
            return std::process::ExitCode::from(2);
        }
    }
    // Set up after the environment is complete: nothing else runs while it is written.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime")
        .block_on(invoke(path))
}

fn load_env_file(file: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line {}: expected NAME=value", n + 1))?;
        let name = name.trim();
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value.trim());
        }
    }
    Ok(())
}

async fn invoke(path: String) -> std::process::ExitCode {
    // Logs go to stderr so that stdout is the result alone.
    dms_assessment_run::logging::init(std::io::stderr);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{path}: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    // Read as the runtime reads it: malformed JSON is answered as the function would answer it.
    let event = Event::from_slice(&bytes);

    let mut context = Context::default();
    context.request_id = "local-invoke".to_owned();
    // As a function with a 60-second timeout would see it.
    let deadline = SystemTime::now() + Duration::from_secs(60);
    context.deadline = deadline
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);

    // The SDK's standard configuration chains, and the function's HTTPS client.
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(dms_assessment_run::http::https_client())
        .load()
        .await;
    let app = App::new(
        aws_sdk_databasemigration::Client::new(&config),
        Defaults::from_env(),
    );
    match app.handle(LambdaEvent::new(event, context)).await {
        Ok(output) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&output).unwrap_or_default()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            let diagnostic = Diagnostic::from(error);
            let body = serde_json::json!({"errorType": diagnostic.error_type, "errorMessage": diagnostic.error_message});
            println!(
                "{}",
                serde_json::to_string_pretty(&body).unwrap_or_default()
            );
            std::process::ExitCode::FAILURE
        }
    }
}
