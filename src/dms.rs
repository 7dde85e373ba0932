//! The DMS calls: start the run, and when DMS refuses it as a repeat, find the run that exists.

use std::future::Future;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_databasemigration::config::http::HttpResponse;
use aws_sdk_databasemigration::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_databasemigration::primitives::{DateTime, DateTimeFormat};
use aws_sdk_databasemigration::types::{Filter, ReplicationTaskAssessmentRun, Tag};
use aws_sdk_databasemigration::Client;

use crate::error::Error;
use crate::request::StartRequest;

/// Time kept back from the invocation's deadline, so that the function answers before Lambda stops it.
pub const DEADLINE_MARGIN: Duration = Duration::from_millis(1000);

/// Used when the invocation carries no usable deadline; Lambda's own maximum.
pub const MAX_BUDGET: Duration = Duration::from_secs(900);

/// Codes with which AWS rejects a request's credentials or signature (the "Common Errors" of the
/// AWS API references; see docs/aws-facts.md). Retrying does not change the answer.
const CREDENTIALS_REJECTED: &[&str] = &[
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredTokenException",
    "ExpiredToken",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "IncompleteSignatureException",
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
];

/// A run DMS started, or found when the request had already been made, with the ARN and status
/// the next states depend on checked present.
#[derive(Debug, Clone, PartialEq)]
pub struct StartedRun {
    pub arn: String,
    pub status: String,
    /// The run as DMS describes it.
    pub run: ReplicationTaskAssessmentRun,
    /// Whether the run existed before this invocation (a retry or a repeated event).
    pub already_existed: bool,
}

/// How long the DMS calls of an invocation may take, given its deadline in epoch milliseconds.
pub fn budget(deadline_ms: u64, now: SystemTime) -> Duration {
    let deadline = SystemTime::UNIX_EPOCH + Duration::from_millis(deadline_ms);
    match deadline.duration_since(now) {
        // A deadline in the past or absent (0) is not a real one; local emulators send such values.
        Err(_) | Ok(Duration::ZERO) => MAX_BUDGET,
        Ok(left) if left > MAX_BUDGET => MAX_BUDGET,
        Ok(left) if left > DEADLINE_MARGIN * 2 => left - DEADLINE_MARGIN,
        Ok(left) => left / 2,
    }
}

/// Runs `calls` for at most `budget`, turning an overrun into `DmsUnavailable`.
pub async fn within<T>(
    budget: Duration,
    calls: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::time::timeout(budget, calls)
        .await
        .unwrap_or_else(|_| {
            Err(Error::DmsUnavailable(format!(
                "no answer from DMS within {:.1} s, the time left before the invocation's deadline",
                budget.as_secs_f64()
            )))
        })
}

/// Starts the assessment run; when DMS says the run name is taken by a run of the same task,
/// returns that run with `already_existed` set.
pub async fn start_assessment_run(
    client: &Client,
    request: &StartRequest,
) -> Result<StartedRun, Error> {
    // The lists are sent only when they have an item, as the API takes them.
    let listed = |names: &Vec<String>| Some(names.clone()).filter(|n| !n.is_empty());
    let tags = request.tags.iter().map(|tag| {
        Tag::builder()
            .key(&tag.key)
            .set_value(tag.value.clone())
            .build()
    });
    let start = client
        .start_replication_task_assessment_run()
        .replication_task_arn(&request.replication_task_arn)
        .service_access_role_arn(&request.service_access_role_arn)
        .result_location_bucket(&request.result_location_bucket)
        .result_location_folder(&request.result_location_folder)
        .set_result_encryption_mode(request.result_encryption_mode.clone())
        .set_result_kms_key_arn(request.result_kms_key_arn.clone())
        .assessment_run_name(&request.assessment_run_name)
        .set_include_only(listed(&request.include_only))
        .set_exclude(listed(&request.exclude))
        .set_tags(Some(tags.collect::<Vec<_>>()).filter(|t| !t.is_empty()));

    let err = match start.send().await {
        Ok(output) => return checked(output.replication_task_assessment_run, false),
        Err(err) => err,
    };
    // Both faults can answer the retry of a start whose first answer was lost after DMS created
    // the run: the name is taken, or the task is already `testing` with that run (docs/aws-facts.md).
    let repeat = err.as_service_error().is_some_and(|fault| {
        fault.is_resource_already_exists_fault() || fault.is_invalid_resource_state_fault()
    });
    let error = classify(err);
    if !repeat {
        return Err(error);
    }
    let name = &request.assessment_run_name;
    match find_run(client, &request.replication_task_arn, name).await {
        Ok(Some(run)) => checked(Some(run), true),
        Ok(None) => Err(error),
        Err(lookup) => Err(in_lookup(lookup, &error, name)),
    }
}

/// Refuses with `RecentRunExists` when the task has a run other than the one named in `request`
/// that is in progress or was created less than `window` before `now` (every page).
pub async fn refuse_recent_run(
    client: &Client,
    request: &StartRequest,
    window: Duration,
    now: SystemTime,
) -> Result<(), Error> {
    let since = DateTime::from(now - window);
    let other = first_run(
        client,
        filter("replication-task-arn", &request.replication_task_arn),
        |run| {
            // In progress, or on its way out while the task may still be `testing` (docs/aws-facts.md).
            let in_progress = matches!(
                run.status(),
                Some("starting" | "provisioning" | "running" | "cancelling")
            );
            let recent = run
                .replication_task_assessment_run_creation_date()
                .is_some_and(|created| created.secs() >= since.secs());
            run.assessment_run_name() != Some(request.assessment_run_name.as_str())
                && (in_progress || recent)
        },
    )
    .await;
    // A task without runs may be answered ResourceNotFoundFault rather than an empty list
    // (docs/aws-facts.md): that is no other run.
    let other = match other {
        Err(Error::Dms { code, .. }) if code == "ResourceNotFoundFault" => None,
        other => other?,
    };
    match other {
        None => Ok(()),
        Some(run) => Err(Error::RecentRunExists(format!(
            "the task {} has the assessment run {} ({}, created {}), in progress or younger than {} s (RecentRunWindowSeconds): \
             no run was started, so that a DMS event that follows a run or a start does not start another",
            request.replication_task_arn,
            run.replication_task_assessment_run_arn().unwrap_or("without an ARN"),
            run.status().unwrap_or("without a status"),
            run.replication_task_assessment_run_creation_date()
                .and_then(|d| d.fmt(DateTimeFormat::DateTime).ok())
                .unwrap_or_else(|| "at an unknown time".into()),
            window.as_secs()
        ))),
    }
}

/// What an assessment is of: a replication task, or a DMS Serverless replication config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    Task(&'a str),
    Config(&'a str),
}

impl Subject<'_> {
    fn noun(&self) -> &'static str {
        match self {
            Subject::Task(_) => "task",
            Subject::Config(_) => "replication config",
        }
    }

    fn arn(&self) -> &str {
        match self {
            Subject::Task(arn) | Subject::Config(arn) => arn,
        }
    }
}

/// The individual assessments DMS lists as applicable to the task or config (every page), in its
/// order; `DescribeApplicableIndividualAssessments` takes either (API reference).
pub async fn applicable_assessments(
    client: &Client,
    subject: Subject<'_>,
) -> Result<Vec<String>, Error> {
    let request = client.describe_applicable_individual_assessments();
    let request = match subject {
        Subject::Task(arn) => request.replication_task_arn(arn),
        Subject::Config(arn) => request.replication_config_arn(arn),
    };
    let mut pages = request.into_paginator().send();
    let mut names = Vec::new();
    while let Some(page) = pages.next().await {
        names.extend_from_slice(page.map_err(classify)?.individual_assessment_names());
    }
    Ok(names)
}

/// Refuses with `InvalidInput` the `IncludeOnly` or `Exclude` names DMS does not list as
/// applicable to the task or config: no DMS page says that it refuses them (docs/aws-facts.md).
pub async fn check_assessment_names(
    client: &Client,
    subject: Subject<'_>,
    (include_only, exclude): (&[String], &[String]),
    named: impl Fn(&str) -> String,
) -> Result<(), Error> {
    let (member, names) = if include_only.is_empty() {
        ("Exclude", exclude)
    } else {
        ("IncludeOnly", include_only)
    };
    if names.is_empty() {
        return Ok(());
    }
    let applicable = applicable_assessments(client, subject).await?;
    let unknown: Vec<&str> = names
        .iter()
        .filter(|name| !applicable.contains(name))
        .map(String::as_str)
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(Error::invalid_input(format!(
        "{} names individual assessments that DMS does not list for the {} {}: {}; the \
         applicable ones are: {}",
        named(member),
        subject.noun(),
        subject.arn(),
        unknown.join(", "),
        if applicable.is_empty() {
            "none".to_owned()
        } else {
            applicable.join(", ")
        }
    )))
}

/// Finds the run of `task_arn` named `name`, following every page of the answer.
pub async fn find_run(
    client: &Client,
    task_arn: &str,
    name: &str,
) -> Result<Option<ReplicationTaskAssessmentRun>, Error> {
    first_run(client, filter("replication-task-arn", task_arn), |run| {
        run.assessment_run_name() == Some(name)
            && run.replication_task_arn().is_none_or(|arn| arn == task_arn)
    })
    .await
}

/// The first run that DMS lists under `filter` (every page) and `wanted` accepts.
pub async fn first_run(
    client: &Client,
    filter: Filter,
    wanted: impl Fn(&ReplicationTaskAssessmentRun) -> bool,
) -> Result<Option<ReplicationTaskAssessmentRun>, Error> {
    let mut pages = client
        .describe_replication_task_assessment_runs()
        .filters(filter)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(classify)?;
        if let Some(run) = page
            .replication_task_assessment_runs()
            .iter()
            .find(|r| wanted(r))
        {
            return Ok(Some(run.clone()));
        }
    }
    Ok(None)
}

/// A describe filter: `name` with the one value `value`.
pub fn filter(name: &str, value: &str) -> Filter {
    Filter::builder()
        .name(name)
        .values(value)
        .build()
        .expect("a filter with a name and values is complete")
}

/// A run is usable when it has the ARN and status the next states depend on.
fn checked(
    run: Option<ReplicationTaskAssessmentRun>,
    already_existed: bool,
) -> Result<StartedRun, Error> {
    let unusable = |what: &str| Error::DmsUnavailable(format!("DMS answered {what}"));
    let run = run.ok_or_else(|| unusable("without a ReplicationTaskAssessmentRun"))?;
    let present = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(str::to_owned);
    let arn = present(run.replication_task_assessment_run_arn())
        .ok_or_else(|| unusable("with a run that has no ReplicationTaskAssessmentRunArn"))?;
    let status = present(run.status()).ok_or_else(|| unusable("with a run that has no Status"))?;
    Ok(StartedRun {
        arn,
        status,
        run,
        already_existed,
    })
}

/// The sources of the SDK's default credentials chain, in its order (aws-config,
/// `DefaultCredentialsChain`: environment variables, shared config, web identity tokens, ECS and
/// general HTTP credentials, EC2 IMDSv2; docs/aws-facts.md). The chain stops at the first source
/// that gives credentials or fails on its configuration (a profile it cannot use), so what it
/// reports may name fewer; the message names them all, and then what the chain reported.
const CREDENTIAL_SOURCES: &str = "environment variables (AWS_ACCESS_KEY_ID, \
    AWS_SECRET_ACCESS_KEY), the shared config and credentials files (the profile in AWS_PROFILE, \
    else `default`; profiles using SSO or credential_process are not supported by this build), a \
    web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN), container credentials \
    (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI) and EC2 instance metadata (IMDS, unless \
    AWS_EC2_METADATA_DISABLED is true)";

/// Sorts an SDK failure into DMS's own fault name (a 4xx answer), `NoUsableCredentials` (no
/// credentials, or credentials DMS rejects) or `DmsUnavailable` (anything else). Messages are built
/// from the errors' `Display` alone: the SDK's `Debug` output (type names, HTTP dumps) never reaches
/// the caller.
pub fn classify<E>(err: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let SdkError::ServiceError(service) = &err else {
        if let Some(credentials) = credentials_problem(&err) {
            return Error::NoUsableCredentials(format!(
                "no usable AWS credentials: the SDK looks, in order and until one answers or \
                 fails, in {CREDENTIAL_SOURCES}; it reported: {credentials}; give the function an \
                 execution role, or credentials in one of those sources"
            ));
        }
        let what = match err {
            SdkError::TimeoutError(_) => "DMS did not answer in time",
            SdkError::DispatchFailure(_) => "could not reach DMS",
            SdkError::ResponseError(_) => "DMS's answer could not be read",
            _ => "the call to DMS failed",
        };
        return Error::DmsUnavailable(format!("{what}: {}", causes(&err)));
    };
    let status = service.raw().status().as_u16();
    let code = service.err().code();
    let message = service.err().message().filter(|m| !m.is_empty());
    let said = code.map_or(String::new(), |c| format!(" {c}"))
        + &message.map_or(String::new(), |m| format!(": {m}"));
    match (status, code) {
        (500.., _) => Error::DmsUnavailable(format!("DMS answered HTTP {status}{said}")),
        (400..=499, Some(code)) if CREDENTIALS_REJECTED.contains(&code) => {
            Error::NoUsableCredentials(format!(
                "DMS rejected the function's credentials ({}): check that they are current \
                 and belong to this account and partition",
                said.trim_start()
            ))
        }
        (400..=499, Some(code)) => Error::Dms {
            code: code.to_owned(),
            message: message.unwrap_or(code).to_owned(),
        },
        _ => Error::DmsUnavailable(format!(
            "DMS's answer (HTTP {status}) could not be read: {}",
            causes(&err)
        )),
    }
}

/// `err` and each error that caused it.
fn chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(err), |e| e.source())
}

/// The `Display` of `err` and of each error that caused it, joined by ": ", repeats left out.
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for part in chain(err).map(ToString::to_string) {
        if !part.is_empty() && !parts.iter().any(|p| p.contains(&part)) {
            parts.push(part);
        }
    }
    parts.join(": ")
}

/// What the credentials chain said, on one line, when loading credentials is what failed. The
/// chain lists each provider it tried on a line of its own, each saying "not enabled".
fn credentials_problem(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let e = chain(err).find(|e| e.downcast_ref::<CredentialsError>().is_some())?;
    let said = causes(e)
        .replace("the credential provider was not enabled: ", "")
        .replace("the credential provider was not enabled", "not configured");
    let lines: Vec<&str> = said.lines().map(str::trim).collect();
    Some(lines.join("; ").replace(":;", ":"))
}

fn in_lookup(lookup: Error, refused: &Error, name: &str) -> Error {
    let context = if refused.error_type() == "ResourceAlreadyExistsFault" {
        format!("DMS reports that run `{name}` already exists, and looking it up failed: ")
    } else {
        format!(
            "DMS refused run `{name}` with {} ({refused}), and looking for the run failed: ",
            refused.error_type()
        )
    };
    match lookup {
        Error::Dms { code, message } => Error::Dms {
            code,
            message: context + &message,
        },
        Error::DmsUnavailable(message) => Error::DmsUnavailable(context + &message),
        other => other,
    }
}
