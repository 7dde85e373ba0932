//! What is sent: the StartReplicationTaskAssessmentRun request after defaults, validation and naming.

use std::time::Duration;

use serde::Serialize;

use crate::config::Defaults;
use crate::error::Error;
use crate::naming::{self, NameSeed};
use crate::payload::{Invocation, Origin, Tag};
use crate::validate;

/// A complete, validated request, serialized with the API's member names. Members without a
/// value are left out, never sent empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartRequest {
    pub replication_task_arn: String,
    pub service_access_role_arn: String,
    pub result_location_bucket: String,
    /// The run's own folder, `<ResultLocationFolder>/<run name>` ([`naming::run_folder`]).
    pub result_location_folder: String,
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

/// Everything an invocation needs, decided: the request, whether only to show it, how recent
/// another run of the task may be before no run is started, and which members came from the
/// function's environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub request: StartRequest,
    pub dry_run: bool,
    pub recent_run_window: Option<Duration>,
    /// `(member, environment variable)` for each member the payload left to a default.
    pub defaulted: Vec<(&'static str, &'static str)>,
}

impl Resolved {
    /// How messages name `member`: with the environment variable its value came from, if it did
    /// (`ServiceAccessRoleArn (from SERVICE_ACCESS_ROLE_ARN)`).
    pub fn member(&self, member: &str) -> String {
        named(member, &self.defaulted)
    }
}

/// Whether only the request is to be shown: the payload's `DryRun`, else `DRY_RUN`.
pub fn dry_run(invocation: &Invocation, defaults: &Defaults) -> bool {
    invocation.payload.dry_run.unwrap_or(defaults.dry_run)
}

/// `member`, with the environment variable its value came from when it is in `defaulted`.
pub fn named(member: &str, defaulted: &[(&str, &str)]) -> String {
    match defaulted.iter().find(|(m, _)| *m == member) {
        Some((_, variable)) => format!("{member} (from {variable})"),
        None => member.to_owned(),
    }
}

/// The recent-run window of a DMS task event given to the function directly: an event can follow
/// from a run or a start this application made, and must not start another (docs/state-machine.md).
pub const DMS_EVENT_RECENT_RUN_WINDOW: Duration = Duration::from_secs(900);

/// The longest recent-run window accepted: a day.
const MAX_RECENT_RUN_WINDOW_SECONDS: u32 = 86_400;

/// Applies `defaults` to the invocation's payload, validates every member and names the run.
///
/// `unique` names the run when the invocation carries no identity (no `IdempotencyKey`, no event id).
pub fn resolve(
    invocation: &Invocation,
    defaults: &Defaults,
    unique: NameSeed<'_>,
) -> Result<Resolved, Error> {
    let payload = &invocation.payload;
    let mut defaulted = Vec::new();

    let task_member = invocation.task_member();
    if payload.replication_task_arn.is_none()
        && !matches!(invocation.origin, Origin::DmsTaskEvent { .. })
    {
        return Err(Error::invalid_input(
            "ReplicationTaskArn is required (or ReplicationConfigArn, for a DMS Serverless replication config)",
        ));
    }
    let (replication_task_arn, task_id) = required(
        payload.replication_task_arn.as_deref(),
        None,
        (task_member, ""),
        validate::task_arn,
    )?;
    let (service_access_role_arn, ()) = required(
        payload.service_access_role_arn.as_deref(),
        defaults.service_access_role_arn.as_deref(),
        ("ServiceAccessRoleArn", "SERVICE_ACCESS_ROLE_ARN"),
        validate::role_arn,
    )?;
    if payload.service_access_role_arn.is_none() {
        defaulted.push(("ServiceAccessRoleArn", "SERVICE_ACCESS_ROLE_ARN"));
    }
    let (result_location_bucket, ()) = required(
        payload.result_location_bucket.as_deref(),
        defaults.result_location_bucket.as_deref(),
        ("ResultLocationBucket", "RESULT_LOCATION_BUCKET"),
        validate::bucket_name,
    )?;
    if payload.result_location_bucket.is_none() {
        defaulted.push(("ResultLocationBucket", "RESULT_LOCATION_BUCKET"));
    }

    for (member, given) in [
        (
            "StartReplicationType",
            payload.start_replication_type.is_some(),
        ),
        (
            "FailOnAssessmentFailure",
            payload.fail_on_assessment_failure.is_some(),
        ),
    ] {
        if given {
            return Err(Error::invalid_input(format!(
                "{member} applies only to a DMS Serverless replication config (ReplicationConfigArn); \
                 leave it out for a task"
            )));
        }
    }
    let Shared {
        result_location_folder,
        result_encryption_mode,
        result_kms_key_arn,
        include_only,
        exclude,
        defaulted: shared_defaulted,
    } = resolve_shared(invocation, defaults)?;
    defaulted.extend(shared_defaulted);
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
    if let Some(folder) = &result_location_folder {
        validate::result_folder(folder, assessment_run_name.len())
            .map_err(|why| invalid(&named("ResultLocationFolder", &defaulted), folder, &why))?;
    }
    // Each run gets a folder of its own, named for it, inside the one asked for.
    let run_folder = naming::run_folder(result_location_folder.as_deref(), &assessment_run_name);
    validate::result_folder(&run_folder, 0).map_err(|why| {
        Error::invalid_input(format!(
            "AssessmentRunName {} cannot name the run's result folder: the folder {} {why}",
            validate::quoted(&assessment_run_name),
            validate::quoted(&run_folder)
        ))
    })?;
    let result_location_folder = run_folder;

    let tags = payload.tags.clone().unwrap_or_default();
    if payload.tags.is_some() && tags.is_empty() {
        return Err(Error::invalid_input(
            "Tags is an empty list; give at least one tag, or leave Tags out",
        ));
    }
    if tags.len() > validate::MAX_TAGS {
        return Err(Error::invalid_input(format!(
            "Tags has {} tags; DMS allows at most {} on a resource",
            tags.len(),
            validate::MAX_TAGS
        )));
    }
    for (i, tag) in tags.iter().enumerate() {
        validate::tag(&tag.key, tag.value.as_deref())
            .map_err(|why| Error::invalid_input(format!("Tags[{i}] {why}")))?;
        // "Keys must be unique to a tag set"; keys are case dependent (docs/aws-facts.md).
        if let Some(first) = tags[..i].iter().position(|t| t.key == tag.key) {
            return Err(Error::invalid_input(format!(
                "Tags[{i}] has the key {} of Tags[{first}]; each key may appear once in a tag set",
                validate::quoted(&tag.key)
            )));
        }
    }

    let request = StartRequest {
        replication_task_arn,
        service_access_role_arn,
        result_location_bucket,
        result_location_folder,
        result_encryption_mode,
        result_kms_key_arn,
        assessment_run_name,
        include_only,
        exclude,
        tags,
    };
    let recent_run_window = match (payload.recent_run_window_seconds, &invocation.origin) {
        (Some(seconds), _) if seconds > MAX_RECENT_RUN_WINDOW_SECONDS => {
            return Err(Error::invalid_input(format!(
                "`RecentRunWindowSeconds` must be a whole number of seconds from 0 to 86,400, not the number {seconds}"
            )))
        }
        (Some(0), _) => None,
        (Some(seconds), _) => Some(Duration::from_secs(seconds.into())),
        (None, Origin::DmsTaskEvent { .. }) => Some(DMS_EVENT_RECENT_RUN_WINDOW),
        (None, _) => None,
    };
    Ok(Resolved {
        request,
        dry_run: dry_run(invocation, defaults),
        recent_run_window,
        defaulted,
    })
}

/// What a task's request and a replication config's take alike, after defaults and validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub result_location_folder: Option<String>,
    pub result_encryption_mode: Option<String>,
    pub result_kms_key_arn: Option<String>,
    pub include_only: Vec<String>,
    pub exclude: Vec<String>,
    /// `(member, environment variable)` for each member the payload left to a default.
    pub defaulted: Vec<(&'static str, &'static str)>,
}

/// Applies `defaults` to the members a task and a replication config share, and validates them:
/// the result folder, encryption mode and key, `IncludeOnly`/`Exclude` and the idempotency key.
pub fn resolve_shared(invocation: &Invocation, defaults: &Defaults) -> Result<Shared, Error> {
    let payload = &invocation.payload;
    let mut defaulted = Vec::new();
    let mut from_env = |given: bool, default: bool, member, variable| {
        if !given && default {
            defaulted.push((member, variable));
        }
    };

    let result_location_folder = optional(
        &payload.result_location_folder,
        &defaults.result_location_folder,
    );
    from_env(
        payload.result_location_folder.is_some(),
        result_location_folder.is_some(),
        "ResultLocationFolder",
        "RESULT_LOCATION_FOLDER",
    );

    let result_encryption_mode = optional(
        &payload.result_encryption_mode,
        &defaults.result_encryption_mode,
    );
    from_env(
        payload.result_encryption_mode.is_some(),
        result_encryption_mode.is_some(),
        "ResultEncryptionMode",
        "RESULT_ENCRYPTION_MODE",
    );
    if let Some(mode) = &result_encryption_mode {
        validate::encryption_mode(mode)
            .map_err(|why| Error::invalid_input(format!("ResultEncryptionMode {why}")))?;
    }
    let sse_kms = result_encryption_mode.as_deref() == Some(validate::SSE_KMS);

    // The default key applies only when the resolved mode is SSE_KMS; a key given in the payload
    // with any other mode is a mistake worth reporting, saying where the mode came from.
    let result_kms_key_arn = match payload.result_kms_key_arn.as_deref() {
        Some("") => None,
        Some(key) => {
            if !sse_kms {
                let mode = match (&result_encryption_mode, &payload.result_encryption_mode) {
                    (None, Some(_)) => "the payload's empty ResultEncryptionMode clears the mode".to_owned(),
                    (None, None) => "no ResultEncryptionMode is given nor set in RESULT_ENCRYPTION_MODE".to_owned(),
                    (Some(mode), Some(_)) => format!("ResultEncryptionMode is `{mode}`"),
                    (Some(mode), None) => format!(
                        "ResultEncryptionMode is `{mode}`, from the environment variable RESULT_ENCRYPTION_MODE"
                    ),
                };
                return Err(Error::invalid_input(format!(
                    "ResultKmsKeyArn is only allowed with ResultEncryptionMode `SSE_KMS`, and {mode}; \
                     give \"ResultEncryptionMode\": \"SSE_KMS\" with the key"
                )));
            }
            validate::kms_key_arn(key).map_err(|why| invalid("ResultKmsKeyArn", key, &why))?;
            Some(key.to_owned())
        }
        None => defaults.result_kms_key_arn.clone().filter(|_| sse_kms),
    };
    from_env(
        payload.result_kms_key_arn.is_some(),
        result_kms_key_arn.is_some(),
        "ResultKmsKeyArn",
        "RESULT_KMS_KEY_ARN",
    );

    // IncludeOnly and Exclude are one choice: a payload that makes it replaces the default's. An
    // empty list chooses nothing, and is refused rather than read as "every assessment".
    for (member, names) in [
        ("IncludeOnly", &payload.include_only),
        ("Exclude", &payload.exclude),
    ] {
        if names.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::invalid_input(format!(
                "{member} is an empty list; name at least one assessment, or leave {member} out"
            )));
        }
    }
    let (include_only, exclude) = match (&payload.include_only, &payload.exclude) {
        (None, None) => {
            from_env(
                false,
                !defaults.include_only.is_empty(),
                "IncludeOnly",
                "INCLUDE_ONLY",
            );
            from_env(false, !defaults.exclude.is_empty(), "Exclude", "EXCLUDE");
            (defaults.include_only.clone(), defaults.exclude.clone())
        }
        (include_only, exclude) => (
            include_only.clone().unwrap_or_default(),
            exclude.clone().unwrap_or_default(),
        ),
    };
    if !include_only.is_empty() && !exclude.is_empty() {
        return Err(Error::invalid_input(
            "IncludeOnly and Exclude are both given; DMS accepts only one of them",
        ));
    }
    for (member, names) in [("IncludeOnly", &include_only), ("Exclude", &exclude)] {
        if let Some(i) = names.iter().position(|name| name.trim().is_empty()) {
            return Err(Error::invalid_input(format!(
                "{member}[{i}] is empty; give an assessment name"
            )));
        }
    }

    // An empty key would give every such invocation the same name, and so the same run.
    if payload
        .idempotency_key
        .as_deref()
        .is_some_and(|key| key.trim().is_empty())
    {
        return Err(Error::invalid_input("IdempotencyKey must not be empty"));
    }
    Ok(Shared {
        result_location_folder,
        result_encryption_mode,
        result_kms_key_arn,
        include_only,
        exclude,
        defaulted,
    })
}

/// A required member: the payload's value, else the default (from `variable`, when it has one),
/// then `check`ed; missing or empty is an error. Returns the value and what `check` gave.
fn required<'a, T>(
    given: Option<&'a str>,
    default: Option<&'a str>,
    (member, variable): (&str, &str),
    check: impl Fn(&'a str) -> Result<T, String>,
) -> Result<(String, T), Error> {
    let value = match given.or(default) {
        Some("") => return Err(Error::invalid_input(format!("{member} must not be empty"))),
        Some(value) => value,
        None if variable.is_empty() => {
            return Err(Error::invalid_input(format!("{member} is required")))
        }
        None => {
            return Err(Error::invalid_input(format!(
                "{member} is required: give it in the payload or set {variable} in the function's environment"
            )))
        }
    };
    let member = match given {
        None if !variable.is_empty() => format!("{member} (from {variable})"),
        _ => member.to_owned(),
    };
    let checked = check(value).map_err(|why| invalid(&member, value, &why))?;
    Ok((value.to_owned(), checked))
}

/// An optional member: the payload's value wins (an empty string clears the default).
fn optional(given: &Option<String>, default: &Option<String>) -> Option<String> {
    given
        .as_ref()
        .or(default.as_ref())
        .filter(|v| !v.is_empty())
        .cloned()
}

fn invalid(member: &str, value: &str, why: &str) -> Error {
    Error::invalid_input(format!("{member} {} {why}", validate::quoted(value)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use std::time::SystemTime;

    use crate::TEST_TASK as TASK;
    const ROLE: &str = "arn:aws:iam::123456789012:role/dms-assessment";
    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const UNIQUE: NameSeed<'static> = NameSeed::Unique {
        now: SystemTime::UNIX_EPOCH,
        random: 7,
    };

    fn env_defaults() -> Defaults {
        Defaults {
            service_access_role_arn: Some(ROLE.into()),
            result_location_bucket: Some("results".into()),
            result_location_folder: Some("runs".into()),
            ..Defaults::default()
        }
    }

    fn parse(payload: Value) -> Result<Invocation, Error> {
        crate::payload::parse(&serde_json::value::to_raw_value(&payload).unwrap())
    }

    fn resolve_with(payload: Value, defaults: &Defaults) -> Result<StartRequest, Error> {
        resolve(&parse(payload).unwrap(), defaults, UNIQUE).map(|r| r.request)
    }

    fn invalid(payload: Value, defaults: &Defaults) -> String {
        match resolve_with(payload, defaults) {
            Err(Error::InvalidInput(message)) => message,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn defaults_fill_what_the_payload_leaves_out() {
        let request = resolve_with(json!({"ReplicationTaskArn": TASK}), &env_defaults()).unwrap();
        assert_eq!(request.service_access_role_arn, ROLE);
        assert_eq!(request.result_location_bucket, "results");
        assert_eq!(
            request.assessment_run_name,
            "assessment-abcdef123-19700101t000000z-00000007"
        );
        assert_eq!(
            request.result_location_folder, "runs/assessment-abcdef123-19700101t000000z-00000007",
            "the run's own folder in the one asked for"
        );
    }

    #[test]
    fn the_payload_wins_over_defaults() {
        let request = resolve_with(
            json!({"ReplicationTaskArn": TASK, "ServiceAccessRoleArn": "arn:aws:iam::123456789012:role/other",
                   "ResultLocationBucket": "other-bucket", "ResultLocationFolder": "", "AssessmentRunName": "Mine 1"}),
            &env_defaults(),
        )
        .unwrap();
        assert_eq!(
            request.service_access_role_arn,
            "arn:aws:iam::123456789012:role/other"
        );
        assert_eq!(request.result_location_bucket, "other-bucket");
        assert_eq!(
            request.result_location_folder, "Mine 1",
            "an empty string clears the default folder: the run's folder is at the bucket's root"
        );
        assert_eq!(request.assessment_run_name, "Mine 1");
    }

    #[test]
    fn required_members_are_named_with_their_variable() {
        let message = invalid(json!({}), &env_defaults());
        assert!(
            message.contains("ReplicationTaskArn is required")
                && message
                    .contains("or ReplicationConfigArn, for a DMS Serverless replication config"),
            "{message}"
        );
        let message = invalid(json!({"ReplicationTaskArn": TASK}), &Defaults::default());
        assert!(
            message.contains("ServiceAccessRoleArn") && message.contains("SERVICE_ACCESS_ROLE_ARN"),
            "{message}"
        );
        let defaults = Defaults {
            service_access_role_arn: Some(ROLE.into()),
            ..Defaults::default()
        };
        let message = invalid(json!({"ReplicationTaskArn": TASK}), &defaults);
        assert!(
            message.contains("ResultLocationBucket") && message.contains("RESULT_LOCATION_BUCKET"),
            "{message}"
        );
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "ServiceAccessRoleArn": ""}),
            &env_defaults(),
        );
        assert!(
            message.contains("ServiceAccessRoleArn must not be empty"),
            "{message}"
        );
    }

    #[test]
    fn bad_values_are_named() {
        let cases = [
            (
                json!({"ReplicationTaskArn": "arn:aws:dms:us-east-1:123456789012:endpoint:X"}),
                "ReplicationTaskArn",
            ),
            (
                json!({"ReplicationTaskArn": TASK, "ServiceAccessRoleArn": "role"}),
                "ServiceAccessRoleArn",
            ),
            (
                json!({"ReplicationTaskArn": TASK, "ResultLocationBucket": "Bad_Bucket"}),
                "ResultLocationBucket",
            ),
            (
                json!({"ReplicationTaskArn": TASK, "ResultEncryptionMode": "KMS"}),
                "ResultEncryptionMode",
            ),
            (
                json!({"ReplicationTaskArn": TASK, "ResultEncryptionMode": "SSE_KMS", "ResultKmsKeyArn": "k"}),
                "ResultKmsKeyArn",
            ),
            (
                json!({"ReplicationTaskArn": TASK, "AssessmentRunName": ""}),
                "AssessmentRunName",
            ),
            (
                json!({"ReplicationTaskArn": TASK, "AssessmentRunName": "x".repeat(256)}),
                "AssessmentRunName",
            ),
        ];
        for (payload, member) in cases {
            let message = invalid(payload, &env_defaults());
            assert!(
                message.starts_with(member),
                "{message} should name {member}"
            );
        }
    }

    #[test]
    fn assessment_names_and_tags_are_checked() {
        let cases = [
            (
                json!({"ReplicationTaskArn": TASK, "Exclude": ["a", " "]}),
                "Exclude[1] is empty",
            ),
            (
                json!({"ReplicationTaskArn": TASK, "Tags": [{"Key": "a"}, {"Key": "aws:x"}]}),
                "Tags[1] has the key `aws:x`",
            ),
            (
                json!({"ReplicationTaskArn": TASK, "Tags": [{"Key": ""}]}),
                "Tags[0] has a key of 0 characters",
            ),
        ];
        for (payload, expected) in cases {
            let message = invalid(payload, &env_defaults());
            assert!(message.starts_with(expected), "{message}");
        }
    }

    #[test]
    fn a_dms_event_names_the_task_by_its_place_in_the_event() {
        let message = invalid(
            json!({"id": "e", "detail-type": "DMS Replication Task State Change", "source": "aws.dms",
                   "resources": ["arn:aws:dms:us-east-1:123456789012:endpoint:ABC"], "detail": {}}),
            &env_defaults(),
        );
        assert!(
            message.starts_with("the DMS event's resources[0] `arn:aws:dms:us-east-1:123456789012:endpoint:ABC` names a DMS `endpoint` resource"),
            "{message}"
        );
    }

    #[test]
    fn a_kms_key_needs_sse_kms() {
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "ResultKmsKeyArn": KEY}),
            &env_defaults(),
        );
        assert!(
            message.contains("ResultKmsKeyArn") && message.contains("SSE_KMS"),
            "{message}"
        );
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "ResultEncryptionMode": "SSE_S3", "ResultKmsKeyArn": KEY}),
            &env_defaults(),
        );
        assert!(message.contains("SSE_KMS"), "{message}");
        let request = resolve_with(
            json!({"ReplicationTaskArn": TASK, "ResultEncryptionMode": "SSE_KMS", "ResultKmsKeyArn": KEY}),
            &env_defaults(),
        )
        .unwrap();
        assert_eq!(request.result_kms_key_arn.as_deref(), Some(KEY));
    }

    #[test]
    fn a_kms_key_refused_says_where_the_mode_came_from() {
        let defaults = Defaults {
            result_encryption_mode: Some("SSE_S3".into()),
            ..env_defaults()
        };
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "ResultKmsKeyArn": KEY}),
            &defaults,
        );
        assert_eq!(
            message,
            "ResultKmsKeyArn is only allowed with ResultEncryptionMode `SSE_KMS`, and \
             ResultEncryptionMode is `SSE_S3`, from the environment variable RESULT_ENCRYPTION_MODE; \
             give \"ResultEncryptionMode\": \"SSE_KMS\" with the key"
        );
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "ResultKmsKeyArn": KEY}),
            &env_defaults(),
        );
        assert!(
            message.contains("no ResultEncryptionMode is given nor set in RESULT_ENCRYPTION_MODE"),
            "{message}"
        );
    }

    #[test]
    fn a_default_that_fails_a_check_is_named_with_its_variable() {
        let defaults = Defaults {
            result_location_folder: Some("f".repeat(900)),
            ..env_defaults()
        };
        let message = invalid(json!({"ReplicationTaskArn": TASK}), &defaults);
        assert!(
            message.starts_with("ResultLocationFolder (from RESULT_LOCATION_FOLDER) `fff"),
            "{message}"
        );
        let resolved = resolve(
            &parse(json!({"ReplicationTaskArn": TASK, "ResultLocationFolder": "mine"})).unwrap(),
            &env_defaults(),
            UNIQUE,
        )
        .unwrap();
        assert_eq!(
            resolved.member("ServiceAccessRoleArn"),
            "ServiceAccessRoleArn (from SERVICE_ACCESS_ROLE_ARN)"
        );
        assert_eq!(
            resolved.member("ResultLocationFolder"),
            "ResultLocationFolder"
        );
        assert_eq!(resolved.member("ReplicationTaskArn"), "ReplicationTaskArn");
    }

    #[test]
    fn tags_are_checked_as_dms_defines_them() {
        let tags =
            |n: usize| -> Vec<Value> { (0..n).map(|i| json!({"Key": format!("k{i}")})).collect() };
        assert!(resolve_with(
            json!({"ReplicationTaskArn": TASK, "Tags": tags(10)}),
            &env_defaults()
        )
        .is_ok());
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "Tags": tags(11)}),
            &env_defaults(),
        );
        assert_eq!(
            message,
            "Tags has 11 tags; DMS allows at most 10 on a resource"
        );
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "Tags": tags(5000)}),
            &env_defaults(),
        );
        assert!(message.starts_with("Tags has 5000 tags"), "{message}");
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "Tags": []}),
            &env_defaults(),
        );
        assert_eq!(
            message,
            "Tags is an empty list; give at least one tag, or leave Tags out"
        );
        for (tag, expected) in [
            (json!({"Key": "owner#1"}), "Tags[0] has the key `owner#1`, with `#`, which DMS does not allow"),
            (json!({"Key": "a&b!"}), "Tags[0] has the key `a&b!`, with `&`"),
            (json!({"Key": "team", "Value": "aws:x"}), "Tags[0] (`team`) has the value `aws:x`; tag values beginning `aws:` or `dms:` are reserved"),
        ] {
            let message = invalid(json!({"ReplicationTaskArn": TASK, "Tags": [tag]}), &env_defaults());
            assert!(message.starts_with(expected), "{message}");
        }
        let request = resolve_with(
            json!({"ReplicationTaskArn": TASK, "Tags": [{"Key": "équipe données", "Value": "migration 2026"}]}),
            &env_defaults(),
        )
        .unwrap();
        assert_eq!(request.tags[0].key, "équipe données");
    }

    #[test]
    fn the_result_folder_is_checked_with_the_run_name() {
        for (folder, expected) in [
            ("x".repeat(2000), "ResultLocationFolder `xxx"),
            (
                "runs//nightly".to_owned(),
                "ResultLocationFolder `runs//nightly` has an empty folder name",
            ),
        ] {
            let message = invalid(
                json!({"ReplicationTaskArn": TASK, "ResultLocationFolder": folder}),
                &env_defaults(),
            );
            assert!(message.starts_with(expected), "{message}");
        }
        // The longer the run's name, the less room for the folder.
        let folder = "f".repeat(800);
        assert!(resolve_with(
            json!({"ReplicationTaskArn": TASK, "ResultLocationFolder": folder}),
            &env_defaults()
        )
        .is_ok());
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "ResultLocationFolder": folder, "AssessmentRunName": "n".repeat(200)}),
            &env_defaults(),
        );
        assert!(
            message.contains("after the run's name (200 bytes)"),
            "{message}"
        );
        // A run's name that cannot be a folder's name.
        for (name, expected) in [
            ("/leading", "has an empty folder name"),
            ("tab\tname", "a control character"),
        ] {
            let message = invalid(
                json!({"ReplicationTaskArn": TASK, "AssessmentRunName": name}),
                &env_defaults(),
            );
            assert!(
                message.starts_with(&format!(
                    "AssessmentRunName `{name}` cannot name the run's result folder: the folder `runs/{name}` "
                )) && message.contains(expected),
                "{message}"
            );
        }
    }

    #[test]
    fn a_window_out_of_range_is_a_sentence() {
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "RecentRunWindowSeconds": 86_401}),
            &env_defaults(),
        );
        assert_eq!(message, "`RecentRunWindowSeconds` must be a whole number of seconds from 0 to 86,400, not the number 86401");
    }

    #[test]
    fn the_default_key_follows_the_resolved_mode() {
        let defaults = Defaults {
            result_encryption_mode: Some("SSE_KMS".into()),
            result_kms_key_arn: Some(KEY.into()),
            ..env_defaults()
        };
        let request = resolve_with(json!({"ReplicationTaskArn": TASK}), &defaults).unwrap();
        assert_eq!(request.result_kms_key_arn.as_deref(), Some(KEY));
        let request = resolve_with(
            json!({"ReplicationTaskArn": TASK, "ResultEncryptionMode": "SSE_S3"}),
            &defaults,
        )
        .unwrap();
        assert_eq!(request.result_encryption_mode.as_deref(), Some("SSE_S3"));
        assert_eq!(request.result_kms_key_arn, None);
    }

    #[test]
    fn include_only_and_exclude_are_one_choice() {
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "IncludeOnly": ["a"], "Exclude": ["b"]}),
            &env_defaults(),
        );
        assert!(message.contains("IncludeOnly and Exclude"), "{message}");

        let mut defaults = env_defaults();
        defaults.include_only = vec!["default-check".into()];
        let request = resolve_with(json!({"ReplicationTaskArn": TASK}), &defaults).unwrap();
        assert_eq!(request.include_only, ["default-check"]);
        let request = resolve_with(
            json!({"ReplicationTaskArn": TASK, "Exclude": ["b"]}),
            &defaults,
        )
        .unwrap();
        assert!(
            request.include_only.is_empty(),
            "the payload's choice replaces the default's"
        );
        assert_eq!(request.exclude, ["b"]);
        for member in ["IncludeOnly", "Exclude"] {
            let message = invalid(json!({"ReplicationTaskArn": TASK, member: []}), &defaults);
            assert_eq!(
                message,
                format!("{member} is an empty list; name at least one assessment, or leave {member} out")
            );
        }
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "IncludeOnly": [], "Exclude": ["b"]}),
            &env_defaults(),
        );
        assert!(
            message.starts_with("IncludeOnly is an empty list"),
            "{message}"
        );
    }

    #[test]
    fn the_name_is_deterministic_for_a_key_or_an_event_id() {
        let a = resolve(
            &parse(json!({"ReplicationTaskArn": TASK, "IdempotencyKey": "exec-1"})).unwrap(),
            &env_defaults(),
            NameSeed::unique_now(),
        )
        .unwrap()
        .request;
        let b = resolve(
            &parse(json!({"ReplicationTaskArn": TASK, "IdempotencyKey": "exec-1"})).unwrap(),
            &env_defaults(),
            NameSeed::unique_now(),
        )
        .unwrap()
        .request;
        assert_eq!(a.assessment_run_name, b.assessment_run_name);
        assert!(
            a.assessment_run_name.starts_with("assessment-abcdef123-"),
            "{}",
            a.assessment_run_name
        );

        let event = json!({"id": "evt-9", "detail-type": "DMS Replication Task State Change", "source": "aws.dms",
                           "resources": [TASK], "detail": {}});
        let a = resolve(
            &parse(event.clone()).unwrap(),
            &env_defaults(),
            NameSeed::unique_now(),
        )
        .unwrap()
        .request;
        let b = resolve(
            &parse(event).unwrap(),
            &env_defaults(),
            NameSeed::unique_now(),
        )
        .unwrap()
        .request;
        assert_eq!(a.assessment_run_name, b.assessment_run_name);
    }

    #[test]
    fn an_empty_idempotency_key_is_refused() {
        let message = invalid(
            json!({"ReplicationTaskArn": TASK, "IdempotencyKey": " "}),
            &env_defaults(),
        );
        assert!(
            message.contains("IdempotencyKey must not be empty"),
            "{message}"
        );
    }

    #[test]
    fn the_prefix_comes_from_the_defaults() {
        let defaults = Defaults {
            run_name_prefix: "nightly".into(),
            ..env_defaults()
        };
        let request = resolve_with(json!({"ReplicationTaskArn": TASK}), &defaults).unwrap();
        assert!(request
            .assessment_run_name
            .starts_with("nightly-abcdef123-"));
    }
}
