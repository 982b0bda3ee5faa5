"""Activation layers: forward ``y = f(x)`` and backward ``∂L/∂x = ∂L/∂y · f′(x)`` (chapter 9.2.2).

Every function but softmax acts element by element, so its backward pass is the upstream
gradient times the local derivative ``f′(x)`` at each element. ReLU (eq. 9.10–9.11) has no
derivative at ``x = 0``; the caller chooses 0 (PyTorch's choice, the default) or 1 there.
Softmax mixes every element with every other, so its backward pass needs the whole
Jacobian ``J = diag(s) − s sᵀ``; it is applied as the product ``Jᵀg = s ⊙ (g − s·g)``
without building ``J``, which the explanation builds only when asked.

Shapes: any. ``x``, ``y``, ``∂L/∂y``, ``f′(x)`` and ``∂L/∂x`` all share the input's shape;
softmax normalises over all elements taken as one vector (row-major order), and its
Jacobian is ``N × N`` for ``N = x.size``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np

from .errors import InvalidInput, shape_text
from .loss import sigmoid, softmax

ActivationName = Literal["relu", "leaky_relu", "sigmoid", "tanh", "softmax"]
ACTIVATION_NAMES: tuple[str, ...] = ("relu", "leaky_relu", "sigmoid", "tanh", "softmax")


@dataclass(frozen=True)
class ActivationSpec:
    """Which function, and its two options: the leaky slope and ReLU's derivative at 0."""

    function: ActivationName
    negative_slope: float = 0.01  # leaky_relu: f(x) = slope·x for x < 0, as PyTorch's default
    relu_grad_at_zero: float = 0.0  # relu: f′(0), 0 (as PyTorch) or 1


class ActivationCache(NamedTuple):
    input: np.ndarray  # x
    output: np.ndarray  # y = f(x)
    spec: ActivationSpec


class ActivationGrads(NamedTuple):
    local_derivative: np.ndarray  # f′(x) per element; for softmax the Jacobian's diagonal s(1 − s)
    grad_input: np.ndarray  # ∂L/∂x


def activation_forward(x: np.ndarray, spec: ActivationSpec) -> tuple[np.ndarray, ActivationCache]:
    """``y = f(x)`` in forms that cannot overflow: sigmoid by the sign of x, softmax shifted by its max."""
    name = spec.function
    if name == "relu":
        out = np.maximum(x, 0.0)
    elif name == "leaky_relu":
        out = np.where(x > 0, x, spec.negative_slope * x)
    elif name == "sigmoid":
        out = sigmoid(x)
    elif name == "tanh":
        out = np.tanh(x)
    elif name == "softmax":
        out = softmax(x)
    else:
        raise InvalidInput("function", f"unknown activation {name!r}; expected one of {', '.join(ACTIVATION_NAMES)}")
    return out, ActivationCache(x, out, spec)


def local_derivative(cache: ActivationCache) -> np.ndarray:
    """``f′(x)`` element by element, from the cached input and output.

    ReLU: 1 for x > 0, 0 for x < 0, the chosen value at x = 0 (eq. 9.10). Leaky ReLU: 1 for
    x > 0, the slope otherwise (PyTorch also takes the slope at 0). Sigmoid ``s(1 − s)``,
    tanh ``1 − t²``; softmax: the diagonal ``∂sᵢ/∂xᵢ = sᵢ(1 − sᵢ)`` of its Jacobian.
    """
    x, y, spec = cache
    if spec.function == "relu":
        return np.where(x > 0, 1.0, np.where(x < 0, 0.0, spec.relu_grad_at_zero))
    if spec.function == "leaky_relu":
        return np.where(x > 0, 1.0, spec.negative_slope)
    if spec.function == "tanh":
        return 1.0 - y * y
    return y * (1.0 - y)  # sigmoid, and softmax's diagonal


def activation_backward(grad_output: np.ndarray, cache: ActivationCache) -> ActivationGrads:
    """``∂L/∂x = ∂L/∂y ⊙ f′(x)``; for softmax ``Jᵀ ∂L/∂y = s ⊙ (∂L/∂y − Σⱼ sⱼ ∂L/∂yⱼ)``."""
    if grad_output.shape != cache.input.shape:
        raise InvalidInput(
            "grad_output",
            f"must match the input's shape {shape_text(cache.input.shape)}, got {shape_text(grad_output.shape)}",
        )
    derivative = local_derivative(cache)
    if cache.spec.function == "softmax":
        s = cache.output
        grad_input = s * (grad_output - np.sum(s * grad_output))
    else:
        grad_input = grad_output * derivative
    return ActivationGrads(derivative, grad_input)


def softmax_jacobian(output: np.ndarray) -> np.ndarray:
    """``J[i, j] = ∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ)`` over the flattened elements, ``N × N``; symmetric."""
    s = output.reshape(-1)
    return np.diag(s) - np.outer(s, s)
