//! `dms-assessment`, the command line: the premigration gate for a CI pipeline or a shell. It runs
//! the start function's and the verdict function's own code (the library) where it is called, with
//! the SDK's standard credentials; its subcommands in [`args`], the wait in [`wait`], what it prints
//! in [`report`]. The exit codes: [`args::EXIT_CODES`].

mod args;
mod report;
mod wait;

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use clap::Parser;
use dms_assessment_run::output::Output;
use dms_assessment_run::verdict::{Verdict, VerdictApp, VerdictOutput, VerdictRequest};
use dms_assessment_run::{dms, home, logging, payload::Event, sdk, validate, App, Defaults, Error};
use lambda_runtime::{Context, LambdaEvent};

use args::{Cli, Command, Format, JudgeArgs, RunArgs, StartArgs, WaitArgs};
use wait::{Outcome, Waited};

/// The exit codes of [`args::EXIT_CODES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    Done = 0,
    NotPassed = 1,
    Input = 2,
    TimedOut = 3,
    Aws = 4,
    Interrupted = 130,
}

/// Each call of the functions' code has as long as a function with a 60-second timeout.
const CALL_TIME: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    // Usage errors exit 2, --help and --version 0, as clap does.
    let cli = Cli::parse();
    if let Some(file) = &cli.env {
        if let Err(problem) = load_env_file(file) {
            say(&format!("{}: {problem}", file.display()));
            return ExitCode::from(Exit::Input as u8);
        }
    }
    // Built after the environment is complete: nothing else runs while it is written.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            say(&format!("cannot start: {e}"));
            return ExitCode::from(Exit::Aws as u8);
        }
    };
    ExitCode::from(runtime.block_on(run(cli)) as u8)
}

/// `NAME=value` lines into the environment; a variable already set wins.
fn load_env_file(file: &Path) -> Result<(), String> {
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

async fn run(cli: Cli) -> Exit {
    if cli.verbose {
        logging::init(io::stderr);
    }
    let config = sdk::config().await;
    let client = aws_sdk_databasemigration::Client::new(&config);
    let profile_problem = sdk::profile_problem().await;
    let verdicts = VerdictApp::new(client.clone(), sdk::s3_client(&config))
        .with_profile_problem(profile_problem.clone());
    let shell = Shell {
        format: cli.output,
        quiet: cli.quiet,
    };
    let starts = |start: &StartArgs| {
        // --dry-run also as the default, so that an EventBridge event takes it (args.rs).
        let defaults = Defaults::from_env().map(|defaults| Defaults {
            dry_run: defaults.dry_run || start.dry_run,
            ..defaults
        });
        App::new(client.clone(), defaults).with_profile_problem(profile_problem.clone())
    };
    let command = async {
        match &cli.command {
            Command::Start(start) => {
                let output = start_run(&starts(start), start).await?;
                shell.print(&output, |out| report::start(out, &output), Exit::Done)
            }
            Command::Wait { run, wait } => {
                wait_for(&verdicts, &shell, &request(run, false)?, wait).await
            }
            Command::Verdict {
                run,
                timed_out,
                judge,
            } => judge_run(&verdicts, &shell, &request(run, *timed_out)?, judge).await,
            Command::Gate { start, wait, judge } => {
                gate(&starts(start), &verdicts, &shell, start, wait, judge).await
            }
            Command::ListAssessments { arn } => {
                let (member, names) =
                    list_assessments(&client, arn, profile_problem.as_deref()).await?;
                let listed = serde_json::json!({member: arn, "IndividualAssessmentNames": names});
                shell.print(
                    &listed,
                    |out| names.iter().try_for_each(|name| writeln!(out, "{name}")),
                    Exit::Done,
                )
            }
        }
    };
    // Ctrl-C: `wait` says where the run stands (wait.rs), and is polled first to say it; elsewhere,
    // whatever was started goes on.
    let result: Result<Exit, Error> = tokio::select! {
        biased;
        result = command => result,
        _ = tokio::signal::ctrl_c() => {
            say("interrupted: an assessment run already started is left as it is; the same \
                 --idempotency-key finds it again");
            Ok(Exit::Interrupted)
        }
    };
    result.unwrap_or_else(|error| {
        // A pipeline's report step finds a report even when no verdict was taken.
        let junit = match &cli.command {
            Command::Verdict { judge, .. } | Command::Gate { judge, .. } => judge.junit.as_ref(),
            _ => None,
        };
        if let Some(file) = junit {
            if let Err(e) = std::fs::write(file, report::junit_error(&error)) {
                say(&format!(
                    "--junit {}: the report cannot be written: {e}",
                    file.display()
                ));
            }
        }
        shell.error(&error)
    })
}

/// Where and how to print.
struct Shell {
    format: Format,
    quiet: bool,
}

impl Shell {
    /// Prints `value` as JSON, or as `text` writes it; then exits with `exit`. A closed stdout (`|
    /// head`) loses the rest of the output, not the exit code.
    fn print(
        &self,
        value: &impl serde::Serialize,
        text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
        exit: Exit,
    ) -> Result<Exit, Error> {
        let mut out = anstream::stdout().lock();
        let written = match self.format {
            Format::Json => report::json(&mut out, value),
            Format::Text => text(&mut out),
        }
        .and_then(|()| out.flush());
        match written {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                say(&format!("cannot write the result: {e}"));
            }
            _ => {}
        }
        Ok(exit)
    }

    /// A line of what is happening, on stderr; none with `--quiet`.
    fn note(&self, text: &str) {
        if !self.quiet {
            say(text);
        }
    }

    /// An error: a sentence on stderr, and with `--output json` the functions' error JSON on stdout.
    fn error(&self, error: &Error) -> Exit {
        say(&format!("{}: {error}", error.error_type()));
        if let Some(hint) = hint(error) {
            say(hint);
        }
        if self.format == Format::Json {
            let mut out = io::stdout().lock();
            let _ = report::error_json(&mut out, error).and_then(|()| out.flush());
        }
        match error {
            Error::InvalidInput(_) => Exit::Input,
            _ => Exit::Aws,
        }
    }
}

/// What the functions' words mean on the command line, where there is no function environment nor
/// execution role.
fn hint(error: &Error) -> Option<&'static str> {
    match error {
        Error::InvalidInput(message) if message.contains("in the function's environment") => Some(
            "on the command line, each payload member has a flag (named in brackets in \
             `dms-assessment start --help`), and --env FILE sets the environment",
        ),
        Error::NoUsableCredentials(_) => Some(
            "on the command line, credentials come from AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a web identity (AWS_ROLE_ARN with \
             AWS_WEB_IDENTITY_TOKEN_FILE)",
        ),
        _ => None,
    }
}

/// A line on stderr, `dms-assessment: …`; a closed stderr loses it.
fn say(text: &str) {
    let _ = writeln!(anstream::stderr(), "dms-assessment: {text}");
}

/// As a function with a 60-second timeout would see an invocation: no function ARN, so only the
/// Region is compared with the ARNs.
fn context() -> Context {
    let mut context = Context::default();
    context.request_id = "dms-assessment".to_owned();
    let deadline = SystemTime::now() + CALL_TIME;
    context.deadline = deadline
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    context
}

/// The start function on the event the flags (and `--event`) give.
async fn start_run(app: &App, start: &StartArgs) -> Result<Output, Error> {
    let event = start.event().map_err(Error::InvalidInput)?;
    app.handle(LambdaEvent::new(Event::from_slice(&event), context()))
        .await
}

/// The run to wait for or judge, read and checked as the verdict function reads its input.
fn request(run: &RunArgs, timed_out: bool) -> Result<VerdictRequest, Error> {
    let event = run.event(timed_out).map_err(Error::InvalidInput)?;
    let payload = Event::from_slice(&event).into_json()?;
    VerdictRequest::parse(&payload)
}

async fn wait_for(
    app: &VerdictApp,
    shell: &Shell,
    request: &VerdictRequest,
    options: &WaitArgs,
) -> Result<Exit, Error> {
    app.check(request, "")?;
    let waited = match wait::wait(app, request, options, shell.quiet).await? {
        Outcome::Waited(waited) => waited,
        Outcome::Interrupted { status } => return Ok(interrupted(request, &status)),
    };
    let exit = if waited.did_not_end() {
        Exit::TimedOut
    } else {
        Exit::Done
    };
    shell.print(&waited, |out| report::waited(out, &waited), exit)
}

/// Ctrl-C: the run goes on, and how to follow it again.
fn interrupted(request: &VerdictRequest, status: &str) -> Exit {
    let arn = &request.replication_task_assessment_run_arn;
    let config = match &request.replication_config_arn {
        Some(config) => format!(" --replication-config-arn {config}"),
        None => String::new(),
    };
    let status = if status.is_empty() {
        String::new()
    } else {
        format!(" (status {status})")
    };
    say(&format!(
        "interrupted: the assessment run is left as it is{status}, neither cancelled nor \
         judged; to wait for it again: dms-assessment wait {arn}{config}"
    ));
    Exit::Interrupted
}

async fn judge_run(
    app: &VerdictApp,
    shell: &Shell,
    request: &VerdictRequest,
    judge: &JudgeArgs,
) -> Result<Exit, Error> {
    let budget = dms::budget(context().deadline, SystemTime::now());
    let (verdict, described) = app.verdict(request, "", budget).await?;
    if let Some(file) = &judge.junit {
        write_junit(file, &verdict, &described, judge.warnings_block)?;
    }
    let exit = verdict_exit(&verdict, judge.warnings_block);
    shell.print(
        &verdict,
        |out| report::verdict(out, &verdict, judge.warnings_block),
        exit,
    )
}

fn write_junit(
    file: &Path,
    verdict: &VerdictOutput,
    described: &dms_assessment_run::verdict::Described,
    warnings_block: bool,
) -> Result<(), Error> {
    let cannot = |e: io::Error| {
        Error::InvalidInput(format!(
            "--junit {}: the report cannot be written: {e}",
            file.display()
        ))
    };
    let xml = report::junit(verdict, described, warnings_block).map_err(cannot)?;
    std::fs::write(file, xml).map_err(cannot)
}

fn verdict_exit(verdict: &VerdictOutput, warnings_block: bool) -> Exit {
    match verdict.verdict {
        Verdict::Passed => Exit::Done,
        Verdict::PassedWithWarnings if !warnings_block => Exit::Done,
        Verdict::PassedWithWarnings
        | Verdict::Failed
        | Verdict::Errored
        | Verdict::NothingAssessed => Exit::NotPassed,
        Verdict::TimedOut | Verdict::Cancelled => Exit::TimedOut,
    }
}

/// Start, wait, judge.
async fn gate(
    starts: &App,
    verdicts: &VerdictApp,
    shell: &Shell,
    start: &StartArgs,
    options: &WaitArgs,
    judge: &JudgeArgs,
) -> Result<Exit, Error> {
    let output = start_run(starts, start).await?;
    let (arn, config) = match &output {
        Output::DryRun(_) => {
            return shell.print(&output, |out| report::start(out, &output), Exit::Done)
        }
        Output::Run(run) => (run.replication_task_assessment_run_arn.clone(), None),
        Output::Assessment(run) => (
            run.replication_task_assessment_run_arn.clone(),
            Some(run.replication_config_arn.clone()),
        ),
    };
    if !shell.quiet {
        let mut note = Vec::new();
        let _ = report::start(&mut note, &output);
        shell.note(String::from_utf8_lossy(&note).trim_end());
    }
    let mut request = request(
        &RunArgs {
            run_arn: Some(arn),
            replication_config_arn: config,
            event: None,
        },
        false,
    )?;
    verdicts.check(&request, "")?;
    let waited: Waited = match wait::wait(verdicts, &request, options, shell.quiet).await? {
        Outcome::Waited(waited) => waited,
        Outcome::Interrupted { status } => return Ok(interrupted(&request, &status)),
    };
    if waited.timed_out {
        let mut note = Vec::new();
        let _ = report::waited(&mut note, &waited);
        shell.note(String::from_utf8_lossy(&note).trim_end());
    }
    request.timed_out = Some(waited.timed_out);
    judge_run(verdicts, shell, &request, judge).await
}

/// The names DMS lists for a task or a replication config, after the checks the start function
/// makes on its ARN; and the member that names the ARN.
async fn list_assessments(
    client: &aws_sdk_databasemigration::Client,
    arn: &str,
    profile_problem: Option<&str>,
) -> Result<(&'static str, Vec<String>), Error> {
    let (subject, member) = if arn.contains(":replication-config:") {
        validate::replication_config_arn(arn)
            .map(|_| (dms::Subject::Config(arn), "ReplicationConfigArn"))
    } else {
        validate::task_arn(arn).map(|_| (dms::Subject::Task(arn), "ReplicationTaskArn"))
    }
    .map_err(|why| Error::InvalidInput(format!("{} {why}", validate::quoted(arn))))?;
    let region = client.config().region().map(|r| r.as_ref());
    home::Home::of("", region).check(member, arn, home::Scope::RegionAndAccount)?;
    if region.is_none() {
        return Err(sdk::no_region(profile_problem));
    }
    let names = dms::within(CALL_TIME, dms::applicable_assessments(client, subject))
        .await
        .map_err(|error| sdk::with_profile_problem(error, profile_problem))?;
    Ok((member, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_has_its_exit_code() {
        let exit = |verdict, warnings_block| {
            let output = VerdictOutput {
                verdict,
                status: String::new(),
                message: None,
                replication_task_assessment_run_arn: String::new(),
                replication_task_arn: None,
                replication_config_arn: None,
                assessment_run_name: None,
                result_statistic: None,
                assessments: Default::default(),
                assessments_not_listed: None,
                result_location: None,
                last_failure_message: None,
                reasons: Vec::new(),
                reasons_not_listed: None,
                reasons_unavailable: None,
            };
            verdict_exit(&output, warnings_block) as u8
        };
        assert_eq!(exit(Verdict::Passed, true), 0);
        assert_eq!(exit(Verdict::PassedWithWarnings, false), 0);
        assert_eq!(exit(Verdict::PassedWithWarnings, true), 1);
        assert_eq!(exit(Verdict::Failed, false), 1);
        assert_eq!(exit(Verdict::Errored, false), 1);
        assert_eq!(exit(Verdict::NothingAssessed, false), 1);
        assert_eq!(exit(Verdict::TimedOut, false), 3);
        assert_eq!(exit(Verdict::Cancelled, false), 3);
    }
}
