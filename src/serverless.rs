//! DMS Serverless: the premigration assessment of a replication config. DMS starts it only with the
//! replication (`StartReplication` with `PremigrationAssessmentSettings`, a string; written as JSON,
//! which no documented example confirms), keeps the
//! results in a bucket it manages and reports the run in `DescribeReplications`
//! (`PremigrationAssessmentStatuses`); docs/aws-facts.md. A serverless run has no name: the
//! function makes its result folder the run's identity, `<folder>/<run name>`, so that a retry
//! finds the run it started.

use aws_sdk_databasemigration::types::{PremigrationAssessmentStatus, Replication};
use aws_sdk_databasemigration::Client;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::config::Defaults;
use crate::dms::{self, classify};
use crate::error::Error;
use crate::naming::{self, NameSeed};
use crate::payload::{Invocation, Payload};
use crate::validate;

/// The `StartReplicationType` values DMS takes (API reference, `StartReplication`).
pub const START_REPLICATION_TYPES: &[&str] =
    &["start-replication", "resume-processing", "reload-target"];

/// The filter of `DescribeReplications` by config (API reference: "Valid filter names:
/// replication-config-arn | replication-config-id").
const CONFIG_FILTER: &str = "replication-config-arn";

/// `PremigrationAssessmentSettings` as DMS reads them: the lists space-separated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssessmentSettings {
    pub result_location_folder: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_encryption_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_kms_key_arn: Option<String>,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "space_separated"
    )]
    pub include_only: Vec<String>,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "space_separated"
    )]
    pub exclude: Vec<String>,
    pub fail_on_assessment_failure: bool,
}

/// A list of names as DMS reads it in the settings: "A space-separated list of names".
fn space_separated<S: serde::Serializer>(
    names: &[String],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&names.join(" "))
}

/// A complete, validated `StartReplication` request, serialized with the API's member names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartReplicationRequest {
    pub replication_config_arn: String,
    pub start_replication_type: String,
    /// The JSON string DMS takes.
    pub premigration_assessment_settings: String,
    /// The settings before they are written as a string; the folder is the run's identity.
    #[serde(skip)]
    pub settings: AssessmentSettings,
    /// The name the run's folder ends with.
    #[serde(skip)]
    pub run_name: String,
    /// `(member, environment variable)` for each member the payload left to a default.
    #[serde(skip)]
    pub defaulted: Vec<(&'static str, &'static str)>,
}

/// Members of a task's request that a replication config does not take: whether the payload gives
/// it, and why it does not apply.
type NotForAConfig = (&'static str, fn(&Payload) -> bool, &'static str);
const NOT_FOR_A_CONFIG: &[NotForAConfig] = &[
    (
        "ServiceAccessRoleArn",
        |p| p.service_access_role_arn.is_some(),
        "DMS Serverless uses its own service-linked role",
    ),
    (
        "ResultLocationBucket",
        |p| p.result_location_bucket.is_some(),
        "DMS Serverless keeps the results in a bucket it manages",
    ),
    (
        "Tags",
        |p| p.tags.is_some(),
        "DMS Serverless does not tag an assessment run",
    ),
    (
        "AssessmentRunName",
        |p| p.assessment_run_name.is_some(),
        "a serverless run has no name; its result folder identifies it",
    ),
    (
        "RecentRunWindowSeconds",
        |p| p.recent_run_window_seconds.is_some(),
        "DMS starts a serverless run only with the replication",
    ),
];

/// Applies `defaults` to a payload naming a replication config, validates it and names the run.
pub fn resolve(
    invocation: &Invocation,
    defaults: &Defaults,
    unique: NameSeed<'_>,
) -> Result<StartReplicationRequest, Error> {
    let payload = &invocation.payload;
    if payload.replication_task_arn.is_some() {
        return Err(Error::invalid_input(
            "ReplicationTaskArn and ReplicationConfigArn are both given; name a task or a \
             replication config, not both",
        ));
    }
    for (member, given, why) in NOT_FOR_A_CONFIG {
        if given(payload) {
            return Err(Error::invalid_input(format!(
                "{member} does not apply to a replication config: {why}; leave it out"
            )));
        }
    }
    let arn = payload.replication_config_arn.clone().unwrap_or_default();
    let config_id = validate::replication_config_arn(&arn).map_err(|why| {
        Error::invalid_input(format!(
            "ReplicationConfigArn {} {why}",
            validate::quoted(&arn)
        ))
    })?;
    let start_replication_type = match payload.start_replication_type.as_deref() {
        None => {
            return Err(Error::invalid_input(format!(
                "StartReplicationType is required with ReplicationConfigArn: DMS itself starts \
                 the replication when its assessment ends, unless a failed assessment keeps it from \
                 starting, so say how ({})",
                quoted_list(START_REPLICATION_TYPES)
            )))
        }
        Some(kind) if !START_REPLICATION_TYPES.contains(&kind) => {
            return Err(Error::invalid_input(format!(
                "StartReplicationType must be one of {}, not {}",
                quoted_list(START_REPLICATION_TYPES),
                validate::quoted(kind)
            )))
        }
        Some(kind) => kind.to_owned(),
    };

    // The same checks as a task's, on the members the two share.
    let shared = crate::request::resolve_shared(invocation, defaults)?;
    let seed = invocation
        .identity()
        .map(NameSeed::Identity)
        .unwrap_or(unique);
    let run_name = naming::generate(&defaults.run_name_prefix, config_id, seed);
    let folder = naming::run_folder(shared.result_location_folder.as_deref(), &run_name);
    validate::result_folder(&folder, 0)
        .map_err(|why| Error::invalid_input(format!("the result folder {why}")))?;
    let settings = AssessmentSettings {
        result_location_folder: folder,
        result_encryption_mode: shared.result_encryption_mode,
        result_kms_key_arn: shared.result_kms_key_arn,
        include_only: shared.include_only,
        exclude: shared.exclude,
        fail_on_assessment_failure: payload.fail_on_assessment_failure.unwrap_or(true),
    };
    let premigration_assessment_settings =
        serde_json::to_string(&settings).expect("plain strings and a boolean encode");
    Ok(StartReplicationRequest {
        replication_config_arn: arn,
        start_replication_type,
        premigration_assessment_settings,
        settings,
        run_name,
        defaulted: shared.defaulted,
    })
}

fn quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    quoted.join(", ")
}

/// A serverless run DMS started, or found when the request had already been made.
#[derive(Debug, Clone, PartialEq)]
pub struct StartedAssessment {
    pub arn: String,
    pub status: String,
    pub assessment: PremigrationAssessmentStatus,
    pub already_existed: bool,
}

/// The replication of `config_arn` as DMS describes it; `None` when it has none yet.
pub(crate) async fn replication(
    client: &Client,
    config_arn: &str,
) -> Result<Option<Replication>, Error> {
    let described = client
        .describe_replications()
        .filters(dms::filter(CONFIG_FILTER, config_arn))
        .send()
        .await;
    match described {
        Ok(output) => Ok(output.replications().first().cloned()),
        // A config that never ran may be answered ResourceNotFoundFault rather than an empty list.
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_fault()) =>
        {
            Ok(None)
        }
        Err(err) => Err(classify(err)),
    }
}

/// This request's run among a replication's assessments: the one whose folder is the request's.
fn this_run<'a>(
    replication: &'a Replication,
    request: &StartReplicationRequest,
) -> Option<&'a PremigrationAssessmentStatus> {
    let folder = request.settings.result_location_folder.as_str();
    replication
        .premigration_assessment_statuses()
        .iter()
        .find(|status| status.result_location_folder() == Some(folder))
}

/// The replication statuses in which DMS is replicating or about to: another start would be a
/// second replication, not an assessment (docs/aws-facts.md).
const REPLICATING: &[&str] = &["running", "starting", "initializing", "provisioning"];

/// Starts the replication with its premigration assessment, unless this request's run exists
/// already (a retry: `AlreadyExisted`) or the replication is already running (refused by name).
pub async fn start(
    client: &Client,
    request: &StartReplicationRequest,
) -> Result<StartedAssessment, Error> {
    let config = &request.replication_config_arn;
    if let Some(existing) = replication(client, config).await? {
        if let Some(run) = this_run(&existing, request) {
            return checked(run.clone(), true);
        }
        if let Some(status) = existing.status().filter(|s| REPLICATING.contains(s)) {
            return Err(Error::Dms {
                code: "InvalidResourceStateFault".into(),
                message: format!(
                    "the replication of {config} is `{status}`: DMS assesses a serverless \
                     replication only when it starts it, and a second start is not made"
                ),
            });
        }
    }
    let started = client
        .start_replication()
        .replication_config_arn(config)
        .start_replication_type(&request.start_replication_type)
        .premigration_assessment_settings(&request.premigration_assessment_settings)
        .send()
        .await;
    let replication = match started {
        Ok(output) => output.replication,
        // The retry of a start whose answer was lost finds the replication starting.
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_invalid_resource_state_fault()) =>
        {
            let refused = classify(err);
            match replication(client, config).await? {
                Some(found) => match this_run(&found, request) {
                    Some(run) => return checked(run.clone(), true),
                    None => return Err(refused),
                },
                None => return Err(refused),
            }
        }
        Err(err) => return Err(classify(err)),
    };
    let run = replication
        .as_ref()
        .and_then(|r| this_run(r, request))
        .cloned();
    match run {
        Some(run) => checked(run, false),
        None => Err(Error::DmsUnavailable(format!(
            "DMS started the replication of {config} but its answer lists no assessment in the \
             folder {}",
            request.settings.result_location_folder
        ))),
    }
}

fn checked(
    assessment: PremigrationAssessmentStatus,
    already_existed: bool,
) -> Result<StartedAssessment, Error> {
    match (
        assessment.premigration_assessment_run_arn(),
        assessment.status(),
    ) {
        (Some(arn), Some(status)) if !arn.is_empty() && !status.is_empty() => {
            Ok(StartedAssessment {
                arn: arn.to_owned(),
                status: status.to_owned(),
                already_existed,
                assessment,
            })
        }
        _ => Err(Error::DmsUnavailable(
            "DMS's answer has no assessment run ARN or status".into(),
        )),
    }
}

/// The output of a started (or already existing) serverless run: the same first members as a
/// task's, so that a state machine reads both alike.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssessmentOutput {
    pub replication_task_assessment_run_arn: String,
    pub status: String,
    pub assessment_run_name: String,
    pub replication_config_arn: String,
    pub already_existed: bool,
    /// `PremigrationAssessmentStatus` with DMS's member names; absent members are left out.
    pub premigration_assessment_status: Map<String, Value>,
}

impl AssessmentOutput {
    pub fn new(started: StartedAssessment, request: &StartReplicationRequest) -> Self {
        let a = &started.assessment;
        let Value::Object(mut members) = json!({
            "PremigrationAssessmentRunArn": a.premigration_assessment_run_arn(),
            "Status": a.status(),
            "FailOnAssessmentFailure": a.fail_on_assessment_failure(),
            "ResultLocationBucket": a.result_location_bucket(),
            "ResultLocationFolder": a.result_location_folder(),
            "ResultEncryptionMode": a.result_encryption_mode(),
            "ResultKmsKeyArn": a.result_kms_key_arn(),
            "LastFailureMessage": a.last_failure_message(),
        }) else {
            unreachable!("json! writes an object as an object")
        };
        members.retain(|_, value| !value.is_null());
        AssessmentOutput {
            replication_task_assessment_run_arn: started.arn,
            status: started.status,
            assessment_run_name: request.run_name.clone(),
            replication_config_arn: request.replication_config_arn.clone(),
            already_existed: started.already_existed,
            premigration_assessment_status: members,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::SystemTime;

    const CONFIG: &str = "arn:aws:dms:us-east-1:123456789012:replication-config:ABCDEFGH";
    const UNIQUE: NameSeed<'static> = NameSeed::Unique {
        now: SystemTime::UNIX_EPOCH,
        random: 7,
    };

    fn resolve_with(payload: Value, defaults: &Defaults) -> Result<StartReplicationRequest, Error> {
        let invocation =
            crate::payload::parse(&serde_json::value::to_raw_value(&payload).unwrap()).unwrap();
        resolve(&invocation, defaults, UNIQUE)
    }

    #[test]
    fn the_settings_are_a_json_string_with_lists_space_separated_and_the_run_named_in_the_folder() {
        let defaults = Defaults {
            result_location_folder: Some("runs/".into()),
            result_encryption_mode: Some("SSE_S3".into()),
            ..Defaults::default()
        };
        let request = resolve_with(
            json!({"ReplicationConfigArn": CONFIG, "StartReplicationType": "reload-target",
                   "Exclude": ["a", "b"], "FailOnAssessmentFailure": false}),
            &defaults,
        )
        .unwrap();
        assert_eq!(request.start_replication_type, "reload-target");
        assert_eq!(
            request.run_name,
            "assessment-abcdefgh-19700101t000000z-00000007"
        );
        let settings: Value =
            serde_json::from_str(&request.premigration_assessment_settings).unwrap();
        assert_eq!(
            settings,
            json!({"ResultLocationFolder": "runs/assessment-abcdefgh-19700101t000000z-00000007",
                   "ResultEncryptionMode": "SSE_S3", "Exclude": "a b", "FailOnAssessmentFailure": false})
        );
        // Without a folder, the run's name is the folder.
        let request = resolve_with(
            json!({"ReplicationConfigArn": CONFIG, "StartReplicationType": "start-replication"}),
            &Defaults::default(),
        )
        .unwrap();
        assert_eq!(request.settings.result_location_folder, request.run_name);
        assert!(request.settings.fail_on_assessment_failure, "DMS's default");
    }

    #[test]
    fn what_a_config_cannot_take_is_refused_by_name() {
        let refused = |payload: Value| match resolve_with(payload, &Defaults::default()) {
            Err(Error::InvalidInput(message)) => message,
            other => panic!("{other:?}"),
        };
        let message = refused(json!({"ReplicationConfigArn": CONFIG}));
        assert!(
            message.starts_with("StartReplicationType is required with ReplicationConfigArn"),
            "{message}"
        );
        let message =
            refused(json!({"ReplicationConfigArn": CONFIG, "StartReplicationType": "go"}));
        assert_eq!(message, "StartReplicationType must be one of `start-replication`, `resume-processing`, `reload-target`, not `go`");
        let message = refused(
            json!({"ReplicationConfigArn": CONFIG, "ReplicationTaskArn": crate::TEST_TASK, "StartReplicationType": "start-replication"}),
        );
        assert!(message.contains("not both"), "{message}");
        let message = refused(
            json!({"ReplicationConfigArn": crate::TEST_TASK, "StartReplicationType": "start-replication"}),
        );
        assert!(
            message.contains("names a DMS `task` resource, not a replication config"),
            "{message}"
        );
        let message = refused(
            json!({"ReplicationConfigArn": CONFIG, "StartReplicationType": "start-replication", "RecentRunWindowSeconds": 60}),
        );
        assert!(
            message.starts_with("RecentRunWindowSeconds does not apply to a replication config"),
            "{message}"
        );
    }
}
