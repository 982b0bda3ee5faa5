"""Convolution exercises: O, ∂L/∂F and ∂L/∂I (and ∂L/∂b with a bias) of a small layer, all whole numbers.

Integer input, kernel and ∂L/∂O keep every sum of products of eq. 9.5, 9.8 and 9.9 whole;
the draw only has to keep them small and make the known mistakes show.
"""

from __future__ import annotations

import numpy as np

from ..conv import ConvSpec
from ..errors import InvalidInput
from ..mistakes.conv import MISTAKES, ConvProblem, conv_results
from . import Draw, Exercise, Ranges, hidden_mistakes, integers, is_short, pick, plain, uniform_int

# Value ranges by difficulty: input, kernel, ∂L/∂O, bias (None: no bias); and the largest answer allowed.
VALUES = {
    "easy": ((0, 3), (-1, 2), (-1, 2), None, 60),
    "medium": ((-2, 3), (-2, 2), (-2, 2), (-2, 2), 99),
    "hard": ((-3, 3), (-2, 2), (-2, 2), (-3, 3), 199),
}


def conv_exercise(rng: np.random.Generator, ranges: Ranges, difficulty: str) -> Exercise:
    fits = [(k, p) for k in _span(ranges.window) for p in _span(ranges.padding) if k <= ranges.input[1] + 2 * p]
    if not fits:
        raise InvalidInput(
            "window_min",
            f"a {ranges.window[0]}×{ranges.window[0]} kernel is larger than the largest padded input "
            f"({ranges.input[1]} + 2·{ranges.padding[1]} per side)",
        )
    return pick(
        rng, lambda r: _draw(r, ranges, difficulty, fits), "difficulty", "no layer in these ranges has small answers"
    )


def _span(span: tuple[int, int]) -> range:
    return range(span[0], span[1] + 1)


def _draw(rng: np.random.Generator, ranges: Ranges, difficulty: str, fits: list[tuple[int, int]]) -> Draw:
    k, p = fits[int(rng.integers(len(fits)))]
    lowest = max(ranges.input[0], k - 2 * p, 1)
    n_h, n_w = uniform_int(rng, (lowest, ranges.input[1])), uniform_int(rng, (lowest, ranges.input[1]))
    s = uniform_int(rng, ranges.stride or (1, 1))
    c_in, c_out = uniform_int(rng, ranges.channels), uniform_int(rng, ranges.kernels)
    (x_lo, x_hi), (k_lo, k_hi), (g_lo, g_hi), bias_span, bound = VALUES[difficulty]
    x = integers(rng, x_lo, x_hi, (c_in, n_h, n_w))
    kernel = integers(rng, k_lo, k_hi, (c_out, c_in, k, k))
    out_h, out_w = (n_h + 2 * p - k) // s + 1, (n_w + 2 * p - k) // s + 1
    grad_output = integers(rng, g_lo, g_hi, (c_out, out_h, out_w))
    bias = None if bias_span is None else integers(rng, *bias_span, (c_out,))

    spec = ConvSpec((s, s), (p, p, p, p))
    right = conv_results(x, kernel, bias, spec, grad_output, None)
    asks = ("output", "grad_kernel", "grad_input") + (("grad_bias",) if bias is not None else ())
    one_map = c_in == 1 and c_out == 1
    body = {
        "input": plain(x[0] if c_in == 1 else x),
        "kernel": plain(kernel[0, 0] if one_map else kernel),
        "stride": s,
        "padding": p,
        "grad_output": plain(grad_output[0] if one_map else grad_output),
    }
    if bias is not None:
        body["bias"] = plain(bias[0]) if one_map else plain(bias)
    problem = ConvProblem(x, kernel, bias, spec, grad_output, None, None, None)
    short = is_short(bound, *(right[name] for name in asks))
    return Draw(Exercise(body, asks), short, hidden_mistakes(MISTAKES, problem, right, asks) if short else 0)
