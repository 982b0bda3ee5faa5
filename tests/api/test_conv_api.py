"""``POST /api/v1/conv2d`` through HTTP: nesting, intermediates, terms, and every bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as tf

from app.api.schemas.conv import FIG_9_4

from .refusals import assert_refused

URL = "/api/v1/conv2d"


def post(client, body):
    return client.post(URL, json=body)


def test_fig_9_4_answers_every_intermediate(client) -> None:
    response = post(client, FIG_9_4)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["output"] == [[37.0, 47.0], [67.0, 77.0]]
    assert body["padded_input"] == FIG_9_4["input"]
    assert body["grad_output"] == [[1.0, 2.0], [-1.0, 1.0]] and body["grad_output_source"] == "given"
    assert body["upsampled_grad"] == body["grad_output"]
    assert body["grad_kernel"] == [[6.0, 9.0], [15.0, 18.0]]
    assert body["rotated_kernel"] == [[4.0, 3.0], [2.0, 1.0]]
    assert body["padded_upsampled_grad"] == [[0, 0, 0, 0], [0, 1, 2, 0], [0, -1, 1, 0], [0, 0, 0, 0]]
    assert body["grad_padded_input"] == body["grad_input"] == [[1, 4, 4], [2, 9, 10], [-3, -1, 4]]
    assert body["output_size"]["h"]["formula"] == "⌊(3 − 2 + 0 + 1) / 1⌋ = 2"
    assert body["grad_bias"] is None and body["loss"] is None and body["updated_kernel"] is None
    keys = list(body)
    assert keys.index("output") < keys.index("grad_output") < keys.index("upsampled_grad") < keys.index("grad_kernel")
    assert keys.index("rotated_kernel") < keys.index("padded_upsampled_grad") < keys.index("grad_padded_input") < keys.index("grad_input")


def test_fig_9_4_terms_write_eq_9_5(client) -> None:
    body = post(client, {**FIG_9_4, "terms": "auto"}).json()
    o11 = next(c for c in body["terms"] if c["result"] == "output" and c["index"] == [0, 0])
    products = [(t["left"]["value"], t["right"]["value"]) for t in o11["terms"]]
    assert products == [(1, 1), (2, 2), (4, 3), (5, 4)] and o11["value"] == 37
    e = next(c for c in body["terms"] if c["result"] == "grad_input" and c["index"] == [1, 1])
    assert [(t["left"]["index"], t["right"]["index"]) for t in e["terms"]] == [
        ([0, 0], [1, 1]), ([0, 1], [1, 0]), ([1, 0], [0, 1]), ([1, 1], [0, 0])
    ]


def test_numbers_go_out_at_full_precision(client) -> None:
    response = post(client, {"input": [[0.1, 0.2]], "kernel": [[1, 1]]})
    assert json.loads(response.text)["output"] == [[0.1 + 0.2]]
    assert "0.30000000000000004" in response.text


def test_channels_kernels_bias_loss_and_update_match_torch(client) -> None:
    rng = np.random.default_rng(7)
    x, k, b = rng.normal(size=(2, 6, 5)), rng.normal(size=(3, 2, 3, 2)), rng.normal(size=3)
    target = rng.normal(size=(3, 3, 6))
    body = {
        "input": x.tolist(), "kernel": k.tolist(), "bias": b.tolist(), "stride": [2, 1], "padding": [1, 0, 2, 1],
        "dilation": [1, 2], "target": target.tolist(), "loss": "half_sse", "learning_rate": 0.1,
    }
    response = post(client, body)
    assert response.status_code == 200, response.text
    got = response.json()
    X, K, B = (torch.tensor(a, requires_grad=True) for a in (x, k, b))
    O = tf.conv2d(tf.pad(X, (2, 1, 1, 0))[None], K, B, stride=(2, 1), dilation=(1, 2))[0]
    L = 0.5 * ((O - torch.tensor(target)) ** 2).sum()
    L.backward()
    np.testing.assert_allclose(got["output"], O.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(got["loss"], L.item(), rtol=1e-12)
    np.testing.assert_allclose(got["grad_input"], X.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got["grad_kernel"], K.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got["grad_bias"], B.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(got["updated_kernel"], k - 0.1 * K.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(got["updated_bias"], b - 0.1 * B.grad.numpy(), rtol=1e-9)
    assert np.shape(got["padded_input"]) == (2, 7, 8)


def test_plain_in_plain_out_and_default_gradient(client) -> None:
    body = post(client, {"input": [[1, 2], [3, 4]], "kernel": [[1]], "bias": 0.5}).json()
    assert body["output"] == [[1.5, 2.5], [3.5, 4.5]]
    assert body["grad_output"] == [[1, 1], [1, 1]] and body["grad_output_source"] == "ones"
    assert body["grad_bias"] == 4.0


def test_uncovered_rows_are_reported(client) -> None:
    body = post(client, {"input": np.ones((5, 5)).tolist(), "kernel": [[1, 1], [1, 1]], "stride": 2}).json()
    assert body["output_size"]["h"]["uncovered"] == [4]
    assert body["grad_input"][4] == [0, 0, 0, 0, 0]


def test_large_requests_leave_terms_out_unless_asked_for_a_cell(client) -> None:
    big = {"input": np.ones((3, 64, 64)).tolist(), "kernel": np.ones((8, 3, 5, 5)).tolist()}
    assert post(client, {**big, "terms": "none"}).json()["terms"] is None
    body = post(client, {**big, "terms": "auto"}).json()
    assert body["terms"] is None and "terms_at" in body["terms_omitted"]
    cell = post(client, {**big, "terms_at": [{"result": "grad_input", "index": [1, 30, 30]}]}).json()["terms"]
    assert len(cell) == 1 and len(cell[0]["terms"]) == 8 * 25 and cell[0]["value"] == 200


BAD_INPUTS = [
    ({"input": [[1, 2], [3]], "kernel": [[1]]}, "input", "same length"),
    ({"input": [[1, "x"]], "kernel": [[1]]}, "input", "expected a number"),
    ({"input": [[True]], "kernel": [[1]]}, "input", "true/false"),
    ({"input": [], "kernel": [[1]]}, "input", "empty"),
    ({"input": [[]], "kernel": [[1]]}, "input", "empty"),
    ({"input": 3, "kernel": [[1]]}, "input", "expected a matrix"),
    ({"input": [[1]], "kernel": [[1]], "stride": 0}, "stride", "from 1"),
    ({"input": [[1]], "kernel": [[1]], "stride": -2}, "stride", "from 1"),
    ({"input": [[1]], "kernel": [[1]], "stride": [1, 2, 3]}, "stride", "list of 3"),
    ({"input": [[1]], "kernel": [[1]], "stride": 1.5}, "stride", "whole number"),
    ({"input": [[1]], "kernel": [[1]], "dilation": 0}, "dilation", "from 1"),
    ({"input": [[1]], "kernel": [[1]], "padding": -1}, "padding", "from 0"),
    ({"input": [[1]], "kernel": [[1]], "padding": [1, 1, 1]}, "padding", "list of 3"),
    ({"input": [[1, 2]], "kernel": [[1, 2], [3, 4]]}, "kernel", "larger than"),
    ({"input": [[[1]], [[2]]], "kernel": [[[[1]]]]}, "kernel", "channel"),
    ({"input": [[1]], "kernel": [[[1]]]}, "kernel", "expected a matrix"),
    ({"input": [[1, 2]], "kernel": [[1]], "grad_output": [[1]]}, "grad_output", "shape"),
    ({"input": [[1, 2]], "kernel": [[1]], "target": [[1, 2, 3]]}, "target", "shape"),
    ({"input": [[1, 2]], "kernel": [[1]], "target": [[1, 2]], "grad_output": [[1, 1]]}, "body", "not both"),
    ({"input": [[1]], "kernel": [[1]], "target": [[1]], "loss": "l7"}, "loss", ""),
    ({"input": [[1, 2]], "kernel": [[1]], "target": [[0.5, 0.4]], "loss": "cross_entropy"}, "target", "distribution"),
    ({"input": [[1]], "kernel": [[1]], "mode": "flip"}, "mode", ""),
    ({"input": [[1]], "kernel": [[1]], "bias": [1, 2]}, "bias", "one number per kernel"),
    ({"input": [[1]], "kernel": [[1]], "bias": "1"}, "bias", "expected a number"),
    ({"input": [[1]], "kernel": [[1]], "learning_rate": -1}, "learning_rate", ""),
    ({"input": np.ones((65, 2)).tolist(), "kernel": [[1]]}, "input", "at most 64"),
    ({"input": np.ones((9, 2, 2)).tolist(), "kernel": [[1]]}, "input", "at most 8"),
    ({"input": [[1]] * 8, "kernel": np.ones((8, 1)).tolist()}, "kernel", "at most 7"),
    ({"input": [[1e300]], "kernel": [[1e300]]}, "input", "overflow"),
    ({"input": [[1]], "kernel": [[1]], "terms_at": [{"result": "output", "index": [3, 3]}]}, "terms_at[0].index", "not a cell"),
    ({"kernel": [[1]]}, "input", "required"),
    ({"input": [[1]], "kernel": [[1]], "strid": 2}, "strid", "not a field"),
]


@pytest.mark.parametrize(("body", "field", "words"), BAD_INPUTS)
def test_bad_input_gets_a_422_naming_the_field(client, body, field, words) -> None:
    assert_refused(post(client, body), field, words)


@pytest.mark.parametrize(
    "raw",
    ['{"input": [[NaN]], "kernel": [[1]]}', '{"input": [[Infinity]], "kernel": [[1]]}', '{"input": [[1e400]], "kernel": [[1]]}',
     '{"input": [[-Infinity]], "kernel": [[1]]}', '{"input": [[1]], "kernel": [[1]], "bias": NaN}'],
)
def test_non_finite_numbers_are_refused_not_echoed(client, raw) -> None:
    response = client.post(URL, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "finite" in response.text


@pytest.mark.parametrize("raw", ["not json", "{", "[" * 100_000, '{"input": ' + "[" * 5000 + "]" * 5000 + "}"])
def test_unreadable_bodies_get_a_4xx(client, raw) -> None:
    response = client.post(URL, content=raw, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500 and response.json()["detail"][0]["field"] == "body"


def test_oversized_body_gets_413(client) -> None:
    response = client.post(URL, content=b"[" + b"1," * 1_500_000 + b"1]", headers={"content-type": "application/json"})
    assert response.status_code == 413 and "larger than" in response.json()["detail"][0]["msg"]


def test_docs_show_the_fig_9_4_example(client) -> None:
    schema = client.get("/openapi.json").json()
    request = schema["components"]["schemas"]["Conv2dRequest"]
    assert request["examples"][0]["input"] == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert request["properties"]["input"]["anyOf"][0]["maxItems"] == 64


def test_healthz(client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
