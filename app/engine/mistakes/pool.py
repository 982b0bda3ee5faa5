"""Mistakes in routing a pooling layer's gradient back (chapter 9.2.3, Fig. 9.8–9.9).

Pooling's backward pass only decides which cells of each window receive which share of
the window's ∂L/∂O, so every mistake here is a different set of shares spread by the
engine's own scatter. Shapes: input C × n_h × n_w, ∂L/∂O C × out_h × out_w.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from ..pool import PoolSpec, crop, pad, pool_backward, pool_forward, scatter_windows, window_maxima, windows_of
from . import Mistake, StageHint, Variant


class PoolProblem(NamedTuple):
    """A pooling layer with its upstream gradient, as the learner was given it."""

    input: np.ndarray  # C × n_h × n_w
    spec: PoolSpec
    grad_output: np.ndarray  # ∂L/∂O, C × out_h × out_w


def _spread(p: PoolProblem, weights: np.ndarray) -> dict[str, np.ndarray]:
    """∂L/∂I and the mask for per-window shares `weights` (C × out_h × out_w × k_h × k_w), overlaps added."""
    shape = pad(p.input, p.spec).shape
    grad = scatter_windows(p.grad_output[..., None, None] * weights, p.spec, shape)
    mask = scatter_windows((weights > 0).astype(float), p.spec, shape)
    return {"grad_input": crop(grad, p.spec), "mask": crop(mask, p.spec)}


def _window_shape(p: PoolProblem) -> tuple[int, ...]:
    return (*p.grad_output.shape, *p.spec.size)


def max_grad_to_every_cell(p: PoolProblem) -> list[Variant]:
    """Every cell of a max-pooling window receives the window's whole ∂L/∂O."""
    if p.spec.mode != "max":
        return []
    return [Variant(_spread(p, np.ones(_window_shape(p))))]


def max_grad_split_evenly(p: PoolProblem) -> list[Variant]:
    """A max-pooling window's ∂L/∂O divided evenly among its cells, as average pooling does."""
    if p.spec.mode != "max":
        return []
    k_h, k_w = p.spec.size
    return [Variant(_spread(p, np.full(_window_shape(p), 1.0 / (k_h * k_w))))]


def avg_grad_not_divided(p: PoolProblem) -> list[Variant]:
    """Every cell of an average-pooling window receives the whole ∂L/∂O, not 1/(k_h·k_w) of it."""
    if p.spec.mode != "avg" or p.spec.size == (1, 1):
        return []
    return [Variant({"grad_input": _spread(p, np.ones(_window_shape(p)))["grad_input"]})]


def avg_grad_to_maximum(p: PoolProblem) -> list[Variant]:
    """An average-pooling gradient routed to each window's maximum, as max pooling would."""
    if p.spec.mode != "avg":
        return []
    as_max = replace(p.spec, mode="max", ties="first")
    _, cache = pool_forward(p.input, as_max)
    return [Variant({"grad_input": pool_backward(p.grad_output, cache).grad_input})]


_TIE_DETAILS = {
    "first": "You sent the gradient to the first maximum only (row-major order).",
    "all": "You sent the whole gradient to every tied maximum.",
    "split": "You split the gradient evenly among the tied maxima.",
}


def tie_rule(p: PoolProblem) -> list[Variant]:
    """A window with a repeated maximum routed by another tie rule than the problem's `ties`."""
    if p.spec.mode != "max":
        return []
    _, cache = pool_forward(p.input, p.spec)
    if not (window_maxima(cache).sum(axis=(-2, -1)) > 1).any():
        return []
    variants = []
    for rule in ("first", "all", "split"):
        if rule != p.spec.ties:
            _, other = pool_forward(p.input, replace(p.spec, ties=rule))
            variants.append(Variant(_spread(p, other.weights), _TIE_DETAILS[rule]))
    return variants


def overlaps_not_accumulated(p: PoolProblem) -> list[Variant]:
    """Overlapping windows (stride < size): a cell keeps one window's share instead of adding them all.

    Written over, as a loop that assigns instead of adding: the last window in row-major order that
    sends the cell a share wins; or the first, for a learner who skipped cells already filled. A
    window's rank is spread onto its cells like a share, keeping the highest rank per cell.
    """
    (k_h, k_w), (s_h, s_w) = p.spec.size, p.spec.stride
    if s_h >= k_h and s_w >= k_w:
        return []
    _, cache = pool_forward(p.input, p.spec)
    shares = p.grad_output[..., None, None] * cache.weights
    _, out_h, out_w = p.grad_output.shape
    order = np.arange(out_h * out_w, dtype=float).reshape(1, out_h, out_w, 1, 1)
    taps = [
        (u, v, np.s_[:, u : u + s_h * out_h : s_h, v : v + s_w * out_w : s_w]) for u in range(k_h) for v in range(k_w)
    ]
    variants = []
    for sign, which in ((1.0, "last"), (-1.0, "first")):
        rank = np.where(cache.weights > 0, sign * order, -np.inf)
        best = np.full(cache.padded_input.shape, -np.inf)
        for u, v, cells in taps:
            best[cells] = np.maximum(best[cells], rank[..., u, v])
        grid = np.zeros(cache.padded_input.shape)
        for u, v, cells in taps:
            wins = (rank[..., u, v] == best[cells]) & (rank[..., u, v] > -np.inf)
            grid[cells] = np.where(wins, shares[..., u, v], grid[cells])
        detail = f"Each cell kept only the share from the {which} window (row-major) that reaches it."
        variants.append(Variant({"grad_input": crop(grid, p.spec)}, detail))
    return variants


def avg_padding_not_counted(p: PoolProblem) -> list[Variant]:
    """Average pooling divided by the window's cells inside the input only, leaving out the padding's zeros."""
    if p.spec.mode != "avg" or not any(p.spec.padding):
        return []
    inside = windows_of(pad(np.ones(p.input.shape), p.spec), p.spec)  # 1 on real cells, 0 on padding
    counts = inside.sum(axis=(-2, -1))
    output = (windows_of(pad(p.input, p.spec), p.spec) * inside).sum(axis=(-2, -1)) / counts
    weights = inside / counts[..., None, None]
    return [Variant({"output": output, "grad_input": _spread(p, weights)["grad_input"]})]


def _stage(stage: str, field: str) -> StageHint:
    return StageHint("/pool", stage, field)


MISTAKES: tuple[Mistake[PoolProblem], ...] = (
    Mistake(
        "max_grad_to_every_cell",
        "Max-pooling gradient sent to every cell",
        "Max pooling gives each window's gradient to the one cell that held the maximum in the forward pass, "
        "zero to the others; it went to every cell of the window (chapter 9.2.3, Fig. 9.9).",
        "whenever each window has one cell",
        ("grad_input", "mask"),
        _stage("backward", "mask"),
        max_grad_to_every_cell,
    ),
    Mistake(
        "max_grad_split_evenly",
        "Max-pooling gradient split evenly",
        "The gradient was split evenly over the window, as average pooling does (Fig. 9.8); max pooling gives "
        "it all to the cell that held the maximum (chapter 9.2.3, Fig. 9.9).",
        "whenever each window has one cell",
        ("grad_input", "mask"),
        _stage("backward", "mask"),
        max_grad_split_evenly,
    ),
    Mistake(
        "avg_grad_not_divided",
        "Average-pooling gradient not divided",
        "Average pooling divides each window's gradient evenly among its k_h·k_w cells (Fig. 9.8: 4 ÷ 4 = 1 "
        "each); every cell got the whole gradient.",
        "whenever the gradients are zero",
        ("grad_input",),
        _stage("backward", "windows"),
        avg_grad_not_divided,
    ),
    Mistake(
        "avg_grad_to_maximum",
        "Average-pooling gradient sent to the maximum",
        "The gradient went to each window's maximum, as max pooling does (Fig. 9.9); average pooling divides "
        "it evenly among the window's cells (chapter 9.2.3, Fig. 9.8).",
        "whenever each window has one cell",
        ("grad_input",),
        _stage("backward", "windows"),
        avg_grad_to_maximum,
    ),
    Mistake(
        "tie_rule",
        "Tied maxima routed by another rule",
        "A window holds its maximum more than once, and the gradient went to the tied maxima by another rule "
        "than this problem's `ties` (chapter 9.2.3 routes it to the maximum; frameworks differ on ties).",
        "whenever the tied windows' gradients are zero",
        ("grad_input", "mask"),
        _stage("backward", "mask"),
        tie_rule,
    ),
    Mistake(
        "overlaps_not_accumulated",
        "Overlapping shares not added",
        "Windows overlap here (stride smaller than the window), and a cell in several windows receives the sum "
        "of their shares; it kept only one (chapter 9.2.3: every window's gradient is passed back).",
        "whenever overlapping windows send nothing to their shared cells",
        ("grad_input",),
        _stage("backward", "grad_input"),
        overlaps_not_accumulated,
    ),
    Mistake(
        "avg_padding_not_counted",
        "Padding left out of the average",
        "The padding's zeros were left out of the average: here they count, so every window divides by "
        "k_h·k_w (PyTorch's default, SPEC §3), also in the backward pass (Fig. 9.8).",
        "whenever no window reaches into the padding",
        ("output", "grad_input"),
        _stage("forward", "output"),
        avg_padding_not_counted,
        {"grad_input": _stage("backward", "windows")},
    ),
)
