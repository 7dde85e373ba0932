//! Log set-up, following Lambda's advanced logging controls: `AWS_LAMBDA_LOG_LEVEL` and
//! `AWS_LAMBDA_LOG_FORMAT`, with `RUST_LOG` for local runs.
//!
//! Why not lambda_runtime's default subscriber: its filter (`EnvFilter`) carries a regular-expression
//! engine, ~170 KB of code that is mapped at every cold start for span-field matching the function
//! never uses, and it reads Lambda's `FATAL` as `INFO`. `Targets` filters by level and target, which is
//! all the function's logs need. The line format is the same: no timestamp (Lambda adds one), no
//! target, JSON when asked.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// What the environment asks of the logs.
#[derive(Debug)]
pub struct Settings {
    pub filter: Targets,
    pub json: bool,
    /// A setting that could not be read, to be logged once logging is up.
    pub problem: Option<String>,
}

impl Settings {
    /// The level is `AWS_LAMBDA_LOG_LEVEL`'s (Lambda's names, `FATAL` being `ERROR`) when it is set;
    /// otherwise `RUST_LOG`'s directives (`level` or `target=level`, comma-separated; those that do
    /// not parse are skipped); otherwise `INFO`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let json = lookup("AWS_LAMBDA_LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json"));
        let mut problem = None;
        let filter = match lookup("AWS_LAMBDA_LOG_LEVEL") {
            Some(value) => Targets::new().with_default(level(&value).unwrap_or_else(|| {
                problem = Some(format!(
                    "AWS_LAMBDA_LOG_LEVEL {value:?} is not a log level (TRACE, DEBUG, INFO, WARN, ERROR, FATAL); logging at INFO"
                ));
                LevelFilter::INFO
            })),
            None => directives(&lookup("RUST_LOG").unwrap_or_default())
                .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO)),
        };
        Settings {
            filter,
            json,
            problem,
        }
    }
}

/// Installs the global subscriber, writing to `writer`, as the environment asks.
pub fn init<W>(writer: W)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let settings = Settings::from_lookup(|name| std::env::var(name).ok());
    let layer = tracing_subscriber::fmt::layer()
        .with_target(false)
        .without_time()
        .with_writer(writer);
    let registry = tracing_subscriber::registry().with(settings.filter);
    if settings.json {
        registry.with(layer.json()).init();
    } else {
        registry.with(layer).init();
    }
    if let Some(problem) = settings.problem {
        tracing::warn!("{problem}");
    }
}

fn level(name: &str) -> Option<LevelFilter> {
    let name = name.trim();
    if name.eq_ignore_ascii_case("fatal") {
        return Some(LevelFilter::ERROR);
    }
    // LevelFilter reads "" as ERROR; an empty setting is no setting.
    (!name.is_empty()).then(|| name.parse().ok()).flatten()
}

/// The directives of `RUST_LOG` that parse, or `None` when none does.
fn directives(value: &str) -> Option<Targets> {
    let valid: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty() && d.parse::<Targets>().is_ok())
        .collect();
    if valid.is_empty() {
        return None;
    }
    valid.join(",").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    fn settings(vars: &[(&str, &str)]) -> Settings {
        Settings::from_lookup(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    /// The most verbose level that `target` logs at, `None` when it logs nothing.
    fn threshold(settings: &Settings, target: &str) -> Option<Level> {
        [
            Level::TRACE,
            Level::DEBUG,
            Level::INFO,
            Level::WARN,
            Level::ERROR,
        ]
        .into_iter()
        .find(|level| settings.filter.would_enable(target, level))
    }

    #[test]
    fn info_and_text_when_nothing_is_set() {
        let s = settings(&[]);
        assert_eq!(threshold(&s, "dms_assessment_run"), Some(Level::INFO));
        assert!(!s.json);
        assert_eq!(s.problem, None);
    }

    #[test]
    fn lambdas_level_names_including_fatal() {
        for (name, expected) in [
            ("TRACE", Some(Level::TRACE)),
            ("DEBUG", Some(Level::DEBUG)),
            ("INFO", Some(Level::INFO)),
            ("WARN", Some(Level::WARN)),
            ("ERROR", Some(Level::ERROR)),
            ("FATAL", Some(Level::ERROR)),
            ("warn", Some(Level::WARN)),
            ("OFF", None),
        ] {
            let s = settings(&[("AWS_LAMBDA_LOG_LEVEL", name)]);
            assert_eq!(threshold(&s, "any"), expected, "{name}");
            assert_eq!(s.problem, None, "{name}");
        }
    }

    #[test]
    fn lambdas_level_wins_over_rust_log() {
        let s = settings(&[("AWS_LAMBDA_LOG_LEVEL", "WARN"), ("RUST_LOG", "trace")]);
        assert_eq!(threshold(&s, "aws_smithy_runtime"), Some(Level::WARN));
    }

    #[test]
    fn a_level_that_is_not_one_logs_at_info_and_says_so() {
        for value in ["LOUD", ""] {
            let s = settings(&[("AWS_LAMBDA_LOG_LEVEL", value)]);
            assert_eq!(threshold(&s, "any"), Some(Level::INFO));
            let problem = s.problem.expect("a problem to log");
            assert!(problem.contains("AWS_LAMBDA_LOG_LEVEL"), "{problem}");
            assert!(problem.contains(&format!("{value:?}")), "{problem}");
        }
    }

    #[test]
    fn rust_log_directives_by_target() {
        let s = settings(&[("RUST_LOG", "warn, dms_assessment_run=debug")]);
        assert_eq!(threshold(&s, "dms_assessment_run::dms"), Some(Level::DEBUG));
        assert_eq!(threshold(&s, "aws_smithy_runtime"), Some(Level::WARN));
    }

    #[test]
    fn rust_log_directives_that_do_not_parse_are_skipped() {
        let s = settings(&[("RUST_LOG", "aws_config=lolwut,debug")]);
        assert_eq!(threshold(&s, "aws_config"), Some(Level::DEBUG));
        let s = settings(&[("RUST_LOG", "a=b=c,,")]);
        assert_eq!(threshold(&s, "any"), Some(Level::INFO));
    }

    #[test]
    fn json_when_lambda_asks_for_it() {
        assert!(settings(&[("AWS_LAMBDA_LOG_FORMAT", "JSON")]).json);
        assert!(settings(&[("AWS_LAMBDA_LOG_FORMAT", "json")]).json);
        assert!(!settings(&[("AWS_LAMBDA_LOG_FORMAT", "Text")]).json);
    }
}
