//! The smallest Lambda function on `lambda_runtime`: it returns its input. The cold-start benchmark
//! measures the assessment-run function against it, built with the same profile.

use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(|event: LambdaEvent<Value>| async move {
        Ok::<_, Error>(event.payload)
    }))
    .await
}
