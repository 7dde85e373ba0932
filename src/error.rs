//! The one error type of the function, with the stable names that Step Functions matches on.

use lambda_runtime::Diagnostic;

/// Everything an invocation can fail with. Each variant maps to one `errorType`.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The payload is not something the function can act on; DMS was not called.
    #[error("{0}")]
    InvalidInput(String),
    /// An environment default is invalid; DMS was not called.
    #[error("{0}")]
    InvalidConfiguration(String),
    /// DMS answered with a fault; `code` is DMS's own wire name for it.
    #[error("{message}")]
    Dms { code: String, message: String },
    /// No usable answer from DMS: no connection, no answer in time, a 5xx, or an unreadable response.
    #[error("{0}")]
    DmsUnavailable(String),
    /// No credentials could be loaded, or DMS rejected them: retrying does not help.
    #[error("{0}")]
    NoUsableCredentials(String),
    /// Another run of the task is in progress or was created within the recent-run window; no run
    /// was started.
    #[error("{0}")]
    RecentRunExists(String),
}

impl Error {
    /// The stable `errorType` a state machine matches in `ErrorEquals`.
    pub fn error_type(&self) -> &str {
        match self {
            Error::InvalidInput(_) => "InvalidInput",
            Error::InvalidConfiguration(_) => "InvalidConfiguration",
            Error::Dms { code, .. } => code,
            Error::DmsUnavailable(_) => "DmsUnavailable",
            Error::NoUsableCredentials(_) => "NoUsableCredentials",
            Error::RecentRunExists(_) => "RecentRunExists",
        }
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }

    /// Logs an invocation that failed with this error, `what` saying what did not happen. An
    /// `InvalidInput` message may quote the payload, which is logged only at debug level.
    pub(crate) fn log(&self, what: &str) {
        let error_type = self.error_type();
        if let Error::InvalidInput(_) = self {
            tracing::warn!(error_type, outcome = "error", "{what}");
            tracing::debug!(error = %self, "invalid input");
        } else {
            tracing::warn!(error_type, error = %self, outcome = "error", "{what}");
        }
    }
}

/// The Lambda runtime logs every handler error with `{:?}` at ERROR level. An `InvalidInput` message
/// quotes the payload, which is logged only at debug level, so its `Debug` leaves the message out.
impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::InvalidInput(_) => {
                f.write_str("InvalidInput(the payload is not valid; see the error message)")
            }
            other => write!(f, "{}({})", other.error_type(), other),
        }
    }
}

/// The most characters an `errorMessage` carries. DMS and SDK messages have no documented bound,
/// and Step Functions keeps at most 32,768 characters of a failure's cause.
pub const MAX_ERROR_MESSAGE_CHARS: usize = 4096;

/// `text` whole when it has at most `max` characters; else cut on a character boundary so that,
/// with the ellipsis and the full length that end it (`… (5000 characters)`), it has at most `max`
/// (for a `max` longer than that ending).
pub fn bounded(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.chars().nth(max).is_none() {
        return text.into();
    }
    let total = text.chars().count();
    let tail = format!("\u{2026} ({total} characters)");
    let keep = max.saturating_sub(tail.chars().count());
    let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    format!("{}{tail}", &text[..end]).into()
}

impl From<Error> for Diagnostic {
    fn from(error: Error) -> Diagnostic {
        Diagnostic {
            error_type: error.error_type().to_owned(),
            error_message: bounded(&error.to_string(), MAX_ERROR_MESSAGE_CHARS).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_leaves_the_payload_out_of_invalid_input() {
        let debug = format!(
            "{:?}",
            Error::InvalidInput("unknown member `secret-value`".into())
        );
        assert!(!debug.contains("secret-value"), "{debug}");
        let debug = format!(
            "{:?}",
            Error::Dms {
                code: "KMSFault".into(),
                message: "key disabled".into()
            }
        );
        assert_eq!(debug, "KMSFault(key disabled)");
    }

    #[test]
    fn diagnostic_carries_the_stable_name_and_the_message() {
        let cases = [
            (Error::InvalidInput("bad".into()), "InvalidInput"),
            (
                Error::InvalidConfiguration("bad".into()),
                "InvalidConfiguration",
            ),
            (Error::DmsUnavailable("bad".into()), "DmsUnavailable"),
            (
                Error::NoUsableCredentials("bad".into()),
                "NoUsableCredentials",
            ),
            (
                Error::Dms {
                    code: "KMSNotFoundFault".into(),
                    message: "bad".into(),
                },
                "KMSNotFoundFault",
            ),
        ];
        for (error, name) in cases {
            let diagnostic = Diagnostic::from(error);
            assert_eq!(diagnostic.error_type, name);
            assert_eq!(diagnostic.error_message, "bad");
        }
    }

    #[test]
    fn the_message_is_bounded_on_a_character_boundary_with_its_full_length() {
        let long = "é".repeat(5000);
        let diagnostic = Diagnostic::from(Error::Dms {
            code: "KMSFault".into(),
            message: long.clone(),
        });
        let message = diagnostic.error_message;
        assert_eq!(message.chars().count(), MAX_ERROR_MESSAGE_CHARS);
        assert!(message.ends_with("\u{2026} (5000 characters)"), "{message}");
        assert!(long.starts_with(message.trim_end_matches("\u{2026} (5000 characters)")));
        let exact = "x".repeat(MAX_ERROR_MESSAGE_CHARS);
        assert_eq!(bounded(&exact, MAX_ERROR_MESSAGE_CHARS), exact.as_str());
        let over = "x".repeat(MAX_ERROR_MESSAGE_CHARS + 1);
        assert_eq!(
            bounded(&over, MAX_ERROR_MESSAGE_CHARS).chars().count(),
            MAX_ERROR_MESSAGE_CHARS
        );
    }
}
