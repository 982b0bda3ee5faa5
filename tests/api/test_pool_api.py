"""``POST /api/v1/pool`` through HTTP: Fig. 9.8–9.9, windows, ties, padding, and every bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as tf

from app.api.schemas.pool import FIG_9_8, FIG_9_9, OVERLAPPING

from .refusals import assert_refused

URL = "/api/v1/pool"


def post(client, body):
    return client.post(URL, json=body)


def test_fig_9_8_divides_4_by_4(client) -> None:
    body = post(client, FIG_9_8).json()
    assert body["output"] == [[4, 3], [2, 2]] and body["stride"] == [2, 2]
    assert body["grad_input"] == [[1, 1, 0.75, 0.75], [1, 1, 0.75, 0.75], [0.5] * 4, [0.5] * 4]
    yellow = body["windows"][0]
    assert yellow["index"] == [0, 0] and yellow["origin"] == [0, 0] and yellow["value"] == yellow["grad"] == 4
    assert yellow["weights"] == [[0.25, 0.25], [0.25, 0.25]] and yellow["share"] == [[1, 1], [1, 1]]
    assert yellow["maxima"] is None and body["argmax"] is None and body["ties"] is None
    assert body["sums"] == {"grad_output": 11, "grad_input": 11, "padding": 0}
    assert body["mask"] == [[1] * 4] * 4 and body["padded_with"] == "zeros"


def test_fig_9_9_routes_8_to_the_lower_left(client) -> None:
    body = post(client, FIG_9_9).json()
    assert body["output"] == [[8, 6], [3, 7]]
    orange = body["windows"][0]
    assert orange["maxima"] == [[1, 0]] and orange["weights"] == [[0, 0], [1, 0]] and orange["share"] == [[0, 0], [8, 0]]
    assert body["argmax"] == [[[1, 0], [1, 2]], [[2, 0], [2, 3]]]
    assert body["mask"] == [[0, 0, 0, 0], [1, 0, 1, 0], [1, 0, 0, 1], [0, 0, 0, 0]]
    assert body["grad_input"] == [[0, 0, 0, 0], [8, 0, 6, 0], [3, 0, 0, 7], [0, 0, 0, 0]]
    assert body["sums"]["grad_input"] == body["sums"]["grad_output"] == 24


def test_overlapping_windows_accumulate(client) -> None:
    body = post(client, OVERLAPPING).json()
    assert body["output"] == [[9, 9], [9, 9]] and body["mask"][1][1] == 4 and body["grad_input"][1][1] == 4
    assert [w["origin"] for w in body["windows"]] == [[0, 0], [0, 1], [1, 0], [1, 1]]


@pytest.mark.parametrize(
    ("ties", "grad_input", "total"),
    [("first", [[6, 0], [0, 0]], 6), ("all", [[6, 0], [6, 6]], 18), ("split", [[2, 0], [2, 2]], 6)],
)
def test_tie_rules(client, ties, grad_input, total) -> None:
    body = post(client, {"input": [[5, 1], [5, 5]], "mode": "max", "size": 2, "ties": ties, "grad_output": [[6]]}).json()
    assert body["grad_input"] == grad_input and body["sums"]["grad_input"] == total
    assert body["tie_counts"] == [[3]] and body["argmax"] == [[[0, 0]]]
    assert body["windows"][0]["maxima"] == [[0, 0], [1, 0], [1, 1]]


def test_padded_average_loses_the_padding_share(client) -> None:
    body = post(client, {"input": [[-1, -1], [-1, -1]], "mode": "avg", "size": 2, "padding": 1}).json()
    assert body["output"] == [[-0.25, -0.25], [-0.25, -0.25]]
    assert body["sums"] == {"grad_output": 4, "grad_input": 1, "padding": 3}
    assert body["windows"][0]["origin"] == [-1, -1]


def test_padded_max_never_picks_the_padding(client) -> None:
    body = post(client, {"input": [[-1, -2], [-3, -4]], "mode": "max", "size": 2, "padding": [1, 0]}).json()
    assert body["padded_with"] == "-inf" and body["output"] == [[-1], [-3]]  # zero padding would give 0s
    assert body["padding"] == [1, 1, 0, 0] and body["sums"]["padding"] == 0


def test_padded_max_reports_exactly_zero_on_the_padding_for_random_floats(client) -> None:
    """Σ∂L/∂P − Σ∂L/∂I would leave a residue such as −8.9e−16; the border itself holds exact zeros."""
    rng = np.random.default_rng(7)
    for _ in range(20):
        body = {
            "input": rng.normal(size=(5, 6)).tolist(),
            "mode": "max",
            "size": 3,
            "stride": 2,
            "padding": 1,
            "grad_output": rng.normal(size=(3, 3)).tolist(),
        }
        sums = post(client, body).json()["sums"]
        assert sums["padding"] == 0.0, f"got {sums['padding']!r} on the padding, expected exactly 0"


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_channels_strides_and_padding_match_torch(client, mode) -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(-2, 3, size=(3, 7, 6)).astype(float)
    g = rng.normal(size=(3, 4, 3))
    response = post(client, {"input": x.tolist(), "mode": mode, "size": [3, 2], "stride": [2, 2], "padding": [1, 0],
                             "grad_output": g.tolist()})
    assert response.status_code == 200, response.text
    got = response.json()
    X = torch.tensor(x, requires_grad=True)
    if mode == "max":
        Y, indices = tf.max_pool2d(X[None], (3, 2), (2, 2), (1, 0), return_indices=True)
        flat = np.array(got["argmax"])[..., 0] * 6 + np.array(got["argmax"])[..., 1]
        assert flat.tolist() == indices[0].tolist()
    else:
        Y = tf.avg_pool2d(X[None], (3, 2), (2, 2), (1, 0), count_include_pad=True)
    Y.backward(torch.tensor(g)[None])
    np.testing.assert_allclose(got["output"], Y[0].detach().numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got["grad_input"], X.grad.numpy(), rtol=1e-9, atol=1e-9)
    assert got["windows"][-1]["index"] == [2, 3, 2] and np.shape(got["mask"]) == (3, 7, 6)


def test_windows_that_would_fill_the_memory_are_refused(client) -> None:
    response = post(client, {"input": np.ones((8, 64, 64)).tolist(), "mode": "avg", "size": 32, "stride": 1})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "size" and "larger stride" in detail["msg"]


def test_large_requests_leave_the_windows_out(client) -> None:
    body = post(client, {"input": np.ones((8, 64, 64)).tolist(), "mode": "max", "size": 2, "stride": 1}).json()
    assert body["windows"] is None and "grad_input" in body["windows_omitted"]
    assert np.shape(body["argmax"]) == (8, 63, 63, 2)


BAD_INPUTS = [
    ({"input": [[1, 2], [3]], "mode": "max", "size": 1}, "input", "same length"),
    ({"input": [1, 2], "mode": "max", "size": 1}, "input", "expected a matrix"),
    ({"input": [[1, 2]], "mode": "min", "size": 1}, "mode", ""),
    ({"input": [[1, 2]], "size": 1}, "mode", "required"),
    ({"input": [[1, 2]], "mode": "max"}, "size", "required"),
    ({"input": [[1, 2]], "mode": "max", "size": 0}, "size", "from 1"),
    ({"input": [[1, 2]], "mode": "max", "size": 65}, "size", "from 1 to 64"),
    ({"input": [[1, 2]], "mode": "max", "size": 1.5}, "size", "whole number"),
    ({"input": [[1, 2]], "mode": "max", "size": [1, 2, 3]}, "size", "list of 3"),
    ({"input": [[1, 2]], "mode": "max", "size": 2}, "size", "larger than the 1×2 padded input"),
    ({"input": [[1, 2]], "mode": "max", "size": 1, "stride": 0}, "stride", "from 1"),
    ({"input": [[1, 2], [3, 4]], "mode": "max", "size": 2, "padding": 2}, "padding", "half the window"),
    ({"input": [[1, 2], [3, 4]], "mode": "avg", "size": [3, 1], "padding": [0, 0, 1, 0]}, "padding", "half the window"),
    ({"input": [[1, 2], [3, 4]], "mode": "max", "size": 2, "padding": -1}, "padding", "from 0"),
    ({"input": [[1, 2]], "mode": "max", "size": 1, "ties": "last"}, "ties", ""),
    ({"input": [[1, 2]], "mode": "max", "size": 1, "grad_output": [[1]]}, "grad_output", "output's shape 1×2"),
    ({"input": [[1, 2]], "mode": "max", "size": 1, "grad_output": [[[1, 1]], [[1, 1]]]}, "grad_output", "1×2"),
    ({"input": [[1.7e308, 1.7e308]], "mode": "avg", "size": [1, 2]}, "input", "overflow"),
    ({"input": [[1, 2]], "mode": "max", "size": 1, "window": 2}, "window", "not a field"),
]


@pytest.mark.parametrize(("body", "field", "words"), BAD_INPUTS)
def test_bad_input_gets_a_422_naming_the_field(client, body, field, words) -> None:
    assert_refused(post(client, body), field, words)


@pytest.mark.parametrize("raw", ['{"input": [[NaN]], "mode": "max", "size": 1}', '{"input": [[-Infinity]], "mode": "avg", "size": 1}'])
def test_non_finite_numbers_are_refused(client, raw) -> None:
    response = client.post(URL, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "finite" in response.text


def test_docs_show_fig_9_8_and_9_9(client) -> None:
    request = client.get("/openapi.json").json()["components"]["schemas"]["PoolRequest"]
    assert request["examples"][:2] == [FIG_9_8, FIG_9_9]
