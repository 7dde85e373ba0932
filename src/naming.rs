//! Generated assessment run names: deterministic for a given identity, unique otherwise.

use std::time::SystemTime;

use aws_sdk_databasemigration::primitives::{DateTime, DateTimeFormat};
use sha2::{Digest, Sha256};

/// Longest part of the task id kept in a name, so that any valid prefix still fits in 255 characters.
const MAX_TASK_PART: usize = 128;

/// What a generated name is derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSeed<'a> {
    /// An idempotency key or event id: the same seed always gives the same name.
    Identity(&'a str),
    /// No identity: the time and a random number make the name unique.
    Unique { now: SystemTime, random: u32 },
}

impl NameSeed<'_> {
    /// A unique seed from the clock and a random number.
    pub fn unique_now() -> NameSeed<'static> {
        NameSeed::Unique {
            now: SystemTime::now(),
            random: fastrand::u32(..),
        }
    }
}

/// A run's result folder: `<folder>/<run name>`, or the run's name without a folder. DMS documents
/// no folder per run, and a folder of its own is what makes the `summary.json` found there this
/// run's (src/reasons.rs); for a DMS Serverless run it is also how a retry finds the run.
pub fn run_folder(folder: Option<&str>, run_name: &str) -> String {
    match folder
        .map(|f| f.trim_end_matches('/'))
        .filter(|f| !f.is_empty())
    {
        Some(folder) => format!("{folder}/{run_name}"),
        None => run_name.to_owned(),
    }
}

/// Builds `<prefix>-<task id>-<suffix>` from lower-case letters, digits and single hyphens.
///
/// The prefix is expected to be valid already (see [`crate::validate::run_name_prefix`]).
pub fn generate(prefix: &str, task_id: &str, seed: NameSeed<'_>) -> String {
    let mut task = String::with_capacity(task_id.len());
    for c in task_id.chars() {
        if c.is_ascii_alphanumeric() {
            task.push(c.to_ascii_lowercase());
        } else if !task.is_empty() && !task.ends_with('-') {
            task.push('-');
        }
        if task.len() >= MAX_TASK_PART {
            break;
        }
    }
    let task = task.trim_end_matches('-');

    let suffix = match seed {
        // A hash, not the key itself: keys may hold any characters, and two keys that differ only
        // in characters a name cannot hold must not collide.
        NameSeed::Identity(key) => {
            let digest = Sha256::digest(key.as_bytes());
            digest[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        }
        NameSeed::Unique { now, random } => {
            let stamp = DateTime::from(now)
                .fmt(DateTimeFormat::DateTime)
                .unwrap_or_default();
            let compact: String = stamp
                .chars()
                .take(19)
                .filter(char::is_ascii_alphanumeric)
                .collect();
            format!("{}z-{random:08x}", compact.to_ascii_lowercase())
        }
    };

    if task.is_empty() {
        format!("{prefix}-{suffix}")
    } else {
        format!("{prefix}-{task}-{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const TASK: &str = "ABCDEF1GHIJKL2MNOPQRS3TUVW";

    fn well_formed(name: &str, prefix: &str) {
        assert!(name.starts_with(&format!("{prefix}-")), "{name}");
        assert!(name.len() <= 255, "{name}");
        assert!(name.as_bytes()[0].is_ascii_lowercase(), "{name}");
        assert!(!name.ends_with('-') && !name.contains("--"), "{name}");
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{name}"
        );
    }

    #[test]
    fn the_same_identity_gives_the_same_name() {
        let a = generate("assessment", TASK, NameSeed::Identity("execution-42"));
        let b = generate("assessment", TASK, NameSeed::Identity("execution-42"));
        assert_eq!(a, b);
        assert!(a.contains(&TASK.to_ascii_lowercase()), "{a}");
        well_formed(&a, "assessment");
    }

    #[test]
    fn different_identities_give_different_names() {
        let a = generate("assessment", TASK, NameSeed::Identity("Run 1"));
        let b = generate("assessment", TASK, NameSeed::Identity("run-1"));
        assert_ne!(a, b);
    }

    #[test]
    fn without_identity_the_name_carries_utc_time_and_a_random_part() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_710_000);
        let name = generate(
            "nightly",
            TASK,
            NameSeed::Unique {
                now,
                random: 0xdead_beef,
            },
        );
        assert_eq!(
            name,
            format!(
                "nightly-{}-20261126t162000z-deadbeef",
                TASK.to_ascii_lowercase()
            )
        );
        well_formed(&name, "nightly");
        let other = generate("nightly", TASK, NameSeed::Unique { now, random: 1 });
        assert_ne!(name, other);
    }

    #[test]
    fn odd_task_ids_still_give_well_formed_names() {
        for task in ["abc_DEF-ghi", "--x--", "_", &"A".repeat(400)] {
            let prefix = "p".repeat(64);
            let name = generate(&prefix, task, NameSeed::Identity("k"));
            well_formed(&name, &prefix);
            let name = generate(&prefix, task, NameSeed::unique_now());
            well_formed(&name, &prefix);
        }
    }
}
