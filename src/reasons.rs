//! Why a run did not pass, in DMS's own words: each failing, erroring or warning assessment's
//! sentence from the run's `summary.json`, and the S3 URI of the assessment's own file.
//!
//! DMS writes "a `summary.json` file [with] the overall results of the assessment run" and one
//! file "named for an individual assessment" in the run's result folder (docs/aws-facts.md, "The
//! run's result files"). Only one public `summary.json` is known, so [`parse`] takes what it
//! knows (`summary.failed`, `.error`, `.warning`; each entry's `test-name` and
//! `test-result-details`) and leaves every other member alone. [`read`] reads the file with a
//! bounded size and time; every way it can fail is a sentence for `ReasonsUnavailable`, never an
//! error: the reasons never change or lose a verdict.

use std::time::Duration;

use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::DateTime;
use serde::Serialize;
use serde_json::Value;

use crate::error;
use crate::verdict::MAX_NAME_CHARS;

/// The run's summary, in its result folder.
pub const SUMMARY_FILE: &str = "summary.json";
/// At most this many bytes of `summary.json` are read. The public sample is 435 bytes for one
/// assessment; a thousand assessments with long sentences stay far under it.
pub const MAX_SUMMARY_BYTES: u64 = 1024 * 1024;
/// At most this many characters of an assessment's sentence (longer ones end with `…` and their
/// length).
pub const MAX_REASON_CHARS: usize = 500;
/// At most this many bytes of `Reasons` as JSON; the reasons past it are counted in
/// `ReasonsNotListed`. It keeps the verdict, with its names and messages, within a quarter of
/// Step Functions' 256 KiB state (docs/state-machine.md, "Limits").
pub const MAX_REASONS_BYTES: usize = 16 * 1024;
/// At most this many characters of `ReasonsUnavailable`.
pub const MAX_UNAVAILABLE_CHARS: usize = 400;
/// The longest the function waits for S3, within the invocation's deadline.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The results that have a reason, in the order they are listed.
const RESULTS: [&str; 3] = ["failed", "error", "warning"];

/// One assessment that did not pass, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Reason {
    /// The individual assessment's name (`test-name`).
    pub assessment: String,
    /// `failed`, `error` or `warning`: the list of `summary.json` it is in.
    pub result: String,
    /// DMS's sentence (`test-result-details`), on one line; absent when DMS gives none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The S3 URI of the assessment's own file, `<result folder>/<name>.json`; absent when the
    /// name cannot be a file name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

/// The reasons kept within [`MAX_REASONS_BYTES`], and how many were left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reasons {
    pub listed: Vec<Reason>,
    pub not_listed: usize,
}

/// Where a run's result files are: a bucket and a folder (no `/` at either end; empty for the
/// bucket's root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub bucket: String,
    pub folder: String,
}

impl Location {
    /// From the run's `ResultLocationBucket` and `ResultLocationFolder`; `None` without a bucket.
    pub fn of(bucket: Option<&str>, folder: Option<&str>) -> Option<Self> {
        let bucket = bucket.filter(|b| !b.is_empty())?;
        Some(Location {
            bucket: bucket.to_owned(),
            folder: folder.unwrap_or_default().trim_matches('/').to_owned(),
        })
    }

    /// The key of `file` in the folder.
    pub fn key(&self, file: &str) -> String {
        if self.folder.is_empty() {
            file.to_owned()
        } else {
            format!("{}/{file}", self.folder)
        }
    }

    /// `s3://<bucket>/<key of file>`.
    pub fn uri(&self, file: &str) -> String {
        format!("s3://{}/{}", self.bucket, self.key(file))
    }

    /// The folder's last name: the run's name when the function started the run.
    pub fn last_folder(&self) -> &str {
        self.folder.rsplit('/').next().unwrap_or_default()
    }
}

/// Reads the reasons of `summary.json`: an object whose `summary` object has the lists `failed`,
/// `error` and `warning`, each entry an object with a string `test-name`. Anything else of that
/// shape is refused with a sentence saying what; members it does not know are left alone.
pub fn parse(json: &[u8], location: &Location) -> Result<Reasons, String> {
    let file: Value = serde_json::from_slice(json).map_err(|error| {
        let at = format!("line {}, column {}", error.line(), error.column());
        match error.classify() {
            serde_json::error::Category::Eof => {
                format!("it ends before its JSON is complete ({at})")
            }
            _ if error.to_string().contains("recursion limit") => {
                "it is nested more than 128 levels deep".to_owned()
            }
            _ => format!("it is not JSON ({at})"),
        }
    })?;
    let summary = file
        .get("summary")
        .and_then(Value::as_object)
        .ok_or("it has no `summary` object")?;
    let mut all: Vec<Reason> = Vec::new();
    for result in RESULTS {
        let Some(list) = summary.get(result).filter(|l| !l.is_null()) else {
            continue;
        };
        let list = list
            .as_array()
            .ok_or_else(|| format!("its `summary.{result}` is not a list"))?;
        let mut found: Vec<Reason> = Vec::with_capacity(list.len());
        for (i, entry) in list.iter().enumerate() {
            // A name of control characters and spaces alone is no name.
            let (name, shown) = entry
                .get("test-name")
                .and_then(Value::as_str)
                .map(|name| (name, one_line(name, MAX_NAME_CHARS)))
                .filter(|(_, shown)| !shown.is_empty())
                .ok_or_else(|| format!("entry {i} of its `summary.{result}` has no `test-name`"))?;
            let reason = entry
                .get("test-result-details")
                .and_then(Value::as_str)
                .map(|text| one_line(text, MAX_REASON_CHARS))
                .filter(|text| !text.is_empty());
            found.push(Reason {
                assessment: shown,
                result: result.to_owned(),
                reason,
                details: details(name, location),
            });
        }
        found.sort_by(|a, b| a.assessment.cmp(&b.assessment));
        found.dedup_by(|a, b| a.assessment == b.assessment);
        all.extend(found);
    }
    Ok(within_budget(all))
}

/// Keeps the reasons, in order, while their JSON fits [`MAX_REASONS_BYTES`]; counts the rest.
fn within_budget(all: Vec<Reason>) -> Reasons {
    let mut reasons = Reasons::default();
    let mut bytes = 2; // the list's brackets
    for reason in all {
        let size = serde_json::to_string(&reason).map_or(usize::MAX, |json| json.len() + 1);
        if reasons.not_listed == 0 && bytes + size <= MAX_REASONS_BYTES {
            bytes += size;
            reasons.listed.push(reason);
        } else {
            reasons.not_listed += 1;
        }
    }
    reasons
}

/// `text` on one line: control characters as spaces, runs of white space as one, cut to `max`
/// characters.
fn one_line(text: &str, max: usize) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let joined = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    error::bounded(&joined, max).into_owned()
}

/// The S3 URI of `<name>.json` in the folder, when the name can be one file's name there: not
/// empty, no `/`, no control character, not `.` or `..`, and its key within S3's 1,024 bytes.
fn details(name: &str, location: &Location) -> Option<String> {
    let file = format!("{name}.json");
    let ok = name != "."
        && name != ".."
        && !name.contains('/')
        && !name.chars().any(char::is_control)
        && location.key(&file).len() <= crate::validate::MAX_S3_KEY_BYTES;
    ok.then(|| location.uri(&file))
}

/// Reads `summary.json` in `location` and parses it, in at most `time`. `run_created` is when the
/// run was created: a file older than it is another run's and is not read. Each failure is one
/// sentence, which names the file and not its URI (the verdict's `ResultLocation` has it), so that
/// a long folder never crowds out why; `encrypted` (the run's `ResultEncryptionMode` and
/// `ResultKmsKeyArn`) says what a denied read may lack.
pub async fn read(
    s3: &aws_sdk_s3::Client,
    location: &Location,
    run_created: Option<&DateTime>,
    encrypted: (Option<&str>, Option<&str>),
    time: Duration,
) -> Result<Reasons, String> {
    let read = async {
        let object = s3
            .get_object()
            .bucket(&location.bucket)
            .key(location.key(SUMMARY_FILE))
            .send()
            .await
            .map_err(|err| refused(err, encrypted))?;
        let size = object.content_length().unwrap_or_default().unsigned_abs();
        if size > MAX_SUMMARY_BYTES {
            return Err(too_large(size));
        }
        if let (Some(written), Some(created)) = (object.last_modified(), run_created) {
            // S3 keeps whole seconds: a file written in the run's own second is the run's.
            if written.secs() < created.secs() {
                return Err(format!(
                    "{SUMMARY_FILE} was written at {written}, before this run was created at \
                     {created}: it is another run's"
                ));
            }
        }
        let mut body = object.body;
        let mut bytes: Vec<u8> = Vec::new();
        while let Some(chunk) = body.try_next().await.map_err(|err| {
            format!(
                "{SUMMARY_FILE} could not be read to its end: {}",
                DisplayErrorContext(&err)
            )
        })? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > MAX_SUMMARY_BYTES {
                return Err(too_large(bytes.len() as u64));
            }
        }
        parse(&bytes, location)
            .map_err(|why| format!("{SUMMARY_FILE} is not the summary DMS writes: {why}"))
    };
    match tokio::time::timeout(time, read).await {
        Ok(result) => result,
        Err(_) => Err(format!(
            "S3 did not answer within {:.1} s for {SUMMARY_FILE}",
            time.as_secs_f64()
        )),
    }
}

fn too_large(bytes: u64) -> String {
    format!(
        "{SUMMARY_FILE} has more than the {MAX_SUMMARY_BYTES} bytes read ({bytes} bytes or more)"
    )
}

/// A refused read, in a sentence: what it likely means, then what S3 said.
fn refused<E, R>(err: SdkError<E, R>, encrypted: (Option<&str>, Option<&str>)) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let SdkError::ServiceError(service) = &err else {
        return format!(
            "S3 could not be asked for {SUMMARY_FILE}: {}",
            DisplayErrorContext(&err)
        );
    };
    let code = service.err().code().unwrap_or("an error without a code");
    let said = match service.err().message().filter(|m| !m.is_empty()) {
        Some(message) => format!("(S3: {code}: {message})"),
        None => format!("(S3: {code})"),
    };
    match code {
        "NoSuchKey" => format!("DMS wrote no {SUMMARY_FILE} in the run's ResultLocation {said}"),
        "NoSuchBucket" => format!("the bucket of the run's ResultLocation does not exist {said}"),
        "AccessDenied" | "Forbidden" => {
            let kms = match encrypted {
                (Some("SSE_KMS"), Some(key)) => format!(
                    ", and the results are encrypted with the KMS key {key}: reading them needs \
                     kms:Decrypt on it"
                ),
                (Some("SSE_KMS"), None) => ", and the results are encrypted with SSE_KMS: reading \
                                            them may need kms:Decrypt on the key DMS used"
                    .to_owned(),
                _ => String::new(),
            };
            format!(
                "reading {SUMMARY_FILE} was denied: the function's role may read only the stack's \
                 results bucket (where a file that does not exist is NoSuchKey), and decrypt only \
                 with the key the stack was given{kms} {said}"
            )
        }
        _ => format!("S3 refused to read {SUMMARY_FILE} {said}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn location() -> Location {
        Location::of(Some("results"), Some("/runs/assessment-1/")).unwrap()
    }

    /// The one public `summary.json` (docs/aws-facts.md), with a failure added in its shape.
    fn published(failed: Value) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "version": "0.0.2",
            "overall-test-result": "failed",
            "summary": {
                "passed": [{"test-name": "unsupported-data-types-in-source", "test-result": "passed",
                            "test-result-details": "No columns in scope of migration have been identified as unsupported or partially supported",
                            "results-summary": {"passed": "N/A", "warning": "N/A", "failed": "N/A"}}],
                "failed": failed,
                "error": [],
                "warning": [],
                "cancelled": []
            }
        }))
        .unwrap()
    }

    #[test]
    fn the_location_names_files_in_the_folder() {
        let at = location();
        assert_eq!(at.folder, "runs/assessment-1");
        assert_eq!(
            at.uri(SUMMARY_FILE),
            "s3://results/runs/assessment-1/summary.json"
        );
        assert_eq!(at.last_folder(), "assessment-1");
        let root = Location::of(Some("results"), None).unwrap();
        assert_eq!(root.key(SUMMARY_FILE), "summary.json");
        assert_eq!(root.last_folder(), "");
        assert_eq!(Location::of(None, Some("f")), None);
        assert_eq!(Location::of(Some(""), Some("f")), None);
    }

    #[test]
    fn the_published_shape_gives_each_failing_assessment_its_sentence_and_file() {
        let json = published(json!([{
            "test-name": "mysql-check-binlog-format",
            "test-result": "failed",
            "test-result-details": "The binlog_format parameter is\nset to MIXED;  CDC needs ROW.",
            "results-summary": {"passed": "0", "warning": "0", "failed": "1"}
        }]));
        let reasons = parse(&json, &location()).unwrap();
        assert_eq!(
            reasons.listed,
            [Reason {
                assessment: "mysql-check-binlog-format".into(),
                result: "failed".into(),
                reason: Some("The binlog_format parameter is set to MIXED; CDC needs ROW.".into()),
                details: Some(
                    "s3://results/runs/assessment-1/mysql-check-binlog-format.json".into()
                ),
            }]
        );
        assert_eq!(reasons.not_listed, 0);
        // The passed one has no reason: only what did not pass is listed.
        let passed_only = published(json!([]));
        assert_eq!(
            parse(&passed_only, &location()).unwrap(),
            Reasons::default()
        );
    }

    #[test]
    fn failed_then_error_then_warning_each_sorted_once() {
        let entry =
            |name: &str| json!({"test-name": name, "test-result-details": format!("{name} said")});
        let json = serde_json::to_vec(&json!({"summary": {
            "warning": [entry("w")],
            "error": [entry("e")],
            "failed": [entry("z"), entry("a"), entry("a")],
            "cancelled": [entry("c")],
            "skipped": [entry("s")]
        }}))
        .unwrap();
        let reasons = parse(&json, &location()).unwrap();
        let listed: Vec<(&str, &str)> = reasons
            .listed
            .iter()
            .map(|r| (r.assessment.as_str(), r.result.as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                ("a", "failed"),
                ("z", "failed"),
                ("e", "error"),
                ("w", "warning")
            ]
        );
    }

    #[test]
    fn unknown_members_are_left_alone_and_missing_ones_are_absent() {
        let json = serde_json::to_vec(&json!({
            "version": "9.9", "new-member": {"x": 1},
            "summary": {"failed": [{"test-name": "t", "test-result-details": 5, "extra": [1]}], "error": null}
        }))
        .unwrap();
        let reasons = parse(&json, &location()).unwrap();
        assert_eq!(reasons.listed.len(), 1);
        assert_eq!(
            reasons.listed[0].reason, None,
            "a sentence that is not a string"
        );
    }

    #[test]
    fn a_file_of_another_shape_is_refused_with_a_sentence() {
        let cases: [(&[u8], &str); 8] = [
            (
                b"",
                "it ends before its JSON is complete (line 1, column 0)",
            ),
            (b"<html>", "it is not JSON (line 1, column 1)"),
            (b"[]", "it has no `summary` object"),
            (br#"{"summary": []}"#, "it has no `summary` object"),
            (
                br#"{"summary": {"failed": {}}}"#,
                "its `summary.failed` is not a list",
            ),
            (
                br#"{"summary": {"error": [{"name": "x"}]}}"#,
                "entry 0 of its `summary.error` has no `test-name`",
            ),
            (
                br#"{"summary": {"warning": ["x"]}}"#,
                "entry 0 of its `summary.warning` has no `test-name`",
            ),
            (
                br#"{"summary": {"failed": [{"test-name": "\u0000 \n"}]}}"#,
                "entry 0 of its `summary.failed` has no `test-name`",
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(parse(json, &location()).unwrap_err(), expected);
        }
        let deep = "[".repeat(200);
        assert_eq!(
            parse(deep.as_bytes(), &location()).unwrap_err(),
            "it is nested more than 128 levels deep"
        );
    }

    #[test]
    fn names_that_cannot_be_a_file_have_no_details() {
        let long = Location::of(Some("results"), Some(&"f".repeat(1000))).unwrap();
        assert!(
            details(&"n".repeat(18), &long).is_some(),
            "a key of 1,024 bytes"
        );
        for (name, at) in [
            ("a/b", location()),
            (".", location()),
            ("..", location()),
            ("tab\there", location()),
            (&"n".repeat(19), long),
        ] {
            assert_eq!(details(name, &at), None, "{name}");
        }
        assert_eq!(
            details("table-with-no-pk", &location()).as_deref(),
            Some("s3://results/runs/assessment-1/table-with-no-pk.json")
        );
    }

    #[test]
    fn the_reasons_stay_within_their_budget_and_count_the_rest() {
        let entries: Vec<Value> = (0..400)
            .map(|i| json!({"test-name": format!("{i:03}-{}", "n".repeat(200)), "test-result-details": "d".repeat(3000)}))
            .collect();
        let json = serde_json::to_vec(&json!({"summary": {"failed": entries}})).unwrap();
        let reasons = parse(&json, &location()).unwrap();
        let size = serde_json::to_string(&reasons.listed).unwrap().len();
        assert!(size <= MAX_REASONS_BYTES, "{size}");
        assert!(!reasons.listed.is_empty());
        assert_eq!(reasons.listed.len() + reasons.not_listed, 400);
        for reason in &reasons.listed {
            assert_eq!(reason.assessment.chars().count(), MAX_NAME_CHARS);
            assert_eq!(
                reason.reason.as_ref().unwrap().chars().count(),
                MAX_REASON_CHARS
            );
        }
        assert!(reasons.listed[0].assessment.starts_with("000-"), "in order");
    }
}
