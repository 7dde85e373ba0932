//! The function's binary, for the tests that start it as Lambda would.
//!
//! By default the binary cargo built for the tests, run directly. Two variables run another build:
//!
//! - `FUNCTION_BINARY`: the binary to start (a path relative to the crate's root, or absolute),
//!   such as the arm64 `bootstrap` of `cargo lambda build --release --arm64`;
//! - `FUNCTION_RUNNER`: a command to start it with, split on whitespace, such as
//!   `qemu-aarch64 -L /usr/aarch64-linux-gnu` (`-L` rather than `QEMU_LD_PREFIX`, which a test
//!   that clears the environment would drop).
//!
//! `scripts/test` runs `tests/runtime_api.rs` a second time with both set.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};

use super::runtime_api::RuntimeApi;
use super::{BUCKET, ROLE};

/// The credentials the function is started with; no log line may carry them.
pub const SECRET_ACCESS_KEY: &str = "e2e-secret-access-key-never-logged";
pub const SESSION_TOKEN: &str = "e2e-session-token-never-logged";

/// The binary to start: `FUNCTION_BINARY`, else the one cargo built for the tests.
pub fn function_binary() -> PathBuf {
    match std::env::var_os("FUNCTION_BINARY").filter(|v| !v.is_empty()) {
        Some(binary) => Path::new(env!("CARGO_MANIFEST_DIR")).join(binary),
        None => PathBuf::from(env!("CARGO_BIN_EXE_dms-assessment-run")),
    }
}

/// The runner's words (`FUNCTION_RUNNER`); empty when the binary runs directly.
pub fn function_runner() -> Vec<String> {
    std::env::var("FUNCTION_RUNNER")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Whether the binary runs under a runner (an emulator), where it is slower and the process
/// measured is the runner's.
pub fn under_runner() -> bool {
    !function_runner().is_empty()
}

/// A command that starts the function's binary, under the runner if one is set. Its environment,
/// arguments and pipes are the caller's to set, as with [`Command::new`].
pub fn function_command() -> Command {
    let binary = function_binary();
    // Fail here, not after a minute of waiting for answers from a process that never started.
    assert!(
        binary.is_file(),
        "the function binary {} does not exist (FUNCTION_BINARY)",
        binary.display()
    );
    match function_runner().split_first() {
        Some((runner, args)) => {
            let mut command = Command::new(runner);
            command.args(args).arg(binary);
            command
        }
        None => Command::new(binary),
    }
}

/// The function's process, started as Lambda starts it, and what it has printed so far.
pub struct Function {
    pub process: Child,
    logs: tokio::task::JoinHandle<String>,
}

impl Function {
    /// Starts the function against `runtime` and the DMS at `dms`, logging in JSON at `log_level`,
    /// with `extra` variables set and those in `without` left out.
    pub fn start(
        runtime: &RuntimeApi,
        dms: &str,
        log_level: &str,
        extra: &[(&str, &str)],
        without: &[&str],
    ) -> Function {
        let mut command = function_command();
        lambda_environment(&mut command, "dms-assessment-run", runtime, dms, log_level)
            .env("SERVICE_ACCESS_ROLE_ARN", ROLE)
            .env("RESULT_LOCATION_BUCKET", BUCKET)
            .env("RESULT_LOCATION_FOLDER", "")
            .envs(extra.iter().copied());
        for name in without {
            command.env_remove(name);
        }
        Function::spawn(command)
    }

    /// Starts `command`, its logs read as they come: a full pipe would block the function.
    pub fn spawn(mut command: Command) -> Function {
        let mut process = command
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the function binary starts");
        let mut stdout = process.stdout.take().expect("piped stdout");
        let logs = tokio::spawn(async move {
            let mut logs = Vec::new();
            stdout.read_to_end(&mut logs).await.ok();
            String::from_utf8(logs).expect("the logs are UTF-8")
        });
        Function { process, logs }
    }

    /// Stops the function and returns what it printed.
    pub async fn stop(mut self) -> String {
        self.process.kill().await.ok();
        self.logs.await.expect("the logs were read")
    }
}

/// Gives `command` only the environment Lambda gives function `name` on `provided.al2023`, with
/// `runtime` as its Runtime API, the DMS (and S3) at `dms`, and JSON logs at `log_level`.
pub fn lambda_environment<'c>(
    command: &'c mut Command,
    name: &str,
    runtime: &RuntimeApi,
    dms: &str,
    log_level: &str,
) -> &'c mut Command {
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address())
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
        .env("AWS_LAMBDA_LOG_LEVEL", log_level)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "AKIDE2ETEST")
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE", dms)
        // The verdict function's reads of result files stay on the loopback too (a test may
        // point them at a local S3 instead).
        .env("AWS_ENDPOINT_URL_S3", dms)
}
