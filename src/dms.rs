//! The DMS calls: start the run, and on `ResourceAlreadyExistsFault` find the run that already exists.

use std::future::Future;
use std::time::{Duration, SystemTime};

use aws_sdk_databasemigration::config::http::HttpResponse;
use aws_sdk_databasemigration::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_databasemigration::types::{Filter, ReplicationTaskAssessmentRun, Tag};
use aws_sdk_databasemigration::Client;

use crate::error::Error;
use crate::request::StartRequest;

/// Time kept back from the invocation's deadline, so that the function answers before Lambda stops it.
pub const DEADLINE_MARGIN: Duration = Duration::from_millis(1000);

/// Used when the invocation carries no usable deadline; Lambda's own maximum.
pub const MAX_BUDGET: Duration = Duration::from_secs(900);

/// The wire name of the fault DMS answers when the run name is taken.
pub const ALREADY_EXISTS: &str = "ResourceAlreadyExistsFault";

/// A run DMS started, or found when the request had already been made.
#[derive(Debug, Clone, PartialEq)]
pub struct StartedRun {
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
    let tags = request
        .tags
        .iter()
        .map(|t| {
            Tag::builder()
                .key(&t.key)
                .set_value(t.value.clone())
                .build()
        })
        .collect::<Vec<_>>();
    let sent = client
        .start_replication_task_assessment_run()
        .replication_task_arn(&request.replication_task_arn)
        .service_access_role_arn(&request.service_access_role_arn)
        .result_location_bucket(&request.result_location_bucket)
        .set_result_location_folder(request.result_location_folder.clone())
        .set_result_encryption_mode(request.result_encryption_mode.clone())
        .set_result_kms_key_arn(request.result_kms_key_arn.clone())
        .assessment_run_name(&request.assessment_run_name)
        .set_include_only(non_empty(&request.include_only))
        .set_exclude(non_empty(&request.exclude))
        .set_tags((!tags.is_empty()).then_some(tags))
        .send()
        .await;

    match sent {
        Ok(output) => Ok(StartedRun {
            run: usable(output.replication_task_assessment_run)?,
            already_existed: false,
        }),
        Err(err) => {
            let error = classify(err);
            if error.error_type() != ALREADY_EXISTS {
                return Err(error);
            }
            match find_run(
                client,
                &request.replication_task_arn,
                &request.assessment_run_name,
            )
            .await
            {
                Ok(Some(run)) => Ok(StartedRun {
                    run,
                    already_existed: true,
                }),
                Ok(None) => Err(error),
                Err(lookup) => Err(in_lookup(lookup, &request.assessment_run_name)),
            }
        }
    }
}

/// Finds the run of `task_arn` named `name`, following every page of the answer.
pub async fn find_run(
    client: &Client,
    task_arn: &str,
    name: &str,
) -> Result<Option<ReplicationTaskAssessmentRun>, Error> {
    let filter = Filter::builder()
        .name("replication-task-arn")
        .values(task_arn)
        .build()
        .map_err(|e| Error::DmsUnavailable(format!("could not build the lookup request: {e}")))?;
    let mut pages = client
        .describe_replication_task_assessment_runs()
        .filters(filter)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(classify)?;
        let found = page.replication_task_assessment_runs().iter().find(|run| {
            run.assessment_run_name() == Some(name)
                && run.replication_task_arn().is_none_or(|arn| arn == task_arn)
        });
        if let Some(run) = found {
            return usable(Some(run.clone())).map(Some);
        }
    }
    Ok(None)
}

/// A run is usable when it has the ARN and status the next states depend on.
fn usable(
    run: Option<ReplicationTaskAssessmentRun>,
) -> Result<ReplicationTaskAssessmentRun, Error> {
    let run = run.ok_or_else(|| {
        Error::DmsUnavailable("DMS answered without a ReplicationTaskAssessmentRun".into())
    })?;
    if run
        .replication_task_assessment_run_arn()
        .is_none_or(str::is_empty)
    {
        return Err(Error::DmsUnavailable(
            "DMS answered with a run that has no ReplicationTaskAssessmentRunArn".into(),
        ));
    }
    if run.status().is_none_or(str::is_empty) {
        return Err(Error::DmsUnavailable(
            "DMS answered with a run that has no Status".into(),
        ));
    }
    Ok(run)
}

/// Sorts an SDK failure into DMS's own fault name (a 4xx answer) or `DmsUnavailable` (anything else).
pub fn classify<E>(err: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let detail = DisplayErrorContext(&err).to_string();
    let SdkError::ServiceError(service) = &err else {
        let what = match err {
            SdkError::TimeoutError(_) => "DMS did not answer in time",
            SdkError::DispatchFailure(_) => "could not reach DMS",
            SdkError::ResponseError(_) => "DMS's answer could not be read",
            _ => "the call to DMS failed",
        };
        return Error::DmsUnavailable(format!("{what}: {detail}"));
    };
    let status = service.raw().status().as_u16();
    let code = service.err().code();
    let message = service.err().message().filter(|m| !m.is_empty());
    match (status, code) {
        (500.., _) => Error::DmsUnavailable(format!(
            "DMS answered HTTP {status}{}{}",
            code.map(|c| format!(" {c}")).unwrap_or_default(),
            message.map(|m| format!(": {m}")).unwrap_or_default()
        )),
        (400..=499, Some(code)) => Error::Dms {
            code: code.to_owned(),
            message: message.unwrap_or(code).to_owned(),
        },
        _ => Error::DmsUnavailable(format!(
            "DMS's answer (HTTP {status}) could not be read: {detail}"
        )),
    }
}

fn in_lookup(error: Error, name: &str) -> Error {
    let context =
        format!("DMS reports that run `{name}` already exists, and looking it up failed: ");
    match error {
        Error::Dms { code, message } => Error::Dms {
            code,
            message: context + &message,
        },
        Error::DmsUnavailable(message) => Error::DmsUnavailable(context + &message),
        other => other,
    }
}

fn non_empty(items: &[String]) -> Option<Vec<String>> {
    (!items.is_empty()).then(|| items.to_vec())
}
