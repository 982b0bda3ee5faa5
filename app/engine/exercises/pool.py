"""Pooling exercises: O and ∂L/∂I of a small max or average pooling layer (Fig. 9.8–9.9).

Max pooling only moves numbers, so integers stay integers; the draw controls the ties
(none, or at least one window holding its maximum twice). Average pooling divides by
k_h·k_w, which ends within three decimals only for some windows: for the others (3×3 divides
by 9), ∂L/∂O is drawn as multiples of what the division leaves, and each window's sum is
nudged to a multiple of it through one of its cells — possible because such windows are
only drawn side by side, never overlapping.
"""

from __future__ import annotations

from math import gcd

import numpy as np

from ..errors import InvalidInput
from ..mistakes.pool import MISTAKES, PoolProblem
from ..pool import PoolSpec, pool_backward, pool_forward, window_maxima
from . import SHORT, Draw, Exercise, Options, Ranges, hidden_mistakes, integers, is_short, pick, plain, uniform_int

VALUES = {"easy": ((0, 9), (1, 4)), "medium": ((-5, 9), (-3, 4)), "hard": ((-9, 9), (-4, 4))}  # input, ∂L/∂O
BOUND = 99


def leftover(k: int) -> int:
    """What dividing by k² leaves beyond three decimals: 1 for 2×2 (÷4 = 0.25), 9 for 3×3, 2 for 4×4."""
    return k * k // gcd(k * k, SHORT)


def pool_exercise(rng: np.random.Generator, ranges: Ranges, difficulty: str, options: Options) -> Exercise:
    modes = ("max", "avg") if options.mode == "any" else (options.mode,)
    layouts = [
        (mode, k, s, p)
        for mode in modes
        for k in range(ranges.window[0], ranges.window[1] + 1)
        for s in (range(ranges.stride[0], ranges.stride[1] + 1) if ranges.stride else (k,))
        for p in range(ranges.padding[0], min(ranges.padding[1], k // 2) + 1)
        if k <= ranges.input[1] + 2 * p and (mode == "max" or s >= k or leftover(k) == 1)
    ]
    if not layouts:
        raise InvalidInput(
            "window_min",
            "no window fits these ranges: pooling pads at most half a window per side, and an average over "
            "overlapping windows has short answers only for 1×1, 2×2 and 5×5 windows",
        )
    return pick(
        rng,
        lambda r: _draw(r, ranges, difficulty, options, layouts),
        "ties",
        "no draw in these ranges has the ties asked for",
    )


def _draw(rng: np.random.Generator, ranges: Ranges, difficulty: str, options: Options, layouts: list) -> Draw:
    mode, k, s, p = layouts[int(rng.integers(len(layouts)))]
    lowest = max(ranges.input[0], k - 2 * p, 1)
    c = uniform_int(rng, ranges.channels)
    n_h, n_w = uniform_int(rng, (lowest, ranges.input[1])), uniform_int(rng, (lowest, ranges.input[1]))
    (x_lo, x_hi), (g_lo, g_hi) = VALUES[difficulty]
    x = integers(rng, x_lo, x_hi, (c, n_h, n_w))
    spec = PoolSpec(mode, (k, k), (s, s), (p, p, p, p))
    out_h, out_w = (n_h + 2 * p - k) // s + 1, (n_w + 2 * p - k) // s + 1
    step = leftover(k) if mode == "avg" else 1
    grad_output = step * integers(rng, g_lo, g_hi, (c, out_h, out_w))
    if mode == "avg" and step > 1:
        _round_window_sums(x, spec, out_h, out_w, step)
    elif options.ties == "some" and mode == "max":
        _tie_one_window(rng, x, spec, out_h, out_w)

    out, cache = pool_forward(x, spec)
    grads = pool_backward(grad_output, cache)
    tied = bool((window_maxima(cache).sum(axis=(-2, -1)) > 1).any()) if mode == "max" else False
    wanted = options.ties == "any" or mode == "avg" or tied == (options.ties == "some")
    body = {
        "input": plain(x[0] if c == 1 else x),
        "mode": mode,
        "size": k,
        "stride": s,
        "padding": p,
        "grad_output": plain(grad_output[0] if c == 1 else grad_output),
    }
    if mode == "max":
        body["ties"] = "first"
    asks = ("output", "grad_input")
    right = {"output": out, "grad_input": grads.grad_input}
    short = wanted and is_short(BOUND, out, grads.grad_input)
    return Draw(
        Exercise(body, asks),
        short,
        hidden_mistakes(MISTAKES, PoolProblem(x, spec, grad_output), right, asks) if short else 0,
    )


def _cells(spec: PoolSpec, i: int, j: int, n: tuple[int, int]) -> list[tuple[int, int]]:
    """The input cells (not padding) of window (i, j), row-major."""
    (k, _), (s, _), p = spec.size, spec.stride, spec.padding[0]
    rows = range(max(0, i * s - p), min(n[0], i * s - p + k))
    cols = range(max(0, j * s - p), min(n[1], j * s - p + k))
    return [(r, c) for r in rows for c in cols]


def _round_window_sums(x: np.ndarray, spec: PoolSpec, out_h: int, out_w: int, step: int) -> None:
    """Move one cell of each (non-overlapping) window to the nearest value that makes its sum a multiple of `step`."""
    for ch in range(x.shape[0]):
        for i in range(out_h):
            for j in range(out_w):
                r, c = _cells(spec, i, j, x.shape[1:])[-1]
                rest = sum(x[ch, a, b] for a, b in _cells(spec, i, j, x.shape[1:])) % step
                x[ch, r, c] -= rest if rest <= step // 2 else rest - step


def _tie_one_window(rng: np.random.Generator, x: np.ndarray, spec: PoolSpec, out_h: int, out_w: int) -> None:
    """Copy one window's maximum into another of its cells, so that it holds the maximum twice."""
    ch, i, j = int(rng.integers(x.shape[0])), int(rng.integers(out_h)), int(rng.integers(out_w))
    cells = _cells(spec, i, j, x.shape[1:])
    if len(cells) < 2:
        return
    values = [x[ch, r, c] for r, c in cells]
    top = int(np.argmax(values))
    other = cells[(top + 1 + int(rng.integers(len(cells) - 1))) % len(cells)]
    x[ch, other[0], other[1]] = values[top]
