//! Starts AWS DMS premigration assessment runs from Step Functions tasks and EventBridge events.
//!
//! The modules follow an invocation: [`payload`] (what arrives), [`config`] (defaults from the
//! environment), [`request`] (what is sent, after defaults and validation, named by [`naming`]),
//! [`dms`] (the calls, through the client of [`http`]), [`output`] (what is returned) and [`error`]
//! (the names Step Functions sees); [`logging`] sets up the logs.

pub mod config;
pub mod dms;
pub mod error;
pub mod handler;
pub mod http;
pub mod logging;
pub mod naming;
pub mod output;
pub mod payload;
pub mod request;
pub mod validate;

pub use config::Defaults;
pub use error::Error;
pub use handler::App;
