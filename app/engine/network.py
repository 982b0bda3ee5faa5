"""A chain of layers trained by plain gradient descent (chapter 9.2, Fig. 9.2; SPEC §6).

The forward pass runs first layer to last (the blue arrows of Fig. 9.2); the loss gives
``∂L/∂O^N``; the backward pass runs last layer to first (the red arrows), and each layer's
``∂L/∂Iⁿ`` is handed on unchanged as the previous layer's ``∂L/∂Oⁿ⁻¹``. Then every kernel,
weight and bias takes one step ``θ ← θ − α·∂L/∂θ`` at once, as ``torch.optim.SGD`` does
without momentum. Each layer is one of the engine's own modules; this file only chains them.

Shapes: the input is a vector, or ``C × H × W`` feature maps (a plain matrix is ``1 × H × W``);
each layer's input must be the previous layer's output, and :func:`check_chain` says which
layer does not fit and with which two shapes before any arithmetic is done.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple, Union

import numpy as np

from .activation import ActivationSpec, activation_backward, activation_forward
from .conv import ConvSpec, conv2d_backward, conv2d_forward, sgd_step
from .dense import dense_backward, dense_forward, flatten_backward, flatten_forward
from .errors import InvalidInput, shape_text
from .geometry import axis_size, effective_size
from .loss import LossResult, compute_loss
from .pool import PoolSpec, check_padding, pool_backward, pool_forward, pool_geometry

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Conv2dLayer:
    kernel: np.ndarray  # C_out × C_in × k_h × k_w
    bias: np.ndarray | None  # C_out
    spec: ConvSpec


@dataclass(frozen=True)
class ActivationLayer:
    spec: ActivationSpec


@dataclass(frozen=True)
class PoolLayer:
    spec: PoolSpec


@dataclass(frozen=True)
class FlattenLayer:
    pass


@dataclass(frozen=True)
class DenseLayer:
    weight: np.ndarray  # n_out × n_in
    bias: np.ndarray | None  # n_out


Layer = Union[Conv2dLayer, ActivationLayer, PoolLayer, FlattenLayer, DenseLayer]
Params = dict[str, np.ndarray]


def layer_type(layer: Layer) -> str:
    """The layer's name in the API: ``conv2d``, ``relu`` … ``softmax``, ``maxpool``, ``avgpool``, ``flatten``,
    ``dense``."""
    if isinstance(layer, Conv2dLayer):
        return "conv2d"
    if isinstance(layer, ActivationLayer):
        return layer.spec.function
    if isinstance(layer, PoolLayer):
        return f"{layer.spec.mode}pool"
    return "flatten" if isinstance(layer, FlattenLayer) else "dense"


def params_of(layer: Layer) -> Params:
    """The layer's learnable parameters by name (empty for activations, pooling and flatten)."""
    if isinstance(layer, Conv2dLayer):
        named = {"kernel": layer.kernel, "bias": layer.bias}
    elif isinstance(layer, DenseLayer):
        named = {"weight": layer.weight, "bias": layer.bias}
    else:
        return {}
    return {name: value for name, value in named.items() if value is not None}


def with_params(layer: Layer, params: Params) -> Layer:
    return replace(layer, **params) if params else layer


class Mismatch(Exception):
    """A layer cannot take the shape it receives: what it expects instead, and maybe how to fix it."""

    def __init__(self, expected: str, hint: str = "") -> None:
        super().__init__(expected)
        self.expected = expected
        self.hint = hint


def output_shape(layer: Layer, shape: Shape) -> Shape:
    """The shape `layer` gives for an input of `shape`, or :class:`Mismatch` saying what it needs."""
    if isinstance(layer, ActivationLayer):
        return shape
    if isinstance(layer, FlattenLayer):
        return (int(np.prod(shape)),)
    if isinstance(layer, DenseLayer):
        n_out, n_in = layer.weight.shape
        if shape != (n_in,):
            hint = "; put a flatten layer before it" if len(shape) > 1 else ""
            raise Mismatch(f"a vector of {n_in} (its weight is {n_out}×{n_in})", hint)
        return (n_out,)
    if len(shape) != 3:
        raise Mismatch("feature maps C × H × W")
    if isinstance(layer, Conv2dLayer):
        c_out, c_in, k_h, k_w = layer.kernel.shape
        (d_h, d_w), (s_h, s_w) = layer.spec.dilation, layer.spec.stride
        top, bottom, left, right = layer.spec.padding
        size_h = axis_size(shape[1], effective_size(k_h, d_h), top + bottom, s_h)
        size_w = axis_size(shape[2], effective_size(k_w, d_w), left + right, s_w)
        if shape[0] != c_in or size_h.out < 1 or size_w.out < 1:
            raise Mismatch(
                f"{c_in}×H×W with H ≥ {max(1, size_h.k - size_h.p)} and W ≥ {max(1, size_w.k - size_w.p)} "
                f"(kernel {c_out}×{c_in}×{k_h}×{k_w}, dilation {d_h}×{d_w}, padding {list(layer.spec.padding)})"
            )
        return (c_out, size_h.out, size_w.out)
    try:
        size_h, size_w = pool_geometry(shape, layer.spec)
    except InvalidInput as error:
        if error.field != "size":
            raise
        k_h, k_w = layer.spec.size
        top, bottom, left, right = layer.spec.padding
        raise Mismatch(
            f"C×H×W with H ≥ {max(1, k_h - top - bottom)} and W ≥ {max(1, k_w - left - right)} "
            f"(a {k_h}×{k_w} window, padding {list(layer.spec.padding)})"
        ) from None
    return (shape[0], size_h.out, size_w.out)


def check_layer(layer: Layer, index: int) -> None:
    """Checks that need no input: a bias per kernel or output, pooling padding within half a window."""
    field = f"layers[{index}]"
    if isinstance(layer, (Conv2dLayer, DenseLayer)) and layer.bias is not None:
        count = (layer.kernel if isinstance(layer, Conv2dLayer) else layer.weight).shape[0]
        if layer.bias.shape != (count,):
            per = "kernel" if isinstance(layer, Conv2dLayer) else "output"
            raise InvalidInput(f"{field}.bias", f"needs one number per {per} ({count}), got {layer.bias.size}")
    if isinstance(layer, PoolLayer):
        try:
            check_padding(layer.spec)
        except InvalidInput as error:
            raise InvalidInput(f"{field}.padding", error.message) from None


def check_chain(layers: list[Layer], input_shape: Shape) -> list[Shape]:
    """Every layer's output shape; the first layer that cannot take its input is named with both shapes."""
    for index, layer in enumerate(layers):
        check_layer(layer, index)
    shapes: list[Shape] = []
    shape = input_shape
    for index, layer in enumerate(layers):
        try:
            shape = output_shape(layer, shape)
        except Mismatch as mismatch:
            source = "the input" if index == 0 else f"layers[{index - 1}] ({layer_type(layers[index - 1])})"
            raise InvalidInput(
                f"layers[{index}]",
                f"{layer_type(layer)} expects {mismatch.expected} but receives {_describe(shape)} from {source}"
                f"{mismatch.hint}",
            ) from None
        shapes.append(shape)
    return shapes


# The cost of one training step in work units, one unit being about one multiply-add of a convolution
# (0.1 to 0.4 ns on one core, measured by bench/bounds.py). The other layers do far less arithmetic
# per element but pay for memory and NumPy calls: each constant is what one element, window cell or
# weight costs in that layer, measured, over the cost of a convolution's multiply-add.
POOL_CELL_COST = 60  # each cell of each window: copied, compared or averaged, weighted, scattered back
POOL_TAP_COST = 5_000  # each of the k_h·k_w window taps: one strided NumPy add over every window
ELEMENT_COST = 45  # each element an activation (or the loss) reads: forward, local derivative, product
FLATTEN_COST = 6  # each element flatten reshapes there and back
WEIGHT_COST = 14  # each dense weight: W x, g xᵀ, Wᵀ g and the update, none of which stay in cache
CONV_INPUT_COST = 10  # each input element a convolution pads, and crops from ∂L/∂P
UNFOLD_COST = 4  # each element of a convolution's unfolded input (C_in·k_h·k_w per output cell), in each pass
LAYER_COST = 200_000  # each layer, whatever its size: NumPy calls and Python (≈ 70 µs)


def step_cost(layers: list[Layer], input_shape: Shape) -> int:
    """About how much work one training step takes (forward, loss and backward), to bound a request.

    A convolution costs one unit per kernel tap per output cell in each of its three passes
    (eq. 9.5, 9.8, 9.9), plus the copies of its input it unfolds into windows (which dominate with
    few kernels) and its padding; pooling, each window cell and each tap; a dense
    layer, each weight; the rest, each element they touch; and every layer a fixed overhead, so that
    a long chain of small layers is counted too.
    """
    shapes = check_chain(layers, input_shape)
    total = ELEMENT_COST * int(np.prod(shapes[-1]))  # the loss
    for layer, (shape_in, shape_out) in zip(layers, _pairs(input_shape, shapes)):
        total += LAYER_COST
        if isinstance(layer, Conv2dLayer):
            products = layer.kernel[0].size * int(np.prod(shape_out[1:]))  # per kernel
            total += 3 * (layer.kernel.shape[0] + UNFOLD_COST) * products + CONV_INPUT_COST * int(np.prod(shape_in))
        elif isinstance(layer, DenseLayer):
            total += WEIGHT_COST * layer.weight.size
        elif isinstance(layer, PoolLayer):
            taps = int(np.prod(layer.spec.size))
            total += POOL_CELL_COST * taps * int(np.prod(shape_out)) + POOL_TAP_COST * taps
        elif isinstance(layer, FlattenLayer):
            total += FLATTEN_COST * int(np.prod(shape_in))
        else:
            total += ELEMENT_COST * int(np.prod(shape_in))
    return total


def _pairs(input_shape: Shape, shapes: list[Shape]) -> list[tuple[Shape, Shape]]:
    return list(zip([input_shape, *shapes[:-1]], shapes))


def _describe(shape: Shape) -> str:
    return f"a vector of {shape[0]}" if len(shape) == 1 else shape_text(shape)


def layer_forward(layer: Layer, x: np.ndarray) -> tuple[np.ndarray, object]:
    """One layer's forward pass through its own module: ``(output, cache)``."""
    if isinstance(layer, Conv2dLayer):
        return conv2d_forward(x, layer.kernel, layer.bias, layer.spec)
    if isinstance(layer, ActivationLayer):
        return activation_forward(x, layer.spec)
    if isinstance(layer, PoolLayer):
        return pool_forward(x, layer.spec)
    if isinstance(layer, FlattenLayer):
        return flatten_forward(x)
    return dense_forward(x, layer.weight, layer.bias)


def layer_backward(layer: Layer, grad_output: np.ndarray, cache: object) -> tuple[np.ndarray, Params]:
    """``(∂L/∂I, {parameter name: ∂L/∂parameter})`` from ``∂L/∂O``."""
    if isinstance(layer, Conv2dLayer):
        conv = conv2d_backward(grad_output, cache)
        grads = {"kernel": conv.grad_kernel, "bias": conv.grad_bias}
        return conv.grad_input, {name: grads[name] for name in params_of(layer)}
    if isinstance(layer, ActivationLayer):
        return activation_backward(grad_output, cache).grad_input, {}
    if isinstance(layer, PoolLayer):
        return pool_backward(grad_output, cache).grad_input, {}
    if isinstance(layer, FlattenLayer):
        return flatten_backward(grad_output, cache), {}
    dense = dense_backward(grad_output, cache)
    grads = {"weight": dense.grad_weight, "bias": dense.grad_bias}
    return dense.grad_input, {name: grads[name] for name in params_of(layer)}


class LayerPass(NamedTuple):
    """One layer in one training step: what went in and out, and the gradients both ways."""

    input: np.ndarray  # Iⁿ
    output: np.ndarray  # Oⁿ
    grad_output: np.ndarray  # ∂L/∂Oⁿ (= ∂L/∂Iⁿ⁺¹, or the loss's gradient for the last layer)
    grad_input: np.ndarray  # ∂L/∂Iⁿ, handed on as ∂L/∂Oⁿ⁻¹
    param_grads: Params  # ∂L/∂kernel, ∂L/∂weight, ∂L/∂bias


class Step(NamedTuple):
    loss: LossResult  # L, ∂L/∂O^N and the loss's probabilities
    layers: list[LayerPass]


def run_step(layers: list[Layer], x: np.ndarray, target: np.ndarray, loss: str) -> Step:
    """Forward through every layer, the loss, then backward through every layer."""
    inputs, outputs, caches = [], [], []
    for layer in layers:
        out, cache = layer_forward(layer, x)
        inputs.append(x)
        outputs.append(out)
        caches.append(cache)
        x = out
    result = compute_loss(loss, x, target)
    passes: list[LayerPass] = []
    grad = result.grad
    for n in reversed(range(len(layers))):
        grad_input, param_grads = layer_backward(layers[n], grad, caches[n])
        passes.append(LayerPass(inputs[n], outputs[n], grad, grad_input, param_grads))
        grad = grad_input  # ∂L/∂Iⁿ = ∂L/∂Oⁿ⁻¹
    return Step(result, passes[::-1])


class Training(NamedTuple):
    losses: list[float]  # losses[i]: the loss at the start of step i, before its update
    final_loss: float  # the loss with the parameters after the last step
    first_step: Step
    final_params: list[Params]  # per layer, after the last step


def train(
    layers: list[Layer], x: np.ndarray, target: np.ndarray, loss: str, learning_rate: float, steps: int
) -> Training:
    """`steps` steps of plain SGD on every parameter of every layer.

    Raises :class:`InvalidInput` naming the layer for shapes that do not chain, and naming
    `learning_rate` if training diverges past float64 — a step too large for this loss surface.
    """
    if steps < 1:
        raise InvalidInput("steps", f"needs at least one step, got {steps}")
    check_chain(layers, x.shape)
    losses: list[float] = []
    first_step: list[Step] = []
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is found below and reported
        for step in range(steps):
            current = run_step(layers, x, target, loss)
            if not np.isfinite(current.loss.value):
                raise _overflow(step)
            first_step = first_step or [current]
            losses.append(current.loss.value)
            layers = [_descend(layer, done.param_grads, learning_rate) for layer, done in zip(layers, current.layers)]
            if not all(np.isfinite(p).all() for layer in layers for p in params_of(layer).values()):
                raise _overflow(step + 1)
        final_loss = run_step(layers, x, target, loss).loss.value
    if not np.isfinite(final_loss):
        raise _overflow(steps)
    return Training(losses, final_loss, first_step[0], [params_of(layer) for layer in layers])


def _descend(layer: Layer, grads: Params, learning_rate: float) -> Layer:
    """``θ ← θ − α·∂L/∂θ`` for each of the layer's parameters (Fig. 9.2's update)."""
    params = params_of(layer)
    return with_params(layer, {name: sgd_step(params[name], grad, learning_rate) for name, grad in grads.items()})


def _overflow(step: int) -> InvalidInput:
    if step == 0:
        return InvalidInput("input", "the numbers are too large: the loss overflows float64 (±1.8e308)")
    return InvalidInput(
        "learning_rate",
        f"training diverged: the loss overflows float64 after {step} step(s); try a smaller learning rate",
    )


def notes(layers: list[Layer], loss: str) -> list[str]:
    """Warnings a learner should read: a loss that applies its own softmax or sigmoid after one already applied."""
    if not layers:
        return []
    last = layer_type(layers[-1])
    if loss == "cross_entropy" and last == "softmax":
        return [
            "cross_entropy applies softmax to the last layer's output itself (as PyTorch's CrossEntropyLoss), "
            "so the softmax layer before it makes softmax apply twice; drop the layer to train on the logits"
        ]
    if loss == "bce" and last == "sigmoid":
        return [
            "bce applies the sigmoid to the last layer's output itself (as PyTorch's BCEWithLogitsLoss), "
            "so the sigmoid layer before it makes the sigmoid apply twice; drop the layer to train on the logits"
        ]
    return []
