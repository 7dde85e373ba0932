"""Offline checks of the template's operations: alarms (each on a metric the service documents, with a runbook
description), the verdict metrics' permission, the dashboard's body (rendered with the template's names, checked
against the PutDashboard body structure), tracing, log groups and the state machines' logging, each turned off by
its parameter as CloudFormation evaluates the conditions. The sources are in docs/aws-facts.md, "Operations"."""

import json
import re

import pytest

from test_template import DEFINITION, FLEET_DEFINITION, STACK, conditions_for, monkeypatch_module, resolved, sid, statements, sub, template, translated  # noqa: F401

NAMESPACE = "DmsPremigrationAssessment/${AWS::StackName}"

# The metrics the alarms and the dashboard use, as the services' CloudWatch pages list them: the dimension, and
# the statistics those pages call useful (docs/aws-facts.md, "Operations").
DOCUMENTED = {
    ("AWS/States", "ExecutionsStarted"): ("StateMachineArn", {"Sum"}),
    ("AWS/States", "ExecutionsSucceeded"): ("StateMachineArn", {"Sum"}),
    ("AWS/States", "ExecutionsFailed"): ("StateMachineArn", {"Sum"}),
    ("AWS/States", "ExecutionsTimedOut"): ("StateMachineArn", {"Sum"}),
    ("AWS/States", "ExecutionsAborted"): ("StateMachineArn", {"Sum"}),
    ("AWS/States", "ExecutionTime"): ("StateMachineArn", {"Average", "Maximum", "Minimum", "p50"}),
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): ("QueueName", {"Maximum", "Average"}),
    ("AWS/Lambda", "Errors"): ("FunctionName", {"Sum"}),
    ("AWS/Lambda", "Duration"): ("FunctionName", {"Average", "Maximum", "Minimum", "p50"}),
    ("AWS/Events", "Invocations"): ("RuleName", {"Sum"}),
    ("AWS/Events", "FailedInvocations"): ("RuleName", {"Sum"}),
    ("AWS/Events", "DeadLetterInvocations"): ("RuleName", {"Sum"}),
    # The application's own (statemachine/*.asl.json, PutVerdictMetric and PutFleetMetric).
    (NAMESPACE, "Verdicts"): ("Verdict", {"Sum", "SampleCount"}),
    (NAMESPACE, "FleetVerdicts"): ("Verdict", {"Sum", "SampleCount"}),
    (NAMESPACE, "FleetTasks"): ("Verdict", {"Sum", "Maximum"}),
}
# What each dimension's value must name: the resource it measures.
DIMENSION_VALUES = {
    "StateMachineArn": [{"Ref": "AssessmentStateMachine"}, {"Ref": "FleetStateMachine"}, "${AssessmentStateMachine}", "${FleetStateMachine}"],
    "QueueName": [{"Fn::GetAtt": ["DeadLetterQueue", "QueueName"]}, "${DeadLetterQueue.QueueName}"],
    "FunctionName": [{"Ref": "AssessmentRunFunction"}, {"Ref": "VerdictFunction"}, "${AssessmentRunFunction}", "${VerdictFunction}"],
    "RuleName": [{"Ref": "AssessmentStateMachineDmsTaskEvent"}, "${AssessmentStateMachineDmsTaskEvent}"],
}


def alarms(template):
    return {name: r for name, r in template["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"}


def test_every_alarm_watches_a_documented_metric_of_the_resource_it_names(template):
    watched = set()
    for name, alarm in alarms(template).items():
        p = alarm["Properties"]
        key = (p["Namespace"], p["MetricName"])
        assert key in DOCUMENTED, (name, key)
        dimension, statistics = DOCUMENTED[key]
        assert [d["Name"] for d in p["Dimensions"]] == [dimension], name
        value = p["Dimensions"][0]["Value"]
        assert value in DIMENSION_VALUES[dimension], (name, value)
        assert p["Statistic"] in statistics, name
        assert p["Period"] % 60 == 0 and p["EvaluationPeriods"] >= 1, name
        watched.add((p["MetricName"], json.dumps(value)))
    # What the issue asks to watch: each state machine's failed, timed-out and aborted executions, the queue,
    # both functions' errors, the rule's failed invocations.
    expected = {(m, json.dumps({"Ref": sm})) for m in ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"] for sm in ["AssessmentStateMachine", "FleetStateMachine"]}
    expected |= {("ApproximateNumberOfMessagesVisible", json.dumps({"Fn::GetAtt": ["DeadLetterQueue", "QueueName"]}))}
    expected |= {("Errors", json.dumps({"Ref": f})) for f in ["AssessmentRunFunction", "VerdictFunction"]}
    expected |= {("FailedInvocations", json.dumps({"Ref": "AssessmentStateMachineDmsTaskEvent"}))}
    assert watched == expected


def test_the_rule_the_alarm_names_is_the_one_sam_creates(translated):
    assert translated["Resources"]["AssessmentStateMachineDmsTaskEvent"]["Type"] == "AWS::Events::Rule"


def test_every_alarm_is_a_runbook_line_and_missing_data_is_not_breaching(template):
    for name, alarm in alarms(template).items():
        p = alarm["Properties"]
        description = p["AlarmDescription"]
        assert len(description) <= 1024, name
        assert re.search(r"\b[Ff]irst check\b", description), name
        assert p["TreatMissingData"] == "notBreaching", name
        assert p["ComparisonOperator"] == "GreaterThanOrEqualToThreshold", name
        assert sub(p["AlarmName"]).startswith("${AWS::StackName}-"), name


def test_a_function_alarm_fires_only_beyond_what_one_execution_can_cause(template):
    """The most errors one execution's Retry rules can make of each function (each retrier counts its own
    attempts), from the definition: the alarm's threshold is above it."""
    definition = json.loads(DEFINITION.read_text())
    most = {}
    for state in definition["States"].values():
        function = state.get("Parameters", {}).get("FunctionName", "")
        for key, resource in [("${AssessmentRunFunctionArn}", "AssessmentRunFunction"), ("${VerdictFunctionArn}", "VerdictFunction")]:
            if function == key:
                most[resource] = most.get(resource, 0) + 1 + sum(r["MaxAttempts"] for r in state.get("Retry", []))
    assert most == {"AssessmentRunFunction": 11, "VerdictFunction": 6}
    for resource, errors in most.items():
        (alarm,) = [a for a in alarms(template).values() if a["Properties"]["Dimensions"][0]["Value"] == {"Ref": resource}]
        assert alarm["Properties"]["Threshold"] == errors + 1, resource


@pytest.mark.parametrize(
    "monitoring, actions",
    [("on", None), ("arn:aws:sns:us-east-1:123456789012:dms-assessment-alarms", ["arn:aws:sns:us-east-1:123456789012:dms-assessment-alarms"])],
)
def test_alarms_are_on_by_default_and_notify_only_a_topic_given_as_monitoring(template, monitoring, actions):
    assert conditions_for(template, Monitoring=monitoring)["Monitor"]
    for name in alarms(template):
        assert resolved(template, ["Resources", name, "Properties", "AlarmActions"], Monitoring=monitoring) == actions, name
    assert "OKActions" not in json.dumps(alarms(template))
    assert re.fullmatch(template["Parameters"]["Monitoring"]["AllowedPattern"], monitoring)


def test_monitoring_off_leaves_out_alarms_metrics_and_dashboard(template):
    assert not conditions_for(template, Monitoring="off")["Monitor"]
    resources = template["Resources"]
    monitored = [n for n, r in resources.items() if r["Type"] in {"AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard"}]
    assert len(monitored) == 11
    for name in monitored:
        assert resources[name]["Condition"] == "Monitor", name
    for output in ["DashboardName", "MetricNamespace"]:
        assert template["Outputs"][output]["Condition"] == "Monitor"
    for machine in ["AssessmentStateMachine", "FleetStateMachine"]:
        path = ["Resources", machine, "Properties", "DefinitionSubstitutions", "PutMetrics"]
        assert resolved(template, path) == "true"
        assert resolved(template, path, Monitoring="off") == "false"
    conditions = {}
    list(statements(template, conditions))
    assert conditions["PutVerdictMetrics"] == "Monitor" and conditions["PutFleetMetrics"] == "Monitor"


def test_metrics_may_be_put_only_in_the_stacks_namespace(template):
    for machine, name in [("AssessmentStateMachine", "PutVerdictMetrics"), ("FleetStateMachine", "PutFleetMetrics")]:
        statement = sid(template, machine, name)
        assert statement["Action"] == "cloudwatch:PutMetricData"
        # PutMetricData has no resource type: "*", with the namespace condition key.
        assert statement["Resource"] == "*"
        assert {k: {c: sub(v) for c, v in cond.items()} for k, cond in statement["Condition"].items()} == {"StringEquals": {"cloudwatch:namespace": NAMESPACE}}
        substitutions = template["Resources"][machine]["Properties"]["DefinitionSubstitutions"]
        assert sub(substitutions["MetricNamespace"]) == NAMESPACE
    for file in [DEFINITION, FLEET_DEFINITION]:
        calls = [s for s in json.loads(file.read_text())["States"].values() if s.get("Resource") == "arn:aws:states:::aws-sdk:cloudwatch:putMetricData"]
        assert len(calls) == 1, file
        assert calls[0]["Parameters"]["Namespace"] == "${MetricNamespace}"
        assert [c["ErrorEquals"] for c in calls[0]["Catch"]] == [["States.ALL"]], "a metric never fails an execution"
    assert sub(template["Outputs"]["MetricNamespace"]["Value"]) == NAMESPACE
    # A custom namespace may not begin with AWS/ (PutMetricData API reference); a stack name is letters, digits, hyphens.
    assert not NAMESPACE.startswith("AWS/") and len(NAMESPACE.replace("${AWS::StackName}", "s" * 128)) <= 255


@pytest.mark.parametrize("tracing, on", [("on", True), ("on-with-all-logs", True), ("off", False)])
def test_tracing_turns_off_with_its_parameter(template, tracing, on):
    for function in ["AssessmentRunFunction", "VerdictFunction"]:
        assert resolved(template, ["Resources", function, "Properties", "Tracing"], Tracing=tracing) == ("Active" if on else "PassThrough")
    for machine in ["AssessmentStateMachine", "FleetStateMachine"]:
        assert resolved(template, ["Resources", machine, "Properties", "Tracing"], Tracing=tracing) == {"Enabled": on}
    assert conditions_for(template, Tracing=tracing)["Trace"] == on


def test_the_state_machines_may_send_traces_as_the_step_functions_guide_lists(template):
    conditions = {}
    found = [(r, s) for r, s in statements(template, conditions) if s.get("Sid") == "SendTraces"]
    assert [r for r, _ in found] == ["AssessmentStateMachine", "FleetStateMachine"]
    for _, statement in found:
        assert sorted(statement["Action"]) == ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
        assert statement["Resource"] == "*"
    assert conditions["SendTraces"] == "Trace"


def test_sam_gives_the_functions_the_xray_write_policy(translated):
    for function in ["AssessmentRunFunction", "VerdictFunction"]:
        arns = json.dumps(translated["Resources"][f"{function}Role"]["Properties"]["ManagedPolicyArns"])
        assert "AWSXrayWriteOnlyAccess" in arns, function
        assert "AWSLambdaBasicExecutionRole" in arns, function


def test_each_function_logs_to_its_own_group_kept_for_the_retention_days(template):
    resources = template["Resources"]
    for function in ["AssessmentRunFunction", "VerdictFunction"]:
        logging = resources[function]["Properties"]["LoggingConfig"]
        assert logging["LogGroup"] == {"Ref": f"{function}LogGroup"}
        # INFO: Lambda's report lines (initDurationMs), which the dashboard's cold-start widget reads.
        assert logging["SystemLogLevel"] == "INFO" and logging["LogFormat"] == "JSON"
        group = resources[f"{function}LogGroup"]
        assert group["Type"] == "AWS::Logs::LogGroup"
        assert sub(group["Properties"]["LogGroupName"]) == f"/aws/lambda/${{AWS::StackName}}-{function}"
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    parameter = template["Parameters"]["LogRetentionDays"]
    assert parameter["Default"] == 30
    assert parameter["AllowedValues"] == [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]


@pytest.mark.parametrize("tracing, level, data", [("on", "ERROR", False), ("off", "ERROR", False), ("on-with-all-logs", "ALL", True)])
def test_the_state_machines_log_errors_by_default_and_everything_on_request(template, tracing, level, data):
    for machine in ["AssessmentStateMachine", "FleetStateMachine"]:
        logging = resolved(template, ["Resources", machine, "Properties", "Logging"], Tracing=tracing)
        assert logging["Level"] == level and logging["IncludeExecutionData"] is data
        assert logging["Destinations"] == [{"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [f"{machine}LogGroup", "Arn"]}}}]
        group = template["Resources"][f"{machine}LogGroup"]["Properties"]
        assert sub(group["LogGroupName"]) == f"/aws/vendedlogs/states/${{AWS::StackName}}-{machine}"
        assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_log_delivery_actions_are_the_guides_and_only_on_star_because_it_grants_them_so(template):
    for machine in ["AssessmentStateMachine", "FleetStateMachine"]:
        statement = sid(template, machine, "DeliverExecutionLogs")
        assert sorted(statement["Action"]) == sorted([
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
            "logs:CreateLogStream", "logs:PutLogEvents",
        ])
        assert statement["Resource"] == "*"
    # No other new statement is on "*" but the ones the sources give no resource for.
    star = sorted({s["Sid"] for _, s in statements(template) if s.get("Resource") == "*"})
    assert star == [
        "DeliverExecutionLogs", "DescribeServerlessAssessments", "PutFleetMetrics", "PutVerdictMetrics",
        "ReadServerlessAssessments", "ReadServerlessReplications", "ReadTaskTags", "SeeWhetherTheTaskIsStillTesting",
        "SelectReplicationConfigs", "SelectTasks", "SendTraces",
    ]


# The dashboard: its body rendered as CloudFormation would substitute it, and checked against the structure the
# CloudWatch API reference gives for PutDashboard's DashboardBody ("Dashboard Body Structure and Syntax").

REGION = "eu-west-3"
WIDGET_TYPES = {"metric", "text", "log", "alarm"}
METRIC_VIEWS = {"timeSeries", "singleValue", "gauge", "bar", "pie", "table"}
LOG_VIEWS = {"table", "timeSeries", "bar", "pie"}
STATISTICS = re.compile(r"^(SampleCount|Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d+)?|p100)$")


def rendered_dashboard(template, region=REGION, stack=STACK):
    body = sub(template["Resources"]["Dashboard"]["Properties"]["DashboardBody"])
    assert isinstance(body, str), "DashboardBody is one Fn::Sub string, with no variable map"
    resources = template["Resources"]
    names = set()

    def value(match):
        name = match.group(1)
        names.add(name)
        if name == "AWS::Region":
            return region
        if name == "AWS::StackName":
            return stack
        resource, _, attribute = name.partition(".")
        assert resource in resources or resource == "AssessmentStateMachineDmsTaskEvent", name
        if resource in resources:
            # A resource the dashboard names must exist whenever the dashboard does.
            assert resources[resource].get("Condition") in (None, "Monitor"), name
        if attribute == "Arn":
            return f"arn:aws:cloudwatch:{region}:123456789012:alarm:{stack}-{resource}"
        return f"{stack}-{resource}-{attribute or 'ABC123'}"

    text = re.sub(r"\$\{([A-Za-z0-9:.]+)\}", value, body)
    assert "${" not in text
    return body, json.loads(text), names


def test_the_dashboard_is_generated_from_the_templates_names(template):
    body, _, names = rendered_dashboard(template)
    # No ARN, Region or account written out: only the template's names.
    assert "arn:" not in body and not re.search(r"[a-z]{2}-[a-z]+-\d", body) and not re.search(r"\d{12}", body)
    assert "AWS::Region" in names and "AssessmentStateMachine" in names and "FleetStateMachine" in names
    assert sub(template["Resources"]["Dashboard"]["Properties"]["DashboardName"]) == "${AWS::StackName}-${AWS::Region}"


def check_metric_line(line, where):
    """One entry of a metric widget's `metrics`: [Namespace, MetricName, (DimName, DimValue)*, {options}?] or
    [{expression options}]."""
    *fields, options = line if isinstance(line[-1], dict) else (*line, {})
    if not fields:
        assert "expression" in options and "id" in options, where
        return None
    namespace, metric, *dims = fields
    assert len(dims) % 2 == 0, where
    if "stat" in options:
        assert STATISTICS.match(options["stat"]), where
    return namespace, metric, dict(zip(dims[::2], dims[1::2])), options


def test_the_dashboard_body_has_the_put_dashboard_structure(template):
    _, dashboard, _ = rendered_dashboard(template)
    assert set(dashboard) == {"widgets"}
    cells = set()
    for i, widget in enumerate(dashboard["widgets"]):
        where = f"widget {i} ({widget.get('properties', {}).get('title')})"
        assert set(widget) == {"type", "x", "y", "width", "height", "properties"}, where
        assert widget["type"] in WIDGET_TYPES, where
        x, y, w, h = widget["x"], widget["y"], widget["width"], widget["height"]
        assert all(isinstance(v, int) for v in (x, y, w, h)), where
        # A 24-column grid; width 1-24, height 1-1000.
        assert 0 <= x and x + w <= 24 and 1 <= w <= 24 and 1 <= h <= 1000 and y >= 0, where
        mine = {(cx, cy) for cx in range(x, x + w) for cy in range(y, y + h)}
        assert not cells & mine, f"{where} overlaps another"
        cells |= mine
        p = widget["properties"]
        if widget["type"] == "metric":
            assert p["region"] == REGION and p["view"] in METRIC_VIEWS and STATISTICS.match(p["stat"]), where
            assert p["period"] % 60 == 0, where
            ids = set()
            for line in p["metrics"]:
                checked = check_metric_line(line, where)
                if checked is None:
                    ids |= set(re.findall(r"[a-z][A-Za-z0-9_]*", line[0]["expression"]))
                    continue
                namespace, metric, dims, options = checked
                key = (namespace.replace(f"/{STACK}", "/${AWS::StackName}"), metric)
                assert key in DOCUMENTED, (where, key)
                dimension, statistics = DOCUMENTED[key]
                assert list(dims) == [dimension], where
                assert options.get("stat", p["stat"]) in statistics, (where, metric)
                ids.discard(options.get("id"))
            assert not ids, f"{where}: expressions name ids no metric has: {ids}"
        elif widget["type"] == "log":
            assert p["region"] == REGION and p["view"] in LOG_VIEWS, where
            assert re.match(r"^SOURCE '[^']+'( \| SOURCE '[^']+')* \| ", p["query"]), where
        elif widget["type"] == "alarm":
            assert len(p["alarms"]) == len(alarms(template)) and all(a.startswith("arn:aws:cloudwatch:") for a in p["alarms"]), where
        else:
            assert p["markdown"], where


def test_the_dashboard_shows_what_the_issue_lists(template):
    _, dashboard, _ = rendered_dashboard(template)
    shown = set()
    for widget in dashboard["widgets"]:
        for line in widget["properties"].get("metrics", []):
            checked = check_metric_line(line, "")
            if checked:
                namespace, metric, dims, _ = checked
                shown.add((metric, *dims.values()))
    for machine in ["AssessmentStateMachine", "FleetStateMachine"]:
        for metric in ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed"]:
            assert (metric, f"{STACK}-{machine}-ABC123") in shown
    assert ("ExecutionTime", f"{STACK}-AssessmentStateMachine-ABC123") in shown, "the run's duration"
    assert ("ApproximateNumberOfMessagesVisible", f"{STACK}-DeadLetterQueue-QueueName") in shown
    for function in ["AssessmentRunFunction", "VerdictFunction"]:
        assert ("Errors", f"{STACK}-{function}-ABC123") in shown and ("Duration", f"{STACK}-{function}-ABC123") in shown
    # Every verdict the fleet ranks, in the order BuildReport ranks them: Verdicts for a run, FleetVerdicts for a fleet.
    order = re.search(r"\$order := \[([^\]]*)\]", FLEET_DEFINITION.read_text()).group(1)
    verdicts = re.findall(r"'(\w+)'", order)
    assert [v for m, v in sorted(shown) if m == "FleetVerdicts"] == sorted(verdicts)
    assert [v for m, v in sorted(shown) if m == "Verdicts"] == sorted(set(verdicts) - {"NoVerdict"})
    cold, why = [w for w in dashboard["widgets"] if w["type"] == "log"]
    # DMS's reasons, from the verdict function's one line per verdict (src/verdict.rs logs why and reasons_unavailable).
    assert why["properties"]["query"].startswith(f"SOURCE '{STACK}-VerdictFunctionLogGroup-ABC123' | filter outcome = \"verdict\"")
    assert "fields @timestamp, verdict, why, reasons_unavailable, run_arn" in why["properties"]["query"]
    for function in ["AssessmentRunFunction", "VerdictFunction"]:
        assert f"SOURCE '{STACK}-{function}LogGroup-ABC123'" in cold["properties"]["query"]
    assert 'type = "platform.report"' in cold["properties"]["query"] and "record.metrics.initDurationMs" in cold["properties"]["query"]
