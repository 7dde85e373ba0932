//! Log set-up, following Lambda's advanced logging controls (`AWS_LAMBDA_LOG_LEVEL`,
//! `AWS_LAMBDA_LOG_FORMAT`), with `RUST_LOG` for local runs. JSON lines are written here in Lambda's
//! own shape, which neither lambda_runtime's subscriber nor tracing-subscriber's JSON format writes
//! (docs/logs.md, docs/aws-facts.md); text lines are tracing-subscriber's.

use std::fmt;
use std::io::Write;
use std::time::SystemTime;

use aws_sdk_databasemigration::primitives::{DateTime, DateTimeFormat};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

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
            None => directives(&lookup("RUST_LOG").unwrap_or_default()),
        };
        // The SDK's own warnings when a Region or credentials cannot be loaded print Rust `Debug`
        // structures; the function's error says the same in a sentence. They show from DEBUG, or
        // when RUST_LOG names `aws_config`.
        let named = lookup("RUST_LOG").is_some_and(|d| d.contains("aws_config"));
        let filter = if named || filter.default_level() >= Some(LevelFilter::DEBUG) {
            filter
        } else {
            filter.with_target("aws_config", LevelFilter::ERROR)
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
    let problem = settings.problem.clone();
    tracing::dispatcher::set_global_default(dispatch(settings, writer))
        .expect("the log subscriber is installed once");
    if let Some(problem) = problem {
        tracing::warn!("{problem}");
    }
}

/// The subscriber `settings` ask for, writing to `writer`.
fn dispatch<W>(settings: Settings, writer: W) -> tracing::Dispatch
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let registry = tracing_subscriber::registry();
    if settings.json {
        let filter = settings.filter;
        tracing::Dispatch::new(registry.with(JsonLines { filter, writer }))
    } else {
        let layer = tracing_subscriber::fmt::layer()
            .with_target(false)
            .without_time()
            .with_writer(writer);
        tracing::Dispatch::new(registry.with(settings.filter).with(layer))
    }
}

/// The name lambda_runtime gives the span of an invocation.
const INVOCATION_SPAN: &str = "Lambda runtime invoke";

/// The fields of that span that every line logged inside it carries.
const INVOCATION_FIELDS: [&str; 3] = ["requestId", "xrayTraceId", "tenantId"];

/// One JSON object per line, in the shape of Lambda's own JSON application logs: `timestamp`,
/// `level`, `message`, then `requestId`, `xrayTraceId` and `tenantId` inside an invocation, then
/// the event's own fields, all at the top level.
struct JsonLines<W> {
    filter: Targets,
    writer: W,
}

/// The invocation span's fields as JSON object members (`,"requestId":"…"`), kept with the span.
struct InvocationMembers(String);

impl<S, W> Layer<S> for JsonLines<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + 'static,
{
    /// The filter's, except that the invocation span is always kept: lambda_runtime opens it at
    /// `INFO`, and the lines logged inside it at `WARN` or `ERROR` need its `requestId`.
    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        (metadata.is_span() && metadata.name() == INVOCATION_SPAN)
            || self
                .filter
                .would_enable(metadata.target(), metadata.level())
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        let max = Layer::<S>::max_level_hint(&self.filter)?;
        Some(if max == LevelFilter::OFF {
            max
        } else {
            max.max(LevelFilter::INFO)
        })
    }

    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id).filter(|span| span.name() == INVOCATION_SPAN) {
            let mut fields = Fields::default();
            attributes.record(&mut fields);
            span.extensions_mut()
                .insert(InvocationMembers(fields.invocation));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let span = ctx
            .event_scope(event)
            .and_then(|mut scope| scope.find(|span| span.name() == INVOCATION_SPAN));
        let extensions = span.as_ref().map(|span| span.extensions());
        let invocation = extensions
            .as_ref()
            .and_then(|e| e.get::<InvocationMembers>())
            .map_or("", |members| &members.0);
        let line = format!(
            "{{\"timestamp\":\"{}\",\"level\":\"{}\",\"message\":{}{}{}}}\n",
            timestamp(SystemTime::now()),
            event.metadata().level().as_str(),
            json(&fields.message),
            invocation,
            fields.rest
        );
        // A line that cannot be written is lost, as with tracing-subscriber's own layers.
        let _ = self.writer.make_writer().write_all(line.as_bytes());
    }
}

/// An event's or a span's fields: the message, the other fields as JSON object members (`rest`),
/// and the invocation fields as members again, unrenamed, for a span (`invocation`).
#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
    invocation: String,
}

impl Fields {
    fn value(&mut self, field: &Field, value: impl serde::Serialize + fmt::Display) {
        let name = field.name();
        if name == "message" {
            self.message = value.to_string();
        } else if INVOCATION_FIELDS.contains(&name) {
            self.invocation += &member(name, &value);
            // A field named like one of the line's own keys is renamed.
            self.rest += &member(&format!("field_{name}"), value);
        } else if ["timestamp", "level"].contains(&name) {
            self.rest += &member(&format!("field_{name}"), value);
        } else {
            self.rest += &member(name, value);
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.value(field, value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.value(field, format!("{value:?}"));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.value(field, value);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.value(field, value);
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.value(field, value);
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // JSON has no NaN or infinity: those are written as strings.
        if value.is_finite() {
            self.value(field, value);
        } else {
            self.value(field, value.to_string());
        }
    }
}

/// `,"name":value`, a member of a JSON object.
fn member(name: &str, value: impl serde::Serialize) -> String {
    format!(",{}:{}", json(name), json(value))
}

fn json(value: impl serde::Serialize) -> String {
    // Serialising a string, a number or a boolean cannot fail.
    serde_json::to_string(&value).unwrap_or_default()
}

/// `time` in RFC 3339, UTC, to the millisecond: `2026-11-27T04:08:34.123Z` (the SDK's calendar,
/// which writes no fraction for whole seconds).
fn timestamp(time: SystemTime) -> String {
    let time = DateTime::from(time);
    let whole = DateTime::from_secs(time.secs()).fmt(DateTimeFormat::DateTime);
    let whole = whole.unwrap_or_default();
    format!(
        "{}.{:03}Z",
        whole.trim_end_matches('Z'),
        time.subsec_nanos() / 1_000_000
    )
}

fn level(name: &str) -> Option<LevelFilter> {
    let name = name.trim();
    if name.eq_ignore_ascii_case("fatal") {
        return Some(LevelFilter::ERROR);
    }
    // LevelFilter reads "" as ERROR; an empty setting is no setting.
    (!name.is_empty()).then(|| name.parse().ok()).flatten()
}

/// The directives of `RUST_LOG` that parse, or `INFO` when none does.
fn directives(value: &str) -> Targets {
    let valid: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty() && d.parse::<Targets>().is_ok())
        .collect();
    match valid.join(",").parse() {
        Ok(targets) if !valid.is_empty() => targets,
        _ => Targets::new().with_default(LevelFilter::INFO),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
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
    fn the_sdks_config_warnings_show_only_from_debug_or_when_named() {
        for vars in [
            &[][..],
            &[("AWS_LAMBDA_LOG_LEVEL", "WARN")][..],
            &[("RUST_LOG", "info")][..],
        ] {
            let s = settings(vars);
            assert_eq!(
                threshold(&s, "aws_config::imds::region"),
                Some(Level::ERROR),
                "{vars:?}"
            );
            assert_ne!(
                threshold(&s, "dms_assessment_run"),
                Some(Level::ERROR),
                "{vars:?}"
            );
        }
        let debug = settings(&[("AWS_LAMBDA_LOG_LEVEL", "DEBUG")]);
        assert_eq!(
            threshold(&debug, "aws_config::meta::credentials::chain"),
            Some(Level::DEBUG)
        );
        let named = settings(&[("RUST_LOG", "info,aws_config=warn")]);
        assert_eq!(
            threshold(&named, "aws_config::imds::region"),
            Some(Level::WARN)
        );
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

    /// What a subscriber for `vars` writes while `log` runs, line by line.
    fn logged(vars: &[(&str, &str)], log: impl FnOnce()) -> Vec<String> {
        let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let dispatch = dispatch(settings(vars), move || Sink(sink.clone()));
        tracing::dispatcher::with_default(&dispatch, log);
        let bytes = buffer.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn json_lines(level: &str, log: impl FnOnce()) -> Vec<serde_json::Map<String, Value>> {
        logged(
            &[
                ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
                ("AWS_LAMBDA_LOG_LEVEL", level),
            ],
            log,
        )
        .iter()
        .map(|line| match serde_json::from_str(line) {
            Ok(Value::Object(object)) => object,
            other => panic!("not a JSON object: {line} ({other:?})"),
        })
        .collect()
    }

    use serde_json::{json, Value};

    /// A line's timestamp: the formatter's output (its exact form is tested below) for a time
    /// within a minute of now.
    fn is_current_timestamp(text: &str) -> bool {
        use aws_sdk_databasemigration::primitives::{DateTime, DateTimeFormat};
        let now = DateTime::from(SystemTime::now()).secs();
        text.len() == 24
            && DateTime::from_str(text, DateTimeFormat::DateTime)
                .is_ok_and(|time| (now - time.secs()).abs() < 60)
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        let at = |millis: u64| SystemTime::UNIX_EPOCH + Duration::from_millis(millis);
        for (time, expected) in [
            (at(0), "1970-01-01T00:00:00.000Z"),
            (at(1_764_175_200_123), "2025-11-26T16:40:00.123Z"),
            (at(1_795_752_514_007), "2026-11-27T04:08:34.007Z"),
            (at(951_782_400_000), "2000-02-29T00:00:00.000Z"),
            (at(4_107_542_399_999), "2100-02-28T23:59:59.999Z"),
            (at(4_107_542_400_000), "2100-03-01T00:00:00.000Z"),
            (at(253_402_300_799_999), "9999-12-31T23:59:59.999Z"),
            // Below the millisecond is cut, never rounded up into the next second.
            (
                SystemTime::UNIX_EPOCH + Duration::new(1_764_175_200, 999_999_999),
                "2025-11-26T16:40:00.999Z",
            ),
            (
                SystemTime::UNIX_EPOCH - Duration::from_secs(1),
                "1969-12-31T23:59:59.000Z",
            ),
        ] {
            assert_eq!(timestamp(time), expected);
        }
    }

    #[test]
    fn json_lines_have_lambdas_keys_and_level_names() {
        let lines = json_lines("TRACE", || {
            tracing::trace!("t");
            tracing::debug!("d");
            tracing::info!("i");
            tracing::warn!("w");
            tracing::error!("e");
        });
        let levels: Vec<&Value> = lines.iter().map(|l| &l["level"]).collect();
        assert_eq!(levels, ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"]);
        for line in &lines {
            let keys: Vec<&str> = line.keys().map(String::as_str).collect();
            assert_eq!(keys, ["timestamp", "level", "message"], "{line:?}");
            assert!(is_current_timestamp(line["timestamp"].as_str().unwrap()));
        }
        assert_eq!(lines[3]["message"], "w");
    }

    #[test]
    fn json_lines_respect_the_level() {
        let lines = json_lines("WARN", || {
            tracing::debug!("d");
            tracing::info!("i");
            tracing::warn!("w");
            tracing::error!("e");
        });
        let levels: Vec<&Value> = lines.iter().map(|l| &l["level"]).collect();
        assert_eq!(levels, ["WARN", "ERROR"]);
        let lines = json_lines("FATAL", || {
            tracing::warn!("w");
            tracing::error!("e");
        });
        let levels: Vec<&Value> = lines.iter().map(|l| &l["level"]).collect();
        assert_eq!(levels, ["ERROR"]);
    }

    #[derive(Debug)]
    #[allow(dead_code)] // read through Debug
    struct Origin {
        source: &'static str,
    }

    #[test]
    fn an_events_fields_are_at_the_top_level_with_their_json_types() {
        let error = std::io::Error::other("broken \"pipe\"");
        let lines = json_lines("INFO", || {
            tracing::info!(
                task_arn = "arn:aws:dms:us-east-1:123456789012:task:T",
                attempts = 3u64,
                offset = -2i64,
                ratio = 0.5,
                infinite = f64::INFINITY,
                already_existed = false,
                origin = ?Origin { source: "x" },
                error = %error,
                "assessment run {}", "started"
            );
        });
        assert_eq!(lines.len(), 1);
        assert_eq!(
            Value::Object(lines[0].clone()),
            json!({
                "timestamp": lines[0]["timestamp"],
                "level": "INFO",
                "message": "assessment run started",
                "task_arn": "arn:aws:dms:us-east-1:123456789012:task:T",
                "attempts": 3,
                "offset": -2,
                "ratio": 0.5,
                "infinite": "inf",
                "already_existed": false,
                "origin": "Origin { source: \"x\" }",
                "error": "broken \"pipe\"",
            })
        );
        let keys: Vec<&str> = lines[0].keys().map(String::as_str).collect();
        assert_eq!(&keys[..3], ["timestamp", "level", "message"]);
    }

    #[test]
    fn text_is_escaped_and_each_line_is_one_line() {
        let nasty = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} é 🦀 \u{2028}";
        let raw = logged(
            &[
                ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
                ("AWS_LAMBDA_LOG_LEVEL", "INFO"),
            ],
            || tracing::warn!(payload = nasty, "{nasty}"),
        );
        assert_eq!(raw.len(), 1, "{raw:?}");
        let line: Value = serde_json::from_str(&raw[0]).unwrap();
        assert_eq!(line["message"], nasty);
        assert_eq!(line["payload"], nasty);
    }

    #[test]
    fn a_line_without_a_message_still_has_one() {
        let lines = json_lines("INFO", || tracing::info!(outcome = "started"));
        assert_eq!(lines[0]["message"], "");
        assert_eq!(lines[0]["outcome"], "started");
    }

    #[test]
    fn fields_named_like_lambdas_keys_do_not_replace_them() {
        let lines = json_lines("INFO", || {
            let span = tracing::info_span!(INVOCATION_SPAN, requestId = "req-1");
            let _entered = span.enter();
            tracing::info!(
                timestamp = 1,
                level = "loud",
                requestId = "forged",
                "real message"
            );
        });
        let line = &lines[0];
        assert!(is_current_timestamp(line["timestamp"].as_str().unwrap()));
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["requestId"], "req-1");
        assert_eq!(line["message"], "real message");
        assert_eq!(line["field_timestamp"], 1);
        assert_eq!(line["field_level"], "loud");
        assert_eq!(line["field_requestId"], "forged");
    }

    #[test]
    fn lines_inside_lambda_runtimes_own_span_carry_its_ids_and_the_tenant() {
        let mut context = lambda_runtime::Context::default();
        context.request_id = "req-7".into();
        context.xray_trace_id = Some("Root=1-00000000-000000000000000000000007".into());
        context.tenant_id = Some("blue".into());
        let lines = json_lines("WARN", || {
            let span = lambda_runtime::layers::trace::request_span(&context);
            let _entered = span.enter();
            tracing::warn!(outcome = "error", "assessment run not started");
        });
        let keys: Vec<&str> = lines[0].keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "timestamp",
                "level",
                "message",
                "requestId",
                "xrayTraceId",
                "tenantId",
                "outcome"
            ]
        );
        assert_eq!(lines[0]["requestId"], "req-7");
        assert_eq!(lines[0]["tenantId"], "blue");
    }

    #[test]
    fn lines_inside_an_invocation_carry_its_request_and_trace_ids_at_every_level() {
        for level in ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] {
            let lines = json_lines(level, || {
                tracing::error!("before");
                let span = tracing::info_span!(
                    INVOCATION_SPAN,
                    requestId = "req-42",
                    xrayTraceId = "Root=1-00000000-000000000000000000000000"
                );
                let _entered = span.enter();
                // A span of the SDK's inside it adds nothing to the line.
                let inner = tracing::error_span!("try_attempt", attempt = 1);
                let _inner = inner.enter();
                tracing::error!(
                    error_type = "ResourceNotFoundFault",
                    "assessment run not started"
                );
            });
            assert_eq!(lines.len(), 2, "{level}: {lines:?}");
            assert!(!lines[0].contains_key("requestId"), "{level}");
            let line = &lines[1];
            let keys: Vec<&str> = line.keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                [
                    "timestamp",
                    "level",
                    "message",
                    "requestId",
                    "xrayTraceId",
                    "error_type"
                ],
                "{level}"
            );
            assert_eq!(line["requestId"], "req-42");
            assert_eq!(
                line["xrayTraceId"],
                "Root=1-00000000-000000000000000000000000"
            );
        }
    }

    #[test]
    fn without_a_trace_id_there_is_no_trace_id_key() {
        let lines = json_lines("INFO", || {
            let span = tracing::info_span!(INVOCATION_SPAN, requestId = "req-1");
            let _entered = span.enter();
            tracing::info!("inside");
        });
        assert_eq!(lines[0]["requestId"], "req-1");
        assert!(!lines[0].contains_key("xrayTraceId"));
        assert!(!lines[0].contains_key("spans") && !lines[0].contains_key("span"));
    }

    #[test]
    fn text_lines_are_tracing_subscribers_as_before() {
        let lines = logged(&[("AWS_LAMBDA_LOG_LEVEL", "INFO")], || {
            let span = tracing::info_span!(INVOCATION_SPAN, requestId = "req-1");
            let _entered = span.enter();
            tracing::warn!(outcome = "error", "assessment run not started");
        });
        assert_eq!(
            lines,
            [" WARN Lambda runtime invoke{requestId=\"req-1\"}: assessment run not started outcome=\"error\""]
        );
        // At WARN the invocation span is not kept in text, as before.
        let lines = logged(&[("AWS_LAMBDA_LOG_LEVEL", "WARN")], || {
            let span = tracing::info_span!(INVOCATION_SPAN, requestId = "req-1");
            let _entered = span.enter();
            tracing::warn!("w");
        });
        assert_eq!(lines, [" WARN w"]);
    }
}
