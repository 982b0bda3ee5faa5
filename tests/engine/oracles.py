"""Reference computations the engine is checked against: torch.autograd and central differences."""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

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
