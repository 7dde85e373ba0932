//! Checks on single values (ARNs, bucket names, run names, tags). Each returns the reason a value is
//! wrong, so that the caller can name the member or variable it came from.

/// The encryption mode that allows a KMS key.
pub const SSE_KMS: &str = "SSE_KMS";

/// Longest `AssessmentRunName` the function sends.
pub const MAX_RUN_NAME_LEN: usize = 255;

/// Longest part of a value that messages quote back.
const QUOTED_MAX: usize = 80;

/// Quotes a value for a message, shortened when long: input can be megabytes, messages stay small.
pub fn quoted(value: &str) -> String {
    let len = value.chars().count();
    if len <= QUOTED_MAX {
        format!("`{value}`")
    } else {
        let head: String = value.chars().take(QUOTED_MAX).collect();
        format!("`{head}…` ({len} characters)")
    }
}

/// The resource of `arn:<partition>:<service>:<region>:<account>:<resource>` when the partition,
/// service, region (none for IAM) and 12-digit account are valid; otherwise why not, with `shape`.
fn arn_resource<'a>(
    value: &'a str,
    service: &str,
    what: &str,
    shape: &str,
) -> Result<&'a str, String> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [arn, partition, svc, region, account, resource] = parts[..] else {
        return Err(format!("is not an ARN of the form {shape}"));
    };
    if arn != "arn" || !is_partition(partition) {
        return Err(format!("is not an ARN of the form {shape}"));
    }
    let region_ok = if service == "iam" {
        region.is_empty()
    } else {
        is_region(region)
    };
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if svc != service || !region_ok || !account_ok {
        return Err(format!("is not {what} ARN of the form {shape}"));
    }
    Ok(resource)
}

/// A non-empty run of lower-case letters.
fn is_word(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_lowercase())
}

/// `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, …
fn is_partition(value: &str) -> bool {
    value == "aws"
        || value
            .strip_prefix("aws-")
            .is_some_and(|rest| rest.split('-').all(is_word))
}

/// `us-east-1`, `us-gov-west-1`, `cn-north-1`, `eu-central-2`, …
fn is_region(value: &str) -> bool {
    value.rsplit_once('-').is_some_and(|(names, number)| {
        names.contains('-')
            && names.split('-').all(is_word)
            && !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Checks a DMS replication task ARN and returns its resource id.
pub fn task_arn(value: &str) -> Result<&str, String> {
    dms_arn(value, "task", "task", "a replication task")
}

/// Checks a DMS Serverless replication config ARN and returns its resource id.
pub fn replication_config_arn(value: &str) -> Result<&str, String> {
    dms_arn(
        value,
        "replication-config",
        "replication config",
        "a replication config",
    )
}

/// Checks a DMS premigration assessment run ARN and returns its resource id.
pub fn assessment_run_arn(value: &str) -> Result<&str, String> {
    dms_arn(
        value,
        "assessment-run",
        "assessment run",
        "an assessment run",
    )
}

/// Checks `arn:<partition>:dms:<region>:<account>:<kind>:<id>` and returns the id; `noun` and
/// `what` name the kind in messages.
fn dms_arn<'a>(value: &'a str, kind: &str, noun: &str, what: &str) -> Result<&'a str, String> {
    let shape = format!("arn:<partition>:dms:<region>:<12-digit account>:{kind}:<id>");
    let resource = arn_resource(value, "dms", &format!("a DMS {noun}"), &shape)?;
    let Some(id) = resource
        .strip_prefix(kind)
        .and_then(|rest| rest.strip_prefix(':'))
    else {
        let named = quoted(resource.split(':').next().unwrap_or_default());
        return Err(format!(
            "names a DMS {named} resource, not {what} ({shape})"
        ));
    };
    let id_ok = id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if id.is_empty() || !id_ok {
        return Err(format!("has an invalid {noun} id {} ({shape})", quoted(id)));
    }
    Ok(id)
}

/// Checks an IAM role ARN: `arn:<partition>:iam::<account>:role/<path/name>`.
pub fn role_arn(value: &str) -> Result<(), String> {
    const SHAPE: &str = "arn:<partition>:iam::<12-digit account>:role/<name>";
    let resource = arn_resource(value, "iam", "an IAM role", SHAPE)?;
    let name_ok = resource.strip_prefix("role/").is_some_and(|name| {
        !name.is_empty()
            && !name.ends_with('/')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b))
    });
    if !name_ok {
        return Err(format!("is not an IAM role ARN of the form {SHAPE}"));
    }
    Ok(())
}

/// Checks a KMS key ARN. Not an alias ARN: the API asks for "ARN of a custom KMS encryption key",
/// and the DMS User Guide says that DMS does not work with KMS key aliases (docs/aws-facts.md).
pub fn kms_key_arn(value: &str) -> Result<(), String> {
    const SHAPE: &str = "arn:<partition>:kms:<region>:<12-digit account>:key/<key id>";
    let resource = arn_resource(value, "kms", "a KMS key", SHAPE)?;
    if resource.starts_with("alias/") {
        return Err(format!(
            "is an alias ARN; DMS takes the key's own ARN, of the form {SHAPE}"
        ));
    }
    // Key ids are UUIDs, or `mrk-` and 32 hex digits for multi-Region keys.
    let key_ok = resource.strip_prefix("key/").is_some_and(|id| {
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if !key_ok {
        return Err(format!("is not a KMS key ARN of the form {SHAPE}"));
    }
    Ok(())
}

/// Checks an S3 bucket name against the general-purpose bucket naming rules.
pub fn bucket_name(value: &str) -> Result<(), String> {
    let fail = |why: &str| Err(format!("is not a valid S3 bucket name: {why}"));
    if !(3..=63).contains(&value.len()) {
        return fail("it must be 3 to 63 characters long");
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return fail("only lower-case letters, digits, dots and hyphens are allowed");
    }
    let edge_ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !edge_ok(value.as_bytes()[0]) || !edge_ok(value.as_bytes()[value.len() - 1]) {
        return fail("it must begin and end with a letter or digit");
    }
    if value.contains("..") || value.contains(".-") || value.contains("-.") {
        return fail("dots may not be adjacent to each other or to hyphens");
    }
    if value.parse::<std::net::Ipv4Addr>().is_ok() {
        return fail("it must not be formatted as an IP address");
    }
    if ["xn--", "sthree-", "amzn-s3-demo-"]
        .iter()
        .any(|p| value.starts_with(p))
        || ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]
            .iter()
            .any(|s| value.ends_with(s))
    {
        return fail("it uses a prefix or suffix that S3 reserves");
    }
    Ok(())
}

/// Checks `ResultEncryptionMode`.
pub fn encryption_mode(value: &str) -> Result<(), String> {
    if ["SSE_S3", SSE_KMS].contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "must be exactly `SSE_S3` or `SSE_KMS`, not {}",
            quoted(value)
        ))
    }
}

/// Checks an explicit `AssessmentRunName`: 1 to 255 characters.
pub fn run_name(value: &str) -> Result<(), String> {
    let len = value.chars().count();
    if len == 0 || len > MAX_RUN_NAME_LEN {
        return Err(format!(
            "must be 1 to {MAX_RUN_NAME_LEN} characters long (it has {len})"
        ));
    }
    Ok(())
}

/// Checks a prefix for generated run names: lower-case letters, digits and single hyphens,
/// starting with a letter and not ending with a hyphen, at most 64 characters.
pub fn run_name_prefix(value: &str) -> Result<(), String> {
    const MAX: usize = 64;
    let ok = value.len() <= MAX
        && value.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && !value.ends_with('-')
        && !value.contains("--")
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "must be at most {MAX} lower-case letters, digits and single hyphens, start with a letter and not end with a hyphen, not {}",
            quoted(value)
        ))
    }
}

/// Longest tag key, in characters (DMS API reference, `Tag`; docs/aws-facts.md).
pub const MAX_TAG_KEY_CHARS: usize = 128;
/// Longest tag value, in characters (ibid.).
pub const MAX_TAG_VALUE_CHARS: usize = 256;
/// Most tags on one DMS resource: "A tag set can contain as many as ten tags" (DMS User Guide,
/// "Tagging resources"; docs/aws-facts.md).
pub const MAX_TAGS: usize = 10;

/// Whether DMS allows `c` in a tag key or value: `^([\p{L}\p{Z}\p{N}_.:/=+\-]*)$` (DMS API
/// reference, `Tag`), a Unicode letter, separator or number, or one of `_.:/=+-`.
pub fn is_tag_char(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::SpaceSeparator
            | G::LineSeparator
            | G::ParagraphSeparator
            | G::DecimalNumber
            | G::LetterNumber
            | G::OtherNumber
    ) || "_.:/=+-".contains(c)
}

/// Checks a tag's key or value (`part`) as DMS defines it: its length, its characters and the
/// reserved prefixes.
fn tag_part(
    part: &str,
    text: &str,
    lengths: std::ops::RangeInclusive<usize>,
) -> Result<(), String> {
    let len = text.chars().count();
    if !lengths.contains(&len) {
        return Err(format!(
            "has a {part} of {len} characters; {part}s are {} to {} characters long",
            lengths.start(),
            lengths.end()
        ));
    }
    if let Some(c) = text.chars().find(|c| !is_tag_char(*c)) {
        return Err(format!(
            "has the {part} {}, with {}, which DMS does not allow: tag {part}s hold only letters, \
             digits, spaces and _ . : / = + -",
            quoted(text),
            shown(c)
        ));
    }
    let lower = text.to_lowercase();
    if lower.starts_with("aws:") || lower.starts_with("dms:") {
        return Err(format!(
            "has the {part} {}; tag {part}s beginning `aws:` or `dms:` are reserved",
            quoted(text)
        ));
    }
    Ok(())
}

/// A character for a message: quoted when it is visible, by its code point when not.
fn shown(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("the character U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// Checks a tag: key 1–128 characters, value 1–256 or absent ("can be null"), each of the
/// characters DMS allows and neither beginning `aws:` or `dms:`.
pub fn tag(key: &str, value: Option<&str>) -> Result<(), String> {
    tag_part("key", key, 1..=MAX_TAG_KEY_CHARS)?;
    match value {
        Some(value) => tag_part("value", value, 1..=MAX_TAG_VALUE_CHARS)
            .map_err(|why| format!("({}) {why}", quoted(key))),
        None => Ok(()),
    }
}

/// Longest S3 object key, in bytes of UTF-8 (S3 User Guide, "Naming Amazon S3 objects").
pub const MAX_S3_KEY_BYTES: usize = 1024;
/// Room kept for a result file's name (`<individual assessment name>.json`) after the folder. DMS
/// does not document its longest assessment name; the names it lists are under 80 characters.
pub const RESULT_FILE_NAME_RESERVE_BYTES: usize = 128;

/// Checks a result folder: a prefix of S3 keys with no empty segment (no leading `/`, no `//`), no
/// control characters, and room, within an S3 key's 1,024 bytes, for what DMS may add after it: a
/// folder named for the run (`run_name_bytes`; the layout is not documented, docs/aws-facts.md) and
/// a result file's name, each after a `/`.
pub fn result_folder(value: &str, run_name_bytes: usize) -> Result<(), String> {
    // A run name of 255 four-byte characters leaves no room at all.
    let max = MAX_S3_KEY_BYTES.saturating_sub(RESULT_FILE_NAME_RESERVE_BYTES + run_name_bytes + 2);
    if value.len() > max {
        return Err(format!(
            "is too long: an S3 key holds {MAX_S3_KEY_BYTES} bytes, and after the run's name \
             ({run_name_bytes} bytes), a result file's name (up to {RESULT_FILE_NAME_RESERVE_BYTES} \
             bytes) and a `/` before each, the folder may have at most {max} bytes; it has {}",
            value.len()
        ));
    }
    if value.starts_with('/') || value.contains("//") {
        return Err(
            "has an empty folder name (a leading `/` or `//`), which S3 keeps in every key"
                .to_owned(),
        );
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(format!(
            "has {}, a control character, which S3 advises against in keys",
            shown(c)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_arns_are_accepted_in_every_partition_and_give_their_id() {
        assert_eq!(
            task_arn("arn:aws:dms:us-east-1:123456789012:task:ABCDEF123").unwrap(),
            "ABCDEF123"
        );
        assert!(task_arn("arn:aws-cn:dms:cn-north-1:123456789012:task:X1").is_ok());
        assert!(task_arn("arn:aws-us-gov:dms:us-gov-west-1:123456789012:task:X1").is_ok());
    }

    #[test]
    fn other_dms_resources_and_malformed_arns_are_rejected_with_the_reason() {
        let err = task_arn("arn:aws:dms:us-east-1:123456789012:endpoint:ABC").unwrap_err();
        assert!(err.contains("`endpoint` resource"), "{err}");
        let err = task_arn("arn:aws:dms:us-east-1:123456789012:rep:ABC").unwrap_err();
        assert!(err.contains("`rep` resource"), "{err}");
        for bad in [
            "",
            "task:ABC",
            "arn:aws:dms:us-east-1:12345678901:task:ABC",
            "arn:aws:rds:us-east-1:123456789012:task:ABC",
            "arn:aws:dms::123456789012:task:ABC",
            "arn:aws:dms:us-east-1:123456789012:task:",
            "arn:aws:dms:us-east-1:123456789012:task:AB C",
            "arn:gcp:dms:us-east-1:123456789012:task:ABC",
        ] {
            assert!(task_arn(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn role_arns() {
        assert!(role_arn("arn:aws:iam::123456789012:role/dms-assessment").is_ok());
        assert!(role_arn("arn:aws:iam::123456789012:role/service-role/dms+x=y,z.a@b_c").is_ok());
        assert!(role_arn("arn:aws:iam::123456789012:user/someone").is_err());
        assert!(role_arn("arn:aws:iam:us-east-1:123456789012:role/r").is_err());
        assert!(role_arn("arn:aws:iam::123456789012:role/").is_err());
    }

    #[test]
    fn kms_arns() {
        assert!(kms_key_arn(
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        )
        .is_ok());
        assert!(kms_key_arn(
            "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
        )
        .is_ok());
        let alias = kms_key_arn("arn:aws:kms:us-east-1:123456789012:alias/dms/results");
        assert!(alias.unwrap_err().contains("alias ARN"));
        assert!(kms_key_arn("1234abcd-12ab-34cd-56ef-1234567890ab").is_err());
        assert!(kms_key_arn("arn:aws:kms:us-east-1:123456789012:grant/x").is_err());
    }

    #[test]
    fn assessment_run_arns_are_accepted_and_other_resources_named() {
        assert_eq!(
            assessment_run_arn("arn:aws:dms:us-east-1:123456789012:assessment-run:RUNAAAA")
                .unwrap(),
            "RUNAAAA"
        );
        let err = assessment_run_arn("arn:aws:dms:us-east-1:123456789012:task:ABC").unwrap_err();
        assert!(
            err.contains("`task` resource, not an assessment run"),
            "{err}"
        );
        let err = task_arn("arn:aws:dms:us-east-1:123456789012:assessment-run:ABC").unwrap_err();
        assert!(err.contains("`assessment-run` resource"), "{err}");
        assert!(assessment_run_arn("arn:aws:dms:us-east-1:123456789012:assessment-run:").is_err());
        assert!(
            assessment_run_arn("arn:aws:dms:us-east-1:123456789012:assessment-runX:A").is_err()
        );
        assert!(assessment_run_arn("arn:aws:s3:::bucket").is_err());
    }

    #[test]
    fn bucket_names() {
        for good in ["my-bucket", "a.b.c", "abc", "0results-2026"] {
            assert!(bucket_name(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "My-Bucket",
            "-bucket",
            "bucket-",
            "a..b",
            "a.-b",
            "192.168.1.1",
            "xn--bucket",
            "b-s3alias",
            &"a".repeat(64),
        ] {
            assert!(bucket_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn encryption_modes_are_exact() {
        assert!(encryption_mode("SSE_S3").is_ok());
        assert!(encryption_mode("SSE_KMS").is_ok());
        assert!(encryption_mode("sse_kms").is_err());
        assert!(encryption_mode("AES256").is_err());
    }

    #[test]
    fn run_names_count_characters() {
        assert!(run_name("x").is_ok());
        assert!(run_name(&"é".repeat(255)).is_ok());
        assert!(run_name(&"x".repeat(256)).is_err());
        assert!(run_name("").is_err());
    }

    #[test]
    fn prefixes() {
        assert!(run_name_prefix("assessment").is_ok());
        assert!(run_name_prefix("pre-2026").is_ok());
        for bad in [
            "",
            "Assessment",
            "1st",
            "a--b",
            "a-",
            "a_b",
            &"a".repeat(65),
        ] {
            assert!(run_name_prefix(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn long_values_are_quoted_shortened() {
        assert_eq!(quoted("short"), "`short`");
        let long = quoted(&"x".repeat(5_000_000));
        assert!(
            long.len() < 120 && long.ends_with("(5000000 characters)"),
            "{long}"
        );
        let err = task_arn(&format!(
            "arn:aws:dms:us-east-1:123456789012:task:{}",
            "é".repeat(10_000)
        ))
        .unwrap_err();
        assert!(err.len() < 300, "{err}");
    }

    #[test]
    fn tags() {
        assert!(tag("team", Some("migrations")).is_ok());
        assert!(tag("équipe", Some("données")).is_ok());
        assert!(tag("team", None).is_ok());
        assert!(tag("", None).is_err());
        assert!(tag(&"k".repeat(129), None).is_err());
        assert!(tag("k", Some(&"v".repeat(257))).is_err());
        assert!(tag("aws:cloudformation", None).is_err());
        assert!(tag("DMS:x", None).is_err());
        let err = tag("team", Some("")).unwrap_err();
        assert!(err.contains("values are 1 to 256 characters"), "{err}");
        for (key, value, why) in [
            ("owner#1", None, "has the key `owner#1`, with `#`"),
            ("a&b!", None, "with `&`"),
            ("tab\there", None, "with the character U+0009"),
            (
                "team",
                Some("aws:x"),
                "(`team`) has the value `aws:x`; tag values beginning",
            ),
            ("team", Some("a!"), "(`team`) has the value `a!`, with `!`"),
        ] {
            let err = tag(key, value).unwrap_err();
            assert!(err.starts_with(why) || err.contains(why), "{err}");
        }
        // Letters, separators and numbers of any script, and the allowed punctuation.
        assert!(tag("équipe données", Some("数据 ١٢٣ Ⅻ _.:/=+-\u{2028}")).is_ok());
        // A combining mark is not a letter: DMS's pattern refuses a decomposed `é`.
        assert!(tag("e\u{301}quipe", None).is_err());
    }

    #[test]
    fn result_folders_leave_room_for_what_dms_adds() {
        assert!(result_folder("runs/nightly/", 60).is_ok());
        assert!(result_folder("résultats/データ", 60).is_ok());
        let max = MAX_S3_KEY_BYTES - RESULT_FILE_NAME_RESERVE_BYTES - 60 - 2;
        assert!(result_folder(&"a".repeat(max), 60).is_ok());
        let err = result_folder(&"a".repeat(max + 1), 60).unwrap_err();
        assert!(
            err.contains(&format!("at most {max} bytes; it has {}", max + 1)),
            "{err}"
        );
        assert!(
            result_folder(&"é".repeat(max / 2 + 1), 60).is_err(),
            "bytes, not characters"
        );
        for bad in ["a//b", "/runs", "runs\n"] {
            assert!(result_folder(bad, 60).is_err(), "{bad}");
        }
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            // Generated from DMS's own pattern, `^([\p{L}\p{Z}\p{N}_.:/=+\-]*)$`.
            fn tags_of_dms_characters_and_lengths_pass(
                key in r"[\p{L}\p{Z}\p{N}_.:/=+\-]{1,128}",
                value in prop::option::of(r"[\p{L}\p{Z}\p{N}_.:/=+\-]{1,256}"),
            ) {
                let reserved = |t: &str| ["aws:", "dms:"].iter().any(|p| t.to_lowercase().starts_with(p));
                prop_assume!(!reserved(&key) && !value.as_deref().is_some_and(reserved));
                prop_assert_eq!(tag(&key, value.as_deref()), Ok(()));
            }

            #[test]
            fn any_other_character_is_refused_and_named(
                head in r"[\p{L}\p{Z}\p{N}_.:/=+\-]{0,20}",
                bad in r"[^\p{L}\p{Z}\p{N}_.:/=+\-]",
                tail in r"[\p{L}\p{Z}\p{N}_.:/=+\-]{0,20}",
                in_value in any::<bool>(),
            ) {
                let text = format!("{head}{bad}{tail}");
                let result = if in_value { tag("k", Some(&text)) } else { tag(&text, None) };
                let why = result.unwrap_err();
                prop_assert!(why.contains("which DMS does not allow") || why.contains("reserved"), "{}", why);
            }

            #[test]
            fn too_long_or_reserved_tags_are_refused(
                key in r"[\p{L}\p{Z}\p{N}_.:/=+\-]{129,200}",
                prefix in "(aws|dms|AWS|Dms):",
            ) {
                prop_assert!(tag(&key, None).is_err());
                let reserved = format!("{prefix}x");
                prop_assert!(tag(&reserved, None).is_err());
                prop_assert!(tag("k", Some(&reserved)).is_err());
                prop_assert!(tag("k", Some(&key.repeat(2))).is_err());
            }

            #[test]
            fn an_accepted_folder_fits_an_s3_key_with_what_dms_adds(
                folder in r"[^\p{Cc}]{0,1100}",
                run_name_bytes in 1..=1020usize,
            ) {
                if result_folder(&folder, run_name_bytes).is_ok() {
                    let key = folder.len() + 1 + run_name_bytes + 1 + RESULT_FILE_NAME_RESERVE_BYTES;
                    prop_assert!(key <= MAX_S3_KEY_BYTES);
                    prop_assert!(!folder.starts_with('/') && !folder.contains("//"));
                }
            }

            #[test]
            fn folders_of_named_segments_within_the_room_pass(
                segments in prop::collection::vec(r"[^/\p{Cc}]{1,30}", 1..8),
                trailing in any::<bool>(),
            ) {
                let folder = segments.join("/") + if trailing { "/" } else { "" };
                let room = MAX_S3_KEY_BYTES - RESULT_FILE_NAME_RESERVE_BYTES - 60 - 2;
                prop_assume!(folder.len() <= room);
                prop_assert_eq!(result_folder(&folder, 60), Ok(()));
            }
        }
    }
}
