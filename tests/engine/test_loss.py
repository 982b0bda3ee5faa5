"""The four named losses (SPEC §4) and their gradients against torch.autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as tf
from hypothesis import given
from hypothesis import strategies as st

from app.engine.errors import InvalidInput
from app.engine.loss import compute_loss

from .oracles import assert_close, tensor


def torch_loss(name: str, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    if name == "mse":
        return tf.mse_loss(prediction, target)
    if name == "half_sse":
        return 0.5 * ((prediction - target) ** 2).sum()
    if name == "cross_entropy":
        return tf.cross_entropy(prediction.reshape(1, -1), target.reshape(1, -1))
    return tf.binary_cross_entropy_with_logits(prediction, target)


@st.composite
def loss_cases(draw: st.DrawFn) -> tuple[str, np.ndarray, np.ndarray]:
    name = draw(st.sampled_from(["mse", "half_sse", "cross_entropy", "bce"]))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1.0, 10.0, 300.0]))  # large scores test the stable forms
    prediction = rng.normal(size=shape) * scale
    if name == "cross_entropy":
        target = rng.random(shape)
        target /= target.sum()
    elif name == "bce":
        target = rng.random(shape)
    else:
        target = rng.normal(size=shape)
    return name, prediction, target


@given(loss_cases())
def test_losses_and_gradients_match_torch(case) -> None:
    name, prediction, target = case
    result = compute_loss(name, prediction, target)
    p = tensor(prediction, grad=True)
    expected = torch_loss(name, p, tensor(target))
    expected.backward()
    assert np.isfinite(result.value)
    assert_close(result.value, expected.item(), f"{name} value")
    assert_close(result.grad, p.grad.numpy(), f"{name} gradient")


def test_cross_entropy_gradient_is_prediction_minus_target() -> None:
    scores = np.array([2.0, 1.0, 0.1])
    result = compute_loss("cross_entropy", scores, np.array([1.0, 0.0, 0.0]))
    assert_close(result.grad, result.probabilities - [1.0, 0.0, 0.0], "ŷ − y")


@pytest.mark.parametrize(
    ("name", "target", "words"),
    [
        ("cross_entropy", [0.5, 0.4], "sums to"),
        ("cross_entropy", [1.5, -0.5], "negative"),
        ("bce", [0.0, 2.0], "between 0 and 1"),
        ("mse", [1.0, 2.0, 3.0], "shape"),
    ],
)
def test_targets_the_loss_cannot_use_are_refused(name, target, words) -> None:
    with pytest.raises(InvalidInput) as caught:
        compute_loss(name, np.zeros(2), np.array(target))
    assert caught.value.field == "target" and words in caught.value.message
