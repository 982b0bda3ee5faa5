"""Pooling layers: max and average, forward and backward (chapter 9.2.3, Fig. 9.8–9.9).

Pooling has no parameters; its backward pass only *routes* each output's gradient back
to the window that produced it. Forward records, for every window, the fraction of the
gradient each of its cells will receive — the "mask" of Fig. 9.9 — and backward spreads
``∂L/∂O`` with it:

- average: every cell of a ``k_h × k_w`` window gets ``1/(k_h·k_w)`` (Fig. 9.8: 4 ÷ 4 = 1);
- max, ``ties="first"``: the first maximum in row-major order gets all of it (PyTorch on the CPU);
- max, ``ties="all"``: every tied maximum gets all of it (the gradient is then duplicated);
- max, ``ties="split"``: the tied maxima share it evenly.

Overlapping windows (stride < size) add their shares into the same cell. Padding follows
PyTorch's defaults: max pads with −∞ (never a maximum), average pads with zeros that count in
the divisor — so the shares landing on the padding are lost when the padding is cropped, and
``Σ ∂L/∂I = Σ ∂L/∂O`` holds only for max pooling (``first``/``split``) and unpadded averages.

Shapes:
    input  I : C × n_h × n_w
    output O : C × out_h × out_w, out = ⌊(n − k + p + s)/s⌋ per axis
    weights  : C × out_h × out_w × k_h × k_w (each window's share of its output's gradient)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .errors import InvalidInput, shape_text
from .geometry import AxisSize, Pair, Sides, axis_size

PoolMode = Literal["max", "avg"]
TieRule = Literal["first", "all", "split"]


@dataclass(frozen=True)
class PoolSpec:
    """The window, how it slides, the padding per side, and the max-pooling tie rule."""

    mode: PoolMode
    size: Pair
    stride: Pair
    padding: Sides = (0, 0, 0, 0)  # top, bottom, left, right
    ties: TieRule = "first"


class PoolCache(NamedTuple):
    input: np.ndarray
    padded_input: np.ndarray  # C × H_p × W_p, padded with −∞ (max) or zeros (avg)
    weights: np.ndarray  # C × out_h × out_w × k_h × k_w
    spec: PoolSpec
    size_h: AxisSize
    size_w: AxisSize


class PoolGrads(NamedTuple):
    window_grads: np.ndarray  # C × out_h × out_w × k_h × k_w: ∂L/∂O[c,i,j] × weights[c,i,j]
    grad_padded_input: np.ndarray  # C × H_p × W_p, the window shares accumulated
    grad_input: np.ndarray  # ∂L/∂I: the padding cropped, C × n_h × n_w


def check_padding(spec: PoolSpec) -> None:
    """PyTorch allows at most half a window of padding on a side (``p ≤ ⌊k/2⌋``).

    With more, a window could lie wholly in the padding, and a max pool would output −∞.
    """
    (k_h, k_w), (top, bottom, left, right) = spec.size, spec.padding
    if max(top, bottom) > k_h // 2 or max(left, right) > k_w // 2:
        raise InvalidInput(
            "padding",
            f"at most half the window per side: a {k_h}×{k_w} window allows {k_h // 2} row(s) and "
            f"{k_w // 2} column(s) of padding, got {list(spec.padding)} (top, bottom, left, right)",
        )


def pool_geometry(shape: tuple[int, ...], spec: PoolSpec) -> tuple[AxisSize, AxisSize]:
    """Output size per axis for a ``C × n_h × n_w`` input; an error names `padding` or `size` where PyTorch
    would refuse the layer."""
    check_padding(spec)
    (k_h, k_w), (s_h, s_w) = spec.size, spec.stride
    top, bottom, left, right = spec.padding
    size_h = axis_size(shape[1], k_h, top + bottom, s_h)
    size_w = axis_size(shape[2], k_w, left + right, s_w)
    if size_h.out < 1 or size_w.out < 1:
        raise InvalidInput(
            "size",
            f"the {k_h}×{k_w} window is larger than the {size_h.n + size_h.p}×{size_w.n + size_w.p} padded input",
        )
    return size_h, size_w


def pad(x: np.ndarray, spec: PoolSpec) -> np.ndarray:
    top, bottom, left, right = spec.padding
    fill = -np.inf if spec.mode == "max" else 0.0
    return np.pad(x, ((0, 0), (top, bottom), (left, right)), constant_values=fill)


def crop(padded: np.ndarray, spec: PoolSpec) -> np.ndarray:
    """The padding cut off again: ``C × H_p × W_p`` → ``C × n_h × n_w``."""
    top, bottom, left, right = spec.padding
    h_p, w_p = padded.shape[1:]
    return np.ascontiguousarray(padded[:, top : h_p - bottom, left : w_p - right])


def padding_gradient(grad_padded: np.ndarray, spec: PoolSpec) -> float:
    """Σ of the gradient landing on the padded border of ∂L/∂P: the shares cropped away with the padding.

    Summed from the border cells themselves, not as Σ ∂L/∂P − Σ ∂L/∂I, whose rounding leaves a
    residue such as −8.9e−16 where nothing landed: max pooling pads with −∞, which is never a
    window's maximum, so its border receives nothing and this is exactly 0.
    """
    top, bottom, left, right = spec.padding
    h_p, w_p = grad_padded.shape[1:]
    border = np.ones((h_p, w_p), dtype=bool)
    border[top : h_p - bottom, left : w_p - right] = False
    return float(grad_padded[:, border].sum())


def windows_of(padded: np.ndarray, spec: PoolSpec) -> np.ndarray:
    """Every window as a read-only view, ``C × out_h × out_w × k_h × k_w``."""
    return sliding_window_view(padded, spec.size, axis=(1, 2))[:, :: spec.stride[0], :: spec.stride[1]]


def scatter_windows(per_window: np.ndarray, spec: PoolSpec, padded_shape: tuple[int, ...]) -> np.ndarray:
    """Add each window's ``k_h × k_w`` values into the padded cells it covers; overlaps accumulate.

    One strided slice per window tap, vectorised over every window.
    """
    _, out_h, out_w, k_h, k_w = per_window.shape
    s_h, s_w = spec.stride
    total = np.zeros(padded_shape)
    for u in range(k_h):
        for v in range(k_w):
            total[:, u : u + s_h * out_h : s_h, v : v + s_w * out_w : s_w] += per_window[:, :, :, u, v]
    return total


def pool_forward(x: np.ndarray, spec: PoolSpec) -> tuple[np.ndarray, PoolCache]:
    """O[c,i,j] = max or mean of P[c, i·s_h : i·s_h + k_h, j·s_w : j·s_w + k_w]; records each window's weights."""
    size_h, size_w = pool_geometry(x.shape, spec)
    padded = pad(x, spec)
    k_h, k_w = spec.size
    windows = windows_of(padded, spec)
    flat = windows.reshape(*windows.shape[:3], k_h * k_w)
    if spec.mode == "avg":
        out = flat.mean(axis=-1)
        weights = np.full(flat.shape, 1.0 / (k_h * k_w))
    else:
        out = flat.max(axis=-1)
        weights = _max_weights(flat, out, spec.ties)
    cache = PoolCache(x, padded, weights.reshape(windows.shape), spec, size_h, size_w)
    return out, cache


def _max_weights(flat: np.ndarray, out: np.ndarray, ties: TieRule) -> np.ndarray:
    """The mask of Fig. 9.9 for windows flattened row-major (… × k_h·k_w)."""
    if ties == "first":
        weights = np.zeros(flat.shape)
        np.put_along_axis(weights, flat.argmax(axis=-1)[..., None], 1.0, axis=-1)
        return weights
    is_max = (flat == out[..., None]).astype(float)
    if ties == "all":
        return is_max
    return is_max / is_max.sum(axis=-1, keepdims=True)


def pool_backward(grad_output: np.ndarray, cache: PoolCache) -> PoolGrads:
    """Spread each ∂L/∂O[c,i,j] over its window by the recorded weights; overlaps add up."""
    expected = (cache.input.shape[0], cache.size_h.out, cache.size_w.out)
    if grad_output.shape != expected:
        raise InvalidInput(
            "grad_output", f"must match the output's shape {shape_text(expected)}, got {shape_text(grad_output.shape)}"
        )
    window_grads = grad_output[..., None, None] * cache.weights
    grad_padded = scatter_windows(window_grads, cache.spec, cache.padded_input.shape)
    return PoolGrads(window_grads, grad_padded, crop(grad_padded, cache.spec))


def window_maxima(cache: PoolCache) -> np.ndarray:
    """``C × out_h × out_w × k_h × k_w``: True on every cell holding its window's maximum, ties included."""
    windows = windows_of(cache.padded_input, cache.spec)
    return windows == windows.max(axis=(-2, -1), keepdims=True)


def window_origins(cache: PoolCache) -> tuple[np.ndarray, np.ndarray]:
    """Each window's top row (per output row) and left column (per output column) in input coordinates.

    Negative where the window starts in the padding.
    """
    top, _, left, _ = cache.spec.padding
    s_h, s_w = cache.spec.stride
    return np.arange(cache.size_h.out) * s_h - top, np.arange(cache.size_w.out) * s_w - left


def first_maxima(cache: PoolCache) -> np.ndarray:
    """``C × out_h × out_w × 2``: [row, col] in the input of each window's first maximum in row-major order.

    The cell PyTorch's ``max_pool2d(return_indices=True)`` names, whatever tie rule routes the gradient.
    """
    k_w = cache.spec.size[1]
    first = window_maxima(cache).reshape(*cache.weights.shape[:3], -1).argmax(axis=-1)
    rows, cols = window_origins(cache)
    return np.stack([rows[None, :, None] + first // k_w, cols[None, None, :] + first % k_w], axis=-1)


def pool_loop(x: np.ndarray, grad_output: np.ndarray, spec: PoolSpec) -> tuple[np.ndarray, np.ndarray]:
    """The slow, obviously-correct twin: one window at a time, returning ``(O, ∂L/∂I)``.

    Written straight from the definitions so the vectorised pass can be tested against it,
    including the tie rules PyTorch does not have.
    """
    size_h, size_w = pool_geometry(x.shape, spec)
    padded = pad(x, spec)
    (k_h, k_w), (s_h, s_w) = spec.size, spec.stride
    out = np.zeros((x.shape[0], size_h.out, size_w.out))
    grad_padded = np.zeros(padded.shape)
    for c in range(x.shape[0]):
        for i in range(size_h.out):
            for j in range(size_w.out):
                rows, cols = slice(i * s_h, i * s_h + k_h), slice(j * s_w, j * s_w + k_w)
                window = padded[c, rows, cols]
                g = grad_output[c, i, j]
                if spec.mode == "avg":
                    out[c, i, j] = window.sum() / (k_h * k_w)
                    grad_padded[c, rows, cols] += g / (k_h * k_w)
                    continue
                out[c, i, j] = window.max()
                maxima = [(u, v) for u in range(k_h) for v in range(k_w) if window[u, v] == out[c, i, j]]
                chosen = maxima[:1] if spec.ties == "first" else maxima
                share = g / len(maxima) if spec.ties == "split" else g
                for u, v in chosen:
                    grad_padded[c, i * s_h + u, j * s_w + v] += share
    top, bottom, left, right = spec.padding
    h_p, w_p = padded.shape[1:]
    return out, grad_padded[:, top : h_p - bottom, left : w_p - right]
