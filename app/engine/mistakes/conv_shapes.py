"""Convolution mistakes as they are made by hand, in the shape they give.

The mistakes of :mod:`.conv` keep every result's shape: skipping the stride upsampling is the
stride-1 recipe on ∂L/∂O written into a G↑-sized grid, as if the learner had filled it out with
zeros. Made the natural way, these steps change the shape instead:

- ∂L/∂O slid as it is, without the s − 1 zeros between its cells: ∂L/∂F comes out larger than
  the kernel and ∂L/∂P smaller than the padded input;
- the padding left out of the forward pass: P is I and O is smaller;
- ∂L/∂F taken on I instead of P: smaller than the kernel;
- ∂L/∂P not cropped: ∂L/∂I has the padded input's shape.

An answer of such a shape cannot be marked cell by cell, but it can be recognised: `/api/v1/check`
says which of these gives the answer's shape, and whether it gives its numbers (alone, or with
the kernel unrotated or the loss scaled as well). The sums are the chapter's, written with the
engine's own windows; dilation is left out (a dilated kernel's natural mistakes are too many).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from ..conv import conv2d_forward, stride_upsample, windows, zero_pad
from . import Mistake, StageHint, Variant, pairs, rotate_180
from .conv import ALTERNATIVES, ALTERS, MISTAKES, ConvProblem

_LEFT_OUT = {"upsample", "pad", "crop"}


def natural(p: ConvProblem, left_out: frozenset[str], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Results `names` as written down by a learner who leaves out the steps in `left_out`, in the shapes they come in.

    A result that cannot be computed that way (a kernel larger than the unpadded input) is missing.
    """
    _, _, k_h, k_w = p.kernel.shape
    top, bottom, left, right = p.spec.padding
    full = zero_pad(p.input, top, bottom, left, right)
    padded = p.input if "pad" in left_out else full
    grad = (
        p.grad_output
        if "upsample" in left_out
        else stride_upsample(p.grad_output, p.spec.stride, (full.shape[1] - k_h + 1, full.shape[2] - k_w + 1))
    )
    results: dict[str, np.ndarray] = {"upsampled_grad": grad, "padded_input": padded}
    if "output" in names and padded.shape[1] >= k_h and padded.shape[2] >= k_w:
        spec = replace(p.spec, padding=(0, 0, 0, 0))
        results["output"] = conv2d_forward(padded, p.kernel, p.bias, spec)[0]
    if "grad_kernel" in names and padded.shape[1] >= grad.shape[1] and padded.shape[2] >= grad.shape[2]:
        # eq. 9.8: ∂L/∂F[co, ci, u, v] = Σ G[co, i, j]·P[ci, i + u, j + v], as far as G fits in P.
        grad_kernel = np.tensordot(grad, windows(padded, grad.shape[1:]), axes=([1, 2], [3, 4]))
        results["grad_kernel"] = rotate_180(grad_kernel) if p.spec.mode == "convolution" else grad_kernel
    if {"grad_padded_input", "grad_input"} & set(names):
        # eq. 9.9: F¹⁸⁰ slides over G zero-padded by k − 1 on every side.
        sliding = rotate_180(p.kernel) if p.spec.mode == "convolution" else p.kernel
        around = zero_pad(grad, k_h - 1, k_h - 1, k_w - 1, k_w - 1)
        grad_padded = np.tensordot(rotate_180(sliding), windows(around, (k_h, k_w)), axes=([0, 2, 3], [0, 3, 4]))
        results["grad_padded_input"] = grad_padded
        rows, cols = grad_padded.shape[1] - top - bottom, grad_padded.shape[2] - left - right
        if "crop" in left_out:
            results["grad_input"] = grad_padded
        elif rows > 0 and cols > 0:
            results["grad_input"] = grad_padded[:, top : top + rows, left : left + cols]
    return {name: results[name] for name in names if name in results}


def _reshaped(left_out: frozenset[str], names: tuple[str, ...]) -> Callable[[ConvProblem], list[Variant]]:
    """A mistake leaving out `left_out`, for the results it changes; none where the step is not there to leave out."""

    def compute(p: ConvProblem) -> list[Variant]:
        if p.spec.dilation != (1, 1):
            return []
        if "upsample" in left_out and p.spec.stride == (1, 1):
            return []
        if left_out & {"pad", "crop"} and not any(p.spec.padding):
            return []
        return [Variant(natural(p, left_out, names))]

    return compute


def _like(mistake_id: str, left_out: set[str], names: tuple[str, ...]) -> Mistake[ConvProblem]:
    """The natural form of a mistake of :mod:`.conv`: its words, its stage, another computation."""
    same = next(m for m in MISTAKES if m.id == mistake_id)
    return replace(same, results=names, compute=_reshaped(frozenset(left_out), names))


NOT_CROPPED = Mistake(
    "padding_not_cropped",
    "Padding not cropped",
    "The padding was not cropped from ∂L/∂P: ∂L/∂I drops the rows and columns the padding added, "
    "top, bottom, left and right (chapter 9.2.1, Padding and Stride).",
    "",
    ("grad_input",),
    StageHint("/conv", "grad_input", "grad_input"),
    _reshaped(frozenset({"crop"}), ("grad_input",)),
)

# Each natural mistake, and what it leaves out: the sentence completes "… is the shape you get when".
RESHAPED: tuple[tuple[Mistake[ConvProblem], str], ...] = (
    (
        _like(
            "stride_not_upsampled", {"upsample"}, ("upsampled_grad", "grad_kernel", "grad_padded_input", "grad_input")
        ),
        "∂L/∂O slides as it is, without the s − 1 zeros of the stride upsampling",
    ),
    (_like("padding_ignored", {"pad"}, ("padded_input", "output")), "the padding is left out of the forward pass"),
    (_like("gradient_on_unpadded_input", {"pad"}, ("grad_kernel",)), "∂L/∂F is taken on I instead of the padded P"),
    (NOT_CROPPED, "∂L/∂P is not cropped to the input's size"),
)


def _both(first: Mistake[ConvProblem], second: Mistake[ConvProblem], left_out: set[str], name: str) -> Mistake:
    return Mistake(
        f"{first.id}+{second.id}",
        f"{first.title}, and {second.title[0].lower()}{second.title[1:]}",
        f"Two mistakes made together. {first.explanation} {second.explanation}",
        "",
        (name,),
        first.stage,
        _reshaped(frozenset(left_out), (name,)),
        parts=(first, second),
    )


_STRIDE, _PADDING, _GRADIENT, _CROP = (mistake for mistake, _ in RESHAPED)

# Two of these steps left out together, where both change the same result.
RESHAPED_BOTH: tuple[Mistake[ConvProblem], ...] = (
    _both(_STRIDE, _GRADIENT, {"upsample", "pad"}, "grad_kernel"),
    _both(_STRIDE, _CROP, {"upsample", "crop"}, "grad_input"),
)

# The kernel turned the wrong way or the loss scaled as well: those changes compose with any of the above.
_BEFORE = (
    "sum_instead_of_mean",
    "mean_instead_of_sum",
    "kernel_not_rotated",
    "kernel_transposed",
    "kernel_flipped_one_way",
    "kernel_rotated",
    "kernel_not_flipped",
)
_NATURAL = tuple(mistake for mistake, _ in RESHAPED) + RESHAPED_BOTH
RESHAPED_WITH: tuple[Mistake[ConvProblem], ...] = tuple(
    pair
    for pair in pairs(
        tuple(m for m in MISTAKES if m.id in _BEFORE) + _NATURAL, {i: ALTERS[i] for i in _BEFORE}, ALTERNATIVES
    )
    if any(pair.parts[1] is mistake for mistake in _NATURAL)
)

WHEN: dict[str, str] = {mistake.id: when for mistake, when in RESHAPED}
