"""Fully connected layer ``y = W x + b`` and the flatten that feeds it (SPEC §4).

The chapter treats fully connected layers "the same as for shallow NNs": with
``g = ∂L/∂y``, ``∂L/∂W = g xᵀ``, ``∂L/∂b = g`` and ``∂L/∂x = Wᵀ g``. Flatten reads a
``C × H × W`` feature map in row-major (C, H, W) order, as PyTorch's ``flatten``, and its
backward pass folds the gradient back into that shape.

Shapes:
    input  x : n_in
    weight W : n_out × n_in
    bias   b : n_out
    output y : n_out
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .errors import InvalidInput, shape_text


class DenseCache(NamedTuple):
    input: np.ndarray  # x, n_in
    weight: np.ndarray  # W, n_out × n_in


class DenseGrads(NamedTuple):
    grad_weight: np.ndarray  # ∂L/∂W = g xᵀ, n_out × n_in
    grad_bias: np.ndarray  # ∂L/∂b = g, n_out
    grad_input: np.ndarray  # ∂L/∂x = Wᵀ g, n_in


def dense_forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None) -> tuple[np.ndarray, DenseCache]:
    """``y = W x + b``."""
    n_out, n_in = weight.shape
    if x.shape != (n_in,):
        raise InvalidInput(
            "weight", f"is {n_out}×{n_in}, so it needs a vector of {n_in}; the input has shape {shape_text(x.shape)}"
        )
    if bias is not None and bias.shape != (n_out,):
        raise InvalidInput("bias", f"needs one number per output ({n_out}), got {bias.size}")
    out = weight @ x
    if bias is not None:
        out = out + bias
    return out, DenseCache(x, weight)


def dense_backward(grad_output: np.ndarray, cache: DenseCache) -> DenseGrads:
    """``∂L/∂W = g xᵀ``, ``∂L/∂b = g``, ``∂L/∂x = Wᵀ g``."""
    n_out = cache.weight.shape[0]
    if grad_output.shape != (n_out,):
        raise InvalidInput("grad_output", f"must be a vector of {n_out}, got shape {shape_text(grad_output.shape)}")
    return DenseGrads(np.outer(grad_output, cache.input), grad_output.copy(), cache.weight.T @ grad_output)


def flatten_forward(x: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """A row-major vector of every element (channel by channel, each row by row); the cache is the shape."""
    return x.reshape(-1), x.shape


def flatten_backward(grad_output: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Fold ∂L/∂y back into the feature map's shape: flattening only reorders the numbers."""
    return grad_output.reshape(shape)
