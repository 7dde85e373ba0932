"""Offline checks of template.yaml: the linters, the EventBridge rule's pattern, least privilege, and
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

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
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
    event = template["Resources"]["AssessmentRunFunction"]["Properties"]["Events"]["DmsTaskEvent"]
    assert event["Type"] == "EventBridgeRule"
    pattern = json.loads(json.dumps(event["Properties"]["Pattern"]))
    default = template["Parameters"]["DmsEventIds"]["Default"]
    ids = [value.strip() for value in default.split(",")]
    branches = pattern["detail"]["$or"]
    assert [list(b) for b in branches] == [["eventId"], ["eventName"]]
    for branch in branches:
        (key,) = branch
        assert branch[key] == {"Ref": "DmsEventIds"}
        branch[key] = ids
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


def test_a_modified_task_matches_the_rule_under_either_key(template):
    pattern = rule_pattern(template)
    modified = sample("eventbridge-dms-task-state-change.json")
    modified["detail"]["eventId"] = "DMS-EVENT-0080"
    del modified["detail"]["eventType"]  # DMS publishes no eventType for it: the id alone decides
    assert pattern.matches_event(modified)
    # The User Guide's own sample carries the identifier as `eventName`.
    as_in_the_guide = sample("eventbridge-dms-task-started-user-guide.json")
    as_in_the_guide["detail"]["eventName"] = "DMS-EVENT-0080"
    assert pattern.matches_event(as_in_the_guide)


def test_other_events_do_not_match_the_rule(template):
    pattern = rule_pattern(template)
    assert not pattern.matches_event(sample("eventbridge-dms-instance-state-change.json"))
    assert not pattern.matches_event(sample("eventbridge-custom.json"))
    # The User Guide's sample: a task started (DMS-EVENT-0069) is not ready for assessment.
    assert not pattern.matches_event(sample("eventbridge-dms-task-started-user-guide.json"))
    for event_id in ["DMS-EVENT-0069", "DMS-EVENT-0079", "DMS-EVENT-0078", "DMS-EVENT-0073"]:
        other = sample("eventbridge-dms-task-state-change.json")
        other["detail"]["eventId"] = event_id
        assert not pattern.matches_event(other), event_id
    # A failure event may come without an identifier at all.
    failed = sample("eventbridge-dms-task-state-change.json")
    del failed["detail"]["eventId"]
    assert not pattern.matches_event(failed)


def statements(template):
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        documents = [p for p in properties.get("Policies", []) if isinstance(p, dict) and "Statement" in p]
        documents += [p["PolicyDocument"] for p in properties.get("Policies", []) if "PolicyDocument" in p]
        if "PolicyDocument" in properties:
            documents.append(properties["PolicyDocument"])
        for document in documents:
            for statement in document["Statement"]:
                yield name, statement


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
