"""Mistakes in a fully connected layer, y = W x + b, and its backward pass (SPEC §4).

With g = ∂L/∂y the right results are ∂L/∂W = g xᵀ, ∂L/∂b = g and ∂L/∂x = Wᵀ g. The slips
made by hand are in the order of a product: the outer product taken as x gᵀ, or W used
where Wᵀ belongs; and, going forward, the bias left out. Only dense layers inside a network
have this page, so every stage hint points at /network. Shapes: x n_in, W n_out × n_in,
b and g n_out.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import Mistake, StageHint, Variant


class DenseProblem(NamedTuple):
    """A dense layer with its upstream gradient, as the learner was given it."""

    input: np.ndarray  # x, n_in
    weight: np.ndarray  # W, n_out × n_in
    bias: np.ndarray | None  # b, n_out
    grad_output: np.ndarray  # g = ∂L/∂y, n_out


def weight_grad_transposed(p: DenseProblem) -> list[Variant]:
    """x gᵀ, n_in × n_out: the outer product with its factors swapped, so W's gradient comes out transposed."""
    return [Variant({"grad_weight": np.outer(p.input, p.grad_output)})]


def input_grad_not_transposed(p: DenseProblem) -> list[Variant]:
    """W g where Wᵀ g belongs; it only has a meaning (and so only happens) when W is square."""
    n_out, n_in = p.weight.shape
    if n_out != n_in:
        return []
    return [Variant({"grad_input": p.weight @ p.grad_output})]


def bias_left_out(p: DenseProblem) -> list[Variant]:
    """y = W x, without the bias."""
    if p.bias is None:
        return []
    return [Variant({"output": p.weight @ p.input})]


def _stage(stage: str, field: str) -> StageHint:
    return StageHint("/network", stage, field)


MISTAKES: tuple[Mistake[DenseProblem], ...] = (
    Mistake(
        "weight_grad_transposed",
        "∂L/∂W transposed: x gᵀ instead of g xᵀ",
        "∂L/∂Wᵢⱼ = gᵢ xⱼ: row i of ∂L/∂W is output i's gradient times the whole input, so ∂L/∂W = g xᵀ, "
        "n_out × n_in like W; x gᵀ is its transpose (SPEC §4, as for shallow networks in chapter 9.2).",
        "whenever g xᵀ is symmetric, or W is a single row or column (the same numbers in either order)",
        ("grad_weight",),
        _stage("backward", "grad_weight"),
        weight_grad_transposed,
    ),
    Mistake(
        "input_grad_not_transposed",
        "∂L/∂x = W g instead of Wᵀ g",
        "Input j fed every output i through Wᵢⱼ, so its gradient gathers column j of W: ∂L/∂xⱼ = Σᵢ Wᵢⱼ gᵢ, "
        "that is ∂L/∂x = Wᵀ g; W g gathers rows instead (SPEC §4, chapter 9.2).",
        "whenever W g equals Wᵀ g, as it does for a symmetric W",
        ("grad_input",),
        _stage("backward", "grad_input"),
        input_grad_not_transposed,
    ),
    Mistake(
        "bias_left_out",
        "Bias left out of the output",
        "The layer computes y = W x + b: each output adds its own bias after the weighted sum (SPEC §4).",
        "whenever b is zero",
        ("output",),
        _stage("forward", "output"),
        bias_left_out,
    ),
)

# A transposed ∂L/∂W has W's shape turned around: a shape error names the mistake that gives it.
RESHAPED: tuple[tuple[Mistake[DenseProblem], str], ...] = (
    (MISTAKES[0], "∂L/∂W is taken as x gᵀ"),
)
