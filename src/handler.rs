//! The Lambda handler: parse, resolve, call DMS (or not, in a dry run), answer.

use std::time::SystemTime;

use aws_sdk_databasemigration::Client;
use lambda_runtime::{Context, LambdaEvent};

use crate::config::Defaults;
use crate::dms;
use crate::error::Error;
use crate::home::{Home, Scope};
use crate::naming::NameSeed;
use crate::output::{DryRunOutput, Output, RunOutput};
use crate::payload::{self, Event, Origin};
use crate::request::{self, Resolved};
use crate::sdk;

/// What every invocation shares, built once per process: the DMS client and the defaults.
#[derive(Debug, Clone)]
pub struct App {
    client: Client,
    defaults: Result<Defaults, Error>,
    profile_problem: Option<String>,
}

impl App {
    /// `defaults` is kept even when invalid, so that each invocation can report it by name.
    pub fn new(client: Client, defaults: Result<Defaults, Error>) -> Self {
        if let Err(error) = &defaults {
            tracing::error!(error_type = error.error_type(), %error, "invalid configuration: every invocation will fail until it is fixed");
        }
        App {
            client,
            defaults,
            profile_problem: None,
        }
    }

    /// Says `problem` (a profile that was not found, [`sdk::profile_problem`]) when credentials fail.
    pub fn with_profile_problem(mut self, problem: Option<String>) -> Self {
        self.profile_problem = problem;
        self
    }

    /// Handles one invocation.
    pub async fn handle(&self, event: LambdaEvent<Event>) -> Result<Output, Error> {
        let (event, context) = event.into_parts();
        let result = self.start(event, &context).await;
        if let Err(error) = &result {
            error.log("assessment run not started");
        }
        result
    }

    async fn start(&self, event: Event, context: &Context) -> Result<Output, Error> {
        let defaults = self.defaults.as_ref().map_err(Clone::clone)?;
        let payload = event.into_json()?;
        tracing::debug!(%payload, "payload");
        let invocation = payload::parse(&payload)?;
        let resolved = request::resolve(&invocation, defaults, NameSeed::unique_now())?;
        // The kind of input only: an event's own fields are payload, logged at debug level.
        let origin = match &invocation.origin {
            Origin::Direct => "direct",
            Origin::CustomEvent { .. } => "custom-event",
            Origin::DmsTaskEvent { .. } => "dms-task-event",
        };
        tracing::debug!(origin = ?invocation.origin, "origin");

        // Only where the function runs: the task in its Region and account, the role in its account,
        // the key in its Region.
        let region = self.client.config().region().map(|r| r.as_ref());
        let home = Home::of(&context.invoked_function_arn, region);
        let request = &resolved.request;
        home.check(
            invocation.task_member(),
            &request.replication_task_arn,
            Scope::RegionAndAccount,
        )?;
        let role = &request.service_access_role_arn;
        home.check(
            &resolved.member("ServiceAccessRoleArn"),
            role,
            Scope::Account,
        )?;
        if let Some(key) = &request.result_kms_key_arn {
            home.check(&resolved.member("ResultKmsKeyArn"), key, Scope::Region)?;
        }

        let Resolved {
            request,
            dry_run,
            recent_run_window,
            defaulted,
        } = resolved;
        if dry_run {
            tracing::info!(
                task_arn = %request.replication_task_arn,
                run_name = %request.assessment_run_name,
                origin,
                outcome = "dry-run",
                "assessment run not started: dry run"
            );
            let not_checked = home.not_checked_in_a_dry_run(&request);
            return Ok(Output::DryRun(DryRunOutput {
                dry_run: true,
                request,
                not_checked,
            }));
        }

        if home.region().is_none() {
            return Err(sdk::no_region(self.profile_problem.as_deref()));
        }
        let now = SystemTime::now();
        let budget = dms::budget(context.deadline, now);
        let start = async {
            if let Some(window) = recent_run_window {
                dms::refuse_recent_run(&self.client, &request, window, now).await?;
            }
            let named = |member: &str| request::named(member, &defaulted);
            dms::check_assessment_names(&self.client, &request, named).await?;
            dms::start_assessment_run(&self.client, &request).await
        };
        let started = dms::within(budget, start)
            .await
            .map_err(|error| sdk::with_profile_problem(error, self.profile_problem.as_deref()))?;
        let output = RunOutput::new(started, &request);
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
        Ok(Output::Run(output))
    }
}
