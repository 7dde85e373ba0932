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

use tokio::process::Command;

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
