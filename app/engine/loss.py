"""Losses named as in the API (SPEC §4), each with its gradient.

``cross_entropy`` and ``bce`` take raw scores (logits) and apply softmax or the
sigmoid themselves, as PyTorch's ``cross_entropy`` and ``BCEWithLogitsLoss`` do;
the combined gradient then has the famous simple form ``ŷ − y``.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np

from .errors import InvalidInput

LossName = Literal["mse", "half_sse", "cross_entropy", "bce"]
LOSS_NAMES: tuple[str, ...] = ("mse", "half_sse", "cross_entropy", "bce")
_DISTRIBUTION_TOLERANCE = 1e-9


class LossResult(NamedTuple):
    value: float
    grad: np.ndarray  # ∂L/∂prediction, same shape as the prediction
    probabilities: np.ndarray | None  # softmax or sigmoid of the scores, for the two that apply one


def softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax over every element taken as one vector; shifting by the max keeps exp finite."""
    shifted = np.exp(scores - scores.max())
    return shifted / shifted.sum()


def log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max()
    return shifted - np.log(np.exp(shifted).sum())


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1/(1+e^{−x})`` written so that neither branch can overflow."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def check_target(name: str, target: np.ndarray, field: str = "target") -> None:
    """Reject targets the loss has no meaning for, before any arithmetic."""
    if name == "cross_entropy":
        if (target < 0).any():
            raise InvalidInput(field, "cross_entropy needs a probability distribution: no entry may be negative")
        total = float(target.sum())
        if abs(total - 1.0) > _DISTRIBUTION_TOLERANCE:
            raise InvalidInput(
                field, f"cross_entropy needs a probability distribution (one-hot or summing to 1); it sums to {total!r}"
            )
    elif name == "bce" and ((target < 0) | (target > 1)).any():
        raise InvalidInput(field, "bce needs targets between 0 and 1")


def compute_loss(name: str, prediction: np.ndarray, target: np.ndarray, field: str = "target") -> LossResult:
    """The loss of `prediction` against `target` (same shape) and ∂L/∂prediction."""
    if prediction.shape != target.shape:
        raise InvalidInput(
            field, f"has shape {_shape(target.shape)} but the prediction has shape {_shape(prediction.shape)}"
        )
    check_target(name, target, field)
    diff = prediction - target
    if name == "mse":
        return LossResult(float(np.mean(diff**2)), 2.0 * diff / diff.size, None)
    if name == "half_sse":
        return LossResult(float(0.5 * np.sum(diff**2)), diff.copy(), None)
    if name == "cross_entropy":
        probabilities = softmax(prediction)
        value = 0.0 - float(np.sum(target * log_softmax(prediction)))  # a perfect fit is 0.0, not −0.0
        return LossResult(value, probabilities * target.sum() - target, probabilities)
    if name == "bce":
        probabilities = sigmoid(prediction)
        # max(x,0) − x·y + log(1+e^{−|x|}) is BCE on logits without overflow.
        per_element = np.maximum(prediction, 0) - prediction * target + np.log1p(np.exp(-np.abs(prediction)))
        return LossResult(float(per_element.mean()), (probabilities - target) / prediction.size, probabilities)
    raise InvalidInput("loss", f"unknown loss {name!r}; expected one of {', '.join(LOSS_NAMES)}")


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape)
