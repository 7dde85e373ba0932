//! What is sent: the StartReplicationTaskAssessmentRun request after defaults, validation and naming.

use serde::Serialize;

use crate::config::{Defaults, Selection};
use crate::error::Error;
use crate::naming::{self, NameSeed};
use crate::payload::{Invocation, Tag};
use crate::validate;

/// A complete, validated request, serialized with the API's member names. Members without a
/// value are left out, never sent empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartRequest {
    pub replication_task_arn: String,
    pub service_access_role_arn: String,
    pub result_location_bucket: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_location_folder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_encryption_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_kms_key_arn: Option<String>,
    pub assessment_run_name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub include_only: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// Applies `defaults` to the invocation's payload, validates every member and names the run.
///
/// `unique` names the run when the invocation carries no identity (no `IdempotencyKey`, no event id).
pub fn resolve(
    invocation: &Invocation,
    defaults: &Defaults,
    unique: NameSeed<'_>,
) -> Result<StartRequest, Error> {
    let payload = &invocation.payload;

    let replication_task_arn = required(
        payload.replication_task_arn.as_deref(),
        None,
        "ReplicationTaskArn",
        "",
    )?;
    let task_id = validate::task_arn(&replication_task_arn)
        .map_err(|why| invalid("ReplicationTaskArn", &replication_task_arn, &why))?;

    let service_access_role_arn = required(
        payload.service_access_role_arn.as_deref(),
        defaults.service_access_role_arn.as_deref(),
        "ServiceAccessRoleArn",
        "SERVICE_ACCESS_ROLE_ARN",
    )?;
    validate::role_arn(&service_access_role_arn)
        .map_err(|why| invalid("ServiceAccessRoleArn", &service_access_role_arn, &why))?;

    let result_location_bucket = required(
        payload.result_location_bucket.as_deref(),
        defaults.result_location_bucket.as_deref(),
        "ResultLocationBucket",
        "RESULT_LOCATION_BUCKET",
    )?;
    validate::bucket_name(&result_location_bucket)
        .map_err(|why| invalid("ResultLocationBucket", &result_location_bucket, &why))?;

    let result_location_folder = optional(
        &payload.result_location_folder,
        &defaults.result_location_folder,
    );

    let result_encryption_mode = optional(
        &payload.result_encryption_mode,
        &defaults.result_encryption_mode,
    );
    if let Some(mode) = &result_encryption_mode {
        validate::encryption_mode(mode)
            .map_err(|why| Error::invalid_input(format!("ResultEncryptionMode {why}")))?;
    }
    let sse_kms = result_encryption_mode.as_deref() == Some(validate::SSE_KMS);

    // The default key applies only when the resolved mode is SSE_KMS; a key given in the payload
    // with any other mode is a mistake worth reporting.
    let result_kms_key_arn = match payload.result_kms_key_arn.as_deref() {
        Some("") => None,
        Some(key) => {
            if !sse_kms {
                return Err(Error::invalid_input(
                    "ResultKmsKeyArn is only allowed with ResultEncryptionMode `SSE_KMS`",
                ));
            }
            validate::kms_key_arn(key).map_err(|why| invalid("ResultKmsKeyArn", key, &why))?;
            Some(key.to_owned())
        }
        None => defaults.result_kms_key_arn.clone().filter(|_| sse_kms),
    };

    // IncludeOnly and Exclude are one choice: a payload that makes it replaces the default's.
    let Selection {
        include_only,
        exclude,
    } = if payload.include_only.is_some() || payload.exclude.is_some() {
        Selection {
            include_only: payload.include_only.clone().unwrap_or_default(),
            exclude: payload.exclude.clone().unwrap_or_default(),
        }
    } else {
        defaults.selection.clone()
    };
    if !include_only.is_empty() && !exclude.is_empty() {
        return Err(Error::invalid_input(
            "IncludeOnly and Exclude are both given; DMS accepts only one of them",
        ));
    }

    let assessment_run_name = match &payload.assessment_run_name {
        Some(name) => {
            validate::run_name(name)
                .map_err(|why| Error::invalid_input(format!("AssessmentRunName {why}")))?;
            name.clone()
        }
        None => {
            let seed = invocation
                .identity()
                .map(NameSeed::Identity)
                .unwrap_or(unique);
            naming::generate(&defaults.run_name_prefix, task_id, seed)
        }
    };

    Ok(StartRequest {
        replication_task_arn,
        service_access_role_arn,
        result_location_bucket,
        result_location_folder,
        result_encryption_mode,
        result_kms_key_arn,
        assessment_run_name,
        include_only,
        exclude,
        tags: payload.tags.clone().unwrap_or_default(),
    })
}

/// A required member: the payload's value, else the default; missing or empty is an error.
fn required(
    given: Option<&str>,
    default: Option<&str>,
    member: &str,
    variable: &str,
) -> Result<String, Error> {
    match given.or(default) {
        Some("") => Err(Error::invalid_input(format!("{member} must not be empty"))),
        Some(value) => Ok(value.to_owned()),
        None if variable.is_empty() => Err(Error::invalid_input(format!("{member} is required"))),
        None => Err(Error::invalid_input(format!(
            "{member} is required: give it in the payload or set {variable} in the function's environment"
        ))),
    }
}

/// An optional member: the payload's value wins (an empty string clears the default).
fn optional(given: &Option<String>, default: &Option<String>) -> Option<String> {
    match given {
        Some(value) if value.is_empty() => None,
        Some(value) => Some(value.clone()),
        None => default.clone(),
    }
}

fn invalid(member: &str, value: &str, why: &str) -> Error {
    Error::invalid_input(format!("{member} `{value}` {why}"))
}
