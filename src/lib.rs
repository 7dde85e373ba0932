//! Starts AWS DMS premigration assessment runs from Step Functions tasks and EventBridge events,
//! and gives the verdict on a run once it has ended: the core of the three ways in, in `src/bin/` —
//! the start function (`start.rs`), the verdict function (`verdict.rs`) and the command line
//! (`dms-assessment/`).
//!
//! The modules follow an invocation of the start function: [`payload`] (what arrives), [`config`]
//! (defaults from the environment), [`request`] (what is sent, after defaults and validation, named
//! by [`naming`]), [`dms`] (the calls, through the client of [`http`]), [`output`] (what is
//! returned) and [`error`] (the names Step Functions sees); [`home`] keeps the calls where the
//! function runs. [`verdict`] is the verdict function's, on the same [`dms`] and [`error`], with
//! [`reasons`] reading why from the run's result files. [`sdk`]
//! loads the SDK's configuration and [`logging`] sets up the logs, for all three.

pub mod config;
pub mod dms;
pub mod error;
pub mod handler;
pub mod home;
pub mod http;
pub mod logging;
pub mod naming;
pub mod output;
pub mod payload;
pub mod reasons;
pub mod request;
pub mod sdk;
pub mod serverless;
pub mod validate;
pub mod verdict;

pub use config::Defaults;

/// The task ARN of the unit tests.
#[cfg(test)]
pub(crate) const TEST_TASK: &str = "arn:aws:dms:us-east-1:123456789012:task:ABCDEF123";
pub use error::Error;
pub use handler::App;
