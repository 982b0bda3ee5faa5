"""Edges of every endpoint: just past each documented limit, extreme numbers, deep nesting."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.api import limits
from app.settings import get_settings

from .refusals import assert_refused

ENDPOINTS = ["/api/v1/conv2d", "/api/v1/pool", "/api/v1/activation", "/api/v1/network", "/api/v1/rnn"]


def ones(*shape: int) -> list:
    return np.ones(shape).tolist()


RNN = {"x": ones(2, 1), "y": ones(2, 1), "U": ones(1, 1), "W": ones(1, 1), "V": ones(1, 1)}
PAST_LIMITS = [
    ("/api/v1/conv2d", {"input": ones(limits.MAX_SIDE + 1, 2), "kernel": [[1]]}, "input"),
    ("/api/v1/conv2d", {"input": ones(2, limits.MAX_SIDE + 1), "kernel": [[1]]}, "input"),
    ("/api/v1/conv2d", {"input": ones(limits.MAX_CHANNELS + 1, 2, 2), "kernel": [[1]]}, "input"),
    ("/api/v1/conv2d", {"input": ones(9, 9), "kernel": ones(limits.MAX_KERNEL_SIDE + 1, 1)}, "kernel"),
    ("/api/v1/conv2d", {"input": ones(1, 2, 2), "kernel": ones(limits.MAX_KERNELS + 1, 1, 1, 1)}, "kernel"),
    ("/api/v1/conv2d", {"input": [[1]], "kernel": [[1]], "stride": limits.MAX_STRIDE + 1}, "stride"),
    ("/api/v1/conv2d", {"input": [[1]], "kernel": [[1]], "padding": limits.MAX_PADDING + 1}, "padding"),
    ("/api/v1/conv2d", {"input": [[1]], "kernel": [[1]], "dilation": limits.MAX_DILATION + 1}, "dilation"),
    ("/api/v1/pool", {"input": ones(limits.MAX_SIDE + 1, 2), "size": 1}, "input"),
    ("/api/v1/activation", {"input": ones(limits.MAX_VECTOR + 1), "function": "relu"}, "input"),
    ("/api/v1/rnn", {**RNN, "x": ones(limits.MAX_STEPS + 1, 1), "y": ones(limits.MAX_STEPS + 1, 1)}, "x"),
    ("/api/v1/rnn", {**RNN, "U": ones(1, limits.MAX_RNN_SIZE + 1), "x": ones(2, limits.MAX_RNN_SIZE + 1)}, "x"),
    (
        "/api/v1/network",
        {"input": [[1.0]], "layers": [{"type": "relu"}] * (limits.MAX_LAYERS + 1), "target": [[1.0]]},
        "layers",
    ),
    (
        "/api/v1/network",
        {"input": [[1.0]], "layers": [{"type": "relu"}], "target": [[1.0]], "steps": limits.MAX_TRAINING_STEPS + 1},
        "steps",
    ),
]


@pytest.mark.parametrize(("path", "body", "field"), PAST_LIMITS)
def test_just_past_each_limit_is_a_422_naming_the_field(client, path, body, field) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["field"].startswith(field), response.text


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("depth", [100, 10_000, 200_000])
def test_deeply_nested_json_is_a_4xx(client, path, depth) -> None:
    body = '{"input": ' + "[" * depth + "]" * depth + "}"
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text[:300]
    if depth >= 10_000:
        assert "nested too deeply" in response.json()["detail"][0]["msg"], response.text


def test_a_body_that_is_not_utf8_says_so(client) -> None:
    response = client.post("/api/v1/conv2d", content=b'{"input": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert response.status_code == 400 and "not UTF-8" in response.json()["detail"][0]["msg"], response.text


def test_a_number_too_long_to_read_says_so(client) -> None:
    raw = '{"input": [[1]], "kernel": [[1]], "stride": 1' + "0" * 5000 + "}"
    response = client.post("/api/v1/conv2d", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400 and "more than 4300 digits" in response.json()["detail"][0]["msg"], response.text


CONV, NETWORK = {"input": [[1]], "kernel": [[1]]}, {"input": [[1]], "layers": [{"type": "relu"}], "target": [[1]]}


@pytest.mark.parametrize(("path", "body"), [("/api/v1/conv2d", CONV), ("/api/v1/network", NETWORK), ("/api/v1/rnn", RNN)])
@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_a_bounded_number_that_is_not_finite_is_called_so(client, path, body, token) -> None:
    raw = json.dumps(body)[:-1] + f', "learning_rate": {token}}}'
    response = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert_refused(response, "learning_rate", "is not a finite number")
    assert "less than" not in response.text and "greater than" not in response.text


@pytest.mark.parametrize(
    ("value", "got"),
    [('{"a": 1}', "got an object"), ('"1,2"', "got a string"), ("true", "got true/false"), ("null", "got null")],
)
def test_a_field_of_the_wrong_kind_is_named_for_what_it_is(client, value, got) -> None:
    raw = '{"input": ' + value + ', "kernel": [[1]]}'
    response = client.post("/api/v1/conv2d", content=raw, headers={"content-type": "application/json"})
    assert_refused(response, "input", got)


LONG = "1" + "0" * 400
HOSTILE = [
    ("/api/v1/conv2d", '{"input": [[1]], "kernel": [[1]], "stride": ' + LONG + "}", "stride", "out of range"),
    ("/api/v1/conv2d", '{"input": [[1]], "kernel": [[1]], "stride": 99999999999999999999999999}', "stride", "out of range"),
    ("/api/v1/pool", '{"input": [[1]], "mode": "max", "size": [1, ' + LONG + "]}", "size", "out of range"),
    (
        "/api/v1/conv2d",
        '{"input": [[1]], "kernel": [[1]], "terms_at": [{"result": "output", "index": [0, ' + LONG + "]}]}",
        "terms_at[0].index",
        "is not a cell",
    ),
    ("/api/v1/conv2d", '{"input": [[1]], "kernel": [[1]], "' + "x" * 5000 + '": 1}', "x" * 40 + "…", "not a field"),
    (
        "/api/v1/check",
        '{"kind": "conv", "problem": {"input": [[1]], "kernel": [[1]]}, "answer": 1, "result": "' + "x" * 64 + '"}',
        "result",
        "is not a result",
    ),
]


@pytest.mark.parametrize(("path", "raw", "field", "words"), HOSTILE, ids=[f"{path}-{field[:12]}" for path, _, field, _ in HOSTILE])
def test_messages_never_echo_a_long_value(client, path, raw, field, words) -> None:
    response = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert_refused(response, field, words)
    assert len(response.content) < 600, response.text[:800]
    assert "0000000000" not in response.text and "9999999999" not in response.text and "x" * 41 not in response.text
    assert len(response.json()["detail"][0]["msg"]) < 300


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1e308, 1e308), (1e-320, 1e-320), (-0.0, -0.0), (5e-324, 5e-324), (-1.7976931348623157e308, -1.7976931348623157e308)],
)
def test_extreme_numbers_come_back_exactly(client, value, expected) -> None:
    response = client.post("/api/v1/conv2d", json={"input": [[value]], "kernel": [[1]]})
    assert response.status_code == 200, response.text
    got = json.loads(response.text)["output"][0][0]
    assert got == expected  # −0.0 may come back as 0.0: a sum of products starts from +0, as in PyTorch


def test_numbers_whose_result_overflows_are_a_422_not_an_infinity(client) -> None:
    response = client.post("/api/v1/conv2d", json={"input": [[1e308, 1e308]], "kernel": [[1, 1]]})
    assert response.status_code == 422 and "overflow" in response.json()["detail"][0]["msg"]
    response = client.post("/api/v1/activation", json={"input": [1e308, -1e308], "function": "softmax"})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert all(np.isfinite(response.json()["output"]))


@pytest.mark.parametrize("path", ENDPOINTS)
def test_bodies_that_are_not_objects_are_a_422(client, path) -> None:
    for body in ("[]", "1", '"x"', "null", "true"):
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, (body, response.text)


def streamed(body: bytes, chunk: int = 65536):
    """A generator body: httpx sends it with Transfer-Encoding: chunked and no Content-Length."""
    for start in range(0, len(body), chunk):
        yield body[start : start + chunk]


POST_ENDPOINTS = [*ENDPOINTS, "/api/v1/check"]


@pytest.mark.parametrize("path", POST_ENDPOINTS)
def test_an_oversized_streamed_body_is_a_413(client, path) -> None:
    cap = get_settings().max_body_bytes
    body = b'{"input": [' + b"1," * (cap // 2) + b"1]}"
    response = client.post(path, content=streamed(body), headers={"content-type": "application/json"})
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 413, response.text[:300]
    detail = response.json()["detail"][0]
    assert detail["field"] == "body" and "larger than the 2 MiB" in detail["msg"], detail


def test_a_streamed_body_under_the_cap_reaches_the_endpoint_whole(client) -> None:
    body = json.dumps({"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 2], [3, 4]]}).encode()
    response = client.post("/api/v1/conv2d", content=streamed(body, 7), headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["output"] == [[37, 47], [67, 77]]
