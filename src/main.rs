use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::meta::region::ProvideRegion;
use aws_sdk_databasemigration::config::ProvideCredentials;
use aws_sdk_databasemigration::Client;
use dms_assessment_run::{http, logging, payload::Event, App, Defaults};
use lambda_runtime::{run, service_fn, LambdaEvent};

// One invocation at a time: a single-threaded runtime starts faster and uses less memory.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    logging::init(std::io::stdout);

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
    let app = App::new(Client::new(&loader.load().await), Defaults::from_env());

    let app = &app;
    run(service_fn(move |event: LambdaEvent<Event>| async move {
        app.handle(event).await
    }))
    .await
}
