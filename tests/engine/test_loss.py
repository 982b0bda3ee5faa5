"""The four losses of SPEC §4 against their PyTorch counterparts, value and gradient."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.errors import InvalidInput
from app.engine.loss import LOSS_NAMES, compute_loss

from .oracles import TORCH_LOSSES, assert_close, tensor

@st.composite
def loss_cases(draw: st.DrawFn) -> tuple[str, np.ndarray, np.ndarray]:
    """Scores of any shape and a target the loss accepts: any numbers, a distribution, or values in [0, 1]."""
    name = draw(st.sampled_from(LOSS_NAMES))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scores = rng.normal(scale=draw(st.sampled_from([1.0, 50.0])), size=shape)
    if name == "cross_entropy":
        target = np.zeros(shape)
        target.flat[rng.integers(target.size)] = 1.0
        if draw(st.booleans()):
            target = rng.random(shape)
            target /= target.sum()
    elif name == "bce":
        target = rng.random(shape)
    else:
        target = rng.normal(size=shape)
    return name, scores, target


@given(loss_cases())
def test_value_and_gradient_match_torch(case: tuple[str, np.ndarray, np.ndarray]) -> None:
    name, scores, target = case
    result = compute_loss(name, scores, target)
    p = tensor(scores, grad=True)
    expected = TORCH_LOSSES[name](p, tensor(target))
    expected.backward()
    assert_close(result.value, expected.item(), f"{name} value")
    assert_close(result.grad, p.grad.numpy(), f"{name} gradient")


def test_cross_entropy_gradient_is_probabilities_minus_target() -> None:
    result = compute_loss("cross_entropy", np.array([0.0, np.log(3.0)]), np.array([0.0, 1.0]))
    assert_close(result.probabilities, [0.25, 0.75], "softmax")
    assert_close(result.grad, [0.25, -0.25], "ŷ − y")


@pytest.mark.parametrize(
    ("name", "target"), [("cross_entropy", [0.5, 0.4]), ("cross_entropy", [1.5, -0.5]), ("bce", [0.5, 1.2])]
)
def test_targets_the_loss_cannot_mean_are_refused(name: str, target: list[float]) -> None:
    with pytest.raises(InvalidInput) as caught:
        compute_loss(name, np.zeros(2), np.array(target))
    assert caught.value.field == "target"
