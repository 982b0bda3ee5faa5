"""A chain of layers against the same model trained by torch.optim.SGD, and its shape checks (Fig. 9.2)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
import torch
import torch.nn.functional as tf
from hypothesis import given
from hypothesis import strategies as st

from app.engine.activation import ActivationSpec
from app.engine.conv import ConvSpec
from app.engine.errors import InvalidInput
from app.engine.loss import LOSS_NAMES
from app.engine.network import (
    ActivationLayer,
    Conv2dLayer,
    DenseLayer,
    FlattenLayer,
    Layer,
    PoolLayer,
    check_chain,
    output_shape,
    params_of,
    train,
)
from app.engine.pool import PoolSpec

from .oracles import TORCH_LOSSES, assert_close, tensor, torch_activation, torch_conv, torch_pool


class Case(NamedTuple):
    x: np.ndarray
    layers: list[Layer]
    target: np.ndarray
    loss: str
    learning_rate: float
    steps: int


@st.composite
def conv_block(draw: st.DrawFn, rng: np.random.Generator, shape: tuple[int, ...], integers: bool) -> list[Layer]:
    """conv2d, an activation, and maybe a pool, each built to fit the shape it receives.

    Integer kernels on integer inputs give equal values, so ReLU meets exact zeros and max
    pooling meets ties; the reference then checks the tie rule and ReLU's f′(0) = 0 too.
    """
    c_in, n_h, n_w = shape
    c_out = draw(st.integers(1, 3))
    k_h, k_w = draw(st.integers(1, min(3, n_h))), draw(st.integers(1, min(3, n_w)))
    padding = tuple(draw(st.integers(0, 1)) for _ in range(4))
    spec = ConvSpec(stride=(draw(st.integers(1, 2)), draw(st.integers(1, 2))), padding=padding)
    bias = rng.normal(size=c_out) if draw(st.booleans()) else None
    kernel_shape = (c_out, c_in, k_h, k_w)
    kernel = rng.integers(-1, 2, size=kernel_shape) * 1.0 if integers else rng.normal(size=kernel_shape)
    block: list[Layer] = [Conv2dLayer(kernel, None if integers else bias, spec)]
    function = draw(st.sampled_from(["relu", "relu", "leaky_relu", "sigmoid", "tanh"]))
    block.append(ActivationLayer(ActivationSpec(function, negative_slope=0.1)))
    shape = output_shape(block[0], shape)
    if draw(st.booleans()):
        k_h, k_w = draw(st.integers(1, min(3, shape[1]))), draw(st.integers(1, min(3, shape[2])))
        pool_padding = (
            draw(st.integers(0, k_h // 2)), draw(st.integers(0, k_h // 2)),
            draw(st.integers(0, k_w // 2)), draw(st.integers(0, k_w // 2)),
        )
        stride = (draw(st.integers(1, k_h)), draw(st.integers(1, k_w)))
        mode = draw(st.sampled_from(["max", "max", "avg"]))
        block.append(PoolLayer(PoolSpec(mode, (k_h, k_w), stride, pool_padding)))
    return block


@st.composite
def networks(draw: st.DrawFn) -> Case:
    """conv blocks, then either a loss on the feature maps or flatten → dense (→ activation)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shape: tuple[int, ...] = (draw(st.integers(1, 2)), draw(st.integers(3, 8)), draw(st.integers(3, 8)))
    integers = draw(st.booleans())
    x = rng.integers(-2, 3, size=shape) * 1.0 if integers else rng.normal(size=shape)
    layers: list[Layer] = []
    for _ in range(draw(st.integers(0, 2))):
        layers += draw(conv_block(rng, shape, integers))
        shape = check_chain(layers, x.shape)[-1]
    if not layers or draw(st.booleans()):
        n_out = draw(st.integers(1, 4))
        n_in = int(np.prod(shape))
        bias = rng.normal(size=n_out) if draw(st.booleans()) else None
        layers += [FlattenLayer(), DenseLayer(rng.normal(size=(n_out, n_in)) / np.sqrt(n_in), bias)]
        if draw(st.booleans()):
            layers.append(ActivationLayer(ActivationSpec(draw(st.sampled_from(["sigmoid", "tanh", "softmax"])))))
        shape = (n_out,)
    loss = draw(st.sampled_from(LOSS_NAMES))
    target = rng.random(shape)
    if loss == "cross_entropy":
        target /= target.sum()
    rate = draw(st.sampled_from([0.01, 0.1, 0.5]))
    return Case(x, layers, target, loss, rate, draw(st.integers(1, 4)))


def torch_layer(layer: Layer, x: torch.Tensor, params: dict[str, torch.Tensor]) -> torch.Tensor:
    if isinstance(layer, Conv2dLayer):
        return torch_conv(x, params["kernel"], params.get("bias"), layer.spec)
    if isinstance(layer, ActivationLayer):
        return torch_activation(x, layer.spec)
    if isinstance(layer, PoolLayer):
        return torch_pool(x, layer.spec)
    if isinstance(layer, FlattenLayer):
        return torch.flatten(x)
    return tf.linear(x, params["weight"], params.get("bias"))


class TorchTraining(NamedTuple):
    losses: list[float]
    inputs: list[torch.Tensor]  # first step, each layer's input, with .grad = ∂L/∂I
    outputs: list[torch.Tensor]  # first step, each layer's output, with .grad = ∂L/∂O
    first_grads: list[dict[str, np.ndarray]]
    params: list[dict[str, torch.Tensor]]


def torch_train(case: Case) -> TorchTraining:
    """The same chain in PyTorch, trained by torch.optim.SGD: the reference for every number."""
    params = [{name: tensor(value, grad=True) for name, value in params_of(layer).items()} for layer in case.layers]
    optimizer = torch.optim.SGD([p for named in params for p in named.values()], lr=case.learning_rate)
    losses, first = [], None
    for step in range(case.steps):
        optimizer.zero_grad()
        x = tensor(case.x, grad=True)
        inputs, outputs = [], []
        for layer, named in zip(case.layers, params):
            inputs.append(x)
            x = torch_layer(layer, x, named)
            x.retain_grad()
            outputs.append(x)
        loss = TORCH_LOSSES[case.loss](x, tensor(case.target))
        loss.backward()
        losses.append(loss.item())
        if step == 0:
            grads = [{name: p.grad.numpy().copy() for name, p in named.items()} for named in params]
            first = (inputs, outputs, grads)
        optimizer.step()
    return TorchTraining(losses, *first, params)


@given(networks())
def test_training_matches_torch_sgd_step_for_step(case: Case) -> None:
    result = train(case.layers, case.x, case.target, case.loss, case.learning_rate, case.steps)
    reference = torch_train(case)
    assert_close(result.losses, reference.losses, "losses")
    for n, done in enumerate(result.first_step.layers):
        assert_close(done.input, reference.inputs[n].detach().numpy(), f"layers[{n}] input")
        assert_close(done.output, reference.outputs[n].detach().numpy(), f"layers[{n}] output")
        assert_close(done.grad_output, reference.outputs[n].grad.numpy(), f"layers[{n}] ∂L/∂O")
        assert_close(done.grad_input, reference.inputs[n].grad.numpy(), f"layers[{n}] ∂L/∂I")
        assert done.param_grads.keys() == reference.first_grads[n].keys()
        for name, grad in done.param_grads.items():
            assert_close(grad, reference.first_grads[n][name], f"layers[{n}] ∂L/∂{name}")
    for n, final in enumerate(result.final_params):
        for name, value in final.items():
            assert_close(value, reference.params[n][name].detach().numpy(), f"layers[{n}].{name} after training")


@given(networks())
def test_each_grad_input_is_the_previous_grad_output(case: Case) -> None:
    """∂L/∂Iⁿ = ∂L/∂Oⁿ⁻¹ and Iⁿ = Oⁿ⁻¹: the hand-over of Fig. 9.2, as the same numbers."""
    layers = train(case.layers, case.x, case.target, case.loss, case.learning_rate, 1).first_step.layers
    for previous, current in zip(layers, layers[1:]):
        assert np.array_equal(current.grad_input, previous.grad_output)
        assert np.array_equal(current.input, previous.output)


def test_losses_are_taken_before_each_update_and_fall() -> None:
    """A 1×1 dense layer fitting y = 3 from x = 1 by half_sse: each step halves the error at α = 0.25."""
    layer = DenseLayer(np.array([[1.0]]), np.array([0.0]))
    result = train([layer], np.array([1.0]), np.array([3.0]), "half_sse", 0.25, 3)
    # error 2 → 1 → 0.5 → 0.25 (each step: w and b both move by α·error)
    assert result.losses == [2.0, 0.5, 0.125]
    assert result.final_loss == 0.03125
    assert result.final_params[0]["weight"].tolist() == [[1.875]] and result.final_params[0]["bias"].tolist() == [0.875]


def chapter_neuron(x: float, w: float, theta: float, choice: float) -> dict[str, np.ndarray]:
    """ŷ = ReLU(w·x − θ) with half_sse against y = 1: the chapter's single neuron (9.2.2), one step."""
    layers: list[Layer] = [
        DenseLayer(np.array([[w]]), np.array([-theta])),
        ActivationLayer(ActivationSpec("relu", relu_grad_at_zero=choice)),
    ]
    return train(layers, np.array([x]), np.array([1.0]), "half_sse", 0.1, 1).final_params[0]


def test_relu_choice_at_zero_does_not_change_the_chapters_update() -> None:
    """Chapter 9.2.2: at x = 0 the increment α(ŷ − y)·δ_ReLU·x is 0 whether δ_ReLU(0) is 0 or 1."""
    with_zero, with_one = chapter_neuron(0.0, 0.7, 0.0, 0.0), chapter_neuron(0.0, 0.7, 0.0, 1.0)
    assert with_zero["weight"].tolist() == with_one["weight"].tolist() == [[0.7]]


def test_relu_choice_at_zero_does_change_the_threshold_and_a_nonzero_inputs_weight() -> None:
    """The argument needs x = 0: θ's increment carries no factor x, and with w·x = θ for x ≠ 0 w moves too."""
    with_zero, with_one = chapter_neuron(0.0, 0.7, 0.0, 0.0), chapter_neuron(0.0, 0.7, 0.0, 1.0)
    assert with_zero["bias"].tolist() == [0.0] and with_one["bias"].tolist() == [0.1]
    with_zero, with_one = chapter_neuron(2.0, 1.5, 3.0, 0.0), chapter_neuron(2.0, 1.5, 3.0, 1.0)
    assert with_zero["weight"].tolist() == [[1.5]] and with_one["weight"].tolist() == [[1.5 + 0.1 * 2.0]]


CHAIN_ERRORS = [
    # (input shape, layers, field, words that must appear)
    ((2, 5, 5), [Conv2dLayer(np.zeros((1, 3, 2, 2)), None, ConvSpec())], "layers[0]", ["3×H×W", "2×5×5", "the input"]),
    (
        (1, 4, 4),
        [PoolLayer(PoolSpec("max", (2, 2), (2, 2))), DenseLayer(np.zeros((2, 4)), None)],
        "layers[1]",
        ["vector of 4", "1×2×2", "layers[0] (maxpool)", "flatten"],
    ),
    ((1, 4, 4), [FlattenLayer(), DenseLayer(np.zeros((2, 9)), None)], "layers[1]", ["vector of 9", "vector of 16"]),
    (
        (6,),
        [ActivationLayer(ActivationSpec("tanh")), PoolLayer(PoolSpec("avg", (2, 2), (2, 2)))],
        "layers[1]",
        ["C × H × W", "vector of 6"],
    ),
    ((1, 2, 2), [PoolLayer(PoolSpec("max", (3, 3), (1, 1)))], "layers[0]", ["H ≥ 3", "1×2×2"]),
    ((1, 2, 2), [Conv2dLayer(np.zeros((1, 1, 3, 3)), None, ConvSpec())], "layers[0]", ["H ≥ 3", "1×2×2"]),
    ((1, 3, 3), [Conv2dLayer(np.zeros((2, 1, 2, 2)), np.zeros(3), ConvSpec())], "layers[0].bias", ["per kernel (2)"]),
    ((4,), [DenseLayer(np.zeros((2, 4)), np.zeros(1))], "layers[0].bias", ["one number per output (2)"]),
    ((1, 4, 4), [PoolLayer(PoolSpec("avg", (2, 2), (2, 2), (0, 2, 0, 0)))], "layers[0].padding", ["half the window"]),
]


@pytest.mark.parametrize(("shape", "layers", "field", "words"), CHAIN_ERRORS)
def test_layers_that_do_not_chain_are_named_with_both_shapes(shape, layers, field, words) -> None:
    with pytest.raises(InvalidInput) as caught:
        train(layers, np.zeros(shape), np.zeros(1), "mse", 0.1, 1)
    assert caught.value.field == field, caught.value
    for word in words:
        assert word in caught.value.message, f"{word!r} not in {caught.value.message!r}"


def test_divergence_names_the_learning_rate() -> None:
    with pytest.raises(InvalidInput) as caught:
        train([DenseLayer(np.array([[1.0]]), None)], np.array([10.0]), np.array([0.0]), "half_sse", 100.0, 200)
    assert caught.value.field == "learning_rate" and "diverged" in caught.value.message
