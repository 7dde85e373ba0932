//! Runs a function once on an event file and prints its result, as Lambda would return it; or lists
//! the individual assessments DMS allows for a task.
//!
//! `cargo run --example invoke -- events/dry-run.json`
//! `cargo run --example invoke -- --env events/dry-run.env events/step-functions-full.json`
//! `cargo run --example invoke -- --verdict events/verdict/ended.json`
//! `cargo run --example invoke -- --list-assessments <task or replication config ARN>`
//!
//! `--env FILE` reads `NAME=value` lines (blank lines and `#` comments skipped) into the environment
//! before the function reads its defaults; a variable already set in the environment wins.

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use dms_assessment_run::home::{Home, Scope};
use dms_assessment_run::verdict::VerdictApp;
use dms_assessment_run::{dms, payload::Event, sdk, validate, App, Defaults, Error};
use lambda_runtime::{Context, Diagnostic, LambdaEvent};
use serde::Serialize;

const USAGE: &str = "usage: invoke [--env FILE] [--verdict] <event.json>\n       invoke [--env FILE] --list-assessments <task or replication config ARN>";

/// What to run.
enum Command {
    /// The start function (or, with `--verdict`, the verdict function) on an event file.
    Invoke { path: String, verdict: bool },
    /// The individual assessments DMS lists for a task.
    ListAssessments { task_arn: String },
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let env_file = match args.first().map(String::as_str) {
        Some("--env") if args.len() > 1 => {
            let file = args.remove(1);
            args.remove(0);
            Some(file)
        }
        _ => None,
    };
    let command = match args.as_slice() {
        [path] if !path.starts_with("--") => Command::Invoke {
            path: path.clone(),
            verdict: false,
        },
        [flag, path] if flag == "--verdict" => Command::Invoke {
            path: path.clone(),
            verdict: true,
        },
        [flag, task_arn] if flag == "--list-assessments" => Command::ListAssessments {
            task_arn: task_arn.clone(),
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(file) = env_file {
        if let Err(problem) = load_env_file(&file) {
            eprintln!("{file}: {problem}");
            return ExitCode::from(2);
        }
    }
    // Set up after the environment is complete: nothing else runs while it is written.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime")
        .block_on(run(command))
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

async fn run(command: Command) -> ExitCode {
    // Logs go to stderr so that stdout is the result alone.
    dms_assessment_run::logging::init(std::io::stderr);
    // The SDK's standard configuration chains, and the function's HTTPS client.
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(dms_assessment_run::http::https_client())
        .load()
        .await;
    let client = aws_sdk_databasemigration::Client::new(&config);
    let profile_problem = sdk::profile_problem().await;

    match command {
        Command::ListAssessments { task_arn } => {
            let listed = list_assessments(&client, &task_arn, profile_problem).await;
            let member = if task_arn.contains(":replication-config:") {
                "ReplicationConfigArn"
            } else {
                "ReplicationTaskArn"
            };
            answer(listed.map(
                |names| serde_json::json!({member: task_arn, "IndividualAssessmentNames": names}),
            ))
        }
        Command::Invoke { path, verdict } => {
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) => {
                    eprintln!("{path}: {e}");
                    return ExitCode::from(2);
                }
            };
            // Read as the runtime reads it: malformed JSON is answered as the function would answer it.
            let event = LambdaEvent::new(Event::from_slice(&bytes), context());
            if verdict {
                let app = VerdictApp::new(client, sdk::s3_client(&config))
                    .with_profile_problem(profile_problem);
                answer(app.handle(event).await)
            } else {
                let app =
                    App::new(client, Defaults::from_env()).with_profile_problem(profile_problem);
                answer(app.handle(event).await)
            }
        }
    }
}

/// The names DMS lists for the task, after the checks the start function makes on its ARN.
async fn list_assessments(
    client: &aws_sdk_databasemigration::Client,
    task_arn: &str,
    profile_problem: Option<String>,
) -> Result<Vec<String>, Error> {
    // A DMS Serverless replication config's ARN, or a task's.
    let (subject, noun) = if task_arn.contains(":replication-config:") {
        validate::replication_config_arn(task_arn)
            .map(|_| (dms::Subject::Config(task_arn), "The replication config"))
    } else {
        validate::task_arn(task_arn).map(|_| (dms::Subject::Task(task_arn), "The task"))
    }
    .map_err(|why| Error::InvalidInput(format!("{} {why}", validate::quoted(task_arn))))?;
    // Refused where a start would be refused: a task of another Region than the one DMS is called in.
    let region = client.config().region().map(|r| r.as_ref());
    Home::of("", region).check(noun, task_arn, Scope::RegionAndAccount)?;
    if region.is_none() {
        return Err(sdk::no_region(profile_problem.as_deref()));
    }
    dms::applicable_assessments(client, subject)
        .await
        .map_err(|error| sdk::with_profile_problem(error, profile_problem.as_deref()))
}

/// As a function with a 60-second timeout would see it.
fn context() -> Context {
    let mut context = Context::default();
    context.request_id = "local-invoke".to_owned();
    let deadline = SystemTime::now() + Duration::from_secs(60);
    context.deadline = deadline
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    context
}

/// Prints the result on stdout, or the error as Lambda would return it (and exits 1).
fn answer<T: Serialize>(result: Result<T, Error>) -> ExitCode {
    let (body, code) = match result {
        Ok(output) => (
            serde_json::to_value(&output).unwrap_or_default(),
            ExitCode::SUCCESS,
        ),
        Err(error) => {
            let diagnostic = Diagnostic::from(error);
            let body = serde_json::json!({"errorType": diagnostic.error_type, "errorMessage": diagnostic.error_message});
            (body, ExitCode::FAILURE)
        }
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&body).unwrap_or_default()
    );
    code
}
