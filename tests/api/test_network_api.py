"""``POST /api/v1/network`` through HTTP: the hand-over of Fig. 9.2, training against PyTorch, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as tf

from app.api.schemas.network import TINY_CNN

from .refusals import assert_refused

URL = "/api/v1/network"


def post(client, body):
    return client.post(URL, json=body)


def test_tiny_cnn_hands_each_grad_input_back_as_the_previous_grad_output(client) -> None:
    response = post(client, TINY_CNN)
    assert response.status_code == 200, response.text
    body = response.json()
    layers = body["first_step"]["layers"]
    assert [layer["type"] for layer in layers] == ["conv2d", "relu", "maxpool", "flatten", "dense"]
    assert [layer["output_shape"] for layer in layers] == [[1, 3, 3], [1, 3, 3], [1, 2, 2], [4], [2]]
    for previous, current in zip(layers, layers[1:]):
        assert current["input"] == previous["output"] and current["grad_input"] == previous["grad_output"]
    assert layers[-1]["grad_output"] == body["first_step"]["grad_prediction"]
    assert body["first_step"]["prediction"] == layers[-1]["output"] == [1.3, 0.1 + 0.2]
    assert body["losses"][0] == body["first_step"]["loss"] and len(body["losses"]) == 5
    assert all(later < earlier for earlier, later in zip(body["losses"], body["losses"][1:] + [body["final_loss"]]))
    assert layers[0]["params"] == {"kernel": [[1, -1], [0, 1]], "bias": 0}
    assert np.shape(layers[0]["param_grads"]["kernel"]) == (2, 2)
    assert isinstance(layers[0]["param_grads"]["bias"], float)
    assert layers[1]["params"] == layers[1]["param_grads"] == {} and body["notes"] == []


def test_tiny_cnn_trains_as_torch_sgd_does(client) -> None:
    body = post(client, TINY_CNN).json()
    x = torch.tensor(TINY_CNN["input"], dtype=torch.float64)[None, None]
    conv, dense = TINY_CNN["layers"][0], TINY_CNN["layers"][4]
    kernel = torch.tensor(conv["kernel"], dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    weight = torch.tensor(dense["weight"], dtype=torch.float64, requires_grad=True)
    dense_bias = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([kernel, bias, weight, dense_bias], lr=TINY_CNN["learning_rate"])
    losses = []
    for _ in range(TINY_CNN["steps"]):
        optimizer.zero_grad()
        hidden = tf.max_pool2d(torch.relu(tf.conv2d(x, kernel[None, None], bias)), 2, 1).flatten()
        loss = tf.cross_entropy(tf.linear(hidden, weight, dense_bias), torch.tensor([1.0, 0.0], dtype=torch.float64))
        loss.backward()
        losses.append(loss.item())
        optimizer.step()
    np.testing.assert_allclose(body["losses"], losses, rtol=1e-9, atol=1e-12)
    final = body["final_params"]
    np.testing.assert_allclose(final[0]["kernel"], kernel.detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(final[0]["bias"], bias.item(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(final[4]["weight"], weight.detach().numpy(), rtol=1e-9, atol=1e-12)
    assert final[1] == final[2] == final[3] == {}


def test_channels_avgpool_softmax_and_mse_match_torch(client) -> None:
    rng = np.random.default_rng(5)
    x, k, b = rng.normal(size=(2, 6, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    w = rng.normal(size=(4, 3 * 2 * 2)) * 0.3
    target = rng.random(4)
    request = {
        "input": x.tolist(),
        "layers": [
            {"type": "conv2d", "kernel": k.tolist(), "bias": b.tolist(), "padding": [1, 0, 0, 1], "stride": [1, 2]},
            {"type": "leaky_relu", "negative_slope": 0.1},
            {"type": "avgpool", "size": [3, 2], "padding": [1, 1]},
            {"type": "tanh"},
            {"type": "flatten"},
            {"type": "dense", "weight": w.tolist()},
            {"type": "softmax"},
        ],
        "target": target.tolist(),
        "loss": "mse",
        "learning_rate": 0.5,
        "steps": 3,
    }
    response = post(client, request)
    assert response.status_code == 200, response.text
    body = response.json()
    K, B, W = (torch.tensor(a, requires_grad=True) for a in (k, b, w))
    optimizer = torch.optim.SGD([K, B, W], lr=0.5)
    losses = []
    for _ in range(3):
        optimizer.zero_grad()
        h = tf.leaky_relu(tf.conv2d(tf.pad(torch.tensor(x), (0, 1, 1, 0))[None], K, B, stride=(1, 2)), 0.1)
        h = torch.tanh(tf.avg_pool2d(h, (3, 2), (3, 2), (1, 1), count_include_pad=True)).flatten()
        loss = tf.mse_loss(torch.softmax(tf.linear(h, W), 0), torch.tensor(target))
        loss.backward()
        losses.append(loss.item())
        optimizer.step()
    np.testing.assert_allclose(body["losses"], losses, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(body["final_params"][0]["kernel"], K.detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(body["final_params"][5]["weight"], W.detach().numpy(), rtol=1e-9, atol=1e-12)
    assert np.shape(body["first_step"]["layers"][0]["input"]) == (2, 6, 5)
    assert body["final_params"][5].keys() == {"weight"}


def test_one_channel_maps_and_target_stay_plain_matrices(client) -> None:
    body = post(client, {
        "input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
        "layers": [{"type": "conv2d", "kernel": [[1, 0], [0, -1]]}, {"type": "sigmoid"}],
        "target": [[0, 1], [1, 0]],
        "learning_rate": 1,
    }).json()
    assert body["first_step"]["layers"][1]["output"] == body["first_step"]["prediction"]
    assert np.shape(body["first_step"]["prediction"]) == (2, 2) and body["loss_name"] == "mse"
    assert body["first_step"]["probabilities"] is None and body["final_params"][0].keys() == {"kernel"}


def test_relu_choice_at_zero_keeps_the_chapters_weight_update(client) -> None:
    """Chapter 9.2.2's neuron at x = 0: the weight's update is the same for f′(0) = 0 and 1; the bias's is not."""
    final = {}
    for choice in (0, 1):
        body = post(client, {
            "input": [0], "target": [1], "loss": "half_sse", "learning_rate": 0.1,
            "layers": [{"type": "dense", "weight": [[0.7]], "bias": 0}, {"type": "relu", "relu_grad_at_zero": choice}],
        }).json()
        final[choice] = body["final_params"][0]
    assert final[0]["weight"] == final[1]["weight"] == [[0.7]]
    assert final[0]["bias"] == 0 and final[1]["bias"] == 0.1


def test_softmax_before_cross_entropy_is_computed_as_torch_would_and_noted(client) -> None:
    body = post(client, {
        "input": [1, 2], "target": [0, 1], "loss": "cross_entropy",
        "layers": [{"type": "dense", "weight": [[1, 0], [0, 1]]}, {"type": "softmax"}],
    }).json()
    probabilities = torch.softmax(torch.tensor([1.0, 2.0], dtype=torch.float64), 0)
    expected = tf.cross_entropy(probabilities, torch.tensor([0.0, 1.0], dtype=torch.float64)).item()
    assert body["losses"][0] == pytest.approx(expected, rel=1e-12)
    assert "twice" in body["notes"][0]


def test_large_chains_are_bounded_by_the_work_they_take(client) -> None:
    body = {
        "input": np.zeros((8, 64, 64)).tolist(),
        "layers": [{"type": "conv2d", "kernel": np.zeros((8, 8, 7, 7)).tolist(), "padding": 3}] * 4,
        "target": np.zeros((8, 64, 64)).tolist(),
        "steps": 200,
    }
    response = post(client, body)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "steps" and "fit" in detail["msg"]


def test_the_first_step_record_is_bounded(client) -> None:
    x = np.zeros((8, 64, 64)).tolist()
    response = post(client, {"input": x, "layers": [{"type": "tanh"}] * 12, "target": x})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "layers" and "fewer layers" in detail["msg"]


def test_pool_layers_are_bounded_by_their_window_cells(client) -> None:
    response = post(client, {
        "input": np.zeros((8, 64, 64)).tolist(), "layers": [{"type": "tanh"}, {"type": "maxpool", "size": 32, "stride": 1}],
        "target": np.zeros((8, 33, 33)).tolist(),
    })
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "layers[1]"


def test_divergence_names_the_learning_rate(client) -> None:
    response = post(client, {
        "input": [10], "target": [0], "loss": "half_sse", "learning_rate": 1000, "steps": 200,
        "layers": [{"type": "dense", "weight": [[1]]}],
    })
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "learning_rate"


def with_layers(*layers, **fields):
    return {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "layers": list(layers), "target": [0], **fields}


CONV = {"type": "conv2d", "kernel": [[1, 0], [0, 1]]}
BAD_INPUTS = [
    (with_layers({"type": "conv3d"}), "layers[0]", "one of conv2d"),
    (with_layers({"kernel": [[1]]}), "layers[0]", "type"),
    (with_layers(CONV, 7), "layers[1]", "type"),
    (with_layers({"type": "relu", "size": 2}), "layers[0].size", "not a field"),
    (with_layers({"type": "conv2d", "kernel": [[1, 2], [3]]}), "layers[0].kernel", "same length"),
    (with_layers({"type": "conv2d", "kernel": [[[1]]]}), "layers[0].kernel", "expected a matrix"),
    (with_layers({"type": "conv2d", "kernel": [[[[1]], [[1]]]]}), "layers[0]", "2×H×W"),
    (with_layers({"type": "conv2d", "kernel": [[[[1]]], [[[1]]]], "bias": [1, 2, 3]}), "layers[0].bias", "kernel (2)"),
    (with_layers({"type": "conv2d", "kernel": [[[[1]]], [[[1]]]], "bias": 1}), "layers[0].bias", "one kernel"),
    (with_layers({"type": "conv2d", "kernel": [[1]], "stride": 0}), "layers[0].stride", "from 1"),
    (with_layers({"type": "conv2d", "kernel": np.ones((4, 4)).tolist()}), "layers[0]", "H ≥ 4"),
    (with_layers(CONV, {"type": "conv2d", "kernel": [[[[1]], [[1]]]]}), "layers[1]", "2×H×W"),
    (with_layers({"type": "maxpool", "size": 4}), "layers[0]", "1×3×3 from the input"),
    (with_layers({"type": "maxpool", "size": 2, "padding": 2}), "layers[0].padding", "half the window"),
    (with_layers({"type": "avgpool", "size": 2, "ties": "most"}), "layers[0].ties", ""),
    (with_layers({"type": "dense", "weight": [[1, 2, 3]]}), "layers[0]", "put a flatten layer"),
    (with_layers({"type": "flatten"}, {"type": "dense", "weight": [[1, 2]]}), "layers[1]", "vector of 9"),
    (with_layers({"type": "flatten"}, {"type": "dense", "weight": [1, 2]}), "layers[1].weight", "expected a matrix"),
    (with_layers({"type": "flatten"}, {"type": "dense", "weight": [[1] * 9], "bias": [1, 2]}), "layers[1].bias", "(1)"),
    (with_layers({"type": "flatten"}, {"type": "softmax"}, {"type": "maxpool", "size": 1}), "layers[2]", "vector of 9"),
    (with_layers({"type": "leaky_relu", "negative_slope": True}), "layers[0].negative_slope", ""),
    (with_layers({"type": "relu", "relu_grad_at_zero": 3}), "layers[0].relu_grad_at_zero", "from 0 to 1"),
    (with_layers({"type": "flatten"}), "target", "shape 1 but the network's output (layers[0], flatten) has shape 9"),
    (with_layers({"type": "flatten"}, target=[1] + [0] * 8, loss="hinge"), "loss", ""),
    (with_layers({"type": "flatten"}, target=[0.5] + [0] * 8, loss="cross_entropy"), "target", "distribution"),
    (with_layers({"type": "flatten"}, steps=0), "steps", "from 1"),
    (with_layers({"type": "flatten"}, steps=201), "steps", "to 200"),
    (with_layers({"type": "flatten"}, steps=2.0), "steps", "whole number"),
    (with_layers({"type": "flatten"}, learning_rate=0), "learning_rate", ""),
    (with_layers({"type": "flatten"}, learning_rate="0.1"), "learning_rate", ""),
    (with_layers(), "layers", "at least 1"),
    (with_layers(*[{"type": "tanh"}] * 13), "layers", "at most 12"),
    ({"input": [[1]], "layers": [{"type": "tanh"}]}, "target", "required"),
    (with_layers({"type": "tanh"}, optimizer="adam"), "optimizer", "not a field"),
    ({"input": [1e300], "layers": [{"type": "dense", "weight": [[1e300]]}], "target": [0]}, "input", "overflow"),
]


@pytest.mark.parametrize(("body", "field", "words"), BAD_INPUTS)
def test_bad_input_gets_a_422_naming_the_field(client, body, field, words) -> None:
    assert_refused(post(client, body), field, words)


@pytest.mark.parametrize(
    "raw",
    [
        '{"input": [NaN], "layers": [{"type": "tanh"}], "target": [0]}',
        '{"input": [1], "layers": [{"type": "dense", "weight": [[Infinity]]}], "target": [0]}',
    ],
)
def test_non_finite_numbers_are_refused(client, raw) -> None:
    response = client.post(URL, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "finite" in response.text


def test_docs_show_the_tiny_cnn(client) -> None:
    request = client.get("/openapi.json").json()["components"]["schemas"]["NetworkRequest"]
    assert request["examples"][0] == TINY_CNN
    assert request["properties"]["steps"]["maximum"] == 200
