//! The result handed to the next state: the run's ARN and status up front, and every member DMS returned.

use aws_sdk_databasemigration::primitives::{DateTime, DateTimeFormat};
use aws_sdk_databasemigration::types::ReplicationTaskAssessmentRun;
use serde::Serialize;

use crate::dms::StartedRun;
use crate::request::StartRequest;

/// The output of a started (or already existing) run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunOutput {
    pub replication_task_assessment_run_arn: String,
    pub status: String,
    pub assessment_run_name: String,
    pub replication_task_arn: String,
    pub already_existed: bool,
    pub replication_task_assessment_run: RunDescription,
}

/// The output of a dry run: the request that would have been sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DryRunOutput<'a> {
    pub dry_run: bool,
    pub request: &'a StartRequest,
}

/// `ReplicationTaskAssessmentRun` with DMS's member names; absent members are left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunDescription {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_task_assessment_run_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_task_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// RFC 3339, UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_task_assessment_run_creation_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment_progress: Option<AssessmentProgress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_failure_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_access_role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_location_bucket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_location_folder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_encryption_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_kms_key_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment_run_name: Option<String>,
    pub is_latest_task_assessment_run: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_statistic: Option<ResultStatistic>,
}

/// `AssessmentProgress`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssessmentProgress {
    pub individual_assessment_count: i32,
    pub individual_assessment_completed_count: i32,
}

/// `ResultStatistic`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultStatistic {
    pub passed: i32,
    pub failed: i32,
    pub error: i32,
    pub warning: i32,
    pub cancelled: i32,
    pub skipped: i32,
}

impl From<StartedRun> for RunOutput {
    fn from(started: StartedRun) -> Self {
        let run = RunDescription::from(started.run);
        RunOutput {
            replication_task_assessment_run_arn: run
                .replication_task_assessment_run_arn
                .clone()
                .unwrap_or_default(),
            status: run.status.clone().unwrap_or_default(),
            assessment_run_name: run.assessment_run_name.clone().unwrap_or_default(),
            replication_task_arn: run.replication_task_arn.clone().unwrap_or_default(),
            already_existed: started.already_existed,
            replication_task_assessment_run: run,
        }
    }
}

impl RunOutput {
    /// Fills the top-level name and task from the request when DMS's answer leaves them out.
    pub fn with_request_fallbacks(mut self, request: &StartRequest) -> Self {
        if self.assessment_run_name.is_empty() {
            self.assessment_run_name
                .clone_from(&request.assessment_run_name);
        }
        if self.replication_task_arn.is_empty() {
            self.replication_task_arn
                .clone_from(&request.replication_task_arn);
        }
        self
    }
}

impl From<ReplicationTaskAssessmentRun> for RunDescription {
    fn from(run: ReplicationTaskAssessmentRun) -> Self {
        RunDescription {
            replication_task_assessment_run_arn: run.replication_task_assessment_run_arn,
            replication_task_arn: run.replication_task_arn,
            status: run.status,
            replication_task_assessment_run_creation_date: run
                .replication_task_assessment_run_creation_date
                .as_ref()
                .map(rfc3339),
            assessment_progress: run.assessment_progress.map(|p| AssessmentProgress {
                individual_assessment_count: p.individual_assessment_count,
                individual_assessment_completed_count: p.individual_assessment_completed_count,
            }),
            last_failure_message: run.last_failure_message,
            service_access_role_arn: run.service_access_role_arn,
            result_location_bucket: run.result_location_bucket,
            result_location_folder: run.result_location_folder,
            result_encryption_mode: run.result_encryption_mode,
            result_kms_key_arn: run.result_kms_key_arn,
            assessment_run_name: run.assessment_run_name,
            is_latest_task_assessment_run: run.is_latest_task_assessment_run,
            result_statistic: run.result_statistic.map(|s| ResultStatistic {
                passed: s.passed,
                failed: s.failed,
                error: s.error,
                warning: s.warning,
                cancelled: s.cancelled,
                skipped: s.skipped,
            }),
        }
    }
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
