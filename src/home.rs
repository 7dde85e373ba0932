//! Where the function runs — its partition, Region and account — and the check that an ARN it is given
//! is there too. DMS is regional and the deployed role may call it only in the function's own Region
//! and account (docs/aws-facts.md), so an ARN from elsewhere is refused before DMS is called.

use crate::error::Error;
use crate::validate::quoted;

/// What of an ARN's place must be the function's: its partition always, and its Region, its account
/// or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A task or an assessment run: DMS calls it in its Region, with this account's role.
    RegionAndAccount,
    /// An IAM role: global, and passed to a service only in its own account.
    Account,
    /// A KMS key: regional, and usable from another account when its key policy allows it.
    Region,
}

/// The function's partition, Region and account, as far as they are known: from the invoked
/// function's ARN in Lambda, else from the SDK's Region alone (a local run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Home {
    partition: Option<String>,
    region: Option<String>,
    account: Option<String>,
}

impl Home {
    /// From the invocation's function ARN (`arn:<partition>:lambda:<region>:<account>:function:…`)
    /// when it has one, else from the SDK client's Region.
    pub fn of(function_arn: &str, sdk_region: Option<&str>) -> Home {
        let parts: Vec<&str> = function_arn.splitn(6, ':').collect();
        match parts[..] {
            ["arn", partition, "lambda", region, account, _]
                if !partition.is_empty() && !region.is_empty() && !account.is_empty() =>
            {
                Home {
                    partition: Some(partition.to_owned()),
                    region: Some(region.to_owned()),
                    account: Some(account.to_owned()),
                }
            }
            _ => Home {
                region: sdk_region.map(str::to_owned),
                ..Home::default()
            },
        }
    }

    /// The Region DMS calls go to, if any is known.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Refuses with `InvalidInput` an ARN (already checked for shape) of another partition, or of
    /// another Region or account than the function's, as `scope` says.
    pub fn check(&self, member: &str, arn: &str, scope: Scope) -> Result<(), Error> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, partition, _, region, account, _] = parts[..] else {
            return Ok(());
        };
        let (by_region, by_account) = match scope {
            Scope::RegionAndAccount => (true, true),
            Scope::Account => (false, true),
            Scope::Region => (true, false),
        };
        let differs =
            |mine: &Option<String>, theirs: &str| mine.as_deref().is_some_and(|m| m != theirs);
        let elsewhere = differs(&self.partition, partition)
            || (by_region && differs(&self.region, region))
            || (by_account && differs(&self.account, account));
        if !elsewhere {
            return Ok(());
        }
        let place = |partition: Option<&str>, region: Option<&str>, account: Option<&str>| {
            [
                partition.map(|p| format!("partition {p}")),
                region.filter(|_| by_region).map(|r| format!("Region {r}")),
                account
                    .filter(|_| by_account)
                    .map(|a| format!("account {a}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
        };
        let theirs = place(Some(partition), Some(region), Some(account));
        let mine = place(
            self.partition.as_deref(),
            self.region(),
            self.account.as_deref(),
        );
        let why = match scope {
            // A local run: DMS is called in the SDK's Region, which the caller chooses.
            Scope::RegionAndAccount if self.account.is_none() => format!(
                "DMS is called in the Region the SDK is configured with; set AWS_REGION to the {} \
                 Region",
                owner(arn)
            ),
            Scope::RegionAndAccount => format!(
                "DMS is called only where the function runs, with its role; deploy the stack in the \
                 {} Region and account",
                owner(arn)
            ),
            Scope::Account => "a role can be passed to DMS only in its own account".to_owned(),
            Scope::Region => {
                "the results are encrypted with a key of the Region DMS runs in".to_owned()
            }
        };
        Err(Error::invalid_input(format!(
            "{member} {} is in {theirs}, and the function runs in {mine}: {why}",
            quoted(arn)
        )))
    }
}

impl Home {
    /// What a dry run, which calls nothing, leaves unchecked for a request of `subject` ("task",
    /// "replication config") with these assessment names: one sentence each.
    pub fn not_checked_in_a_dry_run(
        &self,
        subject: &str,
        (include_only, exclude): (&[String], &[String]),
    ) -> Vec<String> {
        let mut unchecked = Vec::new();
        if self.region.is_none() {
            unchecked.push(format!(
                "Region: no AWS Region is set (AWS_REGION, AWS_DEFAULT_REGION or a profile's \
                     region), so the {subject}'s Region was not compared with it; a run is refused \
                     until one is set"
            ));
        }
        if self.account.is_none() {
            unchecked.push(
                format!(
                    "Account: the function's account and partition are known only in Lambda (from \
                     the function ARN Lambda gives it), so the {subject}'s{} were not compared with them",
                    if subject == "task" { ", the role's and the key's" } else { " and the key's" }
                ),
            );
        }
        let names = if include_only.is_empty() {
            ("Exclude", exclude)
        } else {
            ("IncludeOnly", include_only)
        };
        if !names.1.is_empty() {
            unchecked.push(format!(
                "{}: the names were not compared with the assessments DMS lists for the {subject} \
                 (DescribeApplicableIndividualAssessments); a dry run calls no AWS API",
                names.0
            ));
        }
        unchecked
    }
}

/// Whose Region and account an ARN must be deployed in, for messages: "the task's", "the run's".
fn owner(arn: &str) -> &'static str {
    match arn.split(':').nth(5) {
        Some("task") => "task's",
        Some("assessment-run") => "assessment run's",
        Some("replication-config") => "replication config's",
        _ => "resource's",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:dms-assessment-run";
    use crate::TEST_TASK as TASK;

    #[test]
    fn an_arn_where_the_function_runs_passes() {
        let home = Home::of(FUNCTION, Some("us-east-1"));
        assert_eq!(
            home.check("ReplicationTaskArn", TASK, Scope::RegionAndAccount),
            Ok(())
        );
        let role = "arn:aws:iam::123456789012:role/dms";
        assert_eq!(
            home.check("ServiceAccessRoleArn", role, Scope::Account),
            Ok(())
        );
    }

    #[test]
    fn another_region_account_or_partition_is_invalid_input_naming_both_places() {
        let home = Home::of(FUNCTION, None);
        for (arn, theirs) in [
            (
                "arn:aws:dms:eu-west-1:123456789012:task:X",
                "partition aws, Region eu-west-1, account 123456789012",
            ),
            (
                "arn:aws:dms:us-east-1:210987654321:task:X",
                "partition aws, Region us-east-1, account 210987654321",
            ),
            (
                "arn:aws-cn:dms:us-east-1:123456789012:task:X",
                "partition aws-cn, Region us-east-1, account 123456789012",
            ),
        ] {
            let error = home
                .check("ReplicationTaskArn", arn, Scope::RegionAndAccount)
                .unwrap_err();
            assert_eq!(error.error_type(), "InvalidInput");
            assert_eq!(
                error.to_string(),
                format!(
                    "ReplicationTaskArn `{arn}` is in {theirs}, and the function runs in partition aws, \
                     Region us-east-1, account 123456789012: DMS is called only where the function \
                     runs, with its role; deploy the stack in the task's Region and account"
                )
            );
        }
    }

    #[test]
    fn a_role_is_checked_against_the_account_and_a_key_against_the_region() {
        let home = Home::of(FUNCTION, None);
        let other_account = "arn:aws:kms:us-east-1:210987654321:key/abc";
        assert_eq!(
            home.check("ResultKmsKeyArn", other_account, Scope::Region),
            Ok(())
        );
        let other_region = "arn:aws:kms:eu-west-1:123456789012:key/abc";
        let error = home
            .check("ResultKmsKeyArn", other_region, Scope::Region)
            .unwrap_err();
        assert!(
            error.to_string().ends_with(
                "is in partition aws, Region eu-west-1, and the function runs in partition aws, \
                 Region us-east-1: the results are encrypted with a key of the Region DMS runs in"
            ),
            "{error}"
        );
        let role = "arn:aws:iam::210987654321:role/dms";
        let error = home
            .check("ServiceAccessRoleArn", role, Scope::Account)
            .unwrap_err();
        assert!(
            error.to_string().ends_with(
                "is in partition aws, account 210987654321, and the function runs in partition aws, \
                 account 123456789012: a role can be passed to DMS only in its own account"
            ),
            "{error}"
        );
        let gov = "arn:aws-us-gov:iam::123456789012:role/dms";
        assert!(home
            .check("ServiceAccessRoleArn", gov, Scope::Account)
            .is_err());
    }

    #[test]
    fn the_reason_names_the_kind_of_arn() {
        let home = Home::of(FUNCTION, None);
        let run = "arn:aws:dms:eu-west-1:123456789012:assessment-run:R1";
        let error = home
            .check(
                "ReplicationTaskAssessmentRunArn",
                run,
                Scope::RegionAndAccount,
            )
            .unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("deploy the stack in the assessment run's Region and account"),
            "{error}"
        );
    }

    #[test]
    fn a_dry_run_says_what_it_could_not_check() {
        let none: &[String] = &[];
        let check = |home: &Home, exclude: &[String]| {
            home.not_checked_in_a_dry_run("task", (none, exclude))
        };
        assert!(check(&Home::of(FUNCTION, None), none).is_empty());
        let local = check(&Home::of("", Some("us-east-1")), none);
        assert_eq!(local.len(), 1);
        assert!(local[0].starts_with("Account: "), "{local:?}");
        let nowhere = check(&Home::of("", None), &["a".to_owned()]);
        let kinds: Vec<&str> = nowhere
            .iter()
            .map(|s| s.split(':').next().unwrap())
            .collect();
        assert_eq!(kinds, ["Region", "Account", "Exclude"]);
    }

    #[test]
    fn without_a_function_arn_only_the_sdk_region_is_known() {
        let home = Home::of("", Some("us-east-1"));
        assert_eq!(home.region(), Some("us-east-1"));
        let other_account = "arn:aws-cn:dms:us-east-1:210987654321:task:X";
        assert_eq!(
            home.check("ReplicationTaskArn", other_account, Scope::RegionAndAccount),
            Ok(())
        );
        let error = home
            .check(
                "ReplicationTaskArn",
                "arn:aws:dms:eu-west-1:1:task:X",
                Scope::RegionAndAccount,
            )
            .unwrap_err();
        assert!(error.to_string().ends_with(
            "and the function runs in Region us-east-1: DMS is called in the Region the SDK is \
             configured with; set AWS_REGION to the task's Region"
        ));
        let home = Home::of("", None);
        assert_eq!(
            home.check("ReplicationTaskArn", TASK, Scope::RegionAndAccount),
            Ok(())
        );
    }
}
