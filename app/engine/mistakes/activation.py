"""Mistakes in an activation's backward pass, ∂L/∂x = ∂L/∂y ⊙ f′(x) (chapter 9.2.2).

Each is f′ evaluated somewhere else: at the output y instead of the input x, a formula
written in y fed x, the other choice of ReLU's f′(0), or softmax's Jacobian cut to its
diagonal. The engine's own `local_derivative` does the evaluating, handed a changed cache.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from ..activation import ActivationCache, ActivationSpec, activation_forward, local_derivative
from . import Mistake, StageHint, Variant


class ActivationProblem(NamedTuple):
    """An activation with its upstream gradient, as the learner was given it."""

    input: np.ndarray  # x, any shape
    spec: ActivationSpec
    grad_output: np.ndarray  # ∂L/∂y, the input's shape


def _backward(p: ActivationProblem, derivative: np.ndarray) -> Variant:
    return Variant({"local_derivative": derivative, "grad_input": p.grad_output * derivative})


def derivative_from_output(p: ActivationProblem) -> list[Variant]:
    """f′(y) where f′(x) belongs: the derivative's rule applied to the output y = f(x)."""
    if p.spec.function == "softmax":
        return []
    y, _ = activation_forward(p.input, p.spec)
    f_of_y, _ = activation_forward(y, p.spec)
    return [_backward(p, local_derivative(ActivationCache(y, f_of_y, p.spec)))]


def derivative_formula_on_input(p: ActivationProblem) -> list[Variant]:
    """Sigmoid's y(1 − y) or tanh's 1 − y², written in the output, with x put in for y."""
    if p.spec.function not in ("sigmoid", "tanh"):
        return []
    return [_backward(p, local_derivative(ActivationCache(p.input, p.input, p.spec)))]


def relu_zero_choice(p: ActivationProblem) -> list[Variant]:
    """ReLU's f′(0) taken as the other of 0 and 1 (eq. 9.10 leaves it open; the problem fixes it)."""
    if p.spec.function != "relu" or not (p.input == 0).any():
        return []
    other = replace(p.spec, relu_grad_at_zero=1.0 - p.spec.relu_grad_at_zero)
    y, _ = activation_forward(p.input, other)
    return [_backward(p, local_derivative(ActivationCache(p.input, y, other)))]


def softmax_diagonal_only(p: ActivationProblem) -> list[Variant]:
    """∂L/∂y ⊙ s(1 − s): only the Jacobian's diagonal, as if softmax acted element by element."""
    if p.spec.function != "softmax" or p.input.size == 1:
        return []
    s, _ = activation_forward(p.input, p.spec)
    return [Variant({"grad_input": p.grad_output * s * (1.0 - s)})]


_STAGE = StageHint("/activation", "backward", "local_derivative")

MISTAKES: tuple[Mistake[ActivationProblem], ...] = (
    Mistake(
        "derivative_from_output",
        "Derivative taken at the output",
        "The derivative was taken at the output y instead of the input x: the backward pass multiplies ∂L/∂y "
        "by f′ at the x that went in (chapter 9.2.2, eq. 9.10–9.11 for ReLU).",
        "whenever f′ has the same value at y as at x (for ReLU: unless f′(0) = 1 and some x < 0)",
        ("local_derivative", "grad_input"),
        _STAGE,
        derivative_from_output,
    ),
    Mistake(
        "derivative_formula_on_input",
        "Output's derivative formula fed the input",
        "The derivative y(1 − y) (sigmoid) or 1 − y² (tanh) is written in the output y = f(x); x was put in "
        "for y (chapter 9.2.2).",
        "whenever x equals f(x)",
        ("local_derivative", "grad_input"),
        _STAGE,
        derivative_formula_on_input,
    ),
    Mistake(
        "relu_zero_choice",
        "The other choice of ReLU's derivative at 0",
        "At x = 0 ReLU has no derivative; the chapter takes 0 or 1 (chapter 9.2.2, eq. 9.10), and this problem "
        "fixes `relu_grad_at_zero`: the other value was used.",
        "whenever ∂L/∂y is zero where x = 0",
        ("local_derivative", "grad_input"),
        _STAGE,
        relu_zero_choice,
    ),
    Mistake(
        "softmax_diagonal_only",
        "Softmax treated element by element",
        "Softmax mixes every element with every other, so ∂L/∂x = Jᵀ∂L/∂y with J = diag(s) − s sᵀ; only the "
        "diagonal s(1 − s) was used (chapter 9.2.2 names softmax among the other activations).",
        "whenever Σⱼ sⱼ ∂L/∂yⱼ equals each sᵢ ∂L/∂yᵢ",
        ("grad_input",),
        StageHint("/activation", "backward", "jacobian"),
        softmax_diagonal_only,
    ),
)
