use dms_assessment_run::{payload::Event, App};
use lambda_runtime::{run, service_fn, tracing, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing::init_default_subscriber();
    let app = App::from_environment().await;
    let app = &app;
    run(service_fn(move |event: LambdaEvent<Event>| async move {
        app.handle(event).await
    }))
    .await
}
