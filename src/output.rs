//! The result handed to the next state: the run's ARN and status up front, and every member DMS returned.

use aws_sdk_databasemigration::primitives::{DateTime, DateTimeFormat};
use aws_sdk_databasemigration::types::ReplicationTaskAssessmentRun;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::dms::StartedRun;
use crate::request::StartRequest;
pub use crate::serverless::AssessmentOutput;
use crate::serverless::StartReplicationRequest;

/// What an invocation returns: plain data, whose encoding cannot fail.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Output {
    Run(RunOutput),
    /// A DMS Serverless replication config's run.
    Assessment(AssessmentOutput),
    DryRun(DryRunOutput),
}

/// The request a dry run shows: a task's, or a replication config's `StartReplication`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum DryRunRequest {
    Task(StartRequest),
    Config(StartReplicationRequest),
}

/// The output of a started (or already existing) run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunOutput {
    pub replication_task_assessment_run_arn: String,
    pub status: String,
    pub assessment_run_name: String,
    pub replication_task_arn: String,
    pub already_existed: bool,
    /// `ReplicationTaskAssessmentRun` with DMS's member names; absent members are left out.
    pub replication_task_assessment_run: Map<String, Value>,
}

/// The output of a dry run: the request that would have been sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DryRunOutput {
    pub dry_run: bool,
    pub request: DryRunRequest,
    /// What a dry run could not check, calling nothing: one sentence each; absent when nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<String>,
}

impl RunOutput {
    /// The name and task are the request's: DMS started, or the look-up found, the run of that
    /// task with that name.
    pub fn new(started: StartedRun, request: &StartRequest) -> Self {
        RunOutput {
            replication_task_assessment_run_arn: started.arn,
            status: started.status,
            assessment_run_name: request.assessment_run_name.clone(),
            replication_task_arn: request.replication_task_arn.clone(),
            already_existed: started.already_existed,
            replication_task_assessment_run: describe(&started.run),
        }
    }
}

/// The run's members that DMS gave, under DMS's names, timestamps in RFC 3339.
fn describe(run: &ReplicationTaskAssessmentRun) -> Map<String, Value> {
    let Value::Object(mut members) = json!({
        "ReplicationTaskAssessmentRunArn": run.replication_task_assessment_run_arn(),
        "ReplicationTaskArn": run.replication_task_arn(),
        "Status": run.status(),
        "ReplicationTaskAssessmentRunCreationDate":
            run.replication_task_assessment_run_creation_date().map(rfc3339),
        "AssessmentProgress": run.assessment_progress().map(|p| json!({
            "IndividualAssessmentCount": p.individual_assessment_count(),
            "IndividualAssessmentCompletedCount": p.individual_assessment_completed_count(),
        })),
        "LastFailureMessage": run.last_failure_message(),
        "ServiceAccessRoleArn": run.service_access_role_arn(),
        "ResultLocationBucket": run.result_location_bucket(),
        "ResultLocationFolder": run.result_location_folder(),
        "ResultEncryptionMode": run.result_encryption_mode(),
        "ResultKmsKeyArn": run.result_kms_key_arn(),
        "AssessmentRunName": run.assessment_run_name(),
        "IsLatestTaskAssessmentRun": run.is_latest_task_assessment_run(),
        "ResultStatistic": run.result_statistic().map(|s| json!({
            "Passed": s.passed(), "Failed": s.failed(), "Error": s.error(),
            "Warning": s.warning(), "Cancelled": s.cancelled(), "Skipped": s.skipped(),
        })),
    }) else {
        unreachable!("json! writes an object as an object")
    };
    // Members DMS left out are left out, not given as null.
    members.retain(|_, value| !value.is_null());
    members
}

/// RFC 3339 in UTC to the millisecond, e.g. `2025-11-26T16:40:00.123Z`.
fn rfc3339(time: &DateTime) -> String {
    // DMS sends epoch seconds as a JSON number, so `.123` arrives as `.122999…`: round to DMS's
    // own precision, the millisecond.
    let millis = time.secs() * 1000 + i64::from((time.subsec_nanos() + 500_000) / 1_000_000);
    // Formatting fails only for years outside 0001–9999; the epoch seconds still say when.
    DateTime::from_millis(millis)
        .fmt(DateTimeFormat::DateTime)
        .unwrap_or_else(|_| time.secs().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc_to_the_millisecond() {
        let cases = [
            (
                DateTime::from_millis(1_764_175_200_123),
                "2025-11-26T16:40:00.123Z",
            ),
            (DateTime::from_secs(1_764_175_200), "2025-11-26T16:40:00Z"),
            (
                DateTime::from_secs_f64(1_764_175_200.123),
                "2025-11-26T16:40:00.123Z",
            ),
            (
                DateTime::from_secs_f64(1_764_175_200.999_6),
                "2025-11-26T16:40:01Z",
            ),
        ];
        for (time, expected) in cases {
            assert_eq!(rfc3339(&time), expected);
        }
    }
}
