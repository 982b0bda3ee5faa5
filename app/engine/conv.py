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
from numpy.lib.stride_tricks import sliding_window_view

from .errors import InvalidInput
from .geometry import AxisSize, Pair, Sides, axis_size, effective_size

ConvMode = Literal["cross_correlation", "convolution"]


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
    s_h, s_w = spec.stride
    size_h = axis_size(x.shape[1], effective_size(k_h, d_h), top + bottom, s_h)
    size_w = axis_size(x.shape[2], effective_size(k_w, d_w), left + right, s_w)
    if size_h.out < 1 or size_w.out < 1:
        raise InvalidInput(
            "kernel",
            f"the {size_h.k}×{size_w.k} kernel (after dilation) is larger than the "
            f"{size_h.n + size_h.p}×{size_w.n + size_w.p} padded input",
        )

    padded = np.pad(x, ((0, 0), (top, bottom), (left, right)))
    flipped = kernel[:, :, ::-1, ::-1] if spec.mode == "convolution" else kernel
    sliding = np.zeros((c_out, c_in, size_h.k, size_w.k))
    sliding[:, :, ::d_h, ::d_w] = flipped

    windows = sliding_window_view(padded, (size_h.k, size_w.k), axis=(1, 2))[:, ::s_h, ::s_w, ::d_h, ::d_w]
    out = np.tensordot(flipped, windows, axes=([1, 2, 3], [0, 3, 4]))  # C_out × out_h × out_w
    if bias is not None:
        out += bias[:, None, None]
    cache = ConvCache(x, padded, kernel, sliding, spec, size_h, size_w)
    return out, cache


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
    padded = cache.padded_input
    k_h, k_w = cache.sliding_kernel.shape[2:]
    h_p, w_p = padded.shape[1:]
    upsampled = stride_upsample(grad_output, spec.stride, (h_p - k_h + 1, w_p - k_w + 1))

    # eq. 9.8: the upsampled gradient slides over the padded input.
    patches = sliding_window_view(padded, upsampled.shape[1:], axis=(1, 2))  # C_in × k_h × k_w × G↑
    grad_sliding = np.tensordot(upsampled, patches, axes=([1, 2], [3, 4]))  # C_out × C_in × k_h × k_w
    grad_kernel = grad_sliding[:, :, :: spec.dilation[0], :: spec.dilation[1]]
    if spec.mode == "convolution":
        grad_kernel = grad_kernel[:, :, ::-1, ::-1]

    # eq. 9.9: full convolution of G↑ with the kernel rotated by 180°.
    rotated = cache.sliding_kernel[:, :, ::-1, ::-1]
    padded_upsampled = np.pad(upsampled, ((0, 0), (k_h - 1, k_h - 1), (k_w - 1, k_w - 1)))
    full_windows = sliding_window_view(padded_upsampled, (k_h, k_w), axis=(1, 2))  # C_out × H_p × W_p × k
    grad_padded = np.tensordot(rotated, full_windows, axes=([0, 2, 3], [0, 3, 4]))  # C_in × H_p × W_p
    top, bottom, left, right = spec.padding
    grad_input = grad_padded[:, top : h_p - bottom, left : w_p - right]

    return ConvGrads(
        upsampled_grad=upsampled,
        grad_kernel=np.ascontiguousarray(grad_kernel),
        grad_bias=grad_output.sum(axis=(1, 2)),
        rotated_kernel=np.ascontiguousarray(rotated),
        padded_upsampled_grad=padded_upsampled,
        grad_padded_input=grad_padded,
        grad_input=np.ascontiguousarray(grad_input),
    )


def sgd_step(param: np.ndarray, grad: np.ndarray, learning_rate: float) -> np.ndarray:
    """One plain gradient-descent update, ``F − α·∂L/∂F`` (Fig. 9.2)."""
    return param - learning_rate * grad


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape)
