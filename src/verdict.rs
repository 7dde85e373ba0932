//! The verdict function: what became of an assessment run, as one word a state machine can branch
//! on. [`decide`] is the judgement, a pure function of what DMS says; [`VerdictApp::handle`] asks DMS
//! ([`describe`]) and answers. The statuses relied on and their sources: docs/aws-facts.md.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use aws_sdk_databasemigration::types::{
    ReplicationTaskAssessmentRun, ReplicationTaskAssessmentRunResultStatistic,
    ReplicationTaskIndividualAssessment,
};
use aws_sdk_databasemigration::Client;
use lambda_runtime::{Context, LambdaEvent};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::dms;
use crate::error::{self, Error};
use crate::home::{Home, Scope};
use crate::payload::{self, Event};
use crate::reasons::{self, Location, Reason, Reasons};
use crate::sdk;
use crate::serverless;
use crate::validate;

/// The filter both describe calls take to name one run (API reference,
/// `DescribeReplicationTaskAssessmentRuns` and `DescribeReplicationTaskIndividualAssessments`:
/// "Valid filter names: replication-task-assessment-run-arn, …").
pub const RUN_ARN_FILTER: &str = "replication-task-assessment-run-arn";

/// What the state machine sends.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VerdictRequest {
    /// The run to judge.
    #[serde(alias = "replicationTaskAssessmentRunArn")]
    pub replication_task_assessment_run_arn: String,
    /// Whether the state machine stopped waiting for the run; absent or `null` is `false`.
    #[serde(default, alias = "timedOut")]
    pub timed_out: Option<bool>,
    /// The DMS Serverless replication config of a serverless run; absent or empty for a task's run.
    #[serde(default, alias = "replicationConfigArn")]
    pub replication_config_arn: Option<String>,
}

impl VerdictRequest {
    /// Reads an invocation's JSON: members and types by serde, then the ARN's shape.
    pub fn parse(payload: &RawValue) -> Result<Self, Error> {
        let json = payload.get();
        if !json.starts_with('{') {
            return Err(payload::not_an_object(json, "the payload"));
        }
        let mut request: VerdictRequest = payload::read(json, "")?;
        request.replication_config_arn = request.replication_config_arn.filter(|a| !a.is_empty());
        if let Some(config) = &request.replication_config_arn {
            validate::replication_config_arn(config).map_err(|why| {
                Error::invalid_input(format!(
                    "ReplicationConfigArn {} {why}",
                    validate::quoted(config)
                ))
            })?;
        }
        let arn = &request.replication_task_assessment_run_arn;
        validate::assessment_run_arn(arn).map_err(|why| {
            Error::invalid_input(format!(
                "ReplicationTaskAssessmentRunArn {} {why}",
                validate::quoted(arn)
            ))
        })?;
        Ok(request)
    }
}

/// The one word a state machine branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// Every assessment that ran passed.
    Passed,
    /// Nothing failed or errored, and at least one assessment warned.
    PassedWithWarnings,
    /// At least one assessment failed.
    Failed,
    /// An assessment, or the run itself, did not complete properly.
    Errored,
    /// Nothing passed and nothing warned: every assessment was skipped or cancelled, or none ran.
    NothingAssessed,
    /// The run was cancelled or deleted.
    Cancelled,
    /// The state machine stopped waiting for the run.
    TimedOut,
}

/// The run's counts of individual assessments by result, as DMS gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultStatistic {
    pub passed: i32,
    pub failed: i32,
    pub error: i32,
    pub warning: i32,
    pub cancelled: i32,
    pub skipped: i32,
}

impl From<&ReplicationTaskAssessmentRunResultStatistic> for ResultStatistic {
    fn from(s: &ReplicationTaskAssessmentRunResultStatistic) -> Self {
        ResultStatistic {
            passed: s.passed(),
            failed: s.failed(),
            error: s.error(),
            warning: s.warning(),
            cancelled: s.cancelled(),
            skipped: s.skipped(),
        }
    }
}

/// At most this many names in each `Assessments` list; the others are counted in
/// `AssessmentsNotListed`. The DMS documentation gives no count per engine pair; 100 names keep the
/// state machine's failure cause within its limit (docs/state-machine.md, "Limits").
pub const MAX_LISTED: usize = 100;
/// At most this many characters of an individual assessment's name (longer ones end with `…` and
/// their length).
pub const MAX_NAME_CHARS: usize = 128;
/// At most this many characters of `Message` and `LastFailureMessage`.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// The names of the individual assessments worth a look, by status, sorted, [`MAX_LISTED`] at
/// most in each list. Passed, cancelled and unfinished ones are counted in `ResultStatistic` only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Assessments {
    pub failed: Vec<String>,
    pub error: Vec<String>,
    pub warning: Vec<String>,
    pub skipped: Vec<String>,
}

/// How many names each `Assessments` list left out, past [`MAX_LISTED`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotListed {
    pub failed: usize,
    pub error: usize,
    pub warning: usize,
    pub skipped: usize,
}

/// An individual assessment as the judgement sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Individual {
    pub name: String,
    pub status: String,
}

impl Individual {
    /// Named by `IndividualAssessmentName`, else by its ARN; `None` without either.
    pub fn from_sdk(assessment: &ReplicationTaskIndividualAssessment) -> Option<Self> {
        let name = assessment
            .individual_assessment_name()
            .or(assessment.replication_task_individual_assessment_arn())
            .filter(|name| !name.is_empty())?;
        Some(Individual {
            name: name.to_owned(),
            status: assessment.status().unwrap_or_default().to_owned(),
        })
    }
}

/// Individual assessment statuses. The API reference (`ReplicationTaskIndividualAssessment`,
/// `Status`) lists cancelled, error, failed, passed, pending, skipped and running; the User Guide
/// ("Specifying, starting, and viewing premigration assessment runs") adds warning and invalid state.
pub mod individual_status {
    pub const FAILED: &str = "failed";
    pub const ERROR: &str = "error";
    pub const WARNING: &str = "warning";
    pub const SKIPPED: &str = "skipped";
    pub const PASSED: &str = "passed";
}

/// What a run's status says, as the API reference (`ReplicationTaskAssessmentRun`, `Status`)
/// describes each value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunStatus {
    /// `starting`, `provisioning`, `running`.
    InProgress,
    /// `passed`, `warning`, `failed`: the individual assessments have completed.
    Ended,
    /// `cancelling` (cancelled by CancelReplicationTaskAssessmentRun), `deleting`.
    Cancelled,
    /// `error-provisioning`, `error-executing`, `invalid state`, with what DMS says each means.
    Broken(&'static str),
    /// A status the API reference does not list.
    Unknown,
}

/// The run's status; `Status` is optional in the API reference, and a run without one is no answer.
pub fn status_of(run: &ReplicationTaskAssessmentRun) -> Result<&str, Error> {
    run.status().filter(|s| !s.is_empty()).ok_or_else(|| {
        Error::DmsUnavailable("DMS answered with a run that has no Status".to_owned())
    })
}

/// Whether a run with this status has yet to end: `starting`, `provisioning` or `running`.
pub fn in_progress(status: &str) -> bool {
    run_status(status) == RunStatus::InProgress
}

fn run_status(status: &str) -> RunStatus {
    match status {
        "starting" | "provisioning" | "running" => RunStatus::InProgress,
        "passed" | "warning" | "failed" => RunStatus::Ended,
        "cancelling" | "deleting" => RunStatus::Cancelled,
        "error-provisioning" => {
            RunStatus::Broken("an internal error occurred while resources were provisioned")
        }
        "error-executing" => {
            RunStatus::Broken("an internal error occurred while individual assessments ran")
        }
        "invalid state" => RunStatus::Broken("the assessment run is in an unknown state"),
        _ => RunStatus::Unknown,
    }
}

/// The outcome of [`decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub verdict: Verdict,
    /// Why, when the run's status is the reason for an `Errored` verdict.
    pub message: Option<String>,
    pub assessments: Assessments,
    /// Present when a list was cut at [`MAX_LISTED`] names.
    pub not_listed: Option<NotListed>,
}

/// Judges a run from its status, its counts and its individual assessments. In order:
/// `timed_out` → `TimedOut`; a cancelled or deleted run → `Cancelled`; any failure → `Failed`; any
/// error, or a run that broke, has not ended or has an unknown status → `Errored`; nothing passed
/// and nothing warned → `NothingAssessed`; a warning → `PassedWithWarnings`; else `Passed`.
pub fn decide(
    status: &str,
    statistic: Option<&ResultStatistic>,
    individuals: &[Individual],
    timed_out: bool,
) -> Judgement {
    use individual_status::*;

    let stat = statistic.copied().unwrap_or_default();
    // Sorted once each, the first MAX_LISTED kept (names cut to MAX_NAME_CHARS), the rest counted.
    let named = |wanted: &str| -> (Vec<String>, usize) {
        let all: BTreeSet<&str> = individuals
            .iter()
            .filter(|i| i.status == wanted)
            .map(|i| i.name.as_str())
            .collect();
        let left_out = all.len().saturating_sub(MAX_LISTED);
        let listed = all
            .into_iter()
            .take(MAX_LISTED)
            .map(|name| error::bounded(name, MAX_NAME_CHARS).into_owned())
            .collect();
        (listed, left_out)
    };
    let (failed_names, failed_left_out) = named(FAILED);
    let (error_names, error_left_out) = named(ERROR);
    let (warning_names, warning_left_out) = named(WARNING);
    let (skipped_names, skipped_left_out) = named(SKIPPED);
    let assessments = Assessments {
        failed: failed_names,
        error: error_names,
        warning: warning_names,
        skipped: skipped_names,
    };
    let not_listed = NotListed {
        failed: failed_left_out,
        error: error_left_out,
        warning: warning_left_out,
        skipped: skipped_left_out,
    };
    let not_listed = (not_listed != NotListed::default()).then_some(not_listed);
    let passed = stat.passed > 0 || individuals.iter().any(|i| i.status == PASSED);
    // `failed` is "at least one individual assessment completed with a failed status"; `warning`
    // is at least one warning "or all individual assessments were skipped", so with a pass it
    // means a warning.
    let failed = stat.failed > 0 || !assessments.failed.is_empty() || status == "failed";
    let errored = stat.error > 0 || !assessments.error.is_empty();
    let warned =
        stat.warning > 0 || !assessments.warning.is_empty() || (status == "warning" && passed);

    let judged = |verdict: Verdict, message: Option<String>| Judgement {
        verdict,
        message,
        assessments: assessments.clone(),
        not_listed,
    };
    let state = run_status(status);
    if timed_out {
        return judged(Verdict::TimedOut, None);
    }
    if state == RunStatus::Cancelled {
        return judged(Verdict::Cancelled, None);
    }
    if failed {
        return judged(Verdict::Failed, None);
    }
    let broken = match state {
        RunStatus::InProgress => Some(format!(
            "the assessment run has not ended: its status is `{status}`"
        )),
        RunStatus::Broken(meaning) => Some(format!(
            "the assessment run's status is `{status}`: {meaning}"
        )),
        RunStatus::Unknown => Some(format!(
            "the assessment run's status {} is not one DMS documents",
            validate::quoted(status)
        )),
        RunStatus::Ended | RunStatus::Cancelled => None,
    };
    if broken.is_some() || errored {
        return judged(Verdict::Errored, broken);
    }
    if !passed && !warned {
        return judged(Verdict::NothingAssessed, None);
    }
    if warned {
        return judged(Verdict::PassedWithWarnings, None);
    }
    judged(Verdict::Passed, None)
}

/// What the function answers; members without a value are left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerdictOutput {
    pub verdict: Verdict,
    /// The run's status, as DMS gives it.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub replication_task_assessment_run_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_task_arn: Option<String>,
    /// A serverless run's replication config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_config_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment_run_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_statistic: Option<ResultStatistic>,
    pub assessments: Assessments,
    /// How many names each `Assessments` list left out; only when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessments_not_listed: Option<NotListed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_failure_message: Option<String>,
    /// Why, in DMS's words, for each assessment that did not pass, from the run's `summary.json`
    /// ([`reasons`]); only for a verdict that [`wants_reasons`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    /// How many reasons `Reasons` left out, past [`reasons::MAX_REASONS_BYTES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons_not_listed: Option<usize>,
    /// Why there are no reasons, when reading them failed; the verdict stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons_unavailable: Option<String>,
}

impl VerdictOutput {
    /// Judges `described`, the run of `request`.
    pub fn judge(described: &Described, request: &VerdictRequest) -> Result<Self, Error> {
        let run = &described.run;
        let status = status_of(run)?.to_owned();
        let statistic = run.result_statistic().map(ResultStatistic::from);
        let individuals: Vec<Individual> = described
            .individuals
            .iter()
            .filter_map(Individual::from_sdk)
            .collect();
        let Judgement {
            verdict,
            message,
            assessments,
            not_listed,
        } = decide(
            &status,
            statistic.as_ref(),
            &individuals,
            request.timed_out.unwrap_or(false),
        );
        let text = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(str::to_owned);
        let bounded = |text: String| error::bounded(&text, MAX_MESSAGE_CHARS).into_owned();
        Ok(VerdictOutput {
            verdict,
            status,
            message: message.map(bounded),
            replication_task_assessment_run_arn: request
                .replication_task_assessment_run_arn
                .clone(),
            replication_task_arn: text(run.replication_task_arn()),
            replication_config_arn: request.replication_config_arn.clone(),
            assessment_run_name: text(run.assessment_run_name()),
            result_statistic: statistic,
            assessments,
            assessments_not_listed: not_listed,
            result_location: result_location(
                run.result_location_bucket(),
                run.result_location_folder(),
            ),
            last_failure_message: text(run.last_failure_message()).map(bounded),
            reasons: Vec::new(),
            reasons_not_listed: None,
            reasons_unavailable: None,
        })
    }

    /// Adds what reading the reasons gave: the reasons, or why there are none.
    pub fn explain(&mut self, read: Result<Reasons, String>) {
        match read {
            // A summary that lists nothing failing says so: a verdict that did not pass always
            // has its reasons or a line saying why there are none.
            Ok(Reasons { listed, not_listed }) if listed.is_empty() && not_listed == 0 => {
                self.reasons_unavailable = Some(format!(
                    "{} lists no assessment that failed, erred or warned",
                    reasons::SUMMARY_FILE
                ));
            }
            Ok(Reasons { listed, not_listed }) => {
                self.reasons = listed;
                self.reasons_not_listed = (not_listed > 0).then_some(not_listed);
            }
            Err(why) => {
                self.reasons_unavailable =
                    Some(error::bounded(&why, reasons::MAX_UNAVAILABLE_CHARS).into_owned());
            }
        }
    }

    /// The reasons on one line for the log, `<assessment>: <sentence>` joined by ` | `.
    fn why(&self) -> String {
        let line = self
            .reasons
            .iter()
            .map(|r| format!("{}: {}", r.assessment, r.reason.as_deref().unwrap_or("-")))
            .collect::<Vec<_>>()
            .join(" | ");
        error::bounded(&line, MAX_MESSAGE_CHARS).into_owned()
    }
}

/// Whether a verdict is worth its reasons: a run that ended without passing. A passed run has
/// none; a timed-out, cancelled or still running one has not written its summary.
pub fn wants_reasons(verdict: Verdict, status: &str) -> bool {
    !matches!(
        verdict,
        Verdict::Passed | Verdict::TimedOut | Verdict::Cancelled
    ) && run_status(status) != RunStatus::InProgress
}

/// Reads the reasons of `run` from its `summary.json`, in at most `time`. A task's run must have
/// a folder of its own, named for it, as the start function gives each run it starts: in a shared
/// folder, `summary.json` may be another run's. A serverless run's folder is its identity already
/// (src/serverless.rs), and a file older than the run is refused for both.
pub async fn read_reasons(
    s3: &aws_sdk_s3::Client,
    run: &ReplicationTaskAssessmentRun,
    serverless: bool,
    time: Duration,
) -> Result<Reasons, String> {
    let location = Location::of(run.result_location_bucket(), run.result_location_folder())
        .ok_or("DMS gives no result location for the run")?;
    let name = run.assessment_run_name().filter(|n| !n.is_empty());
    if let (false, Some(name)) = (serverless, name) {
        // The folder as the location keeps it, without a `/` at either end; so the name.
        let last = name.trim_matches('/');
        let own = location.folder == last || location.folder.ends_with(&format!("/{last}"));
        if !own {
            return Err(format!(
                "the run's folder is not named for the run ({}), so {} there may be another \
                 run's; the start function gives each run it starts a folder of its own",
                validate::quoted(name),
                reasons::SUMMARY_FILE
            ));
        }
    }
    reasons::read(
        s3,
        &location,
        run.replication_task_assessment_run_creation_date(),
        (run.result_encryption_mode(), run.result_kms_key_arn()),
        time,
    )
    .await
}

/// Where DMS writes the run's results: `s3://<bucket>/<folder>/`, or `s3://<bucket>/` without a
/// folder. The API reference says only "Amazon S3 bucket where DMS stores the results of this
/// assessment run" and "Folder in an Amazon S3 bucket where DMS stores the results of this
/// assessment run"; the User Guide, that the results are JSON files there (`summary.json` and one
/// per individual assessment, named for it). No deeper layout is documented, so none is added.
pub fn result_location(bucket: Option<&str>, folder: Option<&str>) -> Option<String> {
    let bucket = bucket.filter(|b| !b.is_empty())?;
    let folder = folder.unwrap_or_default().trim_matches('/');
    Some(if folder.is_empty() {
        format!("s3://{bucket}/")
    } else {
        format!("s3://{bucket}/{folder}/")
    })
}

/// What DMS says of a run: the run, and each of its individual assessments.
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    pub run: ReplicationTaskAssessmentRun,
    pub individuals: Vec<ReplicationTaskIndividualAssessment>,
}

/// Describes the run and its individual assessments (every page), both filtered by the run's ARN.
/// A run DMS does not list is `ResourceNotFoundFault`, DMS's own name for an unknown resource.
pub async fn describe(client: &Client, run_arn: &str) -> Result<Described, Error> {
    let (run, individuals) = tokio::try_join!(
        task_run(client, run_arn),
        individual_assessments(client, run_arn)
    )?;
    Ok(Described { run, individuals })
}

/// A task's run, as DMS lists it; one DMS does not list is `ResourceNotFoundFault`.
pub async fn task_run(
    client: &Client,
    run_arn: &str,
) -> Result<ReplicationTaskAssessmentRun, Error> {
    find_run(client, run_arn).await?.ok_or_else(|| Error::Dms {
        code: "ResourceNotFoundFault".to_owned(),
        message: format!("DMS lists no assessment run {}", validate::quoted(run_arn)),
    })
}

/// Describes a DMS Serverless run: its status among the replication's
/// `PremigrationAssessmentStatuses`, read as a task's run (the members are the same), and its
/// individual assessments when DMS lists them. Whether `DescribeReplicationTaskIndividualAssessments`
/// lists a serverless run's is not documented: a fault there leaves the names out, and the verdict
/// rests on the run's status and `ResultStatistic`, as for a task (docs/aws-facts.md).
pub async fn describe_serverless(
    client: &Client,
    config_arn: &str,
    run_arn: &str,
) -> Result<Described, Error> {
    let listed = async {
        match individual_assessments(client, run_arn).await {
            Err(Error::Dms { .. }) => Ok(Vec::new()),
            other => other,
        }
    };
    let (run, individuals) = tokio::try_join!(serverless_run(client, config_arn, run_arn), listed)?;
    Ok(Described { run, individuals })
}

/// A DMS Serverless run, read from the replication's `PremigrationAssessmentStatuses` as a task's
/// run: the members are the same.
pub async fn serverless_run(
    client: &Client,
    config_arn: &str,
    run_arn: &str,
) -> Result<ReplicationTaskAssessmentRun, Error> {
    let replication = serverless::replication(client, config_arn).await?;
    let status = replication
        .as_ref()
        .and_then(|r| {
            r.premigration_assessment_statuses()
                .iter()
                .find(|s| s.premigration_assessment_run_arn() == Some(run_arn))
        })
        .ok_or_else(|| Error::Dms {
            code: "ResourceNotFoundFault".to_owned(),
            message: format!(
                "DMS lists no assessment run {} for the replication config {}",
                validate::quoted(run_arn),
                validate::quoted(config_arn)
            ),
        })?;
    Ok(ReplicationTaskAssessmentRun::builder()
        .replication_task_assessment_run_arn(run_arn)
        .set_status(status.status().map(str::to_owned))
        .set_result_statistic(status.result_statistic().cloned())
        .set_assessment_progress(status.assessment_progress().cloned())
        .set_last_failure_message(status.last_failure_message().map(str::to_owned))
        .set_result_location_bucket(status.result_location_bucket().map(str::to_owned))
        .set_result_location_folder(status.result_location_folder().map(str::to_owned))
        .set_result_encryption_mode(status.result_encryption_mode().map(str::to_owned))
        .set_result_kms_key_arn(status.result_kms_key_arn().map(str::to_owned))
        .set_replication_task_assessment_run_creation_date(
            status.premigration_assessment_run_creation_date().cloned(),
        )
        .build())
}

async fn find_run(
    client: &Client,
    run_arn: &str,
) -> Result<Option<ReplicationTaskAssessmentRun>, Error> {
    dms::first_run(client, dms::filter(RUN_ARN_FILTER, run_arn), |run| {
        run.replication_task_assessment_run_arn()
            .is_none_or(|arn| arn == run_arn)
    })
    .await
}

async fn individual_assessments(
    client: &Client,
    run_arn: &str,
) -> Result<Vec<ReplicationTaskIndividualAssessment>, Error> {
    let mut pages = client
        .describe_replication_task_individual_assessments()
        .filters(dms::filter(RUN_ARN_FILTER, run_arn))
        .into_paginator()
        .send();
    let mut all = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(dms::classify)?;
        all.extend(
            page.replication_task_individual_assessments()
                .iter()
                .filter(|a| {
                    a.replication_task_assessment_run_arn()
                        .is_none_or(|arn| arn == run_arn)
                })
                .cloned(),
        );
    }
    Ok(all)
}

/// What every invocation shares, built once per process: the DMS client and the S3 client that
/// reads the reasons.
#[derive(Debug, Clone)]
pub struct VerdictApp {
    client: Client,
    s3: aws_sdk_s3::Client,
    profile_problem: Option<String>,
}

impl VerdictApp {
    pub fn new(client: Client, s3: aws_sdk_s3::Client) -> Self {
        VerdictApp {
            client,
            s3,
            profile_problem: None,
        }
    }

    /// Says `problem` (a profile that was not found, [`sdk::profile_problem`]) when credentials fail.
    pub fn with_profile_problem(mut self, problem: Option<String>) -> Self {
        self.profile_problem = problem;
        self
    }

    /// Handles one invocation.
    pub async fn handle(&self, event: LambdaEvent<Event>) -> Result<VerdictOutput, Error> {
        let (event, context) = event.into_parts();
        let result = self.judge(event, &context).await;
        match &result {
            Err(error) => error.log("no verdict"),
            Ok(output) => tracing::info!(
                run_arn = %output.replication_task_assessment_run_arn,
                status = %output.status,
                verdict = ?output.verdict,
                // The failed and errored individual assessments, for a Logs Insights query.
                failing = %[&output.assessments.failed[..], &output.assessments.error[..]].concat().join(","),
                // DMS's reasons, `<assessment>: <sentence> | …`, or why there are none.
                why = %output.why(),
                reasons_unavailable = output.reasons_unavailable.as_deref().unwrap_or_default(),
                outcome = "verdict",
                "verdict taken"
            ),
        }
        result
    }

    async fn judge(&self, event: Event, context: &Context) -> Result<VerdictOutput, Error> {
        let payload = event.into_json()?;
        tracing::debug!(%payload, "payload");
        let request = VerdictRequest::parse(&payload)?;
        let budget = dms::budget(context.deadline, SystemTime::now());
        // Boxed: the future of every call inside it is too deep for the layout of the runtime's.
        let (output, _) =
            Box::pin(self.verdict(&request, &context.invoked_function_arn, budget)).await?;
        Ok(output)
    }

    /// Refuses, before any call, a run (or a replication config) of another Region than DMS is
    /// called in, and in Lambda (`function_arn` not empty) of another account; and a missing Region.
    pub fn check(&self, request: &VerdictRequest, function_arn: &str) -> Result<(), Error> {
        let region = self.client.config().region().map(|r| r.as_ref());
        let home = Home::of(function_arn, region);
        home.check(
            "ReplicationTaskAssessmentRunArn",
            &request.replication_task_assessment_run_arn,
            Scope::RegionAndAccount,
        )?;
        if let Some(config) = &request.replication_config_arn {
            home.check("ReplicationConfigArn", config, Scope::RegionAndAccount)?;
        }
        if home.region().is_none() {
            return Err(sdk::no_region(self.profile_problem.as_deref()));
        }
        Ok(())
    }

    /// The DMS client, for a caller that follows the run itself (the command line's `wait`).
    pub fn dms(&self) -> &Client {
        &self.client
    }

    /// `error`, with the profile that was not found when credentials failed.
    pub fn with_profile_problem_of(&self, error: Error) -> Error {
        sdk::with_profile_problem(error, self.profile_problem.as_deref())
    }

    /// The verdict on the run of `request`, with its reasons when it [`wants_reasons`], in at most
    /// `budget`; and what DMS said of the run, for a report of every individual assessment.
    /// `function_arn` is the caller's own ARN where it has one (in Lambda), else empty: a run of
    /// another Region is refused, and in Lambda one of another account too.
    pub async fn verdict(
        &self,
        request: &VerdictRequest,
        function_arn: &str,
        budget: Duration,
    ) -> Result<(VerdictOutput, Described), Error> {
        self.check(request, function_arn)?;
        let run_arn = &request.replication_task_assessment_run_arn;
        let started = tokio::time::Instant::now();
        let described = match &request.replication_config_arn {
            Some(config) => {
                let described = Box::pin(describe_serverless(&self.client, config, run_arn));
                dms::within(budget, described).await
            }
            None => dms::within(budget, describe(&self.client, run_arn)).await,
        };
        let described = described.map_err(|error| self.with_profile_problem_of(error))?;
        let mut output = VerdictOutput::judge(&described, request)?;
        if wants_reasons(output.verdict, &output.status) {
            let time = budget
                .saturating_sub(started.elapsed())
                .min(reasons::READ_TIMEOUT);
            let serverless = request.replication_config_arn.is_some();
            output.explain(read_reasons(&self.s3, &described.run, serverless, time).await);
        }
        Ok((output, described))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn parse(payload: Value) -> Result<VerdictRequest, Error> {
        VerdictRequest::parse(&serde_json::value::to_raw_value(&payload).unwrap())
    }
    use serde_json::json;

    const RUN: &str = "arn:aws:dms:us-east-1:123456789012:assessment-run:RUNAAAABBBBCCCCDDDD";

    fn stat(passed: i32, failed: i32, error: i32, warning: i32, skipped: i32) -> ResultStatistic {
        ResultStatistic {
            passed,
            failed,
            error,
            warning,
            cancelled: 0,
            skipped,
        }
    }

    fn individual(name: &str, status: &str) -> Individual {
        Individual {
            name: name.to_owned(),
            status: status.to_owned(),
        }
    }

    fn verdict(status: &str, statistic: Option<ResultStatistic>, timed_out: bool) -> Verdict {
        decide(status, statistic.as_ref(), &[], timed_out).verdict
    }

    #[test]
    fn every_documented_run_status_has_its_verdict() {
        let clean = Some(stat(5, 0, 0, 0, 0));
        let cases = [
            ("passed", Verdict::Passed),
            ("warning", Verdict::PassedWithWarnings),
            ("failed", Verdict::Failed),
            ("cancelling", Verdict::Cancelled),
            ("deleting", Verdict::Cancelled),
            ("error-provisioning", Verdict::Errored),
            ("error-executing", Verdict::Errored),
            ("invalid state", Verdict::Errored),
            ("starting", Verdict::Errored),
            ("provisioning", Verdict::Errored),
            ("running", Verdict::Errored),
            ("exploded", Verdict::Errored),
        ];
        for (status, expected) in cases {
            assert_eq!(verdict(status, clean, false), expected, "{status}");
        }
    }

    #[test]
    fn the_status_is_named_when_it_is_the_reason_for_errored() {
        let clean = stat(5, 0, 0, 0, 0);
        let message = |status: &str| decide(status, Some(&clean), &[], false).message.unwrap();
        assert_eq!(
            message("running"),
            "the assessment run has not ended: its status is `running`"
        );
        assert!(message("starting").contains("has not ended"));
        assert!(message("provisioning").contains("`provisioning`"));
        assert_eq!(
            message("error-executing"),
            "the assessment run's status is `error-executing`: an internal error occurred while individual assessments ran"
        );
        assert!(message("error-provisioning").contains("while resources were provisioned"));
        assert!(message("invalid state").contains("unknown state"));
        assert!(message("exploded").contains("`exploded` is not one DMS documents"));
        // An error count is its own reason: no message about the status.
        let judgement = decide("passed", Some(&stat(5, 0, 1, 0, 0)), &[], false);
        assert_eq!(judgement.verdict, Verdict::Errored);
        assert_eq!(judgement.message, None);
    }

    #[test]
    fn timed_out_wins_over_everything() {
        for status in [
            "running",
            "failed",
            "passed",
            "cancelling",
            "error-executing",
        ] {
            let judgement = decide(status, Some(&stat(1, 3, 2, 1, 0)), &[], true);
            assert_eq!(judgement.verdict, Verdict::TimedOut, "{status}");
            assert_eq!(judgement.message, None);
        }
    }

    #[test]
    fn cancelled_wins_over_the_counts() {
        assert_eq!(
            verdict("cancelling", Some(stat(1, 2, 1, 0, 0)), false),
            Verdict::Cancelled
        );
    }

    #[test]
    fn failed_wins_over_error_and_error_over_warning() {
        assert_eq!(
            verdict("failed", Some(stat(3, 1, 1, 1, 0)), false),
            Verdict::Failed
        );
        assert_eq!(
            verdict("passed", Some(stat(3, 1, 1, 1, 0)), false),
            Verdict::Failed
        );
        assert_eq!(
            verdict("error-executing", Some(stat(3, 1, 0, 0, 0)), false),
            Verdict::Failed,
            "a failure found is a failure, even when the run broke after"
        );
        assert_eq!(
            verdict("warning", Some(stat(3, 0, 1, 1, 0)), false),
            Verdict::Errored
        );
        assert_eq!(
            verdict("warning", Some(stat(3, 0, 0, 1, 0)), false),
            Verdict::PassedWithWarnings
        );
    }

    #[test]
    fn individual_assessments_count_as_much_as_the_statistic() {
        let judged = |individuals: &[Individual]| decide("passed", None, individuals, false);
        let failed = judged(&[individual("a", "passed"), individual("b", "failed")]);
        assert_eq!(failed.verdict, Verdict::Failed);
        assert_eq!(failed.assessments.failed, ["b"]);
        let errored = judged(&[individual("a", "passed"), individual("c", "error")]);
        assert_eq!(errored.verdict, Verdict::Errored);
        assert_eq!(errored.assessments.error, ["c"]);
        let warned = judged(&[individual("a", "passed"), individual("w", "warning")]);
        assert_eq!(warned.verdict, Verdict::PassedWithWarnings);
        assert_eq!(
            judged(&[individual("a", "passed")]).verdict,
            Verdict::Passed
        );
    }

    #[test]
    fn nothing_passed_and_nothing_warned_is_nothing_assessed() {
        assert_eq!(
            verdict("warning", Some(stat(0, 0, 0, 0, 4)), false),
            Verdict::NothingAssessed,
            "DMS reports `warning` when every assessment was skipped"
        );
        assert_eq!(
            verdict("passed", Some(stat(0, 0, 0, 0, 0)), false),
            Verdict::NothingAssessed
        );
        assert_eq!(verdict("passed", None, false), Verdict::NothingAssessed);
        let skipped = decide(
            "warning",
            None,
            &[individual("s2", "skipped"), individual("s1", "skipped")],
            false,
        );
        assert_eq!(skipped.verdict, Verdict::NothingAssessed);
        assert_eq!(skipped.assessments.skipped, ["s1", "s2"]);
        assert_eq!(
            verdict("passed", Some(stat(0, 0, 0, 2, 0)), false),
            Verdict::PassedWithWarnings,
            "a warning is an assessment made"
        );
    }

    #[test]
    fn a_warning_status_with_passes_is_a_warning() {
        assert_eq!(
            verdict("warning", Some(stat(4, 0, 0, 0, 1)), false),
            Verdict::PassedWithWarnings
        );
        assert_eq!(
            verdict("passed", Some(stat(4, 0, 0, 0, 1)), false),
            Verdict::Passed,
            "skipped assessments beside passes do not warn"
        );
    }

    #[test]
    fn assessments_are_listed_by_status_sorted_once_each() {
        let judgement = decide(
            "failed",
            None,
            &[
                individual("z-check", "failed"),
                individual("a-check", "failed"),
                individual("a-check", "failed"),
                individual("e", "error"),
                individual("w", "warning"),
                individual("s", "skipped"),
                individual("p", "passed"),
                individual("c", "cancelled"),
                individual("q", "pending"),
                individual("r", "running"),
                individual("i", "invalid state"),
            ],
            false,
        );
        assert_eq!(
            judgement.assessments,
            Assessments {
                failed: vec!["a-check".into(), "z-check".into()],
                error: vec!["e".into()],
                warning: vec!["w".into()],
                skipped: vec!["s".into()],
            }
        );
    }

    #[test]
    fn the_result_location_is_the_bucket_and_folder() {
        assert_eq!(
            result_location(Some("results"), Some("orders-db")).as_deref(),
            Some("s3://results/orders-db/")
        );
        assert_eq!(
            result_location(Some("results"), Some("/a/b/")).as_deref(),
            Some("s3://results/a/b/")
        );
        assert_eq!(
            result_location(Some("results"), None).as_deref(),
            Some("s3://results/")
        );
        assert_eq!(
            result_location(Some("results"), Some("")).as_deref(),
            Some("s3://results/")
        );
        assert_eq!(result_location(None, Some("f")), None);
    }

    #[test]
    fn the_request_takes_pascal_and_camel_case_and_refuses_the_rest() {
        let request = parse(json!({"ReplicationTaskAssessmentRunArn": RUN})).unwrap();
        assert_eq!(request.replication_task_assessment_run_arn, RUN);
        assert_eq!(request.timed_out, None);
        let request =
            parse(json!({"replicationTaskAssessmentRunArn": RUN, "timedOut": true})).unwrap();
        assert_eq!(request.timed_out, Some(true));
        let request =
            parse(json!({"ReplicationTaskAssessmentRunArn": RUN, "TimedOut": null})).unwrap();
        assert_eq!(request.timed_out, None);

        let invalid = |payload: Value| match parse(payload) {
            Err(Error::InvalidInput(message)) => message,
            other => panic!("expected InvalidInput, got {other:?}"),
        };
        let message = invalid(json!({"ReplicationTaskAssessmentRunArn": RUN, "TimedOutt": true}));
        assert!(message.contains("unknown member `TimedOutt`"), "{message}");
        let message = invalid(json!({}));
        assert!(
            message.contains("`ReplicationTaskAssessmentRunArn` is required"),
            "{message}"
        );
        let message = invalid(json!({"ReplicationTaskAssessmentRunArn": RUN, "TimedOut": "yes"}));
        assert!(
            message.contains("`TimedOut` must be true or false, not a string (`yes`)"),
            "{message}"
        );
        let message = invalid(
            json!({"ReplicationTaskAssessmentRunArn": "x".repeat(100_000), "TimedOut": "y".repeat(100_000)}),
        );
        assert!(message.len() < 500, "{message}");
        let message = invalid(
            json!({"ReplicationTaskAssessmentRunArn": RUN, "replicationTaskAssessmentRunArn": RUN}),
        );
        assert!(message.contains("is given more than once"), "{message}");
        let message = invalid(
            json!({"ReplicationTaskAssessmentRunArn": "arn:aws:dms:us-east-1:123456789012:task:T"}),
        );
        assert!(
            message.starts_with("ReplicationTaskAssessmentRunArn `arn:aws:dms:us-east-1:123456789012:task:T` names a DMS `task` resource"),
            "{message}"
        );
        let message = invalid(json!([RUN]));
        assert_eq!(message, "the payload must be a JSON object, not an array");
    }

    #[test]
    fn the_output_leaves_out_members_without_a_value() {
        let run = ReplicationTaskAssessmentRun::builder()
            .status("passed")
            .build();
        let described = Described {
            run,
            individuals: vec![],
        };
        let request = parse(json!({"ReplicationTaskAssessmentRunArn": RUN})).unwrap();
        let output =
            serde_json::to_value(VerdictOutput::judge(&described, &request).unwrap()).unwrap();
        assert_eq!(
            output,
            json!({
                "Verdict": "NothingAssessed",
                "Status": "passed",
                "ReplicationTaskAssessmentRunArn": RUN,
                "Assessments": {"Failed": [], "Error": [], "Warning": [], "Skipped": []}
            })
        );
    }

    #[test]
    fn a_run_without_a_status_is_dms_unavailable() {
        let described = Described {
            run: ReplicationTaskAssessmentRun::builder().build(),
            individuals: vec![],
        };
        let request = parse(json!({"ReplicationTaskAssessmentRunArn": RUN})).unwrap();
        let error = VerdictOutput::judge(&described, &request).unwrap_err();
        assert_eq!(error.error_type(), "DmsUnavailable");
    }

    #[test]
    fn the_output_is_bounded_whatever_dms_lists() {
        let individuals: Vec<ReplicationTaskIndividualAssessment> = (0..250)
            .map(|i| {
                ReplicationTaskIndividualAssessment::builder()
                    .individual_assessment_name(format!("{i:03}-{}", "n".repeat(300)))
                    .status(if i < 150 { "failed" } else { "warning" })
                    .build()
            })
            .chain([ReplicationTaskIndividualAssessment::builder()
                .individual_assessment_name("short")
                .status("skipped")
                .build()])
            .collect();
        let described = Described {
            run: ReplicationTaskAssessmentRun::builder()
                .status("failed")
                .last_failure_message("m".repeat(5000))
                .build(),
            individuals,
        };
        let request = parse(json!({"ReplicationTaskAssessmentRunArn": RUN})).unwrap();
        let output = VerdictOutput::judge(&described, &request).unwrap();
        assert_eq!(output.verdict, Verdict::Failed);
        assert_eq!(output.assessments.failed.len(), MAX_LISTED);
        assert_eq!(output.assessments.warning.len(), MAX_LISTED);
        assert_eq!(output.assessments.skipped, ["short"]);
        assert_eq!(
            output.assessments_not_listed,
            Some(NotListed {
                failed: 50,
                error: 0,
                warning: 0,
                skipped: 0,
            })
        );
        // Sorted before they are cut: the first hundred failed names are kept.
        assert!(output.assessments.failed[0].starts_with("000-"));
        assert!(output.assessments.failed[99].starts_with("099-"));
        for name in output
            .assessments
            .failed
            .iter()
            .chain(&output.assessments.warning)
        {
            assert_eq!(name.chars().count(), MAX_NAME_CHARS, "{name}");
            assert!(name.ends_with("\u{2026} (304 characters)"), "{name}");
        }
        let message = output.last_failure_message.as_deref().unwrap();
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS);
        assert!(message.ends_with("\u{2026} (5000 characters)"));
        let json = serde_json::to_value(&output).unwrap();
        assert_eq!(
            json["AssessmentsNotListed"],
            json!({"Failed": 50, "Error": 0, "Warning": 0, "Skipped": 0})
        );
        // Four full lists of the longest names, and both messages, stay far under the 262,144
        // bytes of a Step Functions state.
        assert!(serde_json::to_string(&json).unwrap().len() < 60_000);
    }

    #[test]
    fn a_list_within_the_bound_is_whole_and_not_counted() {
        let individuals: Vec<Individual> = (0..MAX_LISTED)
            .map(|i| individual(&format!("check-{i:03}"), "failed"))
            .collect();
        let judgement = decide("failed", None, &individuals, false);
        assert_eq!(judgement.assessments.failed.len(), MAX_LISTED);
        assert_eq!(judgement.not_listed, None);
    }
}
