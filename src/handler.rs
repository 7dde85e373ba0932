//! The Lambda handler: parse, resolve, call DMS (or not, in a dry run), answer.

use std::time::SystemTime;

use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::meta::region::ProvideRegion;
use aws_sdk_databasemigration::config::ProvideCredentials;
use aws_sdk_databasemigration::Client;
use lambda_runtime::LambdaEvent;
use serde_json::Value;

use crate::config::Defaults;
use crate::dms;
use crate::error::Error;
use crate::naming::NameSeed;
use crate::output::{DryRunOutput, RunOutput};
use crate::payload::{self, Event, Origin};
use crate::request;

/// What every invocation shares: the DMS client and the defaults, both built once per process.
#[derive(Debug, Clone)]
pub struct App {
    client: Client,
    defaults: Result<Defaults, Error>,
}

impl App {
    /// `defaults` is kept even when invalid, so that each invocation can report it by name.
    pub fn new(client: Client, defaults: Result<Defaults, Error>) -> Self {
        if let Err(error) = &defaults {
            tracing::error!(error_type = error.error_type(), %error, "invalid configuration: every invocation will fail until it is fixed");
        }
        App { client, defaults }
    }

    /// Builds the app as a Lambda process does: the SDK's standard configuration chain and the
    /// defaults from the environment.
    pub async fn from_environment() -> Self {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(crate::http::https_client());
        // The standard chains try the environment first, and in Lambda the credentials and the
        // region are there. Taking them directly spares building the rest of the chains (an STS
        // client, an IMDS client) at start-up; without them, the standard chains are used as they are.
        let environment = EnvironmentVariableCredentialsProvider::new();
        if environment.provide_credentials().await.is_ok() {
            loader = loader.credentials_provider(environment);
        }
        if let Some(region) = EnvironmentVariableRegionProvider::new().region().await {
            loader = loader.region(region);
        }
        App::new(Client::new(&loader.load().await), Defaults::from_env())
    }

    /// Handles one invocation.
    pub async fn handle(&self, event: LambdaEvent<Event>) -> Result<Value, Error> {
        let (event, context) = event.into_parts();
        let result = self.start(event, context.deadline).await;
        match &result {
            // Its message quotes the payload, which is logged only at debug level.
            Err(error @ Error::InvalidInput(_)) => {
                tracing::warn!(
                    error_type = error.error_type(),
                    outcome = "error",
                    "assessment run not started"
                );
                tracing::debug!(%error, "invalid input");
            }
            Err(error) => {
                tracing::warn!(error_type = error.error_type(), %error, outcome = "error", "assessment run not started")
            }
            Ok(_) => {}
        }
        result
    }

    async fn start(&self, event: Event, deadline_ms: u64) -> Result<Value, Error> {
        let defaults = self.defaults.as_ref().map_err(Clone::clone)?;
        let payload = event.into_json()?;
        tracing::debug!(%payload, "payload");
        let invocation = payload::parse(&payload)?;
        let request = request::resolve(&invocation, defaults, NameSeed::unique_now())?;
        // The kind of input only: an event's own fields are payload, logged at debug level.
        let origin = match &invocation.origin {
            Origin::Direct => "direct",
            Origin::CustomEvent { .. } => "custom-event",
            Origin::DmsTaskEvent { .. } => "dms-task-event",
        };
        tracing::debug!(origin = ?invocation.origin, "origin");

        if invocation.payload.dry_run.unwrap_or(defaults.dry_run) {
            tracing::info!(
                task_arn = %request.replication_task_arn,
                run_name = %request.assessment_run_name,
                origin,
                outcome = "dry-run",
                "assessment run not started: dry run"
            );
            return to_json(&DryRunOutput {
                dry_run: true,
                request: &request,
            });
        }

        let budget = dms::budget(deadline_ms, SystemTime::now());
        let started =
            dms::within(budget, dms::start_assessment_run(&self.client, &request)).await?;
        let output = RunOutput::from(started).with_request_fallbacks(&request);
        tracing::info!(
            task_arn = %output.replication_task_arn,
            run_name = %output.assessment_run_name,
            run_arn = %output.replication_task_assessment_run_arn,
            status = %output.status,
            already_existed = output.already_existed,
            origin,
            outcome = if output.already_existed { "already-existed" } else { "started" },
            "assessment run started"
        );
        to_json(&output)
    }
}

fn to_json(value: &impl serde::Serialize) -> Result<Value, Error> {
    serde_json::to_value(value)
        .map_err(|e| Error::DmsUnavailable(format!("the result could not be encoded: {e}")))
}
