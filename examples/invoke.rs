//! Runs the function once on an event file and prints its result, as Lambda would return it.
//!
//! `cargo run --example invoke -- events/dry-run.json`

use std::time::{Duration, SystemTime};

use dms_assessment_run::{payload::Event, App};
use lambda_runtime::{Context, Diagnostic, LambdaEvent};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logs go to stderr so that stdout is the result alone.
    dms_assessment_run::logging::init(std::io::stderr);
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: invoke <event.json>");
        return std::process::ExitCode::from(2);
    };
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

    let app = App::from_environment().await;
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
