"""Worked examples of the recurrent network page: the API's named presets."""

from __future__ import annotations

from typing import Any

from ..api.schemas.rnn import CLASSIFIER, EXPLODING, TINY, TRUNCATED, VANISHING
from .core import Example, Preview, Section

# The order static/js/pages/rnn-request.js writes the query in.
FIELD_ORDER = (
    "x", "y", "U", "W", "V", "b", "c", "h0",
    "hidden_activation", "output_activation", "loss", "truncation", "learning_rate",
)

# The API's defaults: a link leaves them out, as the page does when it writes its own.
_DEFAULTS = {"hidden_activation": "tanh", "output_activation": "identity", "loss": "mse"}


def _tidy(x: float) -> float | int:
    """0.0 as 0, 1.2 as it is: numbers as a person writes them."""
    return int(x) if float(x).is_integer() else x


def _example(slug: str, title: str, summary: str, cites: str, preset: dict[str, Any]) -> Example:
    request = {name: value for name, value in preset.items() if _DEFAULTS.get(name) != value}
    preview = Preview(("W =", [[_tidy(w) for w in row] for row in preset["W"]]))
    return Example(slug, title, summary, cites, request, "/rnn", FIELD_ORDER, preview)


EXAMPLES: tuple[Example, ...] = (
    _example(
        "tiny",
        "Three steps, every number on the page",
        "One input, two hidden units, one output: h¹ carried into step 2, then ∂L/∂hᵗ back from step 3, and one update.",
        "Fig. 9.10",
        TINY,
    ),
    _example(
        "vanishing",
        "A vanishing gradient",
        "Small W with tanh: ρ(W) = 0.3, so what the last loss says about h¹ is about 0.3¹⁵ ≈ 10⁻⁸ as loud.",
        "Fig. 9.10, backpropagation through time",
        VANISHING,
    ),
    _example(
        "exploding",
        "An exploding gradient",
        "Large W with relu: ρ(W) = 1.5 and every unit stays active, so each step back multiplies ∂L/∂hᵗ by 1.5.",
        "Fig. 9.10, backpropagation through time",
        EXPLODING,
    ),
    _example(
        "truncated",
        "Truncated backpropagation through time",
        "The exploding network cut into blocks of 4 steps: no gradient crosses a cut, so the growth restarts.",
        "backpropagation through time, truncated",
        TRUNCATED,
    ),
    _example(
        "classifier",
        "A classifier at every step",
        "Softmax outputs with cross-entropy and one-hot targets: ∂Lᵗ/∂oᵗ = ỹᵗ − yᵗ.",
        "Fig. 9.10, σ₂ = softmax",
        CLASSIFIER,
    ),
)


SECTION = Section(
    "rnn",
    "Recurrent network",
    "The network of Fig. 9.10 unrolled in time: the state carried forward, the gradient carried back, "
    "and why it vanishes or explodes (9.3).",
    "/rnn",
    EXAMPLES,
)
