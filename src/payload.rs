//! What arrives: a direct payload, a custom EventBridge event carrying one, or a native DMS task event.

use std::fmt;

use aws_lambda_events::eventbridge::EventBridgeEvent;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::validate;

/// The `detail-type` of the native DMS events the function accepts.
pub const DMS_TASK_STATE_CHANGE: &str = "DMS Replication Task State Change";

/// Members accepted in a payload, in their API spelling; each is accepted in camelCase too.
pub const MEMBERS: [&str; 12] = [
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
];

/// A tag as given in the payload.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// Tag key.
    pub key: String,
    /// Tag value; DMS allows a tag without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The members of a payload as given: `None` when absent or `null`, otherwise the value unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Payload {
    pub replication_task_arn: Option<String>,
    pub service_access_role_arn: Option<String>,
    pub result_location_bucket: Option<String>,
    pub result_location_folder: Option<String>,
    pub result_encryption_mode: Option<String>,
    pub result_kms_key_arn: Option<String>,
    pub assessment_run_name: Option<String>,
    pub include_only: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub tags: Option<Vec<Tag>>,
    pub idempotency_key: Option<String>,
    pub dry_run: Option<bool>,
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
    /// What makes a generated run name deterministic: the `IdempotencyKey`, else the event id.
    pub fn identity(&self) -> Option<&str> {
        self.payload
            .idempotency_key
            .as_deref()
            .or(self.event_id.as_deref())
    }
}

/// An invocation's payload as the runtime hands it over: JSON, or the reason it is not usable JSON.
///
/// Deserializing never fails, so that malformed input (bad syntax, nesting past serde_json's limit,
/// a member given twice) reaches the handler and is answered as `InvalidInput`, instead of being
/// rejected by the runtime under a Rust type name.
#[derive(Debug, Clone, PartialEq)]
pub struct Event(Result<Value, String>);

impl Event {
    /// Reads bytes as the Lambda runtime does (one JSON value; trailing bytes are not read).
    pub fn from_slice(bytes: &[u8]) -> Event {
        let mut reader = serde_json::Deserializer::from_slice(bytes);
        Event::deserialize(&mut reader).unwrap_or_else(|e| Event(Err(e.to_string())))
    }

    /// The JSON, or `InvalidInput` saying why there is none.
    pub fn into_json(self) -> Result<Value, Error> {
        self.0
            .map_err(|why| Error::invalid_input(format!("the payload is not usable JSON: {why}")))
    }
}

impl From<Value> for Event {
    fn from(value: Value) -> Self {
        Event(Ok(value))
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Event(
            Strict::deserialize(deserializer)
                .map(|strict| strict.0)
                .map_err(|e| e.to_string()),
        ))
    }
}

/// A JSON value in which no object names a member twice (serde_json would keep the last silently).
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.contains_key(&name) {
                return Err(de::Error::custom(format!(
                    "the member {} is given more than once",
                    validate::quoted(&name)
                )));
            }
            let Strict(value) = map.next_value()?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

/// Parses an invocation's JSON into an [`Invocation`], checking shape and types (not values).
pub fn parse(event: Value) -> Result<Invocation, Error> {
    let Value::Object(object) = event else {
        return Err(Error::invalid_input(format!(
            "the payload must be a JSON object, not {}",
            kind(&event)
        )));
    };
    if ["detail-type", "detail", "source"]
        .iter()
        .any(|k| object.contains_key(*k))
    {
        parse_event(object)
    } else {
        Ok(Invocation {
            payload: parse_payload(object, "")?,
            origin: Origin::Direct,
            event_id: None,
        })
    }
}

fn parse_event(object: Map<String, Value>) -> Result<Invocation, Error> {
    let event: EventBridgeEvent<Value> =
        serde_json::from_value(Value::Object(object)).map_err(|e| {
            Error::invalid_input(format!(
                "the payload looks like an EventBridge event but is not one: {e}"
            ))
        })?;
    let event_id = event.id.filter(|id| !id.is_empty());

    if event.source != "aws.dms" {
        let Value::Object(detail) = event.detail else {
            return Err(Error::invalid_input(format!(
                "the EventBridge event's detail must be a JSON object holding the payload, not {}",
                kind(&event.detail)
            )));
        };
        return Ok(Invocation {
            payload: parse_payload(detail, "detail.")?,
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
    validate::task_arn(&task_arn).map_err(|why| {
        Error::invalid_input(format!(
            "the DMS event's resources[0] {} {why}",
            validate::quoted(&task_arn)
        ))
    })?;
    let event_type = event
        .detail
        .get("eventType")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Invocation {
        payload: Payload {
            replication_task_arn: Some(task_arn),
            ..Payload::default()
        },
        origin: Origin::DmsTaskEvent { event_type },
        event_id,
    })
}

/// Parses a direct payload; `at` prefixes member names in messages (`detail.` inside an event).
fn parse_payload(object: Map<String, Value>, at: &str) -> Result<Payload, Error> {
    let mut payload = Payload::default();
    let mut seen: Vec<(&str, String)> = Vec::new();
    for (given, value) in object {
        let Some(member) = MEMBERS
            .iter()
            .copied()
            .find(|m| *m == given || camel(m) == given)
        else {
            return Err(Error::invalid_input(format!(
                "unknown member {}; accepted members are {} (or their camelCase spellings)",
                validate::quoted(&format!("{at}{given}")),
                MEMBERS.join(", ")
            )));
        };
        if let Some((_, first)) = seen.iter().find(|(m, _)| *m == member) {
            return Err(Error::invalid_input(format!(
                "`{at}{first}` and `{at}{given}` are the same member; give it once"
            )));
        }
        let name = format!("{at}{given}");
        seen.push((member, given));
        if value.is_null() {
            continue;
        }
        match member {
            "ReplicationTaskArn" => payload.replication_task_arn = Some(string(&name, value)?),
            "ServiceAccessRoleArn" => payload.service_access_role_arn = Some(string(&name, value)?),
            "ResultLocationBucket" => payload.result_location_bucket = Some(string(&name, value)?),
            "ResultLocationFolder" => payload.result_location_folder = Some(string(&name, value)?),
            "ResultEncryptionMode" => payload.result_encryption_mode = Some(string(&name, value)?),
            "ResultKmsKeyArn" => payload.result_kms_key_arn = Some(string(&name, value)?),
            "AssessmentRunName" => payload.assessment_run_name = Some(string(&name, value)?),
            "IncludeOnly" => payload.include_only = Some(strings(&name, value)?),
            "Exclude" => payload.exclude = Some(strings(&name, value)?),
            "Tags" => payload.tags = Some(tags(&name, value)?),
            "IdempotencyKey" => payload.idempotency_key = Some(string(&name, value)?),
            "DryRun" => {
                payload.dry_run = Some(
                    value
                        .as_bool()
                        .ok_or_else(|| wrong_type(&name, "a boolean", &value))?,
                )
            }
            _ => unreachable!("every accepted member is handled"),
        }
    }
    Ok(payload)
}

/// `ReplicationTaskArn` → `replicationTaskArn`.
fn camel(member: &str) -> String {
    let mut chars = member.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase())
        .into_iter()
        .chain(chars)
        .collect()
}

fn string(name: &str, value: Value) -> Result<String, Error> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(wrong_type(name, "a string", &other)),
    }
}

fn strings(name: &str, value: Value) -> Result<Vec<String>, Error> {
    let Value::Array(items) = value else {
        return Err(wrong_type(name, "an array of strings", &value));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) if !s.trim().is_empty() => Ok(s),
            Value::String(_) => Err(Error::invalid_input(format!(
                "`{name}[{i}]` is empty; give an assessment name"
            ))),
            other => Err(wrong_type(&format!("{name}[{i}]"), "a string", &other)),
        })
        .collect()
}

fn tags(name: &str, value: Value) -> Result<Vec<Tag>, Error> {
    let Value::Array(items) = value else {
        return Err(wrong_type(
            name,
            "an array of {\"Key\", \"Value\"} objects",
            &value,
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("{name}[{i}]");
            let Value::Object(members) = item else {
                return Err(wrong_type(&at, "a {\"Key\", \"Value\"} object", &item));
            };
            let (mut key, mut value) = (None, None);
            for (given, v) in members {
                match given.as_str() {
                    "Key" | "key" if key.is_none() => key = Some(string(&format!("{at}.{given}"), v)?),
                    "Value" | "value" if value.is_none() => {
                        value = (!v.is_null()).then(|| string(&format!("{at}.{given}"), v)).transpose()?
                    }
                    _ => {
                        return Err(Error::invalid_input(format!(
                            "`{at}` has an unexpected or repeated member {}; a tag has `Key` and `Value`",
                            validate::quoted(&given)
                        )))
                    }
                }
            }
            let key = key.ok_or_else(|| Error::invalid_input(format!("`{at}` has no `Key`")))?;
            validate::tag(&key, value.as_deref()).map_err(|why| Error::invalid_input(format!("`{at}` {why}")))?;
            Ok(Tag { key, value })
        })
        .collect()
}

fn wrong_type(name: &str, expected: &str, value: &Value) -> Error {
    Error::invalid_input(format!("`{name}` must be {expected}, not {}", kind(value)))
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

    const TASK: &str = "arn:aws:dms:us-east-1:123456789012:task:ABCDEF123";

    fn invalid(event: Value) -> String {
        match parse(event) {
            Err(Error::InvalidInput(message)) => message,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn pascal_and_camel_case_members_are_read() {
        let pascal =
            parse(json!({"ReplicationTaskArn": TASK, "IncludeOnly": ["a"], "DryRun": true}))
                .unwrap();
        let camel =
            parse(json!({"replicationTaskArn": TASK, "includeOnly": ["a"], "dryRun": true}))
                .unwrap();
        assert_eq!(pascal, camel);
        assert_eq!(pascal.payload.replication_task_arn.as_deref(), Some(TASK));
        assert_eq!(pascal.payload.include_only, Some(vec!["a".to_owned()]));
        assert_eq!(pascal.payload.dry_run, Some(true));
        assert_eq!(pascal.origin, Origin::Direct);
    }

    #[test]
    fn an_unknown_member_is_named_and_the_accepted_ones_listed() {
        let message = invalid(json!({"ReplicationTaskArn": TASK, "IncludeOnlly": ["a"]}));
        assert!(message.contains("`IncludeOnlly`"), "{message}");
        for member in MEMBERS {
            assert!(message.contains(member), "{message}");
        }
    }

    #[test]
    fn both_spellings_of_one_member_are_refused() {
        let message = invalid(json!({"ReplicationTaskArn": TASK, "replicationTaskArn": TASK}));
        assert!(message.contains("same member"), "{message}");
    }

    #[test]
    fn only_objects_are_payloads() {
        for (event, kind) in [
            (json!([]), "an array"),
            (json!("x"), "a string"),
            (json!(1), "a number"),
            (Value::Null, "null"),
        ] {
            let message = invalid(event);
            assert!(
                message.contains("JSON object") && message.contains(kind),
                "{message}"
            );
        }
    }

    #[test]
    fn a_member_of_the_wrong_type_is_named() {
        let cases = [
            (
                json!({"ReplicationTaskArn": 7}),
                "`ReplicationTaskArn` must be a string, not a number",
            ),
            (
                json!({"IncludeOnly": "a"}),
                "`IncludeOnly` must be an array of strings, not a string",
            ),
            (
                json!({"Exclude": ["a", 1]}),
                "`Exclude[1]` must be a string, not a number",
            ),
            (json!({"Exclude": ["a", " "]}), "`Exclude[1]` is empty"),
            (
                json!({"DryRun": "true"}),
                "`DryRun` must be a boolean, not a string",
            ),
            (json!({"Tags": {"Key": "a"}}), "`Tags` must be an array"),
            (json!({"Tags": [{"Value": "a"}]}), "`Tags[0]` has no `Key`"),
            (
                json!({"Tags": [{"Key": "a", "Colour": "b"}]}),
                "unexpected or repeated member `Colour`",
            ),
            (
                json!({"Tags": [{"Key": "aws:x"}]}),
                "`Tags[0]` has the key `aws:x`",
            ),
        ];
        for (event, expected) in cases {
            let message = invalid(event);
            assert!(
                message.contains(expected),
                "{message} should contain {expected}"
            );
        }
    }

    #[test]
    fn null_members_count_as_absent() {
        let invocation =
            parse(json!({"ReplicationTaskArn": TASK, "ResultLocationFolder": null, "Tags": null}))
                .unwrap();
        assert_eq!(invocation.payload.result_location_folder, None);
        assert_eq!(invocation.payload.tags, None);
    }

    #[test]
    fn tags_keep_unicode_and_may_lack_a_value() {
        let invocation =
            parse(json!({"Tags": [{"Key": "équipe", "Value": "données"}, {"key": "solo"}]}))
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
        let invocation = parse(event.clone()).unwrap();
        assert_eq!(
            invocation.origin,
            Origin::CustomEvent {
                source: "com.example.migrations".into()
            }
        );
        assert_eq!(invocation.identity(), Some("event-1"));

        let mut keyed = event;
        keyed["detail"]["IdempotencyKey"] = json!("key-1");
        assert_eq!(parse(keyed).unwrap().identity(), Some("key-1"));
    }

    #[test]
    fn a_custom_event_names_members_inside_detail() {
        let message = invalid(
            json!({"id": "1", "detail-type": "x", "source": "s", "detail": {"Bucket": "b"}}),
        );
        assert!(message.contains("`detail.Bucket`"), "{message}");
        let message =
            invalid(json!({"id": "1", "detail-type": "x", "source": "s", "detail": "text"}));
        assert!(
            message.contains("detail must be a JSON object"),
            "{message}"
        );
    }

    #[test]
    fn an_incomplete_event_is_refused() {
        let message = invalid(json!({"source": "s", "detail": {}}));
        assert!(
            message.contains("EventBridge event") && message.contains("detail-type"),
            "{message}"
        );
    }

    #[test]
    fn a_dms_task_event_gives_the_task_from_resources() {
        let invocation = parse(json!({
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
        let message = invalid(json!({
            "id": "e", "detail-type": DMS_TASK_STATE_CHANGE, "source": "aws.dms",
            "resources": ["arn:aws:dms:us-east-1:123456789012:endpoint:ABC"], "detail": {}
        }));
        assert!(
            message.contains("resources[0]") && message.contains("endpoint"),
            "{message}"
        );
    }
}
