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
        "Fn::And": [{"Condition": "CreateRoleAndBucket"}, {"Condition": "EncryptWithOwnKey"}]
    }
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert conditions_for(template, ResultEncryption=key)["GrantResultKey"]
    for mode in ["SSE_S3", "SSE_KMS", "NONE"]:
        assert not conditions_for(template, ResultEncryption=mode)["GrantResultKey"], mode
    # A role of your own gets no grant from the stack: its owner grants the key (docs/deploy.md).
    assert not conditions_for(template, ResultEncryption=key, **OWN_ROLE_AND_BUCKET)["GrantResultKey"]
    policies = template["Resources"]["DmsServiceRole"]["Properties"]["Policies"]
    (conditional,) = [p for p in policies if "Fn::If" in p]
    condition, policy, otherwise = conditional["Fn::If"]
    assert condition == "GrantResultKey"
    assert otherwise == {"Ref": "AWS::NoValue"}
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"]
    assert statement["Resource"] == {"Ref": "ResultEncryption"}


def test_results_are_encrypted_by_default_and_keys_are_key_arns(template):
    parameter = template["Parameters"]["ResultEncryption"]
    assert parameter["Default"] == "SSE_S3"
    assert "no encryption" in parameter["Description"]
    pattern = re.compile(parameter["AllowedPattern"])
    for value in ["SSE_S3", "SSE_KMS", "NONE"]:
        assert pattern.fullmatch(value), value
    assert pattern.fullmatch("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    assert pattern.fullmatch("arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab")
    assert not pattern.fullmatch("arn:aws:kms:us-east-1:123456789012:alias/dms-results")
    assert not pattern.fullmatch("")
    assert not pattern.fullmatch("sse_s3")


def sam_build(tmp_path, *parameter_overrides):
    """`sam build` of the template into tmp_path; the function's `bootstrap`. sam build copies each binary out
    of target/lambda/, where `cargo lambda build` for x86_64 (scripts/bench) also writes: what was there before
    is put back, so that the arm64 build is not taken for the x86_64 one."""
    assert shutil.which("cargo-lambda"), "sam build needs cargo-lambda on PATH"
    overrides = ["--parameter-overrides", *parameter_overrides] if parameter_overrides else []
    lambda_dir = ROOT / "target" / "lambda"
    kept = tmp_path / "kept-target-lambda"
    if lambda_dir.is_dir():
        shutil.copytree(lambda_dir, kept, symlinks=True)
    try:
        result = run(
            "sam", "build", *overrides,
            "--build-dir", str(tmp_path / "build"),
            "--cache-dir", str(tmp_path / "cache"),
            timeout=3600,
        )
    finally:
        if kept.is_dir():
            shutil.rmtree(lambda_dir, ignore_errors=True)
            shutil.copytree(kept, lambda_dir, symlinks=True)
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


# The arm64 build reuses scripts/test's (the same `cargo lambda build --release --arm64`). The template
# deploys arm64 only (no Architecture parameter any more).
def test_sam_build_with_the_default_parameters_builds_arm64(tmp_path):
    assert elf_machine(sam_build(tmp_path)) == 0xB7, "an aarch64 executable"
    for name in ["AssessmentRunFunction", "VerdictFunction"]:
        assert elf_machine(tmp_path / "build" / name / "bootstrap") == 0xB7, name


def test_both_functions_are_arm64(template):
    for name in ["AssessmentRunFunction", "VerdictFunction"]:
        assert template["Resources"][name]["Properties"]["Architectures"] == ["arm64"], name


# The premigration gate: the verdict function, the state machine's permissions, the rule on the state machine.


def test_the_verdict_function_is_the_second_binary_built_like_the_first(template):
    resources = template["Resources"]
    verdict, start = resources["VerdictFunction"], resources["AssessmentRunFunction"]
    assert verdict["Type"] == "AWS::Serverless::Function"
    assert verdict["Metadata"] == {"BuildMethod": "rust-cargolambda", "BuildProperties": {"Binary": "dms-assessment-verdict"}}
    for key in ["Runtime", "Architectures", "Handler", "CodeUri", "Tracing"]:
        assert verdict["Properties"][key] == start["Properties"][key], key
    # The same logging, each to its own log group.
    without_group = lambda function: {k: v for k, v in function["Properties"]["LoggingConfig"].items() if k != "LogGroup"}
    assert without_group(verdict) == without_group(start)


def test_the_verdict_function_may_only_read_runs_and_their_assessments(template):
    statement, serverless, _results, _missing, _key = [s for name, s in statements(template) if name == "VerdictFunction"]
    # A DMS Serverless run is read through its replication: no resource type for it in the Service
    # Authorization Reference.
    assert serverless["Action"] == "dms:DescribeReplications"
    assert serverless["Resource"] == "*"
    assert statement["Action"] == [
        "dms:DescribeReplicationTaskAssessmentRuns",
        "dms:DescribeReplicationTaskIndividualAssessments",
    ]
    # This account's and Region's instances, tasks and runs: the types the Service Authorization Reference
    # lists for these actions (individual-assessment is listed for neither).
    assert [sub(arn) for arn in statement["Resource"]] == DESCRIBE_RUN_RESOURCES


def test_the_verdict_function_may_read_only_the_stacks_results_and_decrypt_only_with_its_key(template):
    conditions = {}
    results = sid(template, "VerdictFunction", "ReadRunResults", conditions)
    assert results["Action"] == "s3:GetObject"
    arn, names = results["Resource"]["Fn::Sub"]
    assert arn == "arn:${AWS::Partition}:s3:::${Bucket}/*"
    # The bucket the stack created, or the one it was given: the one the start function writes to.
    assert names == {"Bucket": {"Fn::If": ["CreateRoleAndBucket", {"Ref": "ResultsBucket"}, {"Ref": "ResultLocationBucket"}]}}
    start = template["Resources"]["AssessmentRunFunction"]["Properties"]["Environment"]["Variables"]
    assert start["RESULT_LOCATION_BUCKET"] == names["Bucket"]
    # ListBucket on that bucket alone, so that a missing summary.json is NoSuchKey and not AccessDenied.
    missing = sid(template, "VerdictFunction", "TellMissingRunResults", conditions)
    assert missing["Action"] == "s3:ListBucket"
    assert missing["Resource"]["Fn::Sub"] == ["arn:${AWS::Partition}:s3:::${Bucket}", names]
    key = sid(template, "VerdictFunction", "DecryptRunResults", conditions)
    assert conditions["DecryptRunResults"] == "EncryptWithOwnKey"
    assert "ReadRunResults" not in conditions, "reading the results is always allowed"
    assert key["Action"] == "kms:Decrypt"
    assert key["Resource"] == {"Ref": "ResultEncryption"}
    assert key["Condition"] == {"StringEquals": {"kms:ViaService": {"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}}}
    # Only a key ARN given as ResultEncryption; SSE_S3, SSE_KMS (DMS's key) and NONE grant nothing.
    assert conditions_for(template, ResultEncryption="arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")["EncryptWithOwnKey"]
    for mode in ["SSE_S3", "SSE_KMS", "NONE"]:
        assert not conditions_for(template, ResultEncryption=mode)["EncryptWithOwnKey"], mode


REPLICATION_CONFIGS = "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:replication-config:*"

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
        "ForAllValues:StringEquals": {"events:source": {"Ref": "AWS::StackName"}},
        "Null": {"events:source": "false"},
    }


# CloudFormation User Guide, "Stack name": "A stack name can contain only alphanumeric characters
# (case-sensitive) and hyphens. It must start with an alphabetic character and can't be longer than 128
# characters." (docs/aws-facts.md)
STACK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,127}")


def test_the_verdict_source_is_the_stack_name_which_cannot_begin_with_aws_dot(template):
    # PutEvents refuses the `aws.` prefix; a stack name has no dot, so no stack name begins with it.
    substitutions = template["Resources"]["AssessmentStateMachine"]["Properties"]["DefinitionSubstitutions"]
    assert substitutions["VerdictEventSource"] == {"Ref": "AWS::StackName"}
    fleet = template["Resources"]["FleetStateMachine"]["Properties"]["DefinitionSubstitutions"]
    assert fleet["VerdictEventSource"] == {"Ref": "AWS::StackName"}
    assert "VerdictEventSource" not in template["Parameters"]
    assert not STACK_NAME.fullmatch("aws.dms")
    assert STACK_NAME.fullmatch("dms-assessment-run")
    # PutEvents' Source is at most 256 characters; a stack name at most 128.
    assert not STACK_NAME.fullmatch("a" * 129)


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
    assert conditions["SeeWhetherTheTaskIsStillTesting"] == "GateStartsTask"
    assert conditions["StartTheTaskTheVerdictAllows"] == "GateStartsTask"
    assert template["Conditions"]["GateStartsTask"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "StartTaskAfterVerdict"}, "none"]}]}
    assert describe["Action"] == "dms:DescribeReplicationTasks"
    assert describe["Resource"] == "*"  # no resource types in the Service Authorization Reference
    assert start["Action"] == "dms:StartReplicationTask"
    assert sub(start["Resource"]) == "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:task:*"
    # Off unless asked for: starting a migration is the user's decision.
    assert template["Parameters"]["StartTaskAfterVerdict"]["Default"] == "none"
    assert not conditions_for(template)["GateStartsTask"]
    assert template["Parameters"]["StartTaskAfterVerdict"]["AllowedValues"] == [
        "none",
        "start-replication",
        "resume-processing",
        "reload-target",
    ]
    for kind in ["start-replication", "resume-processing", "reload-target"]:
        assert conditions_for(template, StartTaskAfterVerdict=kind)["GateStartsTask"], kind


def test_the_state_machine_has_no_other_statements(template):
    sids = [s.get("Sid") for name, s in statements(template) if name == "AssessmentStateMachine"]
    assert sids == [
        "InvokeTheTwoFunctions",
        "DescribeAssessmentRuns",
        "DescribeServerlessAssessments",
        "CancelRunsThatTakeTooLong",
        "PublishVerdicts",
        "NotifyVerdicts",
        "SeeWhetherTheTaskIsStillTesting",
        "StartTheTaskTheVerdictAllows",
        "PutVerdictMetrics",
        "DeliverExecutionLogs",
        "SendTraces",
    ]


def test_every_substitution_the_definition_uses_is_given_and_every_one_given_is_used(template):
    used = set(re.findall(r"\$\{([A-Za-z]+)\}", DEFINITION.read_text()))
    given = set(template["Resources"]["AssessmentStateMachine"]["Properties"]["DefinitionSubstitutions"])
    assert used == given
    defaults = {name: template["Parameters"][name]["Default"] for name in ["NotificationTopicArn", "WarningsBlock"]}
    assert defaults == {"NotificationTopicArn": "", "WarningsBlock": "false"}


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
        "SelectReplicationConfigs",
        "ReadTaskTags",
        "StartSingleRuns",
        "FollowSingleRuns",
        "ManagedRuleForSyncExecutions",
        "PublishFleetReports",
        "WriteLargeReports",
        "PutFleetMetrics",
        "DeliverExecutionLogs",
        "SendTraces",
    ]


def test_the_fleet_may_select_tasks_and_read_only_task_tags(template):
    select = sid(template, "FleetStateMachine", "SelectTasks")
    assert select["Action"] == "dms:DescribeReplicationTasks"
    assert select["Resource"] == "*"  # no resource types in the Service Authorization Reference
    configs = sid(template, "FleetStateMachine", "SelectReplicationConfigs")
    assert configs["Action"] == "dms:DescribeReplicationConfigs"
    assert configs["Resource"] == "*"  # no resource types in the Service Authorization Reference
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
        "ForAllValues:StringEquals": {"events:source": {"Ref": "AWS::StackName"}},
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


# Deployment parameters: what Enter at every prompt of `sam deploy --guided` gives, and what the merged
# parameters mean. The template's Conditions, Rules and Fn::If are evaluated here for given parameter values,
# as CloudFormation evaluates them.

# Ten for the application, three for its operation (Monitoring, Tracing, LogRetentionDays).
MAX_PARAMETERS = 13
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OWN_ROLE_AND_BUCKET = {
    "ServiceAccessRoleArn": "arn:aws:iam::123456789012:role/dms-premigration-assessment",
    "ResultLocationBucket": "dms-assessment-results-123456789012",
}
STACK = "dms-assessment-run"


def parameter_values(template, **given):
    """Every parameter's value: its default unless given; a CommaDelimitedList as its list."""
    values = {}
    for name, parameter in template["Parameters"].items():
        value = given.pop(name, parameter["Default"])
        if parameter["Type"] == "CommaDelimitedList" and isinstance(value, str):
            value = [item.strip() for item in value.split(",")]
        values[name] = value
    assert not given, f"no such parameters: {sorted(given)}"
    return values


def evaluate(value, values, conditions):
    """A template value with Ref, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or and Condition worked out;
    Fn::GetAtt and Fn::Sub are kept as they are (they name resources)."""
    if isinstance(value, list):
        return [evaluate(v, values, conditions) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) != 1 or not next(iter(value)) in {"Ref", "Condition"} and not next(iter(value)).startswith("Fn::"):
        return {key: evaluate(v, values, conditions) for key, v in value.items()}
    ((function, argument),) = value.items()
    if function == "Ref":
        return {"AWS::StackName": STACK, "AWS::NoValue": None}.get(argument, values.get(argument, value))
    if function == "Condition":
        return conditions[argument]
    if function == "Fn::If":
        name, yes, no = argument
        return evaluate(yes if conditions[name] else no, values, conditions)
    if function == "Fn::Equals":
        left, right = evaluate(argument, values, conditions)
        return left == right
    if function == "Fn::Not":
        (operand,) = argument
        return not evaluate(operand, values, conditions)
    if function == "Fn::And":
        return all(evaluate(a, values, conditions) for a in argument)
    if function == "Fn::Or":
        return any(evaluate(a, values, conditions) for a in argument)
    return value


class Conditions(dict):
    """The template's conditions, each evaluated when first read (a condition may read another)."""

    def __init__(self, template, values):
        super().__init__()
        self.template, self.values = template, values

    def __missing__(self, name):
        self[name] = evaluate(self.template["Conditions"][name], self.values, self)
        return self[name]


def conditions_for(template, **given):
    conditions = Conditions(template, parameter_values(template, **given))
    return {name: conditions[name] for name in template["Conditions"]}


def refusals(template, **given):
    """The AssertDescription of every rule assertion that fails (CloudFormation refuses the deployment)."""
    values = parameter_values(template, **given)
    conditions = Conditions(template, values)
    failed = []
    for rule in template.get("Rules", {}).values():
        if "RuleCondition" in rule and not evaluate(rule["RuleCondition"], values, conditions):
            continue
        for assertion in rule["Assertions"]:
            if not evaluate(assertion["Assert"], values, conditions):
                failed.append(assertion["AssertDescription"])
    return failed


def resolved(template, path, **given):
    """A value of the template (by its path of keys) for the given parameters."""
    values = parameter_values(template, **given)
    value = template
    for key in path:
        value = value[key]
    return evaluate(value, values, Conditions(template, values))


ENVIRONMENT = ["Resources", "AssessmentRunFunction", "Properties", "Environment", "Variables"]
SUBSTITUTIONS = ["Resources", "AssessmentStateMachine", "Properties", "DefinitionSubstitutions"]


def test_at_most_thirteen_parameters_each_with_a_default(template):
    parameters = template["Parameters"]
    assert len(parameters) <= MAX_PARAMETERS, sorted(parameters)
    assert set(parameters) == {
        "ServiceAccessRoleArn",
        "ResultLocationBucket",
        "ResultEncryption",
        "StartTaskAfterVerdict",
        "WarningsBlock",
        "NotificationTopicArn",
        "DmsEventRuleState",
        "DmsEventIds",
        "MaxWaitSeconds",
        "FleetConcurrency",
        "Monitoring",
        "Tracing",
        "LogRetentionDays",
    }
    for name, parameter in parameters.items():
        # Enter at a `sam deploy --guided` prompt takes the default: each one must be a valid value.
        assert "Default" in parameter, name
        default = parameter["Default"]
        if "AllowedValues" in parameter:
            assert default in parameter["AllowedValues"], name
        if "AllowedPattern" in parameter:
            items = default.split(",") if parameter["Type"] == "CommaDelimitedList" else [default]
            assert all(re.fullmatch(parameter["AllowedPattern"], item) for item in items), name
        if parameter["Type"] == "Number" and "AllowedValues" not in parameter:
            assert parameter["MinValue"] <= default <= parameter["MaxValue"], name
        assert parameter.get("Description"), name


def test_every_parameter_is_in_one_group_of_the_console_interface(template):
    groups = template["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    grouped = [name for group in groups for name in group["Parameters"]]
    assert sorted(grouped) == sorted(template["Parameters"])
    assert len(grouped) == len(set(grouped))


def test_with_no_parameter_the_stack_creates_the_role_and_the_bucket(template):
    assert refusals(template) == []
    conditions = conditions_for(template)
    assert conditions["CreateRoleAndBucket"]
    for name in ["DmsServiceRole", "ResultsBucket", "ResultsBucketPolicy"]:
        assert template["Resources"][name]["Condition"] == "CreateRoleAndBucket", name
    environment = resolved(template, ENVIRONMENT)
    assert environment["SERVICE_ACCESS_ROLE_ARN"] == {"Fn::GetAtt": ["DmsServiceRole", "Arn"]}
    assert environment["RESULT_LOCATION_BUCKET"] == {"Ref": "ResultsBucket"}
    assert resolved(template, ["Outputs", "ResultsBucketName", "Value"]) == {"Ref": "ResultsBucket"}
    fleet = ["Resources", "FleetStateMachine", "Properties", "DefinitionSubstitutions", "ResultsBucket"]
    assert resolved(template, fleet) == {"Ref": "ResultsBucket"}
    # The created bucket is private and encrypted (SSE-S3) by default.
    bucket = template["Resources"]["ResultsBucket"]["Properties"]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    # Nothing starts a task, no event starts a run.
    assert not conditions["GateStartsTask"]
    assert parameter_values(template)["DmsEventRuleState"] == "DISABLED"


def test_a_role_and_a_bucket_of_your_own_are_used_together(template):
    assert refusals(template, **OWN_ROLE_AND_BUCKET) == []
    assert not conditions_for(template, **OWN_ROLE_AND_BUCKET)["CreateRoleAndBucket"]
    environment = resolved(template, ENVIRONMENT, **OWN_ROLE_AND_BUCKET)
    assert environment["SERVICE_ACCESS_ROLE_ARN"] == OWN_ROLE_AND_BUCKET["ServiceAccessRoleArn"]
    assert environment["RESULT_LOCATION_BUCKET"] == OWN_ROLE_AND_BUCKET["ResultLocationBucket"]
    pass_role = sid(template, "AssessmentRunFunction", "PassTheServiceRoleToDms")
    values = parameter_values(template, **OWN_ROLE_AND_BUCKET)
    assert evaluate(pass_role["Resource"], values, Conditions(template, values)) == OWN_ROLE_AND_BUCKET["ServiceAccessRoleArn"]


@pytest.mark.parametrize("given,missing", [
    ({"ServiceAccessRoleArn": OWN_ROLE_AND_BUCKET["ServiceAccessRoleArn"]}, "ResultLocationBucket"),
    ({"ResultLocationBucket": OWN_ROLE_AND_BUCKET["ResultLocationBucket"]}, "ServiceAccessRoleArn"),
])
def test_one_without_the_other_is_refused_before_deployment(template, given, missing):
    (refusal,) = refusals(template, **given)
    (present,) = given
    assert refusal.startswith(f"{present} is given without {missing}."), refusal
    assert "leave both blank" in refusal
    # The rule has no condition: it is checked for every deployment, the defaults included.
    assert "RuleCondition" not in template["Rules"]["RoleAndBucketTogether"]


# The old parameters' values for each value of a merged one: ResultEncryptionMode and ResultKmsKeyArn as the
# template passed them to the function, StartTaskWhenAllowed and StartReplicationTaskType as it substituted them.
ENCRYPTION = {
    "SSE_S3": ("SSE_S3", ""),
    "SSE_KMS": ("SSE_KMS", ""),
    "NONE": ("", ""),
    KEY: ("SSE_KMS", KEY),
}
GATE = {
    "none": ("false", "start-replication"),
    "start-replication": ("true", "start-replication"),
    "resume-processing": ("true", "resume-processing"),
    "reload-target": ("true", "reload-target"),
}


@pytest.mark.parametrize("encryption", list(ENCRYPTION))
def test_result_encryption_sets_the_mode_and_key_the_two_old_parameters_did(template, encryption):
    environment = resolved(template, ENVIRONMENT, ResultEncryption=encryption)
    assert (environment["RESULT_ENCRYPTION_MODE"], environment["RESULT_KMS_KEY_ARN"]) == ENCRYPTION[encryption]
    assert refusals(template, ResultEncryption=encryption) == []


def test_the_function_gets_no_per_run_defaults_from_the_template(template):
    environment = resolved(template, ENVIRONMENT)
    assert set(environment) == {
        "SERVICE_ACCESS_ROLE_ARN",
        "RESULT_LOCATION_BUCKET",
        "RESULT_ENCRYPTION_MODE",
        "RESULT_KMS_KEY_ARN",
    }


@pytest.mark.parametrize("gate", list(GATE))
def test_start_task_after_verdict_substitutes_what_the_two_old_parameters_did(template, gate):
    substitutions = resolved(template, SUBSTITUTIONS, StartTaskAfterVerdict=gate)
    assert (substitutions["StartTaskWhenAllowed"], substitutions["StartReplicationTaskType"]) == GATE[gate]
    # The gate's permissions exist exactly when the definition can reach the gate.
    assert conditions_for(template, StartTaskAfterVerdict=gate)["GateStartsTask"] == (GATE[gate][0] == "true")


def test_the_fixed_substitutions_are_the_old_defaults(template):
    substitutions = resolved(template, SUBSTITUTIONS)
    assert substitutions["PollIntervalSeconds"] == "60"
    assert substitutions["VerdictEventSource"] == STACK  # the old default, as the README's stack is named
    assert substitutions["MaxWaitSeconds"] == 7200
    assert substitutions["WarningsBlock"] == "false"
    assert substitutions["NotificationTopicArn"] == ""


def test_the_function_may_list_the_applicable_assessments_of_this_accounts_tasks(template):
    statement = sid(template, "AssessmentRunFunction", "ListApplicableAssessments")
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "dms:DescribeApplicableIndividualAssessments"
    # The Service Authorization Reference lists ReplicationInstance and ReplicationTask for it.
    assert [sub(arn) for arn in statement["Resource"]] == [
        "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:rep:*",
        "arn:${AWS::Partition}:dms:${AWS::Region}:${AWS::AccountId}:task:*",
    ]
    sids = [s.get("Sid") for name, s in statements(template) if name == "AssessmentRunFunction"]
    assert sids == [
        "StartAssessmentRuns",
        "FindExistingRuns",
        "ListApplicableAssessments",
        "StartServerlessAssessments",
        "ReadServerlessReplications",
        "PassTheServiceRoleToDms",
    ]


def test_the_function_may_start_and_read_only_this_accounts_replication_configs(template):
    statement = sid(template, "AssessmentRunFunction", "StartServerlessAssessments")
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "dms:StartReplication"
    assert sub(statement["Resource"]) == REPLICATION_CONFIGS
    # No resource type (or no ReplicationConfig) for these reads in the Service Authorization Reference.
    reads = sid(template, "AssessmentRunFunction", "ReadServerlessReplications")
    assert reads["Action"] == ["dms:DescribeReplications", "dms:DescribeApplicableIndividualAssessments"]
    assert reads["Resource"] == "*"
    state_machine = sid(template, "AssessmentStateMachine", "DescribeServerlessAssessments")
    assert state_machine["Action"] == "dms:DescribeReplications"
    assert state_machine["Resource"] == "*"


def test_samconfig_names_the_stack_and_needs_no_beta_opt_in():
    import tomllib

    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    assert config["version"] == 0.1
    deploy = config["default"]["deploy"]["parameters"]
    assert deploy == {
        "stack_name": STACK,
        "capabilities": "CAPABILITY_IAM",
        "resolve_s3": True,
        # Enter at every guided prompt deploys: no [y/N] change-set question whose default is No.
        "confirm_changeset": False,
    }
    assert "region" not in json.dumps(config)
    # The Rust build is no longer a SAM CLI beta feature (docs/aws-facts.md): no opt-in.
    assert "beta_features" not in json.dumps(config)
    assert STACK_NAME.fullmatch(deploy["stack_name"])


def test_the_docs_read_the_outputs_of_whatever_stack_was_deployed():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for line in path.read_text().splitlines():
            assert not re.search(r"--stack-name\s+[A-Za-z]", line), (path.name, line)
