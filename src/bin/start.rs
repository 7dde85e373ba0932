//! The start function, `dms-assessment-run`: the Lambda runtime loop over [`App`], with logging, the
//! SDK client and the defaults built once.

use aws_sdk_databasemigration::Client;
use dms_assessment_run::{logging, payload::Event, sdk, App, Defaults};
use lambda_runtime::{run, service_fn, LambdaEvent};

// One invocation at a time: a single-threaded runtime starts faster and uses less memory.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    logging::init(std::io::stdout);
    let app = App::new(Client::new(&sdk::config().await), Defaults::from_env())
        .with_profile_problem(sdk::profile_problem().await);

    let app = &app;
    run(service_fn(move |event: LambdaEvent<Event>| async move {
        app.handle(event).await
    }))
    .await
}
