//! The SDK's configuration as the functions load it at start-up.

use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::meta::region::ProvideRegion;
use aws_config::SdkConfig;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_sdk_databasemigration::config::ProvideCredentials;
use aws_types::os_shim_internal::{Env, Fs};

use crate::error::Error;
use crate::http;

/// The configuration every client of a process is built from, with the function's HTTPS client.
pub async fn config() -> SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(http::https_client());
    // The standard chains try the environment first, and in Lambda the credentials and the region
    // are there. Taking them directly spares building the rest of the chains (an STS client, an
    // IMDS client) at start-up; without them, the standard chains are used as they are.
    let environment = EnvironmentVariableCredentialsProvider::new();
    if environment.provide_credentials().await.is_ok() {
        loader = loader.credentials_provider(environment);
    }
    if let Some(region) = EnvironmentVariableRegionProvider::new().region().await {
        loader = loader.region(region);
    }
    loader.load().await
}

/// The S3 client of the verdict function's reasons. With an endpoint of one's own for S3
/// (`AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`: a local S3 such as moto), buckets are addressed in
/// the path, which such a server answers; AWS's own endpoints keep the SDK's default, a bucket's
/// own host name.
pub fn s3_client(config: &SdkConfig) -> aws_sdk_s3::Client {
    let own_endpoint = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|url| !url.is_empty()));
    let s3 = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(own_endpoint)
        .build();
    aws_sdk_s3::Client::from_conf(s3)
}

/// No Region could be found: a configuration mistake, not an outage (not retried); with the
/// profile problem, when there is one, as the likely cause.
pub fn no_region(profile_problem: Option<&str>) -> Error {
    let message =
        "no AWS Region: set AWS_REGION (Lambda sets it) or AWS_DEFAULT_REGION, or a region \
                   in the profile of the shared config file";
    Error::InvalidConfiguration(match profile_problem {
        Some(problem) => format!("{message}; {problem}"),
        None => message.to_owned(),
    })
}

/// When `AWS_PROFILE` names a profile that neither shared file has, what the SDK read, in one
/// sentence; `None` otherwise (no profile named, or found). Read once at start-up.
pub async fn profile_problem() -> Option<String> {
    let name = std::env::var("AWS_PROFILE")
        .ok()
        .filter(|n| !n.is_empty())?;
    profile_problem_in(&name, &Env::real(), &Fs::real()).await
}

async fn profile_problem_in(name: &str, env: &Env, fs: &Fs) -> Option<String> {
    let files = EnvConfigFiles::default();
    let found = match aws_config::profile::load(fs, env, &files, None).await {
        Ok(set) => set.get_profile(name).is_some(),
        Err(error) => {
            return Some(format!(
                "the shared config files could not be read for the profile `{name}` (AWS_PROFILE): \
                 {error}"
            ))
        }
    };
    if found {
        return None;
    }
    let file = |variable: &str, default: &str| {
        env.get(variable)
            .map(|path| format!("{path} ({variable})"))
            .unwrap_or_else(|_| default.to_owned())
    };
    Some(format!(
        "the profile `{name}` (AWS_PROFILE) is not in the shared config file {} nor in the shared \
         credentials file {}",
        file("AWS_CONFIG_FILE", "~/.aws/config"),
        file("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
    ))
}

/// `error`, with `problem` said first when the credentials are what failed.
pub fn with_profile_problem(error: Error, problem: Option<&str>) -> Error {
    match (error, problem) {
        (Error::NoUsableCredentials(message), Some(problem)) => {
            Error::NoUsableCredentials(format!("{problem}; {message}"))
        }
        (error, _) => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_profile_in_neither_file_is_named_with_the_files_read() {
        let env = Env::from_slice(&[("AWS_CONFIG_FILE", "/tmp/config"), ("HOME", "/home/user")]);
        let fs = Fs::from_slice(&[("/tmp/config", "[profile other]\nregion = eu-west-3\n")]);
        assert_eq!(profile_problem_in("other", &env, &fs).await, None);
        assert_eq!(
            profile_problem_in("nope", &env, &fs).await.unwrap(),
            "the profile `nope` (AWS_PROFILE) is not in the shared config file /tmp/config \
             (AWS_CONFIG_FILE) nor in the shared credentials file ~/.aws/credentials"
        );
    }

    #[test]
    fn no_region_is_invalid_configuration_naming_a_missing_profile_too() {
        let plain = no_region(None);
        assert_eq!(plain.error_type(), "InvalidConfiguration");
        assert!(plain.to_string().contains("AWS_REGION"), "{plain}");
        let with = no_region(Some("the profile `nope` (AWS_PROFILE) is not in …"));
        assert!(
            with.to_string()
                .ends_with("; the profile `nope` (AWS_PROFILE) is not in …"),
            "{with}"
        );
    }

    #[test]
    fn only_a_credentials_error_gets_the_profile_problem() {
        let problem = Some("the profile `nope` …");
        let error = with_profile_problem(Error::NoUsableCredentials("none".into()), problem);
        assert_eq!(error.to_string(), "the profile `nope` …; none");
        let other = with_profile_problem(Error::DmsUnavailable("down".into()), problem);
        assert_eq!(other.to_string(), "down");
    }
}
