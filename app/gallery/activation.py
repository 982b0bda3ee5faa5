"""Worked examples of the activation page (chapter 9.2.2)."""

from __future__ import annotations

from typing import Any

from ..api.schemas.activation import RELU_EXAMPLE
from .core import Example, Preview, Section, first_matrix

# The order static/js/pages/activation-request.js writes the query in.
FIELD_ORDER = ("input", "function", "negative_slope", "relu_grad_at_zero", "grad_output")

_NAMES = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "σ", "tanh": "tanh", "softmax": "softmax"}


def _example(slug: str, title: str, summary: str, cites: str, request: dict[str, Any]) -> Example:
    preview = Preview((first_matrix(request["input"]), f"→ {_NAMES[request['function']]}"))
    return Example(slug, title, summary, cites, request, "/activation", FIELD_ORDER, preview)


EXAMPLES: tuple[Example, ...] = (
    _example(
        "relu-at-zero",
        "ReLU, and its choice at 0",
        "ReLU has no derivative at 0. Compare f′(0) = 0 and 1 side by side: the weight's update stays, the bias's does not.",
        "eq. 9.10–9.11, 9.2.2",
        {key: value for key, value in RELU_EXAMPLE.items() if key != "relu_grad_at_zero"},
    ),
    _example(
        "leaky-relu",
        "Leaky ReLU keeps a trickle",
        "With slope 0.1 below zero, negative inputs still pass a tenth of their gradient back instead of none.",
        "beyond the chapter",
        {"input": [[-3, -1, 0, 2, 4]], "function": "leaky_relu", "negative_slope": 0.1, "grad_output": [[1, 1, 1, 1, 1]]},
    ),
    _example(
        "sigmoid",
        "Sigmoid: the slope fades",
        "σ′ = σ(1 − σ) is at most ¼ and nearly 0 for large inputs, so little gradient gets through them.",
        "beyond the chapter",
        {"input": [[-6, -2, 0], [1, 3, 8]], "function": "sigmoid"},
    ),
    _example(
        "tanh",
        "Tanh around zero",
        "tanh′ = 1 − tanh² is 1 at 0 and falls off on both sides.",
        "beyond the chapter",
        {"input": [[-2, -0.5, 0, 0.5, 2]], "function": "tanh", "grad_output": [[1, 2, 3, 2, 1]]},
    ),
    _example(
        "softmax",
        "Softmax and its Jacobian",
        "Every output depends on every input: ∂L/∂x is the Jacobian's transpose times ∂L/∂y, not an elementwise product.",
        "beyond the chapter",
        {"input": [[1, 2, 3]], "function": "softmax", "grad_output": [[0, 0, 1]]},
    ),
)


SECTION = Section(
    "activation",
    "Activations",
    "How ReLU and the other activations pass the gradient back, and why ReLU's choice at 0 matters so little (9.2.2).",
    "/activation",
    EXAMPLES,
)
