use aws_config::BehaviorVersion;
use dms_assessment_run::{App, Defaults};
use lambda_runtime::{run, service_fn, tracing, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing::init_default_subscriber();
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let app = App::new(
        aws_sdk_databasemigration::Client::new(&config),
        Defaults::from_env(),
    );
    let app = &app;
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        app.handle(event).await
    }))
    .await
}
