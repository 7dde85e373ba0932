//! What the command line prints: text for people (in colour only where the terminal takes it,
//! through anstream), the functions' own JSON, and the JUnit XML report.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use dms_assessment_run::output::Output;
use dms_assessment_run::reasons::Reason;
use dms_assessment_run::verdict::{individual_status, Described, Verdict, VerdictOutput};
use dms_assessment_run::Error;
use junit_report::{Duration, ReportBuilder, TestCase, TestSuiteBuilder};
use serde::Serialize;

use crate::wait::Waited;

const BOLD: Style = Style::new().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();

/// `value` as the functions return it, indented.
pub fn json(out: &mut (impl Write + ?Sized), value: &impl Serialize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

/// An error, as the functions return it (`{"errorType", "errorMessage"}`).
pub fn error_json(out: &mut (impl Write + ?Sized), error: &Error) -> io::Result<()> {
    let diagnostic = lambda_runtime::Diagnostic::from(error.clone());
    json(
        out,
        &serde_json::json!({"errorType": diagnostic.error_type, "errorMessage": diagnostic.error_message}),
    )
}

/// What `start` did, or would do.
pub fn start(out: &mut (impl Write + ?Sized), output: &Output) -> io::Result<()> {
    match output {
        Output::DryRun(dry) => {
            writeln!(
                out,
                "{BOLD}Dry run{BOLD:#}: nothing was started. The request it would send:"
            )?;
            json(out, &dry.request)?;
            for note in &dry.not_checked {
                writeln!(out, "Not checked: {note}")?;
            }
            Ok(())
        }
        Output::Run(run) => started(
            out,
            &run.assessment_run_name,
            &run.replication_task_assessment_run_arn,
            &run.status,
            run.already_existed,
        ),
        Output::Assessment(run) => started(
            out,
            &run.assessment_run_name,
            &run.replication_task_assessment_run_arn,
            &run.status,
            run.already_existed,
        ),
    }
}

/// One line on a run that was started, or found started already.
pub fn started(
    out: &mut (impl Write + ?Sized),
    name: &str,
    arn: &str,
    status: &str,
    already_existed: bool,
) -> io::Result<()> {
    let what = if already_existed {
        "Found the assessment run started earlier for the same request"
    } else {
        "Started the assessment run"
    };
    writeln!(out, "{what} {BOLD}{name}{BOLD:#} ({status}): {arn}")
}

/// How the wait ended.
pub fn waited(out: &mut (impl Write + ?Sized), waited: &Waited) -> io::Result<()> {
    let time = humantime::format_duration(std::time::Duration::from_secs(waited.waited_seconds));
    let arn = &waited.replication_task_assessment_run_arn;
    if !waited.timed_out {
        return writeln!(
            out,
            "The assessment run has ended after {time}: its status is {BOLD}{}{BOLD:#} ({arn})",
            waited.status
        );
    }
    let what = match (&waited.cancel_error, waited.cancelled) {
        (Some(error), _) => format!("cancelling it failed ({error})"),
        (None, true) => "it was cancelled".to_owned(),
        (None, false) if waited.replication_config_arn.is_some() => {
            "it is left running: a DMS Serverless run is not cancelled".to_owned()
        }
        (None, false) => "it is left running (--no-cancel)".to_owned(),
    };
    writeln!(
        out,
        "{YELLOW}Timed out{YELLOW:#}: the assessment run had not ended after {time}; {what}. Its \
         status is {} ({arn})",
        waited.status
    )
}

/// The verdict, the assessments that did not pass, and DMS's reasons.
pub fn verdict(
    out: &mut (impl Write + ?Sized),
    v: &VerdictOutput,
    warnings_block: bool,
) -> io::Result<()> {
    let style = match v.verdict {
        Verdict::Passed => GREEN,
        Verdict::PassedWithWarnings if !warnings_block => YELLOW,
        _ => RED,
    };
    let name = v
        .assessment_run_name
        .as_deref()
        .unwrap_or(&v.replication_task_assessment_run_arn);
    writeln!(
        out,
        "{style}{:?}{style:#}: the assessment run {BOLD}{name}{BOLD:#} (status {})",
        v.verdict, v.status
    )?;
    if let Some(s) = &v.result_statistic {
        writeln!(
            out,
            "  passed {}, failed {}, error {}, warning {}, cancelled {}, skipped {}",
            s.passed, s.failed, s.error, s.warning, s.cancelled, s.skipped
        )?;
    }
    if let Some(message) = &v.message {
        writeln!(out, "  {message}")?;
    }
    if let Some(message) = &v.last_failure_message {
        writeln!(out, "  DMS: {message}")?;
    }
    let lists = [
        (individual_status::FAILED, &v.assessments.failed),
        (individual_status::ERROR, &v.assessments.error),
        (individual_status::WARNING, &v.assessments.warning),
        (individual_status::SKIPPED, &v.assessments.skipped),
    ];
    for (status, names) in lists {
        for name in names {
            match reason_of(&v.reasons, name) {
                Some(Reason {
                    reason: Some(reason),
                    ..
                }) => writeln!(out, "  {status:<8} {name}: {reason}")?,
                _ => writeln!(out, "  {status:<8} {name}")?,
            }
            if let Some(details) = reason_of(&v.reasons, name).and_then(|r| r.details.as_ref()) {
                writeln!(out, "           {details}")?;
            }
        }
    }
    if let Some(not_listed) = &v.assessments_not_listed {
        writeln!(
            out,
            "  not listed: {} failed, {} error, {} warning, {} skipped",
            not_listed.failed, not_listed.error, not_listed.warning, not_listed.skipped
        )?;
    }
    if let Some(count) = v.reasons_not_listed {
        writeln!(out, "  {count} more reasons only in the run's summary.json")?;
    }
    if let Some(why) = &v.reasons_unavailable {
        writeln!(out, "  No reasons from DMS: {why}")?;
    }
    if let Some(location) = &v.result_location {
        writeln!(out, "  Results: {location}")?;
    }
    Ok(())
}

fn reason_of<'r>(reasons: &'r [Reason], name: &str) -> Option<&'r Reason> {
    reasons.iter().find(|r| r.assessment == name)
}

/// The JUnit XML report of a verdict: a test suite named for the run, with one test case per
/// individual assessment DMS lists for it (a failure, an error, skipped, or a pass; a warning
/// passes with its reason in `system-out`, or fails with `--warnings-block`), and one for the run
/// itself when its verdict is not told by them: no assessment listed, the run broke, nothing was
/// assessed, or it timed out or was cancelled.
pub fn junit(
    v: &VerdictOutput,
    described: &Described,
    warnings_block: bool,
) -> io::Result<Vec<u8>> {
    let suite_name = v
        .assessment_run_name
        .as_deref()
        .unwrap_or(&v.replication_task_assessment_run_arn);
    let mut cases: Vec<TestCase> = Vec::new();
    let mut individuals: Vec<(&str, &str)> = described
        .individuals
        .iter()
        .filter_map(|i| Some((i.individual_assessment_name()?, i.status()?)))
        .collect();
    individuals.sort_unstable();
    individuals.dedup();
    for (name, status) in &individuals {
        let found = reason_of(&v.reasons, name);
        let reason = found
            .and_then(|r| r.reason.clone())
            .unwrap_or_else(|| format!("the individual assessment's status is {status}"));
        let details = found.and_then(|r| r.details.as_deref());
        let mut case = match *status {
            individual_status::PASSED => TestCase::success(&xml(name), Duration::ZERO),
            individual_status::FAILED => failure(name, status, &reason, details),
            individual_status::ERROR => {
                TestCase::error(&xml(name), Duration::ZERO, status, &xml(&reason))
            }
            individual_status::WARNING if warnings_block => failure(name, status, &reason, details),
            individual_status::WARNING => {
                let mut case = TestCase::success(&xml(name), Duration::ZERO);
                case.set_system_out(&xml(&format!("warning: {reason}")));
                case
            }
            _ => TestCase::skipped_with_cause(&xml(name), status, &xml(&reason)),
        };
        case.set_classname(&xml(suite_name));
        cases.push(case);
    }
    let told_by_the_assessments = !individuals.is_empty()
        && matches!(
            v.verdict,
            Verdict::Passed | Verdict::PassedWithWarnings | Verdict::Failed
        )
        && v.message.is_none();
    if !told_by_the_assessments {
        let why = v
            .message
            .clone()
            .or_else(|| v.last_failure_message.clone())
            .unwrap_or_else(|| format!("the run's status is {}", v.status));
        let ty = format!("{:?}", v.verdict);
        let name = "assessment run";
        let mut case = match v.verdict {
            Verdict::Passed => TestCase::success(name, Duration::ZERO),
            Verdict::PassedWithWarnings if !warnings_block => {
                TestCase::success(name, Duration::ZERO)
            }
            Verdict::Failed | Verdict::NothingAssessed | Verdict::PassedWithWarnings => {
                TestCase::failure(name, Duration::ZERO, &ty, &xml(&why))
            }
            Verdict::Errored | Verdict::TimedOut | Verdict::Cancelled => {
                TestCase::error(name, Duration::ZERO, &ty, &xml(&why))
            }
        };
        case.set_classname(&xml(suite_name));
        cases.push(case);
    }
    let mut suite = TestSuiteBuilder::new(&xml(suite_name));
    suite.add_testcases(cases);
    let report = ReportBuilder::new().add_testsuite(suite.build()).build();
    let mut bytes = Vec::new();
    report
        .write_xml(&mut bytes)
        .map_err(|e| io::Error::other(e.to_string()))?;
    Ok(bytes)
}

/// The JUnit report of a command that took no verdict (an input, AWS or configuration error): one
/// test case, `assessment run`, in error with the error's name and sentence.
pub fn junit_error(error: &Error) -> Vec<u8> {
    let case = TestCase::error(
        "assessment run",
        Duration::ZERO,
        error.error_type(),
        &xml(&error.to_string()),
    );
    let mut suite = TestSuiteBuilder::new("dms-assessment");
    suite.add_testcase(case);
    let report = ReportBuilder::new().add_testsuite(suite.build()).build();
    let mut bytes = Vec::new();
    // Writing into memory fails only on a writer error, which a Vec never gives.
    let _ = report.write_xml(&mut bytes);
    bytes
}

/// A failed assessment: DMS's sentence as the message, and its file as the failure's text.
fn failure(name: &str, status: &str, reason: &str, details: Option<&str>) -> TestCase {
    let mut case = TestCase::failure(&xml(name), Duration::ZERO, status, &xml(reason));
    if let Some(details) = details {
        case.set_system_out(&xml(&format!("details: {details}")));
    }
    case
}

/// Text that XML 1.0 can hold: without the characters it forbids, and without `]]>`, which would
/// end the CDATA section the writer puts text in. Attribute values are escaped by the writer.
fn xml(text: &str) -> String {
    let allowed: String = text
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
                || c >= '\u{10000}'
        })
        .collect();
    allowed.replace("]]>", "]] >")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_drops_what_xml_forbids_and_never_ends_a_cdata_section() {
        assert_eq!(
            xml("a\u{0}b\u{1b}[31mc\u{FFFE}d ]]> e\t"),
            "ab[31mcd ]] > e\t"
        );
        assert_eq!(xml("émoji 🙂"), "émoji 🙂");
    }
}
