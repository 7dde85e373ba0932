//! Defaults for the request, read from the environment once at start-up.

use crate::error::Error;
use crate::validate;

/// Prefix of generated run names when `ASSESSMENT_RUN_NAME_PREFIX` is unset.
pub const DEFAULT_RUN_NAME_PREFIX: &str = "assessment";

/// Values the request falls back to when the payload leaves a member out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    /// `SERVICE_ACCESS_ROLE_ARN`
    pub service_access_role_arn: Option<String>,
    /// `RESULT_LOCATION_BUCKET`
    pub result_location_bucket: Option<String>,
    /// `RESULT_LOCATION_FOLDER`
    pub result_location_folder: Option<String>,
    /// `RESULT_ENCRYPTION_MODE`
    pub result_encryption_mode: Option<String>,
    /// `RESULT_KMS_KEY_ARN`
    pub result_kms_key_arn: Option<String>,
    /// `INCLUDE_ONLY`: the only assessments to run.
    pub include_only: Vec<String>,
    /// `EXCLUDE`: assessments to skip.
    pub exclude: Vec<String>,
    /// `ASSESSMENT_RUN_NAME_PREFIX`
    pub run_name_prefix: String,
    /// `DRY_RUN`
    pub dry_run: bool,
}

impl Default for Defaults {
    /// The defaults of an empty environment.
    fn default() -> Self {
        Self::from_lookup(|_| None).expect("an empty environment is a valid one")
    }
}

impl Defaults {
    /// Reads and validates the defaults from the process environment.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads and validates the defaults through `lookup`; an empty value counts as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let checked = |name: &str, check: fn(&str) -> Result<(), String>| {
            let value = get(name).map(|v| check(&v).map(|()| v).map_err(|why| invalid(name, &why)));
            value.transpose()
        };

        let defaults = Defaults {
            service_access_role_arn: checked("SERVICE_ACCESS_ROLE_ARN", validate::role_arn)?,
            result_location_bucket: checked("RESULT_LOCATION_BUCKET", validate::bucket_name)?,
            // Its length is checked again with the run's name, per request.
            result_location_folder: checked("RESULT_LOCATION_FOLDER", |folder| {
                validate::result_folder(folder, 0)
            })?,
            result_encryption_mode: checked("RESULT_ENCRYPTION_MODE", validate::encryption_mode)?,
            result_kms_key_arn: checked("RESULT_KMS_KEY_ARN", validate::kms_key_arn)?,
            include_only: list(get("INCLUDE_ONLY")),
            exclude: list(get("EXCLUDE")),
            run_name_prefix: checked("ASSESSMENT_RUN_NAME_PREFIX", validate::run_name_prefix)?
                .unwrap_or_else(|| DEFAULT_RUN_NAME_PREFIX.to_owned()),
            dry_run: match get("DRY_RUN") {
                None => false,
                Some(v) => v.to_ascii_lowercase().parse().map_err(|_| {
                    let why = format!("must be `true` or `false`, not {}", validate::quoted(&v));
                    invalid("DRY_RUN", &why)
                })?,
            },
        };

        if defaults.result_kms_key_arn.is_some()
            && defaults.result_encryption_mode.as_deref() != Some(validate::SSE_KMS)
        {
            return Err(invalid(
                "RESULT_KMS_KEY_ARN",
                "is set, but RESULT_ENCRYPTION_MODE is not `SSE_KMS`",
            ));
        }
        if !defaults.include_only.is_empty() && !defaults.exclude.is_empty() {
            return Err(invalid(
                "INCLUDE_ONLY",
                "and EXCLUDE are both set; DMS accepts only one of them",
            ));
        }
        Ok(defaults)
    }
}

fn invalid(variable: &str, why: &str) -> Error {
    Error::InvalidConfiguration(format!("environment variable {variable} {why}"))
}

/// Splits a comma-separated list, ignoring blanks around names and empty entries.
fn list(value: Option<String>) -> Vec<String> {
    let names = value.iter().flat_map(|v| v.split(',')).map(str::trim);
    names.filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Defaults, Error> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Defaults::from_lookup(|name| vars.get(name).cloned())
    }

    fn config_error(vars: &[(&str, &str)]) -> String {
        match from(vars) {
            Err(Error::InvalidConfiguration(message)) => message,
            other => panic!("expected InvalidConfiguration, got {other:?}"),
        }
    }

    #[test]
    fn nothing_set_gives_the_built_in_defaults() {
        assert_eq!(from(&[]).unwrap(), Defaults::default());
    }

    #[test]
    fn every_variable_is_read() {
        let defaults = from(&[
            (
                "SERVICE_ACCESS_ROLE_ARN",
                "arn:aws:iam::123456789012:role/dms",
            ),
            ("RESULT_LOCATION_BUCKET", "results"),
            ("RESULT_LOCATION_FOLDER", "runs/"),
            ("RESULT_ENCRYPTION_MODE", "SSE_KMS"),
            (
                "RESULT_KMS_KEY_ARN",
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            ("EXCLUDE", "mysql-check-a, mysql-check-b,,"),
            ("ASSESSMENT_RUN_NAME_PREFIX", "nightly"),
            ("DRY_RUN", "TRUE"),
        ])
        .unwrap();
        assert_eq!(
            defaults.service_access_role_arn.as_deref(),
            Some("arn:aws:iam::123456789012:role/dms")
        );
        assert_eq!(defaults.result_location_bucket.as_deref(), Some("results"));
        assert_eq!(defaults.result_location_folder.as_deref(), Some("runs/"));
        assert_eq!(defaults.result_encryption_mode.as_deref(), Some("SSE_KMS"));
        assert_eq!(
            defaults.result_kms_key_arn.as_deref(),
            Some("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        );
        assert_eq!(defaults.exclude, ["mysql-check-a", "mysql-check-b"]);
        assert!(defaults.include_only.is_empty());
        assert_eq!(defaults.run_name_prefix, "nightly");
        assert!(defaults.dry_run);
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let vars: Vec<(&str, &str)> = [
            "SERVICE_ACCESS_ROLE_ARN",
            "RESULT_LOCATION_BUCKET",
            "RESULT_LOCATION_FOLDER",
            "RESULT_ENCRYPTION_MODE",
            "RESULT_KMS_KEY_ARN",
            "INCLUDE_ONLY",
            "EXCLUDE",
            "ASSESSMENT_RUN_NAME_PREFIX",
            "DRY_RUN",
        ]
        .iter()
        .map(|name| (*name, ""))
        .collect();
        assert_eq!(from(&vars).unwrap(), Defaults::default());
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let cases = [
            ("SERVICE_ACCESS_ROLE_ARN", "dms-role"),
            ("RESULT_LOCATION_BUCKET", "Results_Bucket"),
            ("RESULT_ENCRYPTION_MODE", "AES256"),
            ("RESULT_KMS_KEY_ARN", "my-key"),
            ("ASSESSMENT_RUN_NAME_PREFIX", "Nightly_"),
            ("DRY_RUN", "yes"),
            ("RESULT_LOCATION_FOLDER", "runs//nightly"),
        ];
        for (name, value) in cases {
            let message = config_error(&[(name, value)]);
            assert!(message.contains(name), "{message}");
        }
    }

    #[test]
    fn a_kms_key_needs_sse_kms() {
        let message = config_error(&[(
            "RESULT_KMS_KEY_ARN",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )]);
        assert!(
            message.contains("RESULT_KMS_KEY_ARN") && message.contains("SSE_KMS"),
            "{message}"
        );
    }

    #[test]
    fn include_only_and_exclude_together_are_refused() {
        let message = config_error(&[("INCLUDE_ONLY", "a"), ("EXCLUDE", "b")]);
        assert!(
            message.contains("INCLUDE_ONLY") && message.contains("EXCLUDE"),
            "{message}"
        );
    }
}
