"""Property-based requests generated from the app's own OpenAPI schema.

Every endpoint, every field: no 5xx, every response inside its documented schema, and
schema-invalid requests refused with a 4xx. ``positive_data_acceptance`` is left out on
purpose: the schema cannot say "the kernel fits inside the padded input", so some
schema-valid bodies are rightly answered 422.
"""

from __future__ import annotations

import os
from collections import defaultdict

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS

from app.main import create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())
EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "150" if os.environ.get("CI") else "40"))
CHECKS_RUN = [check for check in CHECKS.get_all() if check.__name__ != "positive_data_acceptance"]


# Status codes answered per operation during this module's run, e.g. ("GET", "/api/v1/conv2d") → {200, 422}.
ANSWERED: dict[tuple[str, str], set[int]] = defaultdict(set)
GET_TWINS = [
    path for path, methods in schema.raw_schema["paths"].items() if "get" in methods and "post" in methods
]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    response = case.call()
    ANSWERED[(case.method, case.path)].add(response.status_code)
    assert response.elapsed < 1.0, f"{case.method} {case.path} took {response.elapsed:.2f} s"
    case.validate_response(response, checks=CHECKS_RUN)


def test_every_get_twin_was_answered_at_least_once() -> None:
    """Runs after the test above: the parameters' examples make requests the endpoints answer, so the
    answers' schemas were checked too, not only the refusals."""
    assert len(GET_TWINS) == 6, GET_TWINS
    missing = {path: sorted(ANSWERED[("GET", path)]) for path in GET_TWINS if not any(
        200 <= status < 300 for status in ANSWERED[("GET", path)]
    )}
    assert not missing, f"GET twins never answered 2xx (statuses seen): {missing}"
