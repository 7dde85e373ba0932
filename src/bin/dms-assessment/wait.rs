//! Waiting for a run to end: DMS asked every `--interval`, the progress on stderr, a task's run
//! cancelled once `--timeout` has passed (as the state machine does, docs/state-machine.md), and the
//! run left as it is on Ctrl-C.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use aws_sdk_databasemigration::types::ReplicationTaskAssessmentRun;
use dms_assessment_run::verdict::{self, VerdictApp, VerdictRequest};
use dms_assessment_run::{dms, Error};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tokio::time::Instant;

use crate::args::WaitArgs;

/// Each call to DMS while waiting has this long; the SDK retries within it.
const CALL_BUDGET: Duration = Duration::from_secs(60);

/// What became of the wait.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Waited {
    pub replication_task_assessment_run_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_config_arn: Option<String>,
    /// The run's last status, as DMS gave it.
    pub status: String,
    /// The run had not ended when `--timeout` had passed.
    pub timed_out: bool,
    /// This wait cancelled the run.
    pub cancelled: bool,
    /// Why cancelling the run failed: `<errorType>: <message>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_error: Option<String>,
    pub waited_seconds: u64,
}

impl Waited {
    /// The run did not end by itself: it timed out, or was cancelled or deleted.
    pub fn did_not_end(&self) -> bool {
        self.timed_out || matches!(self.status.as_str(), "cancelling" | "deleting")
    }
}

/// The wait ended with the run's end or the timeout, or with Ctrl-C and the run's last status.
pub enum Outcome {
    Waited(Waited),
    Interrupted { status: String },
}

/// Waits for the run of `request` (already checked, [`VerdictApp::check`]).
pub async fn wait(
    app: &VerdictApp,
    request: &VerdictRequest,
    options: &WaitArgs,
    quiet: bool,
) -> Result<Outcome, Error> {
    let last = RefCell::new(String::new());
    let mut progress = Progress::new(quiet);
    let outcome = tokio::select! {
        biased;
        // Ctrl-C is taken from the first poll of this future on: before it, the process ends as
        // any other would.
        _ = tokio::signal::ctrl_c() => Ok(Outcome::Interrupted { status: last.borrow().clone() }),
        waited = follow(app, request, options, &mut progress, &last) => waited.map(Outcome::Waited),
    };
    progress.finish();
    outcome
}

async fn follow(
    app: &VerdictApp,
    request: &VerdictRequest,
    options: &WaitArgs,
    progress: &mut Progress,
    last: &RefCell<String>,
) -> Result<Waited, Error> {
    let started = Instant::now();
    let arn = &request.replication_task_assessment_run_arn;
    let config = request.replication_config_arn.as_deref();
    loop {
        let run = dms::within(CALL_BUDGET, fetch(app, arn, config))
            .await
            .map_err(|error| app.with_profile_problem_of(error))?;
        let status = verdict::status_of(&run)?.to_owned();
        last.replace(status.clone());
        let elapsed = started.elapsed();
        let waited = |status: String| Waited {
            replication_task_assessment_run_arn: arn.clone(),
            replication_config_arn: config.map(str::to_owned),
            status,
            timed_out: false,
            cancelled: false,
            cancel_error: None,
            waited_seconds: elapsed.as_secs(),
        };
        if !verdict::in_progress(&status) {
            return Ok(waited(status));
        }
        if elapsed >= options.timeout {
            progress.finish();
            let mut waited = Waited {
                timed_out: true,
                ..waited(status)
            };
            // Whether CancelReplicationTaskAssessmentRun takes a serverless run is not documented.
            if !options.no_cancel && config.is_none() {
                match dms::within(CALL_BUDGET, cancel(app, arn)).await {
                    Ok(status) => {
                        waited.cancelled = true;
                        waited.status = status.unwrap_or(waited.status);
                    }
                    Err(error) => {
                        let error = app.with_profile_problem_of(error);
                        waited.cancel_error = Some(format!("{}: {error}", error.error_type()));
                    }
                }
            }
            return Ok(waited);
        }
        progress.show(elapsed, &run);
        tokio::time::sleep(options.interval.min(options.timeout - elapsed)).await;
    }
}

/// The run as DMS lists it now.
async fn fetch(
    app: &VerdictApp,
    arn: &str,
    config: Option<&str>,
) -> Result<ReplicationTaskAssessmentRun, Error> {
    match config {
        Some(config) => Box::pin(verdict::serverless_run(app.dms(), config, arn)).await,
        None => verdict::task_run(app.dms(), arn).await,
    }
}

/// Cancels a task's run (`CancelReplicationTaskAssessmentRun`); the run's status after it.
async fn cancel(app: &VerdictApp, arn: &str) -> Result<Option<String>, Error> {
    let answer = app
        .dms()
        .cancel_replication_task_assessment_run()
        .replication_task_assessment_run_arn(arn)
        .send()
        .await
        .map_err(dms::classify)?;
    Ok(answer
        .replication_task_assessment_run()
        .and_then(|run| run.status())
        .map(str::to_owned))
}

/// Off a terminal, a line at least this often even when nothing changed: CircleCI ends a step that
/// has printed nothing for 10 minutes unless told otherwise (its configuration reference, `run`,
/// `no_output_timeout`).
const HEARTBEAT: Duration = Duration::from_secs(300);

/// The progress on stderr: a spinner on a terminal; elsewhere (a CI log) a line at each change, and
/// at least every [`HEARTBEAT`]; nothing with `--quiet`.
enum Progress {
    Spinner(ProgressBar),
    Lines { last: String, at: Duration },
    Off,
}

impl Progress {
    fn new(quiet: bool) -> Self {
        if quiet {
            Progress::Off
        } else if std::io::stderr().is_terminal() {
            let spinner = ProgressBar::new_spinner()
                .with_style(ProgressStyle::with_template("{spinner} {elapsed:>7} {msg}").unwrap());
            spinner.enable_steady_tick(Duration::from_millis(120));
            Progress::Spinner(spinner)
        } else {
            Progress::Lines {
                last: String::new(),
                at: Duration::ZERO,
            }
        }
    }

    fn show(&mut self, elapsed: Duration, run: &ReplicationTaskAssessmentRun) {
        let text = progress_text(run);
        match self {
            Progress::Spinner(spinner) => spinner.set_message(text),
            Progress::Lines { last, at } if line_due(last, *at, &text, elapsed) => {
                let shown = humantime::format_duration(Duration::from_secs(elapsed.as_secs()));
                // A closed stderr loses the progress, not the wait.
                let _ = writeln!(std::io::stderr(), "[{shown}] {text}");
                *last = text;
                *at = elapsed;
            }
            Progress::Lines { .. } | Progress::Off => {}
        }
    }

    fn finish(&mut self) {
        if let Progress::Spinner(spinner) = self {
            spinner.finish_and_clear();
        }
        *self = Progress::Off;
    }
}

/// Whether a CI log gets a line: the text changed, or the last line is [`HEARTBEAT`] old.
fn line_due(last: &str, at: Duration, text: &str, elapsed: Duration) -> bool {
    last != text || elapsed >= at + HEARTBEAT
}

/// `running: 12 of 30 individual assessments done`, or the status alone before DMS counts them.
fn progress_text(run: &ReplicationTaskAssessmentRun) -> String {
    let status = run.status().unwrap_or("(no status)");
    match run.assessment_progress() {
        Some(p) if p.individual_assessment_count() > 0 => format!(
            "{status}: {} of {} individual assessments done",
            p.individual_assessment_completed_count(),
            p.individual_assessment_count()
        ),
        _ => status.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_databasemigration::types::ReplicationTaskAssessmentRunProgress;

    #[test]
    fn the_progress_counts_the_assessments_once_dms_does() {
        let run = |progress: Option<(i32, i32)>| {
            ReplicationTaskAssessmentRun::builder()
                .status("running")
                .set_assessment_progress(progress.map(|(done, all)| {
                    ReplicationTaskAssessmentRunProgress::builder()
                        .individual_assessment_completed_count(done)
                        .individual_assessment_count(all)
                        .build()
                }))
                .build()
        };
        assert_eq!(progress_text(&run(None)), "running");
        assert_eq!(progress_text(&run(Some((0, 0)))), "running");
        assert_eq!(
            progress_text(&run(Some((12, 30)))),
            "running: 12 of 30 individual assessments done"
        );
    }

    #[test]
    fn a_ci_log_gets_a_line_at_each_change_and_every_five_minutes() {
        let minute = Duration::from_secs(60);
        assert!(line_due("", Duration::ZERO, "running", Duration::ZERO));
        assert!(!line_due("running", minute, "running", 5 * minute));
        assert!(line_due("running", minute, "running", 6 * minute));
        assert!(line_due(
            "running",
            minute,
            "running: 1 of 3 individual assessments done",
            2 * minute
        ));
    }

    #[test]
    fn a_run_that_was_cancelled_or_deleted_did_not_end_by_itself() {
        let waited = |status: &str, timed_out| Waited {
            replication_task_assessment_run_arn: String::new(),
            replication_config_arn: None,
            status: status.to_owned(),
            timed_out,
            cancelled: false,
            cancel_error: None,
            waited_seconds: 0,
        };
        assert!(!waited("failed", false).did_not_end());
        assert!(!waited("error-executing", false).did_not_end());
        assert!(waited("cancelling", false).did_not_end());
        assert!(waited("deleting", false).did_not_end());
        assert!(waited("running", true).did_not_end());
    }
}
