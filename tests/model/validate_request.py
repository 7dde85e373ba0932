"""Validates a DMS request body against botocore's model of the DMS API, with botocore's own validator.

Usage: validate_request.py OPERATION < body.json. Prints each problem botocore finds and exits 1; exits 0
when the body is a valid input of OPERATION. The wire tests (tests/wire.rs) run it on what the function sent.
"""
import json
import sys

import botocore.session
from botocore.validate import ParamValidator

operation = sys.argv[1]
body = json.load(sys.stdin)
model = botocore.session.get_session().get_service_model("dms")
if operation not in model.operation_names:
    sys.exit(f"botocore's DMS model has no operation {operation}")
report = ParamValidator().validate(body, model.operation_model(operation).input_shape)
if report.has_errors():
    print(report.generate_report())
    sys.exit(1)
