//! The Lambda handler: parse, resolve, call DMS (or not, in a dry run), answer.

use std::time::SystemTime;

use aws_sdk_databasemigration::Client;
use lambda_runtime::{Context, LambdaEvent};

use crate::config::Defaults;
use crate::dms;
use crate::dms::Subject;
use crate::error::Error;
use crate::home::{Home, Scope};
use crate::naming::NameSeed;
use crate::output::{AssessmentOutput, DryRunOutput, DryRunRequest, Output, RunOutput};
use crate::payload::{self, Event, Origin};
use crate::request::{self, Resolved};
use crate::sdk;
use crate::serverless;

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
        if invocation.is_serverless() {
            // Boxed: the two paths' futures nested in one are deeper than the compiler lays out.
            return Box::pin(self.start_serverless(&invocation, defaults, context)).await;
        }
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
            let names = (&request.include_only[..], &request.exclude[..]);
            let not_checked = home.not_checked_in_a_dry_run("task", names);
            return Ok(Output::DryRun(DryRunOutput {
                dry_run: true,
                request: DryRunRequest::Task(request),
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
            let names = (&request.include_only[..], &request.exclude[..]);
            let task = Subject::Task(&request.replication_task_arn);
            dms::check_assessment_names(&self.client, task, names, named).await?;
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

    /// A DMS Serverless replication config: the same checks, then `StartReplication` with the
    /// assessment (src/serverless.rs).
    async fn start_serverless(
        &self,
        invocation: &payload::Invocation,
        defaults: &Defaults,
        context: &Context,
    ) -> Result<Output, Error> {
        let request = serverless::resolve(invocation, defaults, NameSeed::unique_now())?;
        let region = self.client.config().region().map(|r| r.as_ref());
        let home = Home::of(&context.invoked_function_arn, region);
        let config = &request.replication_config_arn;
        home.check("ReplicationConfigArn", config, Scope::RegionAndAccount)?;
        if let Some(key) = &request.settings.result_kms_key_arn {
            home.check("ResultKmsKeyArn", key, Scope::Region)?;
        }
        let names = (
            &request.settings.include_only[..],
            &request.settings.exclude[..],
        );
        if request::dry_run(invocation, defaults) {
            tracing::info!(config_arn = %config, run_name = %request.run_name, outcome = "dry-run", "assessment run not started: dry run");
            let not_checked = home.not_checked_in_a_dry_run("replication config", names);
            return Ok(Output::DryRun(DryRunOutput {
                dry_run: true,
                request: DryRunRequest::Config(request),
                not_checked,
            }));
        }
        if home.region().is_none() {
            return Err(sdk::no_region(self.profile_problem.as_deref()));
        }
        let budget = dms::budget(context.deadline, SystemTime::now());
        let start = async {
            let subject = Subject::Config(config);
            let named = |member: &str| request::named(member, &request.defaulted);
            dms::check_assessment_names(&self.client, subject, names, named).await?;
            serverless::start(&self.client, &request).await
        };
        let started = dms::within(budget, start)
            .await
            .map_err(|error| sdk::with_profile_problem(error, self.profile_problem.as_deref()))?;
        let output = AssessmentOutput::new(started, &request);
        tracing::info!(
            config_arn = %output.replication_config_arn,
            run_name = %output.assessment_run_name,
            run_arn = %output.replication_task_assessment_run_arn,
            status = %output.status,
            already_existed = output.already_existed,
            outcome = if output.already_existed { "already-existed" } else { "started" },
            "assessment run started"
        );
        Ok(Output::Assessment(output))
    }
}
