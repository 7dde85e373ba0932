use dms_assessment_run::App;
use lambda_runtime::{run, service_fn, tracing, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing::init_default_subscriber();
    let app = App::from_environment().await;
    let app = &app;
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        app.handle(event).await
    }))
    .await
}
