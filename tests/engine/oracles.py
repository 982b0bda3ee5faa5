"""Reference computations the engine is checked against: torch.autograd and central differences."""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
import torch
import torch.nn.functional as tf

from app.engine.activation import ActivationSpec
from app.engine.conv import ConvSpec
from app.engine.pool import PoolSpec
from app.engine.rnn import RnnParams, RnnSpec

torch.set_default_dtype(torch.float64)

RTOL = ATOL = 1e-9


def assert_close(actual: np.ndarray, expected: np.ndarray, what: str, rtol: float = RTOL, atol: float = ATOL) -> None:
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    assert np.allclose(actual, expected, rtol=rtol, atol=atol), (
        f"{what}: largest difference {np.max(np.abs(actual - expected)):.3e}\ngot\n{actual}\nexpected\n{expected}"
    )


def tensor(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """∂f/∂x by (f(x+ε) − f(x−ε)) / 2ε, one element at a time."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        shifted = x.copy()
        shifted[index] += eps
        up = f(shifted)
        shifted[index] -= 2 * eps
        grad[index] = (up - f(shifted)) / (2 * eps)
    return grad


def torch_conv(x: torch.Tensor, kernel: torch.Tensor, bias: torch.Tensor | None, spec: ConvSpec) -> torch.Tensor:
    top, bottom, left, right = spec.padding
    padded = tf.pad(x, (left, right, top, bottom))
    used = kernel.flip(2, 3) if spec.mode == "convolution" else kernel
    return tf.conv2d(padded[None], used, bias, stride=spec.stride, dilation=spec.dilation)[0]


def torch_pool(x: torch.Tensor, spec: PoolSpec, return_indices: bool = False):
    """PyTorch's own padding where it can express it (the same on both ends), F.pad otherwise.

    Max pooling answers ``(output, indices)`` with a leading batch axis of 1 when asked for the
    indices, else the output without it.
    """
    top, bottom, left, right = spec.padding
    symmetric = top == bottom and left == right
    if not symmetric:
        x = tf.pad(x, (left, right, top, bottom), value=-torch.inf if spec.mode == "max" else 0.0)
    padding = (top, left) if symmetric else 0
    if spec.mode == "max":
        pooled = tf.max_pool2d(x[None], spec.size, spec.stride, padding, return_indices=return_indices)
        return pooled if return_indices else pooled[0]
    return tf.avg_pool2d(x[None], spec.size, spec.stride, padding, count_include_pad=True)[0]


def torch_activation(x: torch.Tensor, spec: ActivationSpec) -> torch.Tensor:
    """PyTorch's function; ReLU with f′(0) = 1 is written as where(x ≥ 0, x, 0), whose gradient at 0 is 1."""
    if spec.function == "relu":
        return torch.relu(x) if spec.relu_grad_at_zero == 0 else torch.where(x >= 0, x, torch.zeros_like(x))
    if spec.function == "leaky_relu":
        return tf.leaky_relu(x, spec.negative_slope)
    if spec.function == "sigmoid":
        return torch.sigmoid(x)
    if spec.function == "tanh":
        return torch.tanh(x)
    return torch.softmax(x.reshape(-1), 0).reshape(x.shape)


TORCH_LOSSES = {
    "mse": lambda p, y: tf.mse_loss(p, y),
    "half_sse": lambda p, y: 0.5 * ((p - y) ** 2).sum(),
    "cross_entropy": lambda p, y: tf.cross_entropy(p.reshape(-1), y.reshape(-1)),
    "bce": lambda p, y: tf.binary_cross_entropy_with_logits(p, y),
}


class RnnCase(NamedTuple):
    """A sequence, its targets and a network of Fig. 9.10."""

    x: np.ndarray
    y: np.ndarray
    params: RnnParams
    spec: RnnSpec


class TorchRun(NamedTuple):
    """The same network as a PyTorch loop; every weight is a fresh leaf at every step."""

    a: list[torch.Tensor]
    h: list[torch.Tensor]
    o: list[torch.Tensor]
    y_hat: list[torch.Tensor]
    losses: list[torch.Tensor]
    step_weights: dict[str, list[torch.Tensor]]
    h0: torch.Tensor


def torch_rnn(case: RnnCase) -> TorchRun:
    """Fig. 9.10 in torch; with truncation k, ``h.detach()`` before steps k+1, 2k+1, ….

    Giving each step its own copy of U, W, V, b, c makes each copy's .grad that step's
    contribution, and their sum the total: an oracle for both at once.
    """
    spec, T = case.spec, case.x.shape[0]
    hidden = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[spec.hidden_activation]
    output = {"identity": lambda o: o, "softmax": lambda o: torch.softmax(o, 0), "sigmoid": torch.sigmoid}[
        spec.output_activation
    ]
    steps = {name: [tensor(getattr(case.params, name), grad=True) for _ in range(T)] for name in "UWVbc"}
    h0 = tensor(case.params.h0, grad=True)
    run = TorchRun([], [], [], [], [], steps, h0)
    state = h0
    for t in range(T):
        if spec.truncation is not None and t > 0 and t % spec.truncation == 0:
            state = state.detach()
        x, y = tensor(case.x[t]), tensor(case.y[t])
        a = steps["U"][t] @ x + steps["W"][t] @ state + steps["b"][t]
        h = hidden(a)
        o = steps["V"][t] @ h + steps["c"][t]
        y_hat = output(o)
        if spec.loss == "mse":
            loss = tf.mse_loss(y_hat, y)
        elif spec.loss == "half_sse":
            loss = 0.5 * ((y_hat - y) ** 2).sum()
        elif spec.loss == "cross_entropy":
            loss = tf.cross_entropy(o[None], y[None])
        else:
            loss = tf.binary_cross_entropy_with_logits(o, y)
        for kept, value in ((run.a, a), (run.h, h), (run.o, o), (run.y_hat, y_hat)):
            value.retain_grad()
            kept.append(value)
        run.losses.append(loss)
        state = h
    return run
