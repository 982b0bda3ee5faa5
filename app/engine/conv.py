"""Convolution layer: forward (eq. 9.5) and backward (eq. 9.8, 9.9), chapter 9.2.1.

The backward pass follows the chapter's recipe step by step rather than the
shortest route, because each step is something the learner is shown:

1. stride-upsample ∂L/∂O (insert ``s−1`` zeros, fill bottom/right to the stride-1 size);
2. ∂L/∂F = P ⋆ G↑, a valid cross-correlation of the *padded* input (eq. 9.8, Fig. 9.5);
3. ∂L/∂P = full(G↑, F¹⁸⁰), the full convolution with the rotated kernel (eq. 9.9, Fig. 9.6–9.7);
4. crop the padding from ∂L/∂P to get ∂L/∂I.

Shapes (canonical, the API flattens plain matrices in and out):
    input  I : C_in × n_h × n_w
    kernel F : C_out × C_in × k_h × k_w
    bias   b : C_out
    output O : C_out × out_h × out_w
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np

from .errors import InvalidInput
from .geometry import AxisSize, Pair, Sides, axis_size, effective_size

ConvMode = Literal["cross_correlation", "convolution"]

# Past this many numbers the unfolded padded G↑ of the full convolution outgrows the CPU cache,
# and the scatter form of eq. 9.9 is faster (measured in bench/conv.py).
UNFOLD_LIMIT = 100_000


@dataclass(frozen=True)
class ConvSpec:
    """How the kernel slides: stride, per-side padding, dilation, and whether it is flipped."""

    stride: Pair = (1, 1)
    padding: Sides = (0, 0, 0, 0)  # top, bottom, left, right
    dilation: Pair = (1, 1)
    mode: ConvMode = "cross_correlation"


class ConvCache(NamedTuple):
    """What forward hands to backward and to the explanations."""

    input: np.ndarray
    padded_input: np.ndarray  # P, C_in × H_p × W_p
    kernel: np.ndarray
    sliding_kernel: np.ndarray  # the kernel as it slides over P: flipped (convolution mode), dilated
    columns: np.ndarray  # every receptive field of P as a column: (C_in·k_h·k_w) × (out_h·out_w)
    spec: ConvSpec
    size_h: AxisSize
    size_w: AxisSize


class ConvGrads(NamedTuple):
    """Every named intermediate of the backward pass, in the chapter's order."""

    upsampled_grad: np.ndarray  # G↑, C_out × (H_p − k_h + 1) × (W_p − k_w + 1)
    grad_kernel: np.ndarray  # ∂L/∂F, C_out × C_in × k_h × k_w
    grad_bias: np.ndarray  # ∂L/∂b, C_out
    rotated_kernel: np.ndarray  # F¹⁸⁰ of the sliding kernel
    padded_upsampled_grad: np.ndarray  # G↑ zero-padded by k−1 on every side
    grad_padded_input: np.ndarray  # ∂L/∂P, C_in × H_p × W_p
    grad_input: np.ndarray  # ∂L/∂I, C_in × n_h × n_w


def zero_pad(a: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    """Zeros around the last two axes (a fresh C-contiguous array; cheaper than ``np.pad``)."""
    *lead, h, w = a.shape
    padded = np.zeros((*lead, h + top + bottom, w + left + right))
    padded[..., top : top + h, left : left + w] = a
    return padded


def windows(a: np.ndarray, k: Pair, stride: Pair = (1, 1), dilation: Pair = (1, 1)) -> np.ndarray:
    """Every receptive field of `a` (C × H × W) as a read-only view, C × out_h × out_w × k_h × k_w.

    The view shares `a`'s memory: window (i, j), tap (u, v) is ``a[:, i·s_h + u·d_h, j·s_w + v·d_w]``.
    """
    a = np.ascontiguousarray(a)
    c, h, w = a.shape
    sc, sh, sw = a.strides
    span_h, span_w = effective_size(k[0], dilation[0]), effective_size(k[1], dilation[1])
    shape = (c, (h - span_h) // stride[0] + 1, (w - span_w) // stride[1] + 1, k[0], k[1])
    strides = (sc, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1])
    view = np.ndarray(shape, a.dtype, a, 0, strides)
    view.flags.writeable = False
    return view


def unfold(fields: np.ndarray) -> np.ndarray:
    """Receptive fields C × out_h × out_w × k_h × k_w as one matrix (C·k_h·k_w) × (out_h·out_w).

    One contiguous copy turns every sum of eq. 9.5, 9.8 and 9.9 into a single matrix product.
    """
    c, out_h, out_w, k_h, k_w = fields.shape
    return np.ascontiguousarray(fields.transpose(0, 3, 4, 1, 2)).reshape(c * k_h * k_w, out_h * out_w)


def send_back(taps: np.ndarray, grad_output: np.ndarray, shape: Pair, stride: Pair, dilation: Pair) -> np.ndarray:
    """The full convolution of eq. 9.9 in scatter form: Σ over windows of ∂L/∂O_ij · F, each added
    back onto its window of a C_in × H × W grid (overlapping windows accumulate, as gradients must).

    `taps` is C_out × C_in × k_h × k_w (the kernel without its dilation zeros). The sum is split by
    kernel row: along the width it is a one-dimensional full convolution of ∂L/∂O (its columns
    stride-upsampled) with every kernel row at once, one matrix product over a
    (C_out·k_w) × (out_h·W) unfolding; each kernel row's result is then added onto the rows of the
    grid it reaches. That unfolding is k_h times smaller than the two-dimensional one of the
    zero-padded G↑, and only the width carries the stride's zeros.
    """
    c_out, c_in, k_h, k_w = taps.shape
    out_h, out_w = grad_output.shape[1:]
    span_w = effective_size(k_w, dilation[1])
    upsampled_w = (out_w - 1) * stride[1] + 1
    wide = np.zeros((c_out, out_h, upsampled_w + 2 * (span_w - 1)))
    wide[:, :, span_w - 1 : span_w - 1 + upsampled_w : stride[1]] = grad_output
    reach_w = upsampled_w + span_w - 1  # the padded width, less any columns no window covered
    columns = unfold(windows(wide, (1, k_w), dilation=(1, dilation[1])))  # (C_out·k_w) × (out_h·reach_w)
    # Window tap t reads the column of kernel tap k_w − 1 − t: the kernel row rotated, as in eq. 9.9.
    weights = taps[..., ::-1].transpose(2, 1, 0, 3).reshape(k_h * c_in, c_out * k_w)
    rows = (weights @ columns).reshape(k_h, c_in, out_h, reach_w)
    grid = np.zeros((c_in, *shape))
    reach_h = (out_h - 1) * stride[0] + 1
    for u in range(k_h):
        top = u * dilation[0]
        grid[:, top : top + reach_h : stride[0], :reach_w] += rows[u]
    return grid


def conv2d_forward(
    x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None, spec: ConvSpec
) -> tuple[np.ndarray, ConvCache]:
    """O[co,i,j] = b[co] + Σ_ci Σ_u Σ_v P[ci, i·s_h + u·d_h, j·s_w + v·d_w] · F[co,ci,u,v] (eq. 9.5)."""
    c_out, c_in, k_h, k_w = kernel.shape
    if x.shape[0] != c_in:
        raise InvalidInput(
            "kernel", f"each kernel has {c_in} input channel(s) but the input has {x.shape[0]} channel(s)"
        )
    if bias is not None and bias.shape != (c_out,):
        raise InvalidInput("bias", f"needs one number per kernel ({c_out}), got {bias.size}")
    top, bottom, left, right = spec.padding
    d_h, d_w = spec.dilation
    size_h = axis_size(x.shape[1], effective_size(k_h, d_h), top + bottom, spec.stride[0])
    size_w = axis_size(x.shape[2], effective_size(k_w, d_w), left + right, spec.stride[1])
    if size_h.out < 1 or size_w.out < 1:
        raise InvalidInput(
            "kernel",
            f"the {size_h.k}×{size_w.k} kernel (after dilation) is larger than the "
            f"{size_h.n + size_h.p}×{size_w.n + size_w.p} padded input",
        )

    padded = zero_pad(x, top, bottom, left, right)
    flipped = kernel[:, :, ::-1, ::-1] if spec.mode == "convolution" else kernel
    sliding = np.zeros((c_out, c_in, size_h.k, size_w.k))
    sliding[:, :, ::d_h, ::d_w] = flipped

    columns = unfold(windows(padded, (k_h, k_w), spec.stride, spec.dilation))  # (C_in·k_h·k_w) × (out_h·out_w)
    out = (flipped.reshape(c_out, -1) @ columns).reshape(c_out, size_h.out, size_w.out)
    if bias is not None:
        out += bias[:, None, None]
    return out, ConvCache(x, padded, kernel, sliding, columns, spec, size_h, size_w)


def stride_upsample(grad_output: np.ndarray, stride: Pair, shape: Pair) -> np.ndarray:
    """Insert ``s−1`` zeros between neighbours and fill the bottom/right to `shape`."""
    upsampled = np.zeros((grad_output.shape[0], *shape))
    upsampled[:, :: stride[0], :: stride[1]] = grad_output
    return upsampled


def conv2d_backward(grad_output: np.ndarray, cache: ConvCache) -> ConvGrads:
    """∂L/∂F (eq. 9.8), ∂L/∂b and ∂L/∂I (eq. 9.9) from ∂L/∂O, through the chapter's intermediates."""
    expected = (cache.kernel.shape[0], cache.size_h.out, cache.size_w.out)
    if grad_output.shape != expected:
        raise InvalidInput(
            "grad_output", f"must match the output's shape {_shape(expected)}, got {_shape(grad_output.shape)}"
        )
    spec = cache.spec
    k = cache.kernel.shape[2:]
    span_h, span_w = cache.sliding_kernel.shape[2:]
    h_p, w_p = cache.padded_input.shape[1:]
    upsampled = stride_upsample(grad_output, spec.stride, (h_p - span_h + 1, w_p - span_w + 1))

    # eq. 9.8: G↑ slides over P. Its inserted zeros multiply cells no window used, so the sum
    # runs over the forward pass's own receptive fields, weighted by ∂L/∂O.
    c_out, c_in = cache.kernel.shape[:2]
    grad_kernel = (grad_output.reshape(c_out, -1) @ cache.columns.T).reshape(cache.kernel.shape)
    if spec.mode == "convolution":
        grad_kernel = grad_kernel[:, :, ::-1, ::-1]

    # eq. 9.9: the full convolution of G↑ with the kernel rotated by 180°.
    rotated = cache.sliding_kernel[:, :, ::-1, ::-1].copy()
    padded_upsampled = zero_pad(upsampled, span_h - 1, span_h - 1, span_w - 1, span_w - 1)
    if c_out * k[0] * k[1] * h_p * w_p <= UNFOLD_LIMIT:
        # As written: F¹⁸⁰ slides over the zero-padded G↑, one matrix product over its windows.
        full = unfold(windows(padded_upsampled, k, dilation=spec.dilation))  # (C_out·k_h·k_w) × (H_p·W_p)
        taps = rotated[:, :, :: spec.dilation[0], :: spec.dilation[1]]  # F¹⁸⁰ without its dilation zeros
        grad_padded = (taps.transpose(1, 0, 2, 3).reshape(c_in, -1) @ full).reshape(c_in, h_p, w_p)
    else:
        # The same sums in scatter form: each ∂L/∂O cell sends ∂L/∂O_ij·F back onto its window,
        # which skips the zeros of G↑ and never builds the large unfolded matrix.
        taps = cache.sliding_kernel[:, :, :: spec.dilation[0], :: spec.dilation[1]]
        grad_padded = send_back(taps, grad_output, (h_p, w_p), spec.stride, spec.dilation)
    top, bottom, left, right = spec.padding
    grad_input = grad_padded[:, top : h_p - bottom, left : w_p - right]

    return ConvGrads(
        upsampled_grad=upsampled,
        grad_kernel=np.ascontiguousarray(grad_kernel),
        grad_bias=grad_output.sum(axis=(1, 2)),
        rotated_kernel=rotated,
        padded_upsampled_grad=padded_upsampled,
        grad_padded_input=grad_padded,
        grad_input=np.ascontiguousarray(grad_input),
    )


def sgd_step(param: np.ndarray, grad: np.ndarray, learning_rate: float) -> np.ndarray:
    """One plain gradient-descent update, ``F − α·∂L/∂F`` (Fig. 9.2)."""
    return param - learning_rate * grad


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape)
