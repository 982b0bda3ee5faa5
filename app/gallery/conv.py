"""Worked examples of the convolution page."""

from __future__ import annotations

from typing import Any

from ..api.schemas.conv import FIG_9_4
from .core import Example, Preview, Section, first_matrix

# The order static/js/pages/conv-request.js writes the query in.
FIELD_ORDER = (
    "input", "kernel", "bias", "stride", "padding", "dilation", "mode", "grad_output", "target", "loss", "learning_rate",
)


def _example(slug: str, title: str, summary: str, cites: str, request: dict[str, Any]) -> Example:
    preview = Preview((first_matrix(request["input"]), "⋆", first_matrix(request["kernel"])))
    return Example(slug, title, summary, cites, request, "/conv", FIELD_ORDER, preview)


EXAMPLES: tuple[Example, ...] = (
    _example(
        "fig-9-4",
        "The chapter's example",
        "A 3×3 input and a 2×2 kernel, no padding, stride 1: O₁₁ = 37, and every gradient of eq. 9.8 and 9.9.",
        "Fig. 9.4, eq. 9.5, 9.8, 9.9",
        {**FIG_9_4, "learning_rate": 0.01},
    ),
    _example(
        "stride-2-padding-1",
        "Stride 2 with padding 1",
        "Zeros around the input, a window that jumps two cells, and an upsampled gradient with zeros inserted.",
        "Padding and Stride, 9.2.1",
        {
            "input": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
            "kernel": [[1, 0], [0, -1]],
            "stride": 2,
            "padding": 1,
            "grad_output": [[1, -1, 2], [0, 1, -2], [3, 1, 1]],
        },
    ),
    _example(
        "uncovered",
        "A stride that leaves a row out",
        "On a 5×5 input a 2×2 window with stride 2 never reaches the last row and column: their gradient is zero.",
        "Padding and Stride, 9.2.1",
        {
            "input": [[3, 1, 0, 2, 5], [4, 2, 1, 0, 1], [1, 0, 3, 2, 2], [2, 1, 1, 4, 0], [6, 2, 0, 1, 3]],
            "kernel": [[1, 2], [-1, 1]],
            "stride": 2,
            "grad_output": [[1, 2], [-1, 3]],
        },
    ),
    _example(
        "channels",
        "Two channels, two kernels",
        "Each kernel sees every input channel; its output sums the channels, then adds its bias.",
        "Fig. 9.2, eq. 9.5",
        {
            "input": [[[1, 2, 0], [0, 1, 3], [2, 1, 1]], [[0, 1, 1], [2, 0, 1], [1, 3, 0]]],
            "kernel": [[[[1, 0], [0, 1]], [[2, 1], [0, -1]]], [[[0, 1], [1, 0]], [[1, 1], [1, 1]]]],
            "bias": [0.5, -1],
            "grad_output": [[[1, 0], [-1, 2]], [[0.5, 1], [1, -0.5]]],
            "learning_rate": 0.1,
        },
    ),
    _example(
        "same-padding",
        "Padding that keeps the size",
        "A 3×3 Laplacian kernel with padding 1: the output is as big as the input, and ∂L/∂P is cropped back to ∂L/∂I.",
        "eq. 9.9, Padding and Stride",
        {
            "input": [[1, 2, 0, 1], [0, 1, 2, 3], [3, 0, 1, 1], [2, 1, 0, 2]],
            "kernel": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
            "padding": 1,
            "learning_rate": 0.05,
        },
    ),
    _example(
        "dilation",
        "A dilated kernel",
        "Dilation 2 spreads the 2×2 kernel over a 3×3 window, with gaps between its taps.",
        "beyond the chapter: dilation",
        {
            "input": [[1, 0, 2, 1, 0], [0, 3, 1, 0, 2], [2, 1, 0, 1, 1], [1, 0, 1, 2, 0], [0, 2, 1, 0, 3]],
            "kernel": [[1, 2], [3, 4]],
            "dilation": 2,
        },
    ),
    _example(
        "flipped",
        "Convolution with the flipped kernel",
        "Fig. 9.4 again, as mathematics defines convolution (eq. 9.4): the kernel is flipped before it slides.",
        "eq. 9.1–9.4 vs eq. 9.5",
        {**FIG_9_4, "mode": "convolution"},
    ),
    _example(
        "training-step",
        "One training step with a loss",
        "The upstream gradient comes from a target and ½Σ(O − T)²; the kernel and bias then take a step.",
        "Fig. 9.2",
        {
            "input": FIG_9_4["input"],
            "kernel": FIG_9_4["kernel"],
            "bias": 0,
            "target": [[30, 40], [60, 70]],
            "loss": "half_sse",
            "learning_rate": 0.01,
        },
    ),
)


SECTION = Section(
    "conv",
    "Convolution",
    "How each output is formed, and how the gradient flows back to the kernel and to the input (9.2.1).",
    "/conv",
    EXAMPLES,
)
