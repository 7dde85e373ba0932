"""Offline checks of template.yaml: the linters, the EventBridge rule's pattern, least privilege, and
`sam build`. Run by scripts/test with cfn-lint, SAM CLI, moto and cargo-lambda installed."""

import json
import os
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
    event_types = pattern["detail"]["eventType"]
    assert event_types == {"Ref": "DmsEventTypes"}
    default = template["Parameters"]["DmsEventTypes"]["Default"]
    pattern["detail"]["eventType"] = [value.strip() for value in default.split(",")]
    return EventPattern.load(json.dumps(pattern))


def sample(name):
    return json.loads((EVENTS / name).read_text())


def test_the_dms_task_sample_matches_the_rule(template):
    assert rule_pattern(template).matches_event(sample("eventbridge-dms-task-state-change.json"))


def test_other_events_do_not_match_the_rule(template):
    pattern = rule_pattern(template)
    assert not pattern.matches_event(sample("eventbridge-dms-instance-state-change.json"))
    assert not pattern.matches_event(sample("eventbridge-custom.json"))
    started = sample("eventbridge-dms-task-state-change.json")
    started["detail"]["eventType"] = "REPLICATION_TASK_STARTED"
    assert not pattern.matches_event(started), "a running task is not ready for assessment"


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
    assert passes[0]["Condition"] == {"StringEquals": {"iam:PassedToService": "dms.amazonaws.com"}}


def test_sam_build_x86_64(tmp_path):
    assert shutil.which("cargo-lambda"), "sam build needs cargo-lambda on PATH"
    result = run(
        "sam", "build", "--beta-features",
        "--parameter-overrides", "Architecture=x86_64",
        "--build-dir", str(tmp_path / "build"),
        "--cache-dir", str(tmp_path / "cache"),
        timeout=3600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    bootstrap = tmp_path / "build" / "AssessmentRunFunction" / "bootstrap"
    assert bootstrap.is_file()
    header = bootstrap.read_bytes()[:20]
    assert header[:4] == b"\x7fELF"
    assert int.from_bytes(header[18:20], "little") == 0x3E, "an x86_64 executable"
    assert os.access(bootstrap, os.X_OK)
