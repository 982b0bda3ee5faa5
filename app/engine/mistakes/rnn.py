"""Mistakes in backpropagation through time (chapter 9.3, Fig. 9.10; SPEC §5).

One walk from t = T back to 1 with a switch per known mistake: the term from step t+1
left out of ∂L/∂hᵗ, W where Wᵀ belongs, σ₁′ forgotten, hᵗ where hᵗ⁻¹ belongs in ∂L/∂W, or
∂L/∂oᵗ scaled by a loss summed where it averages (or the reverse). With every switch at its
default the walk is the engine's own BPTT, which the tests hold it to.

Per-step results are keyed ``steps.<name>`` and hold T rows (step t is row t−1).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..rnn import RnnCache, RnnParams, RnnSpec, rnn_forward, truncation_cuts
from . import Mistake, StageHint, Variant, only


class RnnProblem(NamedTuple):
    """A sequence, its targets and the network of Fig. 9.10, as the learner was given them."""

    x: np.ndarray  # T × d_in
    y: np.ndarray  # T × d_out
    params: RnnParams
    spec: RnnSpec


def bptt(
    cache: RnnCache,
    *,
    next_term: bool = True,
    transpose: bool = True,
    derivative: bool = True,
    previous_state: bool = True,
    scale: float = 1.0,
) -> dict[str, np.ndarray]:
    """∂L/∂hᵗ = Vᵀ∂L/∂oᵗ + Wᵀ∂L/∂aᵗ⁺¹, ∂L/∂aᵗ = ∂L/∂hᵗ ⊙ σ₁′(aᵗ), and the weight gradients' sums over t.

    The switches turn one part of that wrong at a time; `scale` multiplies ∂L/∂oᵗ and each Lᵗ.
    """
    p, T = cache.params, cache.x.shape[0]
    cut = truncation_cuts(T, cache.spec.truncation)
    grad_o = scale * cache.grad_o
    from_output = grad_o @ p.V  # row t: Vᵀ ∂L/∂oᵗ
    recurrent = p.W.T if transpose else p.W
    slope = cache.hidden_derivative if derivative else np.ones_like(cache.hidden_derivative)
    from_next, grad_h, grad_a = np.zeros_like(from_output), np.empty_like(from_output), np.empty_like(from_output)
    for t in range(T - 1, -1, -1):
        if next_term and t + 1 < T and not cut[t]:
            from_next[t] = recurrent @ grad_a[t + 1]
        grad_h[t] = from_output[t] + from_next[t]
        grad_a[t] = grad_h[t] * slope[t]
    states = cache.h_prev if previous_state else cache.h
    return {
        "loss": np.array(scale * cache.losses.sum()),
        "grad_U": grad_a.T @ cache.x,
        "grad_W": grad_a.T @ states,
        "grad_V": grad_o.T @ cache.h,
        "grad_b": grad_a.sum(axis=0),
        "grad_c": grad_o.sum(axis=0),
        "grad_h0": recurrent @ grad_a[0],
        "steps.loss": scale * cache.losses,
        "steps.grad_o": grad_o,
        "steps.grad_h_from_next": from_next,
        "steps.grad_h": grad_h,
        "steps.grad_a": grad_a,
    }


def _cache(p: RnnProblem) -> RnnCache:
    return rnn_forward(p.x, p.y, p.params, p.spec)[1]


_THROUGH_TIME = (
    "grad_U",
    "grad_W",
    "grad_b",
    "grad_h0",
    "steps.grad_h_from_next",
    "steps.grad_h",
    "steps.grad_a",
)


def bptt_without_next_term(p: RnnProblem) -> list[Variant]:
    """∂L/∂hᵗ = Vᵀ∂L/∂oᵗ alone: each hᵗ's effect on the later steps through aᵗ⁺¹ left out."""
    if p.x.shape[0] == 1 or p.spec.truncation == 1:
        return []
    return [Variant(only(bptt(_cache(p), next_term=False), _THROUGH_TIME))]


def recurrent_weight_not_transposed(p: RnnProblem) -> list[Variant]:
    """W ∂L/∂aᵗ⁺¹ where Wᵀ ∂L/∂aᵗ⁺¹ belongs (and W ∂L/∂a¹ for ∂L/∂h⁰)."""
    if p.params.W.shape[0] == 1:
        return []
    return [Variant(only(bptt(_cache(p), transpose=False), _THROUGH_TIME))]


def hidden_derivative_skipped(p: RnnProblem) -> list[Variant]:
    """∂L/∂aᵗ = ∂L/∂hᵗ, without the factor σ₁′(aᵗ) of hᵗ = σ₁(aᵗ)."""
    return [Variant(only(bptt(_cache(p), derivative=False), _THROUGH_TIME))]


def previous_state_confused(p: RnnProblem) -> list[Variant]:
    """∂L/∂W = Σₜ ∂L/∂aᵗ (hᵗ)ᵀ: the state aᵗ produced, where the one it read, hᵗ⁻¹, belongs."""
    return [Variant(only(bptt(_cache(p), previous_state=False), ("grad_W",)))]


_SCALED = (
    "loss",
    "grad_U",
    "grad_W",
    "grad_V",
    "grad_b",
    "grad_c",
    "grad_h0",
    "steps.loss",
    "steps.grad_o",
    "steps.grad_h_from_next",
    "steps.grad_h",
    "steps.grad_a",
)


def sum_instead_of_mean(p: RnnProblem) -> list[Variant]:
    """`mse` and `bce` average each step's loss over its d_out outputs; summed, all is d_out times too large."""
    d_out = p.y.shape[1]
    if p.spec.loss not in ("mse", "bce"):
        return []
    detail = f"Your numbers are {d_out} times the right ones: each step's loss averages over d_out = {d_out} outputs."
    return [Variant(only(bptt(_cache(p), scale=float(d_out)), _SCALED), detail)]


def mean_instead_of_sum(p: RnnProblem) -> list[Variant]:
    """L = Σₜ Lᵗ averaged over the T steps, or `half_sse` averaged over the d_out outputs."""
    T, d_out = p.y.shape
    cache = _cache(p)
    variants = []
    if T > 1:
        over_steps = tuple(name for name in _SCALED if name != "steps.loss")
        detail = f"Your numbers are the right ones divided by T = {T}: L = Σₜ Lᵗ adds the steps' losses."
        variants.append(Variant(only(bptt(cache, scale=1.0 / T), over_steps), detail))
    if p.spec.loss == "half_sse":
        detail = f"Your numbers are the right ones divided by d_out = {d_out}: half_sse sums over each step's outputs."
        variants.append(Variant(only(bptt(cache, scale=1.0 / d_out), _SCALED), detail))
    return variants


def _stage(stage: str, field: str) -> StageHint:
    return StageHint("/rnn", stage, field)


MISTAKES: tuple[Mistake[RnnProblem], ...] = (
    Mistake(
        "bptt_without_next_term",
        "BPTT without the term from the next step",
        "∂L/∂hᵗ lacks Wᵀ∂L/∂aᵗ⁺¹: hᵗ feeds the next step's aᵗ⁺¹ as well as its own output, so "
        "∂L/∂hᵗ = Vᵀ∂L/∂oᵗ + Wᵀ∂L/∂aᵗ⁺¹ (chapter 9.3, Fig. 9.10 unfolded in time).",
        "whenever ∂L/∂aᵗ⁺¹ is zero for every t < T",
        _THROUGH_TIME,
        _stage("backward", "steps[].grad_h_from_next"),
        bptt_without_next_term,
    ),
    Mistake(
        "recurrent_weight_not_transposed",
        "W instead of Wᵀ",
        "The gradient goes back through W transposed: aᵗ⁺¹ = W hᵗ + …, so ∂L/∂hᵗ gets Wᵀ∂L/∂aᵗ⁺¹, not "
        "W∂L/∂aᵗ⁺¹ (chapter 9.3, Fig. 9.10).",
        "whenever W is symmetric",
        _THROUGH_TIME,
        _stage("backward", "steps[].grad_h_from_next"),
        recurrent_weight_not_transposed,
    ),
    Mistake(
        "hidden_derivative_skipped",
        "σ₁′ left out",
        "∂L/∂aᵗ = ∂L/∂hᵗ ⊙ σ₁′(aᵗ): the hidden activation's derivative was left out (chapter 9.3, Fig. 9.10: "
        "hᵗ = σ₁(aᵗ)).",
        "whenever σ₁′(aᵗ) is 1 wherever the gradient is not zero (a ReLU with every unit active)",
        _THROUGH_TIME,
        _stage("backward", "steps[].hidden_derivative"),
        hidden_derivative_skipped,
    ),
    Mistake(
        "previous_state_confused",
        "hᵗ where hᵗ⁻¹ belongs in ∂L/∂W",
        "∂L/∂W = Σₜ ∂L/∂aᵗ (hᵗ⁻¹)ᵀ: W multiplies the state carried into step t, hᵗ⁻¹, not the state hᵗ it "
        "produces (chapter 9.3, Fig. 9.10).",
        "whenever every hᵗ equals hᵗ⁻¹ where ∂L/∂aᵗ is not zero",
        ("grad_W",),
        _stage("weights", "steps[].contribution.grad_W"),
        previous_state_confused,
    ),
    Mistake(
        "sum_instead_of_mean",
        "Sum where the loss takes a mean",
        "The loss was summed where it takes the mean over each step's outputs, so ∂L/∂oᵗ — and every gradient "
        "after it — is d_out times too large (SPEC §5: `mse` and `bce` average).",
        "whenever the gradients are zero",
        _SCALED,
        _stage("backward", "steps[].grad_o"),
        sum_instead_of_mean,
    ),
    Mistake(
        "mean_instead_of_sum",
        "Mean where the loss takes a sum",
        "A mean was taken where the loss sums: L = Σₜ Lᵗ adds the steps' losses (chapter 9.3, Fig. 9.10), and "
        "`half_sse` adds each step's squared errors, so ∂L/∂oᵗ — and every gradient after it — came out too small.",
        "whenever the gradients are zero",
        _SCALED,
        _stage("backward", "steps[].grad_o"),
        mean_instead_of_sum,
    ),
)
