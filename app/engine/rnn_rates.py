"""What W predicts for ‖∂L/∂hᵗ‖ over t, and what backpropagation through time measured (chapter 9.3).

Going back one step multiplies a gradient by Wᵀ diag(σ₁′(aᵗ)), so a gradient that travels n
steps back has been through n such factors (Pascanu, Mikolov & Bengio 2013). The rates come from
the spectrum of W; the curves are drawn over the measured norms of one loss's gradient.

Truncated BPTT with k steps cuts the sequence into blocks (1…k, k+1…2k, …) that exchange no
gradient, so no gradient travels more than k − 1 steps back: every curve and rate here lives
within a block, anchored at the block's last step e, over ‖∂Lᵉ/∂hᵗ‖, the gradient of that
step's loss alone. Without truncation the one block is 1…T and e = T.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .errors import InvalidInput

# sup |σ₁′|: how much one step back can stretch a gradient through the activation.
_DERIVATIVE_BOUND = {"tanh": 1.0, "relu": 1.0, "sigmoid": 0.25}


class Spectrum(NamedTuple):
    """What W alone says about the per-step factor of a gradient travelling back in time.

    Going back one step multiplies the gradient by Wᵀ diag(σ₁′(aᵗ)), whose norm is at most
    ‖W‖₂ · sup|σ₁′|. So `rate_bound` = σ_max(W) · sup|σ₁′| is a true upper bound on
    ‖∂Lᵉ/∂hᵗ⁻¹‖ / ‖∂Lᵉ/∂hᵗ‖ — below 1 the gradient must vanish geometrically. The
    spectral radius ρ(W) is the long-run rate of ‖(Wᵀ)ⁿ‖^{1/n}, so `rate_estimate` =
    ρ(W) · sup|σ₁′| estimates the rate while the activation stays near its steepest point;
    it is neither a bound nor the truth (saturating units shrink σ₁′ below its sup).
    """

    spectral_radius: float  # ρ(W) = max |λᵢ(W)|
    largest_singular_value: float  # σ_max(W) = ‖W‖₂
    derivative_bound: float  # sup |σ₁′|: 1 for tanh and relu, ¼ for sigmoid
    rate_bound: float
    rate_estimate: float


class NormPrediction(NamedTuple):
    """The rates of :class:`Spectrum` drawn over the measured norms, block by block.

    `bound` and `estimate` are, for t in a block ending at e, ‖∂Lᵉ/∂hᵉ‖ · rateᵉ⁻ᵗ (inf past
    float64). `bound` is never below ‖∂Lᵉ/∂hᵗ‖.
    """

    bound: np.ndarray  # T
    estimate: np.ndarray  # T
    measured_rate: float | None
    longest_reach: int  # the most steps back any gradient travels: T − 1, or k − 1 when k < T


def recurrence_spectrum(W: np.ndarray, hidden_activation: str) -> Spectrum:
    """ρ(W), σ_max(W) and the per-step rates they give (see :class:`Spectrum`).

    W is scaled by its largest entry first so that LAPACK never sees numbers near overflow.
    """
    if hidden_activation not in _DERIVATIVE_BOUND:
        raise InvalidInput("hidden_activation", f"unknown activation {hidden_activation!r}")
    scale = float(np.abs(W).max())
    if scale == 0.0:
        radius = singular = 0.0
    else:
        radius = scale * float(np.abs(np.linalg.eigvals(W / scale)).max())
        singular = scale * float(np.linalg.norm(W / scale, 2))
    if not (np.isfinite(radius) and np.isfinite(singular)):
        raise InvalidInput("W", "is too large: its largest singular value overflows float64 (±1.8e308)")
    bound = _DERIVATIVE_BOUND[hidden_activation]
    return Spectrum(radius, singular, bound, singular * bound, radius * bound)


def blocks(cut: np.ndarray) -> list[tuple[int, int]]:
    """The blocks of truncated BPTT as (first, last) step indices, 0-based and inclusive.

    `cut` is rnn.truncation_cuts(T, k): a block ends at every cut and at T.
    """
    ends = [int(t) for t in np.flatnonzero(cut[:-1])] + [cut.size - 1]
    starts = [0] + [end + 1 for end in ends[:-1]]
    return list(zip(starts, ends))


def block_curve(anchors: np.ndarray, rate: float, cut: np.ndarray) -> np.ndarray:
    """anchors[e] · rateᵉ⁻ᵗ for every t of each block ending at e: the rate drawn back from each block's end.

    Entries past float64's range come out as inf; the caller decides how to show them. A zero
    anchor gives zeros (nothing to scale).
    """
    curve = np.empty(cut.size)
    with np.errstate(over="ignore", invalid="ignore"):
        for first, last in blocks(cut):
            anchor = anchors[last]
            distance = np.arange(last - first, -1, -1, dtype=float)
            curve[first : last + 1] = 0.0 if anchor == 0.0 else anchor * rate**distance
    return curve


def measured_rate(norms: np.ndarray, cut: np.ndarray) -> float | None:
    """The geometric mean of the measured per-step factors ‖∂Lᵉ/∂hᵗ⁻¹‖ / ‖∂Lᵉ/∂hᵗ‖ within the blocks.

    Over one block this is (‖∂Lᵉ/∂h^first‖ / ‖∂Lᵉ/∂hᵉ‖)^{1/(e − first)}; over several, the logs
    of those ratios are pooled over all their steps. Factors across a cut are not gradients
    and do not count. None when it is undefined: no block of two steps (T = 1 or k = 1), or a
    zero norm at the start or end of a block (dead units, or outputs that match their targets).
    """
    spans = [(first, last) for first, last in blocks(cut) if last > first]
    if not spans or any(norms[first] == 0.0 or norms[last] == 0.0 for first, last in spans):
        return None
    log_ratio = sum(np.log(norms[first]) - np.log(norms[last]) for first, last in spans)
    return float(np.exp(log_ratio / sum(last - first for first, last in spans)))


def predict_norms(norms: np.ndarray, cut: np.ndarray, spectrum: Spectrum) -> NormPrediction:
    """The bound and estimate curves over `norms` (‖∂Lᵉ/∂hᵗ‖, each block's last loss alone), and the measured rate."""
    longest = max(last - first for first, last in blocks(cut))
    return NormPrediction(
        bound=block_curve(norms, spectrum.rate_bound, cut),
        estimate=block_curve(norms, spectrum.rate_estimate, cut),
        measured_rate=measured_rate(norms, cut),
        longest_reach=longest,
    )
