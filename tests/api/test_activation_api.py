"""``POST /api/v1/activation`` through HTTP: nesting, ReLU's choice at 0, softmax's Jacobian, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as tf

from app.api.schemas.activation import RELU_EXAMPLE

from .refusals import assert_refused

URL = "/api/v1/activation"

TORCH = {
    "relu": torch.relu,
    "leaky_relu": lambda x: tf.leaky_relu(x, 0.2),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softmax": lambda x: torch.softmax(x.reshape(-1), 0).reshape(x.shape),
}


def test_relu_example_hands_back_the_gradient_where_x_is_positive(client) -> None:
    body = client.post(URL, json=RELU_EXAMPLE).json()
    assert body["output"] == [[0, 0], [1, 3]]
    assert body["local_derivative"] == [[0, 0], [1, 1]]
    assert body["grad_input"] == [[0, 0], [3, 4]] and body["grad_output_source"] == "given"
    assert body["jacobian"] is None and body["jacobian_omitted"] is None


def test_relu_choice_at_zero_changes_only_the_zero_cell(client) -> None:
    one = client.post(URL, json={**RELU_EXAMPLE, "relu_grad_at_zero": 1}).json()
    assert one["local_derivative"] == [[0, 1], [1, 1]] and one["grad_input"] == [[0, 2], [3, 4]]


@pytest.mark.parametrize("function", list(TORCH))
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 3)])
def test_every_function_matches_torch_and_keeps_the_nesting(client, function, shape) -> None:
    rng = np.random.default_rng(len(shape))
    x, g = rng.normal(size=shape), rng.normal(size=shape)
    response = client.post(
        URL, json={"input": x.tolist(), "function": function, "negative_slope": 0.2, "grad_output": g.tolist()}
    )
    assert response.status_code == 200, response.text
    got = response.json()
    X = torch.tensor(x, requires_grad=True)
    Y = TORCH[function](X)
    Y.backward(torch.tensor(g))
    assert np.shape(got["output"]) == shape
    np.testing.assert_allclose(got["output"], Y.detach().numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got["grad_input"], X.grad.numpy(), rtol=1e-9, atol=1e-9)


def test_softmax_sends_its_jacobian_while_small(client) -> None:
    body = client.post(URL, json={"input": [[0, 0], [0, 0]], "function": "softmax"}).json()
    assert body["output"] == [[0.25, 0.25], [0.25, 0.25]]
    assert body["local_derivative"] == [[0.1875, 0.1875], [0.1875, 0.1875]]
    assert np.shape(body["jacobian"]) == (4, 4) and body["jacobian"][0] == [0.1875, -0.0625, -0.0625, -0.0625]
    big = client.post(URL, json={"input": np.zeros((9, 9)).tolist(), "function": "softmax"}).json()
    assert big["jacobian"] is None and "81×81" in big["jacobian_omitted"]


def test_a_long_vector_draws_the_curve(client) -> None:
    xs = np.linspace(-4, 4, 801)
    body = client.post(URL, json={"input": xs.tolist(), "function": "tanh"}).json()
    np.testing.assert_allclose(body["local_derivative"], 1 - np.tanh(xs) ** 2, rtol=1e-12)


def test_saturated_inputs_stay_finite(client) -> None:
    body = client.post(URL, json={"input": [-1e300, 0, 1e300], "function": "sigmoid"}).json()
    assert body["output"] == [0.0, 0.5, 1.0] and body["grad_input"] == [0.0, 0.25, 0.0]


def test_numbers_go_out_at_full_precision(client) -> None:
    body = client.post(URL, json={"input": [0.1], "function": "leaky_relu", "grad_output": [0.3]}).json()
    assert body["grad_input"] == [0.3]


BAD_INPUTS = [
    ({"input": [[1, 2], [3]], "function": "relu"}, "input", "same length"),
    ({"input": [[[[1]]]], "function": "relu"}, "input", "expected a list of numbers"),
    ({"input": [], "function": "relu"}, "input", "empty"),
    ({"input": [1, "2"], "function": "relu"}, "input", "expected a number"),
    ({"input": [0] * 4097, "function": "relu"}, "input", "at most 4096"),
    ({"input": [1], "function": "gelu"}, "function", ""),
    ({"input": [1]}, "function", "required"),
    ({"function": "relu"}, "input", "required"),
    ({"input": [1], "function": "relu", "relu_grad_at_zero": 2}, "relu_grad_at_zero", "from 0 to 1"),
    ({"input": [1], "function": "relu", "relu_grad_at_zero": 0.5}, "relu_grad_at_zero", "whole number"),
    ({"input": [1], "function": "relu", "relu_grad_at_zero": True}, "relu_grad_at_zero", "whole number"),
    ({"input": [1], "function": "leaky_relu", "negative_slope": "0.1"}, "negative_slope", ""),
    ({"input": [1], "function": "leaky_relu", "negative_slope": 1e4}, "negative_slope", ""),
    ({"input": [1, 2], "function": "relu", "grad_output": [1, 2, 3]}, "grad_output", "input's shape 2"),
    ({"input": [[1, 2]], "function": "tanh", "grad_output": [1, 2]}, "grad_output", "input's shape 1×2"),
    ({"input": [-1e306], "function": "leaky_relu", "negative_slope": 1000}, "input", "overflow"),
    ({"input": [1], "function": "relu", "slope": 1}, "slope", "not a field"),
]


@pytest.mark.parametrize(("body", "field", "words"), BAD_INPUTS)
def test_bad_input_gets_a_422_naming_the_field(client, body, field, words) -> None:
    assert_refused(client.post(URL, json=body), field, words)


@pytest.mark.parametrize("raw", ['{"input": [NaN], "function": "relu"}', '{"input": [1e400], "function": "relu"}'])
def test_non_finite_numbers_are_refused(client, raw) -> None:
    response = client.post(URL, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "finite" in response.text


def test_docs_show_the_examples_and_limits(client) -> None:
    request = client.get("/openapi.json").json()["components"]["schemas"]["ActivationRequest"]
    assert request["examples"][0] == RELU_EXAMPLE
    assert request["properties"]["relu_grad_at_zero"]["maximum"] == 1
    assert request["properties"]["input"]["anyOf"][0]["maxItems"] == 4096
