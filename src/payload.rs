//! What arrives: a direct payload, a custom EventBridge event carrying one, or a native DMS task event.

use std::collections::HashMap;
use std::fmt;

use aws_lambda_events::eventbridge::EventBridgeEvent;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::Error;
use crate::validate;

/// The `detail-type` of the native DMS events the function accepts.
pub const DMS_TASK_STATE_CHANGE: &str = "DMS Replication Task State Change";

/// A tag as given in the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// Tag key.
    pub key: String,
    /// Tag value; DMS allows a tag without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The members of a payload as given: `None` when absent or `null`, otherwise the value unchecked.
/// Each is accepted in its API spelling (PascalCase) or in camelCase; serde refuses any other
/// member, and a member given twice in either spelling.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Payload {
    #[serde(alias = "replicationTaskArn")]
    pub replication_task_arn: Option<String>,
    #[serde(alias = "serviceAccessRoleArn")]
    pub service_access_role_arn: Option<String>,
    #[serde(alias = "resultLocationBucket")]
    pub result_location_bucket: Option<String>,
    #[serde(alias = "resultLocationFolder")]
    pub result_location_folder: Option<String>,
    #[serde(alias = "resultEncryptionMode")]
    pub result_encryption_mode: Option<String>,
    #[serde(alias = "resultKmsKeyArn")]
    pub result_kms_key_arn: Option<String>,
    #[serde(alias = "assessmentRunName")]
    pub assessment_run_name: Option<String>,
    #[serde(alias = "includeOnly")]
    pub include_only: Option<Vec<String>>,
    #[serde(alias = "exclude")]
    pub exclude: Option<Vec<String>>,
    #[serde(alias = "tags")]
    pub tags: Option<Vec<Tag>>,
    #[serde(alias = "idempotencyKey")]
    pub idempotency_key: Option<String>,
    #[serde(alias = "dryRun")]
    pub dry_run: Option<bool>,
    #[serde(alias = "recentRunWindowSeconds")]
    pub recent_run_window_seconds: Option<u32>,
    /// A DMS Serverless replication config, in place of `ReplicationTaskArn` (src/serverless.rs).
    #[serde(alias = "replicationConfigArn")]
    pub replication_config_arn: Option<String>,
    /// How DMS starts the replication after the assessment; required with `ReplicationConfigArn`.
    #[serde(alias = "startReplicationType")]
    pub start_replication_type: Option<String>,
    /// Whether a failed assessment keeps DMS from starting the replication (DMS's default: true).
    #[serde(alias = "failOnAssessmentFailure")]
    pub fail_on_assessment_failure: Option<bool>,
}

/// A tag's members, as [`Tag`] reads them.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct TagMembers {
    #[serde(alias = "key")]
    key: String,
    #[serde(alias = "value")]
    value: Option<String>,
}

// What derive cannot express: a struct read from an object only. serde's derive also reads one from
// an array of its members in order (`["k", "v"]`), and a tag is an object.
impl<'de> Deserialize<'de> for Tag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Tag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a {\"Key\", \"Value\"} object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Tag, A::Error> {
                let TagMembers { key, value } =
                    Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Tag { key, value })
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// An EventBridge event, its `detail` kept as JSON text until the source says what it holds.
type Envelope = EventBridgeEvent<Option<Box<RawValue>>>;

/// The member of a DMS event's `detail` that the function reads.
#[derive(Deserialize)]
struct DmsDetail {
    #[serde(rename = "eventType")]
    event_type: Option<String>,
}

/// Where an invocation came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A direct invocation, e.g. a Step Functions `lambda:invoke` task.
    Direct,
    /// An EventBridge event from another source, whose `detail` is a payload.
    CustomEvent { source: String },
    /// A native `aws.dms` replication task state change.
    DmsTaskEvent { event_type: Option<String> },
}

/// A parsed invocation: the payload, where it came from and the EventBridge event id if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub payload: Payload,
    pub origin: Origin,
    pub event_id: Option<String>,
}

impl Invocation {
    /// How messages name the task: a DMS event's is its `resources[0]`.
    pub fn task_member(&self) -> &'static str {
        match self.origin {
            Origin::DmsTaskEvent { .. } => "the DMS event's resources[0]",
            _ => "ReplicationTaskArn",
        }
    }

    /// Whether the payload names a DMS Serverless replication config rather than a task.
    pub fn is_serverless(&self) -> bool {
        self.payload.replication_config_arn.is_some()
    }

    /// What makes a generated run name deterministic: the `IdempotencyKey`, else the event id.
    pub fn identity(&self) -> Option<&str> {
        self.payload
            .idempotency_key
            .as_deref()
            .or(self.event_id.as_deref())
    }
}

/// An invocation's payload as the runtime hands it over: its JSON text, or why it is not usable JSON.
///
/// Deserializing never fails, so that malformed input reaches the handler and is answered as
/// `InvalidInput`, instead of being rejected by the runtime under a Rust type name. The text is kept
/// as it came, not as a `serde_json::Value`, which would keep only the last of a member given twice.
#[derive(Debug, Clone)]
pub struct Event(Result<Box<RawValue>, String>);

impl Event {
    /// Reads bytes as the Lambda runtime does (one JSON value; trailing bytes are not read).
    pub fn from_slice(bytes: &[u8]) -> Event {
        let mut reader = serde_json::Deserializer::from_slice(bytes);
        Event::deserialize(&mut reader).unwrap_or_else(|e| Event(Err(json_problem(&e.to_string()))))
    }

    /// The JSON text, or `InvalidInput` saying why there is none.
    pub fn into_json(self) -> Result<Box<RawValue>, Error> {
        self.0
            .map_err(|why| Error::invalid_input(format!("the payload is not usable JSON: {why}")))
    }
}

impl From<Value> for Event {
    fn from(value: Value) -> Self {
        Event(serde_json::value::to_raw_value(&value).map_err(|e| e.to_string()))
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Event(
            Box::<RawValue>::deserialize(deserializer).map_err(|e| json_problem(&e.to_string())),
        ))
    }
}

/// Parses an invocation's JSON into an [`Invocation`], checking its shape and types; its values are
/// checked by [`crate::request`].
pub fn parse(json: &RawValue) -> Result<Invocation, Error> {
    let json = json.get();
    if !json.starts_with('{') {
        return Err(not_an_object(json, "the payload"));
    }
    let members: HashMap<String, IgnoredAny> = read(json, "")?;
    if ["detail-type", "detail", "source"]
        .iter()
        .any(|m| members.contains_key(*m))
    {
        parse_event(json)
    } else {
        Ok(Invocation {
            payload: read(json, "")?,
            origin: Origin::Direct,
            event_id: None,
        })
    }
}

fn parse_event(json: &str) -> Result<Invocation, Error> {
    let event: Envelope = read(json, "").map_err(|why| {
        Error::invalid_input(format!(
            "the payload looks like an EventBridge event but is not one: {why}"
        ))
    })?;
    let event_id = event.id.filter(|id| !id.is_empty());
    let detail = event.detail.as_deref().map_or("null", RawValue::get);

    if event.source != "aws.dms" {
        if !detail.starts_with('{') {
            return Err(not_an_object(detail, "the EventBridge event's detail"));
        }
        return Ok(Invocation {
            payload: read(detail, "detail.")?,
            origin: Origin::CustomEvent {
                source: event.source,
            },
            event_id,
        });
    }

    if event.detail_type != DMS_TASK_STATE_CHANGE {
        return Err(Error::invalid_input(format!(
            "DMS events of detail-type {} are not supported; the supported DMS event type is `{DMS_TASK_STATE_CHANGE}`",
            validate::quoted(&event.detail_type)
        )));
    }
    let task_arn = event
        .resources
        .and_then(|r| r.into_iter().next())
        .ok_or_else(|| Error::invalid_input("the DMS event has no task ARN in resources[0]"))?;
    // Only logged: a detail the function cannot read is no reason to refuse the event.
    let event_type = serde_json::from_str::<DmsDetail>(detail)
        .ok()
        .and_then(|d| d.event_type);
    Ok(Invocation {
        payload: Payload {
            replication_task_arn: Some(task_arn),
            ..Payload::default()
        },
        origin: Origin::DmsTaskEvent { event_type },
        event_id,
    })
}

/// Reads `T` from `json`; `at` prefixes member names in messages (`detail.` inside an event).
pub(crate) fn read<T: DeserializeOwned>(json: &str, at: &str) -> Result<T, Error> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(json))
        .map_err(|e| Error::invalid_input(explain(&e, at)))
}

/// serde's error in the function's words: the member named by its path (`detail.Tags[0].Key`), the
/// type wanted in plain words and what was given, short however large the input. No serde or Rust
/// vocabulary reaches the caller.
fn explain(error: &serde_path_to_error::Error<serde_json::Error>, at: &str) -> String {
    let inner = error.inner();
    if !inner.is_data() {
        return format!(
            "the payload is not usable JSON: {}",
            json_problem(&inner.to_string())
        );
    }
    let why = inner.to_string();
    // The path says more than serde_json's position.
    let position = format!(" at line {} column {}", inner.line(), inner.column());
    let why = why.strip_suffix(&position).unwrap_or(&why);
    let path = match error.path().to_string() {
        root if root == "." => at.trim_end_matches('.').to_owned(),
        path => format!("{at}{path}"),
    };
    // A member refused by its name is reported by serde at the object that holds it.
    let member = |name: &str| {
        let name = name.trim_matches('`');
        validate::quoted(&if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        })
    };
    if let Some(rest) = why.strip_prefix("unknown field ") {
        let (given, accepted) = rest
            .rsplit_once(", expected one of ")
            .or_else(|| rest.rsplit_once(", there are no fields"))
            .unwrap_or((rest, ""));
        let accepted: Vec<&str> = accepted.split(", ").map(|a| a.trim_matches('`')).collect();
        unknown_member(&path, given.trim_matches('`'), &accepted)
    } else if let Some(name) = why.strip_prefix("duplicate field ") {
        format!(
            "the member {} is given more than once (its PascalCase and camelCase spellings name the same member)",
            member(name)
        )
    } else if let Some(name) = why.strip_prefix("missing field ") {
        format!("{} is required", member(name))
    } else if let Some((given, expected)) = why
        .strip_prefix("invalid type: ")
        .or_else(|| why.strip_prefix("invalid value: "))
        .and_then(|rest| rest.rsplit_once(", expected "))
    {
        format!(
            "{} must be {}, not {}",
            validate::quoted(&path),
            wanted(error.path(), expected),
            given_value(given)
        )
    } else {
        format!("{}: {why}", validate::quoted(&path))
    }
}

/// An unknown member's message: the closest accepted member when one is near, else the accepted
/// members in their API spelling (their camelCase spellings are accepted too).
fn unknown_member(path: &str, given: &str, accepted: &[&str]) -> String {
    let unknown = format!("unknown member {}", validate::quoted(path));
    let lower = given.to_lowercase();
    // Member names are short: a long name is near none of them, and is not compared (a megabyte
    // name would cost seconds).
    let closest = accepted
        .iter()
        .filter(|name| given.len() <= name.len() + 8)
        .map(|name| (strsim::levenshtein(&lower, &name.to_lowercase()), *name))
        .min();
    // Near: a typo or two, whatever the case (`includeonly`, `IncludeOnlly`, `Tag`).
    match closest {
        Some((distance, name)) if distance <= 2.max(name.len() / 5) => {
            // In the spelling the caller used: camelCase for camelCase.
            let same_case = accepted
                .iter()
                .find(|a| a.eq_ignore_ascii_case(name) && a[..1] == given[..given.len().min(1)])
                .unwrap_or(&name);
            format!("{unknown}; did you mean `{same_case}`?")
        }
        _ => {
            let canonical: Vec<String> = accepted
                .iter()
                .filter(|a| a.starts_with(|c: char| c.is_ascii_uppercase()))
                .map(|a| format!("`{a}`"))
                .collect();
            format!(
                "{unknown}; the accepted members are {} (each also in camelCase)",
                canonical.join(", ")
            )
        }
    }
}

/// The type a member wants, in plain words: by the member for those with a range or a shape,
/// else by serde's name for the type.
fn wanted(path: &serde_path_to_error::Path, expected: &str) -> String {
    use serde_path_to_error::Segment;
    let mut segments = path.iter().rev();
    let (member, element) = match segments.next() {
        Some(Segment::Seq { .. }) => (segments.next(), true),
        last => (last, false),
    };
    let member = match member {
        Some(Segment::Map { key }) => key.to_ascii_lowercase(),
        _ => String::new(),
    };
    let plain = match (member.as_str(), element) {
        ("recentrunwindowseconds", false) => "a whole number of seconds from 0 to 86,400",
        ("includeonly" | "exclude", false) => "a list of assessment names, such as [\"name-1\"]",
        ("includeonly" | "exclude", true) => "an assessment name in quotes",
        ("tags", false) => "a list of {\"Key\", \"Value\"} objects",
        _ => match expected {
            "a boolean" => "true or false",
            "a string" => "a string",
            "a sequence" => "a list",
            "a map" => "an object",
            number if number.starts_with(['u', 'i']) => "a whole number",
            other => return other.to_owned(),
        },
    };
    plain.to_owned()
}

/// What was given, from serde's description of it: its JSON type, and a short value when it is a
/// scalar (`a string (`900`)`, `-1`, `1.5`).
fn given_value(unexpected: &str) -> String {
    let value = |rest: &str| rest.trim_matches('`').to_owned();
    if let Some(text) = unexpected.strip_prefix("string ") {
        let text = serde_json::from_str::<String>(text).unwrap_or_else(|_| text.to_owned());
        format!("a string ({})", validate::quoted(&text))
    } else if let Some(n) = unexpected
        .strip_prefix("integer ")
        .or_else(|| unexpected.strip_prefix("floating point "))
    {
        format!("the number {}", value(n))
    } else if let Some(b) = unexpected.strip_prefix("boolean ") {
        value(b)
    } else {
        match unexpected {
            "sequence" => "a list".to_owned(),
            "map" => "an object".to_owned(),
            "null" | "unit value" => "null".to_owned(),
            other => other.to_owned(),
        }
    }
}

/// Why a text is not JSON, in plain words, from serde_json's message (`<what> at line L column C`,
/// whose words name its grammar: "expected value", "EOF while parsing a string", …).
fn json_problem(serde_message: &str) -> String {
    let (what, at) = match serde_message.rsplit_once(" at line ") {
        Some((what, at)) => (
            what,
            format!(" (line {})", at.replacen(" column ", ", column ", 1)),
        ),
        None => (serde_message, String::new()),
    };
    if what.starts_with("EOF while parsing") {
        format!("it ends before the JSON value is complete{at}")
    } else if what.starts_with("recursion limit") {
        format!("it is nested more than 128 levels deep{at}")
    } else if what.contains("UTF-8") || what.contains("unicode") {
        format!("it has invalid UTF-8 or an invalid escape{at}")
    } else {
        format!("it has a syntax error{at}")
    }
}

/// `InvalidInput` for a JSON text that is not an object, saying what it is. It is read in full for
/// that, so that nesting past serde_json's limit is reported as such.
pub(crate) fn not_an_object(json: &str, what: &str) -> Error {
    match serde_json::from_str::<Value>(json) {
        Ok(value) => Error::invalid_input(format!(
            "{what} must be a JSON object, not {}",
            kind(&value)
        )),
        Err(e) => Error::invalid_input(format!(
            "{what} is not usable JSON: {}",
            json_problem(&e.to_string())
        )),
    }
}

/// What kind of JSON value `value` is, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::TEST_TASK as TASK;

    fn parse_text(text: &str) -> Result<Invocation, Error> {
        parse(&Event::from_slice(text.as_bytes()).into_json()?)
    }

    fn parse_value(event: Value) -> Result<Invocation, Error> {
        parse(&Event::from(event).into_json().unwrap())
    }

    fn invalid_text(text: &str) -> String {
        match parse_text(text) {
            Err(Error::InvalidInput(message)) => message,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    fn invalid(event: Value) -> String {
        invalid_text(&event.to_string())
    }

    #[test]
    fn pascal_and_camel_case_members_are_read() {
        let pascal =
            parse_value(json!({"ReplicationTaskArn": TASK, "IncludeOnly": ["a"], "DryRun": true}))
                .unwrap();
        let camel =
            parse_value(json!({"replicationTaskArn": TASK, "includeOnly": ["a"], "dryRun": true}))
                .unwrap();
        assert_eq!(pascal, camel);
        assert_eq!(pascal.payload.replication_task_arn.as_deref(), Some(TASK));
        assert_eq!(pascal.payload.include_only, Some(vec!["a".to_owned()]));
        assert_eq!(pascal.payload.dry_run, Some(true));
        assert_eq!(pascal.origin, Origin::Direct);
    }

    #[test]
    fn an_unknown_member_names_the_closest_accepted_one() {
        for (given, meant) in [
            ("IncludeOnlly", "IncludeOnly"),
            ("includeonly", "includeOnly"),
            ("includeOnlly", "includeOnly"),
            ("Tag", "Tags"),
            ("ReplicationTaskARN", "ReplicationTaskArn"),
            ("DryRUn", "DryRun"),
        ] {
            let message = invalid(json!({"ReplicationTaskArn": TASK, given: ["a"]}));
            assert_eq!(
                message,
                format!("unknown member `{given}`; did you mean `{meant}`?")
            );
        }
    }

    #[test]
    fn an_unknown_member_far_from_any_lists_the_accepted_ones_shortly() {
        let message = invalid(json!({"ReplicationTaskArn": TASK, "Colour": "blue"}));
        assert!(
            message.starts_with("unknown member `Colour`; the accepted members are ")
                && message.ends_with(" (each also in camelCase)"),
            "{message}"
        );
        for member in [
            "ReplicationTaskArn",
            "ServiceAccessRoleArn",
            "ResultLocationBucket",
            "ResultLocationFolder",
            "ResultEncryptionMode",
            "ResultKmsKeyArn",
            "AssessmentRunName",
            "IncludeOnly",
            "Exclude",
            "Tags",
            "IdempotencyKey",
            "DryRun",
            "RecentRunWindowSeconds",
        ] {
            assert!(message.contains(&format!("`{member}`")), "{message}");
        }
        let camel = message.matches("`replicationTaskArn`").count();
        assert_eq!(camel, 0, "only the API spelling is listed: {message}");
        let message = invalid(json!({"ReplicationTaskArn": TASK, "x".repeat(10_000): 1}));
        assert!(message.len() < 600, "{message}");
    }

    #[test]
    fn a_member_given_twice_in_either_spelling_is_refused() {
        for text in [
            format!(r#"{{"ReplicationTaskArn": "{TASK}", "ReplicationTaskArn": "{TASK}"}}"#),
            format!(r#"{{"ReplicationTaskArn": "{TASK}", "replicationTaskArn": "{TASK}"}}"#),
        ] {
            let message = invalid_text(&text);
            assert_eq!(
                message, "the member `ReplicationTaskArn` is given more than once (its PascalCase and camelCase spellings name the same member)",
                "{text}"
            );
        }
        let message = invalid_text(r#"{"Tags": [{"Key": "a", "key": "b"}]}"#);
        assert!(
            message.starts_with("the member `Tags[0].Key` is given more than once"),
            "{message}"
        );
        let message = invalid_text(
            r#"{"source": "s", "detail-type": "d", "detail": {"DryRun": true, "DryRun": false}}"#,
        );
        assert!(
            message.starts_with("the member `detail.DryRun` is given more than once"),
            "{message}"
        );
    }

    #[test]
    fn only_objects_are_payloads() {
        for (event, kind) in [
            ("[]", "an array"),
            ("\"x\"", "a string"),
            ("1", "a number"),
            ("null", "null"),
        ] {
            let message = invalid_text(event);
            assert_eq!(
                message,
                format!("the payload must be a JSON object, not {kind}")
            );
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let message = invalid_text(&deep);
        assert!(
            message.starts_with(
                "the payload is not usable JSON: it is nested more than 128 levels deep"
            ),
            "{message}"
        );
    }

    #[test]
    fn every_member_of_a_wrong_type_is_a_sentence_in_plain_words() {
        // Each member, the plain words for the type it wants, and values of every other JSON type.
        let string = "a string";
        let members = [
            ("ReplicationTaskArn", string),
            ("ServiceAccessRoleArn", string),
            ("ResultLocationBucket", string),
            ("ResultLocationFolder", string),
            ("ResultEncryptionMode", string),
            ("ResultKmsKeyArn", string),
            ("AssessmentRunName", string),
            (
                "IncludeOnly",
                "a list of assessment names, such as [\"name-1\"]",
            ),
            (
                "Exclude",
                "a list of assessment names, such as [\"name-1\"]",
            ),
            ("Tags", "a list of {\"Key\", \"Value\"} objects"),
            ("IdempotencyKey", string),
            ("DryRun", "true or false"),
            (
                "RecentRunWindowSeconds",
                "a whole number of seconds from 0 to 86,400",
            ),
        ];
        let values = [
            (json!("900"), "a string (`900`)"),
            (json!("a,b"), "a string (`a,b`)"),
            (json!(-1), "the number -1"),
            (json!(1.5), "the number 1.5"),
            (json!(4_294_967_296_u64), "the number 4294967296"),
            (json!(true), "true"),
            (json!(["a"]), "a list"),
            (json!({"a": 1}), "an object"),
        ];
        for (member, wanted) in members {
            let camel = format!("{}{}", member[..1].to_lowercase(), &member[1..]);
            for name in [member, camel.as_str()] {
                for (value, given) in &values {
                    if wanted.starts_with("a list") && value.is_array() {
                        continue; // the member's own type: its items are checked below
                    }
                    let Err(Error::InvalidInput(message)) =
                        parse_value(json!({ name: value.clone() }))
                    else {
                        continue; // a value of the member's own type
                    };
                    assert_eq!(
                        message,
                        format!("`{name}` must be {wanted}, not {given}"),
                        "{name} = {value}"
                    );
                }
            }
        }
        // Inside lists and tags, and inside a custom event's detail.
        for (payload, expected) in [
            (
                json!({"IncludeOnly": [7]}),
                "`IncludeOnly[0]` must be an assessment name in quotes, not the number 7",
            ),
            (
                json!({"Tags": ["team"]}),
                "`Tags[0]` must be a {\"Key\", \"Value\"} object, not a string (`team`)",
            ),
            (
                json!({"Tags": [{"Key": "k", "Value": 1.5}]}),
                "`Tags[0].Value` must be a string, not the number 1.5",
            ),
            (
                json!({"source": "s", "detail-type": "d", "detail": {"DryRun": "yes"}}),
                "`detail.DryRun` must be true or false, not a string (`yes`)",
            ),
        ] {
            assert_eq!(invalid(payload), expected);
        }
    }

    #[test]
    fn a_member_of_the_wrong_type_is_named() {
        let cases = [
            (
                json!({"ReplicationTaskArn": 7}),
                "`ReplicationTaskArn` must be a string, not the number 7",
            ),
            (
                json!({"ReplicationTaskArn": "x".repeat(100_000), "DryRun": "y".repeat(100_000)}),
                "`DryRun` must be true or false, not a string (`yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy…` (100000 characters))",
            ),
            (
                json!({"IncludeOnly": "a"}),
                "`IncludeOnly` must be a list of assessment names, such as [\"name-1\"], not a string (`a`)",
            ),
            (
                json!({"Exclude": ["a", 1]}),
                "`Exclude[1]` must be an assessment name in quotes, not the number 1",
            ),
            (
                json!({"Tags": {"Key": "a"}}),
                "`Tags` must be a list of {\"Key\", \"Value\"} objects, not an object",
            ),
            (
                json!({"Tags": [["a", "b"]]}),
                "`Tags[0]` must be a {\"Key\", \"Value\"} object, not a list",
            ),
            (
                json!({"Tags": [{"Key": null}]}),
                "`Tags[0].Key` must be a string, not null",
            ),
            (json!({"Tags": [{"Value": "a"}]}), "`Tags[0].Key` is required"),
            (
                json!({"Tags": [{"Key": "a", "Colour": "b"}]}),
                "unknown member `Tags[0].Colour`; the accepted members are `Key`, `Value` (each also in camelCase)",
            ),
        ];
        for (event, expected) in cases {
            assert_eq!(invalid(event), expected);
        }
    }

    #[test]
    fn null_members_count_as_absent() {
        let invocation = parse_value(
            json!({"ReplicationTaskArn": TASK, "ResultLocationFolder": null, "Tags": null}),
        )
        .unwrap();
        assert_eq!(invocation.payload.result_location_folder, None);
        assert_eq!(invocation.payload.tags, None);
    }

    #[test]
    fn tags_keep_unicode_and_may_lack_a_value() {
        let invocation = parse_value(
            json!({"Tags": [{"Key": "équipe", "Value": "données"}, {"key": "solo", "value": null}]}),
        )
        .unwrap();
        assert_eq!(
            invocation.payload.tags.unwrap(),
            vec![
                Tag {
                    key: "équipe".into(),
                    value: Some("données".into())
                },
                Tag {
                    key: "solo".into(),
                    value: None
                }
            ]
        );
    }

    #[test]
    fn a_custom_event_carries_the_payload_in_detail_and_its_id_as_identity() {
        let event = json!({
            "version": "0", "id": "event-1", "detail-type": "Start assessment", "source": "com.example.migrations",
            "account": "123456789012", "time": "2026-11-26T10:00:00Z", "region": "us-east-1", "resources": [],
            "detail": {"ReplicationTaskArn": TASK}
        });
        let invocation = parse_value(event.clone()).unwrap();
        assert_eq!(
            invocation.origin,
            Origin::CustomEvent {
                source: "com.example.migrations".into()
            }
        );
        assert_eq!(
            invocation.payload.replication_task_arn.as_deref(),
            Some(TASK)
        );
        assert_eq!(invocation.identity(), Some("event-1"));

        let mut keyed = event;
        keyed["detail"]["IdempotencyKey"] = json!("key-1");
        assert_eq!(parse_value(keyed).unwrap().identity(), Some("key-1"));
    }

    #[test]
    fn a_custom_event_names_members_inside_detail() {
        let message = invalid(
            json!({"id": "1", "detail-type": "x", "source": "s", "detail": {"Bucket": "b"}}),
        );
        assert!(
            message.starts_with("unknown member `detail.Bucket`"),
            "{message}"
        );
        let message = invalid(
            json!({"id": "1", "detail-type": "x", "source": "s", "detail": {"Tags": [{"Key": 1}]}}),
        );
        assert_eq!(
            message,
            "`detail.Tags[0].Key` must be a string, not the number 1"
        );
        for (detail, kind) in [(json!("text"), "a string"), (Value::Null, "null")] {
            let message =
                invalid(json!({"id": "1", "detail-type": "x", "source": "s", "detail": detail}));
            assert_eq!(
                message,
                format!("the EventBridge event's detail must be a JSON object, not {kind}")
            );
        }
        let message = invalid(json!({"id": "1", "detail-type": "x", "source": "s"}));
        assert!(message.ends_with("not null"), "{message}");
    }

    #[test]
    fn an_incomplete_event_is_refused() {
        let message = invalid(json!({"source": "s", "detail": {}}));
        assert_eq!(
            message,
            "the payload looks like an EventBridge event but is not one: `detail-type` is required"
        );
        let message = invalid(json!({"source": "s", "detail-type": "d", "id": 1, "detail": {}}));
        assert!(
            message.ends_with("`id` must be a string, not the number 1"),
            "{message}"
        );
    }

    #[test]
    fn a_dms_task_event_gives_the_task_from_resources() {
        let invocation = parse_value(json!({
            "id": "e-2", "detail-type": DMS_TASK_STATE_CHANGE, "source": "aws.dms", "resources": [TASK],
            "detail": {"type": "REPLICATION_TASK", "category": "StateChange", "eventType": "REPLICATION_TASK_STOPPED"}
        }))
        .unwrap();
        assert_eq!(
            invocation.payload.replication_task_arn.as_deref(),
            Some(TASK)
        );
        assert_eq!(
            invocation.origin,
            Origin::DmsTaskEvent {
                event_type: Some("REPLICATION_TASK_STOPPED".into())
            }
        );
        assert_eq!(invocation.identity(), Some("e-2"));
    }

    #[test]
    fn other_dms_events_are_refused_naming_the_supported_type() {
        let message = invalid(json!({
            "id": "e", "detail-type": "DMS Replication Instance State Change", "source": "aws.dms",
            "resources": ["arn:aws:dms:us-east-1:123456789012:rep:ABC"], "detail": {}
        }));
        assert!(
            message.contains("DMS Replication Instance State Change")
                && message.contains(DMS_TASK_STATE_CHANGE),
            "{message}"
        );
        let message = invalid(
            json!({"id": "e", "detail-type": DMS_TASK_STATE_CHANGE, "source": "aws.dms", "resources": [], "detail": {}}),
        );
        assert!(message.contains("resources[0]"), "{message}");
    }

    #[test]
    fn malformed_json_is_not_usable() {
        for text in ["", "{", r#"{"a":1,}"#, "nul"] {
            let message = invalid_text(text);
            assert!(
                message.starts_with("the payload is not usable JSON: "),
                "{message}"
            );
        }
    }
}
