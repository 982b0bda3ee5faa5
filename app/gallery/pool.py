"""Worked examples of the pooling page (chapter 9.2.3, Fig. 9.8–9.9)."""

from __future__ import annotations

from typing import Any

from ..api.schemas.pool import FIG_9_8, FIG_9_9, OVERLAPPING
from .core import Example, Preview, Section

# The order static/js/pages/pool-request.js writes the query in.
FIELD_ORDER = ("input", "mode", "size", "stride", "padding", "ties", "grad_output")


def _example(slug: str, title: str, summary: str, cites: str, request: dict[str, Any]) -> Example:
    k = request["size"]
    preview = Preview((request["input"], f"{request['mode']} {k}×{k}"))
    return Example(slug, title, summary, cites, request, "/pool", FIELD_ORDER, preview)


EXAMPLES: tuple[Example, ...] = (
    _example(
        "fig-9-8",
        "Average pooling: 4 ÷ 4 = 1",
        "The chapter's yellow window averages to 4; going back, its gradient 4 is split evenly, 1 to each of its four cells.",
        "Fig. 9.8, 9.2.3",
        FIG_9_8,
    ),
    _example(
        "fig-9-9",
        "Max pooling: back to the maximum",
        "The orange window's maximum 8 sits at its lower left; its gradient 8 goes back there whole, and the other cells get 0.",
        "Fig. 9.9, 9.2.3",
        FIG_9_9,
    ),
    _example(
        "ties",
        "Tied maxima: first, all or split",
        "Three windows hold their maximum more than once. Split shares each gradient among the ties; switch the rule to compare.",
        "Fig. 9.9; beyond the chapter: ties",
        {
            "input": [[2, 2, 1, 0], [1, 2, 3, 3], [0, 1, 3, 1], [4, 4, 2, 0]],
            "mode": "max",
            "size": 2,
            "ties": "split",
            "grad_output": [[3, 2], [4, 1]],
        },
    ),
    _example(
        "overlapping-max",
        "Overlapping windows add up",
        "With stride 1 the 9 is the maximum of all four 2×2 windows, so its gradient is 1 + 2 + 3 + 4 = 10.",
        "Fig. 9.9, 9.2.3",
        {**OVERLAPPING, "grad_output": [[1, 2], [3, 4]]},
    ),
    _example(
        "overlapping-avg",
        "Overlapping averages",
        "Four 3×3 windows over a 4×4 input: the middle cells get a ninth of every gradient, 1 + 2 + 3 + 4 = 10.",
        "Fig. 9.8, 9.2.3",
        {
            "input": [[1, 2, 1, 0], [0, 3, 2, 1], [2, 1, 0, 3], [1, 2, 2, 0]],
            "mode": "avg",
            "size": 3,
            "stride": 1,
            "grad_output": [[9, 18], [27, 36]],
        },
    ),
    _example(
        "avg-padding",
        "Padding loses part of the gradient",
        "Average pooling counts the padding's zeros in the divisor, so their shares are cropped away: Σ ∂L/∂I = 16, not 36.",
        "Fig. 9.8; PyTorch's count_include_pad",
        {
            "input": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
            "mode": "avg",
            "size": 2,
            "padding": 1,
            "grad_output": [[4, 4, 4], [4, 4, 4], [4, 4, 4]],
        },
    ),
    _example(
        "max-padding",
        "Max pooling pads with −∞",
        "Every number is negative, yet the padding never wins: a corner window's only real cell is its maximum.",
        "Fig. 9.9; PyTorch's padding",
        {"input": [[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]], "mode": "max", "size": 2, "padding": 1},
    ),
)


SECTION = Section(
    "pool",
    "Pooling",
    "How max pooling routes each gradient to its maximum and average pooling shares it evenly (9.2.3).",
    "/pool",
    EXAMPLES,
)
