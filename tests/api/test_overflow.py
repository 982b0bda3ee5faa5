"""A result that overflows float64 is a 422 naming the input to blame, never a 200 with `null` in it."""

from __future__ import annotations

import math
from typing import Iterable, Iterator

import numpy as np
import pytest
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.api.finite import non_finite_path, responsible_field
from app.api.responses import JSONBytes
from app.api.schemas.conv import Conv2dRequest
from app.engine.errors import InvalidInput
from app.main import create_app

from .refusals import assert_refused

TINY_LAYER_HUGE_GRADIENT = {"input": [[1e-300, 1e-300]], "kernel": [[1e-300]], "bias": [0], "grad_output": [[1e308, 1e308]]}
PADDED_PRODUCT = {"input": [[1]], "kernel": [[1e200, 0], [0, 0]], "padding": 1, "grad_output": [[1e200, 0], [0, 0]]}
POOL_SUMS = {"input": [[1, 1], [1, 1]], "mode": "max", "size": 1, "grad_output": [[1e308, 1e308], [1e308, 1e308]]}

# One request per endpoint whose result overflows, and the field the refusal must name.
OVERFLOWING = [
    ("/api/v1/conv2d", TINY_LAYER_HUGE_GRADIENT, "grad_output", "grad_bias"),
    ("/api/v1/conv2d", PADDED_PRODUCT, "kernel", "grad_padded_input"),
    ("/api/v1/conv2d", {"input": [[1e308, 1e308]], "kernel": [[1, 1]]}, "input", ""),
    ("/api/v1/pool", POOL_SUMS, "grad_output", "sums.grad_output"),
    ("/api/v1/activation", {"input": [7, 0], "function": "softmax", "grad_output": [1.5e308, -1.5e308]}, "input", ""),
    (
        "/api/v1/network",
        {"input": [[1e200]], "layers": [{"type": "flatten"}, {"type": "dense", "weight": [[1]]}], "target": [-1e200]},
        "input",
        "",
    ),
    (
        "/api/v1/rnn",
        {"x": [[1], [1]], "y": [[1], [1]], "U": [[1]] * 16, "W": [[1e308] * 16] * 16, "V": [[1] * 16]},
        "W",
        "",
    ),
    (
        "/api/v1/check",
        {"kind": "conv", "problem": TINY_LAYER_HUGE_GRADIENT, "result": "grad_bias", "answer": [0]},
        "problem.grad_output",
        "expected",
    ),
]


@pytest.mark.parametrize(("path", "body", "field", "where"), OVERFLOWING)
def test_an_overflowing_result_is_a_422_naming_the_input(client, path, body, field, where) -> None:
    response = client.post(path, json=body)
    assert_refused(response, field, "overflows float64")
    assert where in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/conv2d", "input=1e-300,1e-300&kernel=1e-300&bias=0&grad_output=1e308,1e308", "grad_output"),
        ("/api/v1/conv2d", "input=1&kernel=1e200,0;0,0&padding=1&grad_output=1e200,0;0,0", "kernel"),
        ("/api/v1/pool", "input=1,1;1,1&mode=max&size=1&grad_output=1e308,1e308;1e308,1e308", "grad_output"),
        (
            "/api/v1/check",
            "kind=conv&result=grad_bias&answer=0&input=1e-300,1e-300&kernel=1e-300&bias=0&grad_output=1e308,1e308",
            "problem.grad_output",
        ),
    ],
)
def test_the_get_twins_refuse_an_overflow_alike(client, path, query, field) -> None:
    response = client.get(f"{path}?{query}")
    assert_refused(response, field, "overflows float64")
    assert "etag" not in response.headers


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, looking inside included routers where FastAPI keeps them whole."""
    for route in routes:
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        if inner is not None:
            yield from api_routes(inner)
        elif isinstance(route, APIRoute) and route.path.startswith("/api/"):
            yield route


def test_every_api_answer_goes_through_the_finite_check() -> None:
    """The check lives in the response class, so an endpoint added later is covered as long as it answers JSONBytes."""
    routes = list(api_routes(create_app().routes))
    assert len(routes) >= 13, [r.path for r in routes]
    for route in routes:
        assert route.response_class is JSONBytes, f"{route.methods} {route.path} answers {route.response_class}"


def test_any_field_holding_an_infinity_is_refused_with_its_path() -> None:
    request = Conv2dRequest.model_validate({"input": [[1, 2]], "kernel": [[3]], "grad_output": [[1e300, 1]]})
    body = {"fine": [[1.0, 2.0]], "later": {"nested": [{"value": 1.0}, {"value": [0.5, math.inf]}]}}
    with pytest.raises(InvalidInput) as refused:
        JSONBytes(body, request=request)
    assert refused.value.field == "grad_output", refused.value
    assert "later.nested[1].value[1]" in refused.value.message and "overflows float64" in refused.value.message
    assert JSONBytes({"a": [1.0, None, -0.0], "b": "inf"}, request=request).body == b'{"a":[1.0,null,-0.0],"b":"inf"}'


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ([1e308, 1e308, -1e308], None),  # the sum overflows, no number does
        ([[1.0, 2.0], [3.0, math.nan]], "[1][1]"),
        ({"steps": [{"h": [0.0]}, {"h": [None, -math.inf]}]}, "steps[1].h[1]"),
        (np.array([[1.0, np.inf]]), "[0][1]"),
        ({"n": np.float64("nan")}, "n"),
        ({"counts": [1, 2, 10**400], "name": "x"}, None),
    ],
)
def test_non_finite_path(value, path) -> None:
    assert non_finite_path(value) == path


def test_the_blame_goes_to_the_field_the_result_is_named_after_else_the_largest() -> None:
    request = Conv2dRequest.model_validate({"input": [[1e300]], "kernel": [[3]], "grad_output": [[2]]})
    assert responsible_field("sums.grad_output", request) == "grad_output"
    assert responsible_field("grad_bias[0]", request) == "input"
    assert responsible_field("anything", None) == "body"


def test_a_mistake_whose_numbers_overflow_is_not_offered_as_a_diagnosis() -> None:
    """Its ∞ would otherwise turn a correct problem's check into a refusal."""
    from app.api.results import Located, ResultInfo
    from app.api.routes.check import _candidates
    from app.engine.mistakes import Mistake, StageHint, Variant

    stage = StageHint("/conv", "grad_input", "grad_input")
    overflowing = Mistake(
        "big", "Big", "", "", ("grad_input",), stage,
        lambda problem: [Variant({"grad_input": np.array([[1.0, np.inf]])}), Variant({"grad_input": np.array([[1.0, 2.0]])})],
    )
    found = Located([[1.0, 1.0]], ResultInfo("∂L/∂I", stage), "grad_input", None)
    candidates = _candidates((overflowing,), None, found, (1, 2))
    assert [c.value.tolist() for c in candidates] == [[[1.0, 2.0]]]
