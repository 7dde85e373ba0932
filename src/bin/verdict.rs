//! The verdict function, `dms-assessment-verdict`: the Lambda runtime loop over [`VerdictApp`], with
//! logging and the SDK clients built once.

use aws_sdk_databasemigration::Client;
use dms_assessment_run::verdict::VerdictApp;
use dms_assessment_run::{logging, payload::Event, sdk};
use lambda_runtime::{run, service_fn, LambdaEvent};

// One invocation at a time: a single-threaded runtime starts faster and uses less memory.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    logging::init(std::io::stdout);
    let config = sdk::config().await;
    let app = VerdictApp::new(Client::new(&config), sdk::s3_client(&config))
        .with_profile_problem(sdk::profile_problem().await);

    let app = &app;
    run(service_fn(move |event: LambdaEvent<Event>| async move {
        app.handle(event).await
    }))
    .await
}
