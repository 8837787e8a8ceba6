"""Schemathesis over every operation of the OpenAPI document, as a seller and as a broker:
no answer is a 5xx, and every answer matches the document (status, content type, schema).

Bounded: ``FUZZ_EXAMPLES`` generated requests per operation and role (``SILKPOST_FUZZ_EXAMPLES``
raises it for a longer run), derandomised so a failure repeats.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

FUZZ_EXAMPLES = int(os.environ.get("SILKPOST_FUZZ_EXAMPLES", 8))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _failures(schema, auth: dict) -> list[str]:
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(headers=auth)
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # noqa: BLE001  (every operation's failure is listed)
            found.append(f"{operation.label}: {exc}"[:1500])
    return found


@pytest.mark.parametrize("role", ["seller", "broker"])
def test_every_operation_answers_within_the_document(app, make_user, role):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    auth = {"Authorization": make_user(role)["Authorization"]}
    failures = _failures(schema, auth)
    assert failures == [], "\n\n".join(failures)
