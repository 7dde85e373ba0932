//! The SDK's configuration as the functions load it at start-up.

use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::meta::region::ProvideRegion;
use aws_config::SdkConfig;
use aws_sdk_databasemigration::config::ProvideCredentials;

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
