"""Offline checks of template.yaml: the linters, the EventBridge rule's pattern and target, least privilege, and
`sam build`. Run by scripts/test with cfn-lint, SAM CLI, moto and cargo-lambda installed."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cfnlint.decode import decode
from moto.events.models import EventPattern
from samtranslator.translator.transform import transform

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
DEFINITION = ROOT / "statemachine" / "assessment.asl.json"
FLEET_DEFINITION = ROOT / "statemachine" / "fleet.asl.json"
EVENTS = ROOT / "events"


@pytest.fixture(scope="module")
def template():
    parsed, problems = decode(str(TEMPLATE))
    assert not problems, problems
    return parsed


def run(*command, **kwargs):
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, **kwargs)


def test_cfn_lint_passes():
    result = run("cfn-lint", "template.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_lint_passes():
    result = run("sam", "validate", "--lint", "--template", "template.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def rule_pattern(template):
    """The DMS task rule's pattern, with its parameter references resolved to their defaults."""
    event = template["Resources"]["AssessmentStateMachine"]["Properties"]["Events"]["DmsTaskEvent"]
    assert event["Type"] == "EventBridgeRule"
    pattern = json.loads(json.dumps(event["Properties"]["Pattern"]))
    default = template["Parameters"]["DmsEventIds"]["Default"]
    ids = [value.strip() for value in default.split(",")]
    # The identifier is matched in `detail.eventId` alone, as the User Guide's current sample carries it.
    assert pattern["detail"] == {"eventId": {"Ref": "DmsEventIds"}}
    pattern["detail"]["eventId"] = ids
    return EventPattern.load(json.dumps(pattern))


def sample(name):
    return json.loads((EVENTS / name).read_text())


def test_the_default_event_ids_are_task_created_and_modified(template):
    # DMS User Guide, "AWS DMS event categories and event messages": 0074 created, 0080 modified.
    assert template["Parameters"]["DmsEventIds"]["Default"] == "DMS-EVENT-0074,DMS-EVENT-0080"


def test_the_dms_task_created_sample_matches_the_rule(template):
    created = sample("eventbridge-dms-task-state-change.json")
    assert created["detail"]["eventId"] == "DMS-EVENT-0074"
    assert rule_pattern(template).matches_event(created)


def test_a_modified_task_matches_the_rule(template):
    pattern = rule_pattern(template)
    modified = sample("eventbridge-dms-task-state-change.json")
    modified["detail"]["eventId"] = "DMS-EVENT-0080"
    del modified["detail"]["eventType"]  # DMS publishes no eventType for it: the id alone decides
    assert pattern.matches_event(modified)


def test_the_user_guide_sample_matches_when_its_id_is_listed_and_not_otherwise(template):
    as_in_the_guide = sample("eventbridge-dms-task-started-user-guide.json")
    # The User Guide's current sample: the identifier in `eventId`, the type `REPLICATION_TASK`.
    assert as_in_the_guide["detail"]["eventId"] == "DMS-EVENT-0069"
    assert as_in_the_guide["detail"]["type"] == "REPLICATION_TASK"
    assert "eventName" not in as_in_the_guide["detail"]
    assert as_in_the_guide["account"] == "012345678901"
    assert as_in_the_guide["resources"][0].split(":")[4] == as_in_the_guide["account"]
    # A task started (DMS-EVENT-0069) is not in the default list, so the sample as published does not match.
    assert not rule_pattern(template).matches_event(as_in_the_guide)
    # With DMS-EVENT-0069 among DmsEventIds it does.
    event = template["Resources"]["AssessmentStateMachine"]["Properties"]["Events"]["DmsTaskEvent"]
    pattern = json.loads(json.dumps(event["Properties"]["Pattern"]))
    pattern["detail"]["eventId"] = ["DMS-EVENT-0074", "DMS-EVENT-0080", "DMS-EVENT-0069"]
    assert EventPattern.load(json.dumps(pattern)).matches_event(as_in_the_guide)
    # The key the guide's older sample used is not matched.
    renamed = json.loads(json.dumps(as_in_the_guide))
    renamed["detail"]["eventName"] = renamed["detail"].pop("eventId")
    assert not EventPattern.load(json.dumps(pattern)).matches_event(renamed)


def test_other_events_do_not_match_the_rule(template):
    pattern = rule_pattern(template)
    assert not pattern.matches_event(sample("eventbridge-dms-instance-state-change.json"))
    assert not pattern.matches_event(sample("eventbridge-custom.json"))
    # The User Guide's sample: a task started (DMS-EVENT-0069) is not ready for assessment.
    assert not pattern.matches_event(sample("eventbridge-dms-task-started-user-guide.json"))
    for event_id in ["DMS-EVENT-0069", "DMS-EVENT-0079", "DMS-EVENT-0078", "DMS-EVENT-0073"]:
        other = sample("eventbridge-dms-task-started-user-guide.json")
        other["detail"]["eventId"] = event_id
        assert not pattern.matches_event(other), event_id
    for event_id in ["DMS-EVENT-0069", "DMS-EVENT-0079", "DMS-EVENT-0078", "DMS-EVENT-0073"]:
        other = sample("eventbridge-dms-task-state-change.json")
        other["detail"]["eventId"] = event_id
        assert not pattern.matches_event(other), event_id
    # A failure event may come without an identifier at all.
    failed = sample("eventbridge-dms-task-state-change.json")
    del failed["detail"]["eventId"]
    assert not pattern.matches_event(failed)


def statements(template, conditions=None):
    """(resource name, statement) for every statement; a statement under `Fn::If` is its true branch, and
    `conditions`, when given, maps its Sid to the condition's name."""
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        documents = [p for p in properties.get("Policies", []) if isinstance(p, dict) and "Statement" in p]
        documents += [p["PolicyDocument"] for p in properties.get("Policies", []) if "PolicyDocument" in p]
        if "PolicyDocument" in properties:
            documents.append(properties["PolicyDocument"])
        for document in documents:
            for statement in document["Statement"]:
                if "Fn::If" in statement:
                    condition, statement, otherwise = statement["Fn::If"]
                    assert otherwise == {"Ref": "AWS::NoValue"}
                    if conditions is not None:
                        conditions[statement["Sid"]] = condition
                yield name, statement


def sid(template, resource, name, conditions=None):
    (statement,) = [s for r, s in statements(template, conditions) if r == resource and s.get("Sid") == name]
    return statement


def sub(value):
    return value["Fn::Sub"] if isinstance(value, dict) and "Fn::Sub" in value else value


def test_no_statement_allows_every_action(template):
    for name, statement in statements(template):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if statement["Effect"] == "Allow":
            assert all("*" not in action for action in actions), (name, statement)


def test_the_function_may_pass_only_the_service_role_and_only_to_dms(template):
    passes = [s for name, s in statements(template) if name == "AssessmentRunFunction" and s["Action"] == "iam:PassRole"]
    assert len(passes) == 1
    assert passes[0]["Resource"] != "*"
    # The global and the regional service principal, as AWS's own managed policies for DMS allow.
    assert passes[0]["Condition"] == {
        "StringLike": {"iam:PassedToService": ["dms.amazonaws.com", "dms.*.amazonaws.com"]}
    }


def test_dms_may_assume_the_service_role_for_the_run_or_the_task_of_this_account(template):
    trust = template["Resources"]["DmsServiceRole"]["Properties"]["AssumeRolePolicyDocument"]
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "dms.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    arns = [arn["Fn::Sub"] for arn in statement["Condition"]["ArnLike"]["aws:SourceArn"]]
    assert arns == [
        "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:assessment-run:*",
        "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:task:*",
    ]


def test_the_created_role_may_use_the_given_results_key_only(template):
    assert template["Conditions"]["GrantResultKey"] == {
        "Fn::And": [
            {"Condition": "CreateRoleAndBucket"},
            {"Fn::Not": [{"Fn::Equals": [{"Ref": "ResultKmsKeyArn"}, ""]}]},
        ]
    }
    policies = template["Resources"]["DmsServiceRole"]["Properties"]["Policies"]
    (conditional,) = [p for p in policies if "Fn::If" in p]
    condition, policy, otherwise = conditional["Fn::If"]
    assert condition == "GrantResultKey"
    assert otherwise == {"Ref": "AWS::NoValue"}
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"]
    assert statement["Resource"] == {"Ref": "ResultKmsKeyArn"}


def test_a_results_key_needs_sse_kms(template):
    rule = template["Rules"]["AKmsKeyNeedsSseKms"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "ResultKmsKeyArn"}, ""]}]}
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Equals": [{"Ref": "ResultEncryptionMode"}, "SSE_KMS"]}


def test_results_are_encrypted_by_default_and_keys_are_key_arns(template):
    parameters = template["Parameters"]
    assert parameters["ResultEncryptionMode"]["Default"] == "SSE_S3"
    assert "no encryption" in parameters["ResultEncryptionMode"]["Description"]
    pattern = re.compile(parameters["ResultKmsKeyArn"]["AllowedPattern"])
    assert pattern.match("")
    assert pattern.match("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    assert pattern.match("arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab")
    assert not pattern.match("arn:aws:kms:us-east-1:123456789012:alias/dms-results")


def sam_build(tmp_path, *parameter_overrides):
    """`sam build` of the template into tmp_path; the function's `bootstrap`."""
    assert shutil.which("cargo-lambda"), "sam build needs cargo-lambda on PATH"
    overrides = ["--parameter-overrides", *parameter_overrides] if parameter_overrides else []
    result = run(
        "sam", "build", "--beta-features", *overrides,
        "--build-dir", str(tmp_path / "build"),
        "--cache-dir", str(tmp_path / "cache"),
        timeout=3600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    bootstrap = tmp_path / "build" / "AssessmentRunFunction" / "bootstrap"
    assert bootstrap.is_file()
    assert os.access(bootstrap, os.X_OK)
    return bootstrap


def elf_machine(path):
    """e_machine of a 64-bit little-endian ELF file."""
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF"
    assert header[4:6] == b"\x02\x01", "a 64-bit little-endian ELF file"
    return int.from_bytes(header[18:20], "little")


# sam build copies the binary out of target/lambda/, where `cargo lambda build` for x86_64
# (scripts/bench) also writes: the x86_64 build stays last, so that it is x86_64 that is left there.
# The arm64 build reuses scripts/test's (the same `cargo lambda build --release --arm64`).
def test_sam_build_with_the_default_parameters_builds_arm64(tmp_path):
    assert elf_machine(sam_build(tmp_path)) == 0xB7, "an aarch64 executable"


def test_sam_build_x86_64(tmp_path):
    assert elf_machine(sam_build(tmp_path, "Architecture=x86_64")) == 0x3E, "an x86_64 executable"


# The premigration gate: the verdict function, the state machine's permissions, the rule on the state machine.


def test_the_verdict_function_is_the_second_binary_built_like_the_first(template):
    resources = template["Resources"]
    verdict, start = resources["VerdictFunction"], resources["AssessmentRunFunction"]
    assert verdict["Type"] == "AWS::Serverless::Function"
    assert verdict["Metadata"] == {"BuildMethod": "rust-cargolambda", "BuildProperties": {"Binary": "dms-assessment-verdict"}}
    for key in ["Runtime", "Architectures", "LoggingConfig", "Handler", "CodeUri"]:
        assert verdict["Properties"][key] == start["Properties"][key], key


def test_the_verdict_function_may_only_read_runs_and_their_assessments(template):
    (statement,) = [s for name, s in statements(template) if name == "VerdictFunction"]
    assert statement["Action"] == [
        "dms:DescribeReplicationTaskAssessmentRuns",
        "dms:DescribeReplicationTaskIndividualAssessments",
    ]
    # This account's and Region's instances, tasks and runs: the types the Service Authorization Reference
    # lists for these actions (individual-assessment is listed for neither).
    assert [sub(arn) for arn in statement["Resource"]] == DESCRIBE_RUN_RESOURCES


DESCRIBE_RUN_RESOURCES = [
    "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:rep:*",
    "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:task:*",
    "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:assessment-run:*",
]


def test_every_grant_of_the_assessment_describes_is_on_this_accounts_resources(template):
    describes = {"dms:DescribeReplicationTaskAssessmentRuns", "dms:DescribeReplicationTaskIndividualAssessments"}
    granted = []
    for name, statement in statements(template):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if describes & set(actions):
            granted.append((name, statement.get("Sid")))
            assert [sub(arn) for arn in statement["Resource"]] == DESCRIBE_RUN_RESOURCES, (name, statement)
    assert granted == [
        ("AssessmentRunFunction", "FindExistingRuns"),
        ("VerdictFunction", "ReadAssessmentRuns"),
        ("AssessmentStateMachine", "DescribeAssessmentRuns"),
    ]


def test_the_assessment_run_function_has_no_trigger_of_its_own_any_more(template):
    properties = template["Resources"]["AssessmentRunFunction"]["Properties"]
    # The rule starts the state machine; the function is only invoked synchronously, by it.
    assert "Events" not in properties
    assert "EventInvokeConfig" not in properties


def test_the_state_machine_may_invoke_the_two_functions_and_their_versions_only(template):
    statement = sid(template, "AssessmentStateMachine", "InvokeTheTwoFunctions")
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Resource"] == [
        {"Fn::GetAtt": ["AssessmentRunFunction", "Arn"]},
        {"Fn::Sub": "${AssessmentRunFunction.Arn}:*"},
        {"Fn::GetAtt": ["VerdictFunction", "Arn"]},
        {"Fn::Sub": "${VerdictFunction.Arn}:*"},
    ]


def test_the_state_machine_may_cancel_only_this_accounts_runs(template):
    statement = sid(template, "AssessmentStateMachine", "CancelRunsThatTakeTooLong")
    assert statement["Action"] == "dms:CancelReplicationTaskAssessmentRun"
    assert sub(statement["Resource"]) == "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:assessment-run:*"


def test_the_state_machine_may_put_only_verdict_events_on_the_default_bus(template):
    statement = sid(template, "AssessmentStateMachine", "PublishVerdicts")
    assert statement["Action"] == "events:PutEvents"
    assert sub(statement["Resource"]) == "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"
    # `events:source` is multivalued: a set operator, and present (not Null).
    assert statement["Condition"] == {
        "ForAllValues:StringEquals": {"events:source": {"Ref": "VerdictEventSource"}},
        "Null": {"events:source": "false"},
    }


def test_the_verdict_source_cannot_begin_with_aws(template):
    # PutEvents refuses the `aws.` prefix; CloudFormation reads AllowedPattern as a Java regex, and a negative
    # lookahead means the same in Java and in Python.
    parameter = template["Parameters"]["VerdictEventSource"]
    pattern = re.compile(parameter["AllowedPattern"])
    assert not pattern.fullmatch("aws.dms")
    assert not pattern.fullmatch("aws.")
    assert pattern.fullmatch("dms-assessment-run")
    assert pattern.fullmatch("com.example.migrations")
    assert pattern.fullmatch(parameter["Default"])


def test_sns_publish_only_to_the_given_topic_and_only_when_one_is_given(template):
    conditions = {}
    statement = sid(template, "AssessmentStateMachine", "NotifyVerdicts", conditions)
    assert conditions["NotifyVerdicts"] == "Notify"
    assert template["Conditions"]["Notify"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "NotificationTopicArn"}, ""]}]}
    assert statement["Action"] == "sns:Publish"
    assert statement["Resource"] == {"Ref": "NotificationTopicArn"}


def test_the_gate_permissions_exist_only_when_the_gate_is_on(template):
    conditions = {}
    describe = sid(template, "AssessmentStateMachine", "SeeWhetherTheTaskIsStillTesting", conditions)
    start = sid(template, "AssessmentStateMachine", "StartTheTaskTheVerdictAllows", conditions)
    assert conditions["SeeWhetherTheTaskIsStillTesting"] == "StartTaskAfterVerdict"
    assert conditions["StartTheTaskTheVerdictAllows"] == "StartTaskAfterVerdict"
    assert template["Conditions"]["StartTaskAfterVerdict"] == {"Fn::Equals": [{"Ref": "StartTaskWhenAllowed"}, "true"]}
    assert describe["Action"] == "dms:DescribeReplicationTasks"
    assert describe["Resource"] == "*"  # no resource types in the Service Authorization Reference
    assert start["Action"] == "dms:StartReplicationTask"
    assert sub(start["Resource"]) == "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:task:*"
    # Off unless asked for: starting a migration is the user's decision.
    assert template["Parameters"]["StartTaskWhenAllowed"]["Default"] == "false"
    assert template["Parameters"]["StartReplicationTaskType"]["AllowedValues"] == [
        "start-replication",
        "resume-processing",
        "reload-target",
    ]


def test_the_state_machine_has_no_other_statements(template):
    sids = [s.get("Sid") for name, s in statements(template) if name == "AssessmentStateMachine"]
    assert sids == [
        "InvokeTheTwoFunctions",
        "DescribeAssessmentRuns",
        "CancelRunsThatTakeTooLong",
        "PublishVerdicts",
        "NotifyVerdicts",
        "SeeWhetherTheTaskIsStillTesting",
        "StartTheTaskTheVerdictAllows",
    ]


def test_every_substitution_the_definition_uses_is_given_and_every_one_given_is_used(template):
    used = set(re.findall(r"\$\{([A-Za-z]+)\}", DEFINITION.read_text()))
    given = set(template["Resources"]["AssessmentStateMachine"]["Properties"]["DefinitionSubstitutions"])
    assert used == given
    defaults = {name: template["Parameters"][name]["Default"] for name in ["VerdictEventSource", "NotificationTopicArn", "WarningsBlock"]}
    assert defaults == {"VerdictEventSource": "dms-assessment-run", "NotificationTopicArn": "", "WarningsBlock": "false"}


def test_the_rule_starts_the_state_machine_with_the_task_and_the_event_id(template):
    properties = template["Resources"]["AssessmentStateMachine"]["Properties"]["Events"]["DmsTaskEvent"]["Properties"]
    assert properties["State"] == {"Ref": "DmsEventRuleState"}
    assert properties["InputTransformer"] == {
        "InputPathsMap": {"task": "$.resources[0]", "id": "$.id"},
        "InputTemplate": '{"ReplicationTaskArn": <task>, "IdempotencyKey": <id>, "RecentRunWindowSeconds": 900}',
    }
    assert properties["RetryPolicy"] == {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600}
    assert properties["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}}


def test_the_dead_letter_queue_takes_messages_from_the_rule_only(template):
    (statement,) = template["Resources"]["DeadLetterQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["AssessmentStateMachineDmsTaskEvent", "Arn"]}}}


@pytest.fixture(scope="module")
def translated(template, monkeypatch_module):
    """The template as SAM turns it into CloudFormation (what `sam deploy` sends)."""
    monkeypatch_module.setenv("AWS_DEFAULT_REGION", "us-east-1")
    sam = json.loads(json.dumps(template))
    for resource in sam["Resources"].values():
        properties = resource.get("Properties", {})
        if "CodeUri" in properties:
            properties["CodeUri"] = "s3://bucket/code.zip"
        if "DefinitionUri" in properties:
            properties["DefinitionUri"] = "s3://bucket/definition.json"

    class NoManagedPolicies:
        def load(self):
            return {}

    return transform(sam, {}, NoManagedPolicies())


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_rule_targets_the_state_machine_through_a_role_that_may_only_start_it(translated):
    resources = translated["Resources"]
    rule = resources["AssessmentStateMachineDmsTaskEvent"]
    assert rule["Type"] == "AWS::Events::Rule"
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": "AssessmentStateMachine"}
    assert target["RoleArn"] == {"Fn::GetAtt": ["AssessmentStateMachineDmsTaskEventRole", "Arn"]}
    assert "InputTransformer" in target
    role = resources["AssessmentStateMachineDmsTaskEventRole"]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": ["events.amazonaws.com"]}
    (policy,) = role["Policies"]
    assert policy["PolicyDocument"]["Statement"] == [
        {"Action": "states:StartExecution", "Effect": "Allow", "Resource": {"Ref": "AssessmentStateMachine"}}
    ]


def test_the_rule_input_for_the_sample_event_is_the_task_and_the_event_id(template):
    """What EventBridge makes of the sample with the template's transformer: unquoted placeholders are replaced
    by the value as JSON (EventBridge API reference, InputTransformer)."""
    transformer = template["Resources"]["AssessmentStateMachine"]["Properties"]["Events"]["DmsTaskEvent"]["Properties"]["InputTransformer"]
    event = sample("eventbridge-dms-task-state-change.json")
    values = {"task": event["resources"][0], "id": event["id"]}
    assert transformer["InputPathsMap"] == {"task": "$.resources[0]", "id": "$.id"}
    text = re.sub(r"<(\w+)>", lambda m: json.dumps(values[m.group(1)]), transformer["InputTemplate"])
    assert json.loads(text) == {
        "ReplicationTaskArn": event["resources"][0],
        "IdempotencyKey": event["id"],
        "RecentRunWindowSeconds": 900,
    }


def test_the_fleet_state_machine_has_exactly_the_statements_it_needs(template):
    sids = [s.get("Sid") for name, s in statements(template) if name == "FleetStateMachine"]
    assert sids == [
        "SelectTasks",
        "ReadTaskTags",
        "StartSingleRuns",
        "FollowSingleRuns",
        "ManagedRuleForSyncExecutions",
        "PublishFleetReports",
        "WriteLargeReports",
    ]


def test_the_fleet_may_select_tasks_and_read_only_task_tags(template):
    select = sid(template, "FleetStateMachine", "SelectTasks")
    assert select["Action"] == "dms:DescribeReplicationTasks"
    assert select["Resource"] == "*"  # no resource types in the Service Authorization Reference
    tags = sid(template, "FleetStateMachine", "ReadTaskTags")
    assert tags["Action"] == "dms:ListTagsForResource"
    assert tags["Resource"] == "*"


def test_the_fleet_may_start_the_single_run_state_machine_only_and_follow_its_executions(template):
    # Step Functions Developer Guide, "IAM policies for ... StartExecution", the synchronous policy.
    start = sid(template, "FleetStateMachine", "StartSingleRuns")
    assert start["Action"] == "states:StartExecution"
    assert start["Resource"] == {"Ref": "AssessmentStateMachine"}
    follow = sid(template, "FleetStateMachine", "FollowSingleRuns")
    assert follow["Action"] == ["states:DescribeExecution", "states:StopExecution"]
    assert sub(follow["Resource"]) == "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${AssessmentStateMachine.Name}:*"
    rule = sid(template, "FleetStateMachine", "ManagedRuleForSyncExecutions")
    assert rule["Action"] == ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    assert sub(rule["Resource"]) == (
        "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"
    )


def test_the_fleet_may_put_only_its_events_and_write_only_reports(template):
    publish = sid(template, "FleetStateMachine", "PublishFleetReports")
    assert publish["Action"] == "events:PutEvents"
    assert sub(publish["Resource"]) == "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"
    # `events:source` is multivalued: a set operator, and present (not Null), as PublishVerdicts.
    assert publish["Condition"] == {
        "ForAllValues:StringEquals": {"events:source": {"Ref": "VerdictEventSource"}},
        "Null": {"events:source": "false"},
    }
    write = sid(template, "FleetStateMachine", "WriteLargeReports")
    assert write["Action"] == "s3:PutObject"
    condition, created, given = write["Resource"]["Fn::If"]
    assert condition == "CreateRoleAndBucket"
    assert sub(created) == "${ResultsBucket.Arn}/fleet-reports/*"
    assert sub(given) == "arn:${AWS::Partition}:s3:::${ResultLocationBucket}/fleet-reports/*"
    substitutions = template["Resources"]["FleetStateMachine"]["Properties"]["DefinitionSubstitutions"]
    assert substitutions["ReportPrefix"] == "fleet-reports/"
    assert substitutions["ResultsBucket"] == {
        "Fn::If": ["CreateRoleAndBucket", {"Ref": "ResultsBucket"}, {"Ref": "ResultLocationBucket"}]
    }


def test_every_substitution_the_fleet_definition_uses_is_given_and_every_one_given_is_used(template):
    used = set(re.findall(r"\$\{([A-Za-z]+)\}", FLEET_DEFINITION.read_text()))
    given = set(template["Resources"]["FleetStateMachine"]["Properties"]["DefinitionSubstitutions"])
    assert used == given
    assert template["Resources"]["FleetStateMachine"]["Properties"]["DefinitionSubstitutions"]["AssessmentStateMachineArn"] == {
        "Ref": "AssessmentStateMachine"
    }


def test_fleet_concurrency_is_small_by_default_and_within_the_inline_map_limit(template):
    parameter = template["Parameters"]["FleetConcurrency"]
    assert (parameter["Default"], parameter["MinValue"], parameter["MaxValue"]) == (5, 1, 40)
    definition = json.loads(FLEET_DEFINITION.read_text())
    assess = definition["States"]["AssessTasks"]
    assert assess["ItemProcessor"]["ProcessorConfig"] == {"Mode": "INLINE"}
    assert assess["MaxConcurrencyPath"] == "$.Concurrency"
    assert "${FleetConcurrency}" in json.dumps(definition["States"]["PrepareFleet"])


def test_the_fleet_state_machine_gets_a_role_with_those_statements(translated):
    resources = translated["Resources"]
    machine = resources["FleetStateMachine"]
    assert machine["Type"] == "AWS::StepFunctions::StateMachine"
    assert machine["Properties"]["RoleArn"] == {"Fn::GetAtt": ["FleetStateMachineRole", "Arn"]}
    role = resources["FleetStateMachineRole"]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": ["states.amazonaws.com"]}
