use dms_assessment_run::{payload::Event, App};
use lambda_runtime::{run, service_fn, tracing, LambdaEvent};

// One invocation at a time: a single-threaded runtime starts faster and uses less memory.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing::init_default_subscriber();
    let app = App::from_environment().await;
    let app = &app;
    run(service_fn(move |event: LambdaEvent<Event>| async move {
        app.handle(event).await
    }))
    .await
}
