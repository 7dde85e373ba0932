//! What the command line takes: its subcommands and flags (clap), and the function's payload built
//! from them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{json, Map, Value};

/// The heading of the options every subcommand takes.
const GLOBAL: &str = "Global options";

/// The exit codes, stable for a pipeline to branch on.
pub const EXIT_CODES: &str = "\
Exit codes:
  0    passed (with warnings, unless --warnings-block); start, list-assessments: done; wait: the run
       ended by itself
  1    not passed: Failed, Errored, NothingAssessed, or warnings with --warnings-block
  2    the input: a flag, a file or a payload that is not valid (InvalidInput); a flag clap refuses
       is said on stderr alone, even with --output json
  3    timed out or cancelled: the run did not end in --timeout (cancelled or not), or was cancelled
       or deleted
  4    AWS or the configuration: credentials, the Region, a DMS fault, DMS unreachable
  130  interrupted (Ctrl-C) while waiting: the run is left as it is";

/// The premigration gate of AWS DMS on the command line: starts an assessment run of a task or a
/// DMS Serverless replication config, waits for it, and gives its verdict, with an exit code and a
/// JUnit report for a CI pipeline. Runs the same code as the start and verdict functions.
///
/// Credentials and the Region come from the AWS SDK's standard chain (environment variables,
/// AWS_PROFILE, web identity, container or instance credentials).
#[derive(Debug, Parser)]
#[command(name = "dms-assessment", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// Read NAME=value lines (blank lines and # comments skipped) into the environment first: the
    /// functions' defaults (SERVICE_ACCESS_ROLE_ARN, RESULT_LOCATION_BUCKET, ...) and AWS_REGION. A
    /// variable already set wins.
    #[arg(long, global = true, value_name = "FILE", help_heading = GLOBAL)]
    pub env: Option<PathBuf>,
    /// How to print the result on stdout: text for people, or json, the functions' own JSON (an error
    /// as {"errorType", "errorMessage"}).
    #[arg(long, global = true, value_enum, default_value_t = Format::Text, help_heading = GLOBAL)]
    pub output: Format,
    /// No progress on stderr while waiting.
    #[arg(long, short, global = true, help_heading = GLOBAL)]
    pub quiet: bool,
    /// The functions' logs on stderr (their level from AWS_LAMBDA_LOG_LEVEL, as in Lambda).
    #[arg(long, short, global = true, help_heading = GLOBAL)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start an assessment run (or find the one a retry already started); with --dry-run, print the
    /// request it would send and call nothing.
    #[command(after_help = EXIT_CODES)]
    Start(StartArgs),
    /// Wait for a run to end, with its progress on stderr; cancel a task's run that has not ended in
    /// --timeout, unless --no-cancel.
    #[command(after_help = EXIT_CODES)]
    Wait {
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// The verdict on a run: Passed, PassedWithWarnings, Failed, Errored, NothingAssessed, Cancelled
    /// or TimedOut, the assessments that did not pass and DMS's reasons.
    #[command(after_help = EXIT_CODES)]
    Verdict {
        #[command(flatten)]
        run: RunArgs,
        /// Judge the run as one that was waited for in vain: the verdict is TimedOut.
        #[arg(long)]
        timed_out: bool,
        #[command(flatten)]
        judge: JudgeArgs,
    },
    /// Start a run, wait for it and give its verdict: the gate in one command. With --dry-run, print
    /// the request it would send and call nothing.
    #[command(after_help = EXIT_CODES)]
    Gate {
        #[command(flatten)]
        start: StartArgs,
        #[command(flatten)]
        wait: WaitArgs,
        #[command(flatten)]
        judge: JudgeArgs,
    },
    /// List the individual assessments DMS allows for a task or a replication config: the names
    /// --include-only and --exclude take.
    #[command(after_help = EXIT_CODES)]
    ListAssessments {
        /// The task's ARN, or the DMS Serverless replication config's.
        #[arg(value_name = "ARN")]
        arn: String,
    },
}

/// The start function's payload, as flags or as a file; each flag is the payload member named in
/// brackets (docs/function.md), and wins over the file's.
#[derive(Debug, Clone, Default, Args)]
pub struct StartArgs {
    /// The function's event, as JSON: a payload or an EventBridge event ("-" reads stdin).
    #[arg(long, value_name = "FILE")]
    pub event: Option<PathBuf>,
    /// The task to assess [ReplicationTaskArn].
    #[arg(long, value_name = "ARN")]
    pub task_arn: Option<String>,
    /// The DMS Serverless replication config to assess, in place of a task [ReplicationConfigArn].
    #[arg(long, value_name = "ARN")]
    pub replication_config_arn: Option<String>,
    /// How DMS starts the replication once a serverless assessment ends [StartReplicationType].
    #[arg(long, value_name = "TYPE")]
    pub start_replication_type: Option<String>,
    /// Whether a failed serverless assessment keeps DMS from starting the replication
    /// [FailOnAssessmentFailure].
    #[arg(long, value_name = "BOOL")]
    pub fail_on_assessment_failure: Option<bool>,
    /// The role DMS assumes to write the results [ServiceAccessRoleArn].
    #[arg(long, value_name = "ARN")]
    pub service_access_role_arn: Option<String>,
    /// The bucket of the results [ResultLocationBucket].
    #[arg(long, value_name = "BUCKET")]
    pub bucket: Option<String>,
    /// The folder of the results; each run gets a folder of its own in it [ResultLocationFolder].
    #[arg(long, value_name = "FOLDER")]
    pub folder: Option<String>,
    /// SSE_S3 or SSE_KMS [ResultEncryptionMode].
    #[arg(long, value_name = "MODE")]
    pub encryption_mode: Option<String>,
    /// The KMS key of SSE_KMS [ResultKmsKeyArn].
    #[arg(long, value_name = "ARN")]
    pub kms_key_arn: Option<String>,
    /// The run's name; by default one derived from the task and the idempotency key
    /// [AssessmentRunName].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Run only these individual assessments; repeat or separate with commas [IncludeOnly].
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub include_only: Vec<String>,
    /// Skip these individual assessments; repeat or separate with commas [Exclude].
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// A tag of the run, KEY=VALUE; repeat for more [Tags].
    #[arg(long, value_name = "KEY=VALUE")]
    pub tag: Vec<String>,
    /// The same key gives the same run: a retry finds the run it started [IdempotencyKey].
    #[arg(long, value_name = "KEY")]
    pub idempotency_key: Option<String>,
    /// Refuse to start while another run of the task is in progress or began this many seconds ago
    /// [RecentRunWindowSeconds].
    #[arg(long, value_name = "SECONDS")]
    pub recent_run_window_seconds: Option<u32>,
    /// Print the request that would be sent, and call nothing [DryRun].
    #[arg(long)]
    pub dry_run: bool,
}

/// The run to wait for or to judge.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// The assessment run's ARN (ReplicationTaskAssessmentRunArn; for a DMS Serverless run, its
    /// PremigrationAssessmentRunArn).
    #[arg(value_name = "RUN_ARN", required_unless_present = "event")]
    pub run_arn: Option<String>,
    /// The DMS Serverless replication config of a serverless run.
    #[arg(long, value_name = "ARN", conflicts_with = "event")]
    pub replication_config_arn: Option<String>,
    /// The verdict function's input, as JSON, in place of RUN_ARN ("-" reads stdin).
    #[arg(long, value_name = "FILE", conflicts_with = "run_arn")]
    pub event: Option<PathBuf>,
}

impl RunArgs {
    /// The verdict function's input: the file's, or one naming RUN_ARN.
    pub fn event(&self, timed_out: bool) -> Result<Vec<u8>, String> {
        match &self.event {
            Some(path) => {
                let bytes = read(path)?;
                if !timed_out {
                    return Ok(bytes);
                }
                match serde_json::from_slice::<Value>(&bytes) {
                    Ok(Value::Object(mut input)) => {
                        input.insert("TimedOut".to_owned(), json!(true));
                        Ok(Value::Object(input).to_string().into_bytes())
                    }
                    _ => Err(format!(
                        "{} is not a JSON object, so --timed-out cannot be added to it",
                        path.display()
                    )),
                }
            }
            None => Ok(json!({
                "ReplicationTaskAssessmentRunArn": self.run_arn,
                "ReplicationConfigArn": self.replication_config_arn,
                "TimedOut": timed_out,
            })
            .to_string()
            .into_bytes()),
        }
    }
}

/// A file's bytes, or stdin's for "-".
fn read(path: &Path) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| format!("stdin: {e}"))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// How long to wait, and how often to ask.
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// How long to wait for the run to end ("90m", "2h", "3600s").
    #[arg(long, value_name = "DURATION", default_value = "2h", value_parser = duration)]
    pub timeout: Duration,
    /// How often to ask DMS for the run's status.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    pub interval: Duration,
    /// Leave a run that has not ended in --timeout running, rather than cancel it. A DMS Serverless
    /// run is never cancelled: DMS documents no cancel of one.
    #[arg(long)]
    pub no_cancel: bool,
}

/// How to judge, and where to report.
#[derive(Debug, Clone, Args)]
pub struct JudgeArgs {
    /// Warnings do not pass: PassedWithWarnings exits 1.
    #[arg(long)]
    pub warnings_block: bool,
    /// Write a JUnit XML report to FILE: one test case per individual assessment, with DMS's reason.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

/// A duration as people write one ("30s", "2h 30m"), or a number of seconds; at least a second.
fn duration(text: &str) -> Result<Duration, String> {
    let parsed = match text.trim().parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => humantime::parse_duration(text).map_err(|e| e.to_string())?,
    };
    if parsed < Duration::from_secs(1) {
        return Err("it must be at least 1 second".to_owned());
    }
    Ok(parsed)
}

impl StartArgs {
    /// The members the flags give, as the payload names them.
    fn members(&self) -> Result<Map<String, Value>, String> {
        let mut members = Map::new();
        let mut put = |name: &str, value: Value| {
            members.insert(name.to_owned(), value);
        };
        let strings = [
            ("ReplicationTaskArn", &self.task_arn),
            ("ReplicationConfigArn", &self.replication_config_arn),
            ("StartReplicationType", &self.start_replication_type),
            ("ServiceAccessRoleArn", &self.service_access_role_arn),
            ("ResultLocationBucket", &self.bucket),
            ("ResultLocationFolder", &self.folder),
            ("ResultEncryptionMode", &self.encryption_mode),
            ("ResultKmsKeyArn", &self.kms_key_arn),
            ("AssessmentRunName", &self.name),
            ("IdempotencyKey", &self.idempotency_key),
        ];
        for (name, value) in strings {
            if let Some(value) = value {
                put(name, json!(value));
            }
        }
        if !self.include_only.is_empty() {
            put("IncludeOnly", json!(self.include_only));
        }
        if !self.exclude.is_empty() {
            put("Exclude", json!(self.exclude));
        }
        if !self.tag.is_empty() {
            let tags = self
                .tag
                .iter()
                .map(|tag| match tag.split_once('=') {
                    Some((key, value)) => Ok(json!({"Key": key, "Value": value})),
                    None => Err(format!("--tag {tag:?} is not KEY=VALUE")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            put("Tags", Value::Array(tags));
        }
        if let Some(seconds) = self.recent_run_window_seconds {
            put("RecentRunWindowSeconds", json!(seconds));
        }
        if let Some(fail) = self.fail_on_assessment_failure {
            put("FailOnAssessmentFailure", json!(fail));
        }
        if self.dry_run {
            put("DryRun", json!(true));
        }
        Ok(members)
    }

    /// The function's event: the file's (or stdin's) JSON with the flags' members over it. A file
    /// alone is passed as it is, so that the function answers it as it would in Lambda.
    pub fn event(&self) -> Result<Vec<u8>, String> {
        let members = self.members()?;
        let Some(path) = &self.event else {
            return Ok(Value::Object(members).to_string().into_bytes());
        };
        let shown = path.display();
        let bytes = read(path)?;
        if members.is_empty() {
            return Ok(bytes);
        }
        // --dry-run is also kept by the defaults (main.rs), so that an EventBridge event, which has
        // no payload members, takes it too.
        let only_dry_run = members.len() == 1 && members.contains_key("DryRun");
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(mut payload)) if !payload.contains_key("detail-type") => {
                payload.extend(members);
                Ok(Value::Object(payload).to_string().into_bytes())
            }
            _ if only_dry_run => Ok(bytes),
            Ok(Value::Object(_)) => Err(format!(
                "{shown} is an EventBridge event: the payload's flags cannot be added to it; give \
                 the event alone, or the flags without it"
            )),
            _ => Err(format!(
                "{shown} is not a JSON object, so the payload's flags cannot be added to it"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_become_the_payload_members_they_name() {
        let cli = Cli::try_parse_from([
            "dms-assessment",
            "start",
            "--task-arn",
            "arn:aws:dms:us-east-1:123456789012:task:T",
            "--include-only",
            "a,b",
            "--include-only",
            "c",
            "--tag",
            "team=db=ops",
            "--recent-run-window-seconds",
            "600",
            "--dry-run",
        ])
        .unwrap();
        let Command::Start(start) = cli.command else {
            panic!("start")
        };
        let event: Value = serde_json::from_slice(&start.event().unwrap()).unwrap();
        assert_eq!(
            event,
            json!({
                "ReplicationTaskArn": "arn:aws:dms:us-east-1:123456789012:task:T",
                "IncludeOnly": ["a", "b", "c"],
                "Tags": [{"Key": "team", "Value": "db=ops"}],
                "RecentRunWindowSeconds": 600,
                "DryRun": true
            })
        );
    }

    #[test]
    fn a_tag_without_a_value_is_refused_by_name() {
        let start = StartArgs {
            tag: vec!["team".to_owned()],
            ..StartArgs::default()
        };
        assert_eq!(
            start.event().unwrap_err(),
            "--tag \"team\" is not KEY=VALUE"
        );
    }

    #[test]
    fn durations_are_read_as_people_write_them() {
        assert_eq!(duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(duration("2h 30m").unwrap(), Duration::from_secs(9000));
        assert_eq!(duration("45s").unwrap(), Duration::from_secs(45));
        assert!(duration("0").unwrap_err().contains("at least 1 second"));
        assert!(duration("soon").is_err());
    }
}
