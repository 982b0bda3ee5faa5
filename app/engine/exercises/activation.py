"""Activation exercises: y, f′(x) and ∂L/∂x for ReLU (eq. 9.10–9.11) or leaky ReLU, on a small matrix.

Only these two have answers that end: sigmoid, tanh and softmax give irrational numbers
for any whole input but 0. Leaky slopes are ½ or ¼, exact in binary, so the answers are
exact too. From medium on, the input holds zeros, where ReLU's f′(0) is the problem's
choice (chapter 9.2.2); hard problems draw that choice.
"""

from __future__ import annotations

import numpy as np

from ..activation import ActivationSpec, activation_backward, activation_forward
from ..mistakes.activation import MISTAKES, ActivationProblem
from . import Draw, Exercise, Options, Ranges, hidden_mistakes, integers, is_short, pick, plain, uniform_int

SLOPES = (0.5, 0.25)
BOUND = 99


def activation_exercise(rng: np.random.Generator, ranges: Ranges, difficulty: str, options: Options) -> Exercise:
    return pick(rng, lambda r: _draw(r, ranges, difficulty, options), "function", "no draw has short answers")


def _draw(rng: np.random.Generator, ranges: Ranges, difficulty: str, options: Options) -> Draw:
    functions = ("relu",) if difficulty == "easy" else ("relu", "leaky_relu")
    function = functions[int(rng.integers(len(functions)))] if options.function == "any" else options.function
    shape = (uniform_int(rng, ranges.input), uniform_int(rng, ranges.input))
    x = integers(rng, -3, 3, shape)
    if difficulty == "easy":
        x[x == 0] = 1.0  # no zeros: f′(0) is a choice for later
    grad_output = integers(rng, -3, 3, shape)
    slope = SLOPES[int(rng.integers(len(SLOPES)))] if function == "leaky_relu" else 0.01
    at_zero = int(rng.integers(2)) if difficulty == "hard" and function == "relu" else 0
    spec = ActivationSpec(function, slope, float(at_zero))
    out, cache = activation_forward(x, spec)
    grads = activation_backward(grad_output, cache)

    body = {"input": plain(x), "function": function, "grad_output": plain(grad_output)}
    if function == "leaky_relu":
        body["negative_slope"] = slope
    if at_zero:
        body["relu_grad_at_zero"] = at_zero
    asks = ("output", "local_derivative", "grad_input")
    right = {"output": out, "local_derivative": grads.local_derivative, "grad_input": grads.grad_input}
    short = is_short(BOUND, *right.values())
    return Draw(
        Exercise(body, asks),
        short,
        hidden_mistakes(MISTAKES, ActivationProblem(x, spec, grad_output), right, asks) if short else 0,
    )
