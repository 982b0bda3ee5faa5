"""Mistakes in a convolution layer's forward and backward pass (chapter 9.2.1).

Most are the right recipe run on a changed input, which keeps each one a few lines and
exactly as general as the engine (channels, stride, padding, dilation, both modes):

- a kernel left unrotated in eq. 9.9 is the right recipe run with the kernel rotated
  beforehand, since rotating twice undoes the rotation; transposing or flipping one axis works
  the same way;
- skipping the stride upsampling is the stride-1 recipe on ∂L/∂O written into the top-left
  corner of a G↑-sized grid, with no zeros in between;
- padding on the wrong side is the right recipe with the padding moved.

Each such change is kept apart (`ALTERS`), so that two mistakes made together are the first
one's change with the second one's own function run on it (`PAIRS`, see
:func:`app.engine.mistakes.pairs`).

Shapes are canonical (see :mod:`app.engine.conv`): input C_in × n_h × n_w, kernel
C_out × C_in × k_h × k_w, ∂L/∂O C_out × out_h × out_w.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, NamedTuple

import numpy as np

from ..conv import ConvSpec, conv2d_backward, conv2d_forward, sgd_step
from ..geometry import Sides, effective_size
from . import Alter, Mistake, StageHint, Variant, only, pairs, rotate_180


class ConvProblem(NamedTuple):
    """A convolution layer with its upstream gradient, as the learner was given it."""

    input: np.ndarray  # C_in × n_h × n_w
    kernel: np.ndarray  # C_out × C_in × k_h × k_w
    bias: np.ndarray | None  # C_out
    spec: ConvSpec
    grad_output: np.ndarray  # ∂L/∂O, C_out × out_h × out_w
    loss: str | None  # the loss ∂L/∂O was taken from, if it came from a target
    loss_value: float | None
    learning_rate: float | None


def conv_results(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray | None,
    spec: ConvSpec,
    grad_output: np.ndarray,
    learning_rate: float | None,
) -> dict[str, np.ndarray]:
    """Every array result of one layer by the chapter's recipe, keyed as the conv2d response names them."""
    out, cache = conv2d_forward(x, kernel, bias, spec)
    grads = conv2d_backward(grad_output, cache)
    results = {
        "padded_input": cache.padded_input,
        "output": out,
        "grad_output": grad_output,
        "upsampled_grad": grads.upsampled_grad,
        "grad_kernel": grads.grad_kernel,
        "rotated_kernel": grads.rotated_kernel,
        "padded_upsampled_grad": grads.padded_upsampled_grad,
        "grad_padded_input": grads.grad_padded_input,
        "grad_input": grads.grad_input,
    }
    if bias is not None:
        results["grad_bias"] = grads.grad_bias
    if learning_rate is not None:
        results["updated_kernel"] = sgd_step(kernel, grads.grad_kernel, learning_rate)
        if bias is not None:
            results["updated_bias"] = sgd_step(bias, grads.grad_bias, learning_rate)
    return results


def _recipe(p: ConvProblem) -> dict[str, np.ndarray]:
    """Every result of the right recipe run on `p`, with its loss when it has one."""
    results = conv_results(p.input, p.kernel, p.bias, p.spec, p.grad_output, p.learning_rate)
    if p.loss_value is not None:
        results["loss"] = np.array(p.loss_value)
    return results


def _right_recipe_on(alter: Alter, names: tuple[str, ...]) -> Callable[[ConvProblem], list[Variant]]:
    """The mistake that `alter` describes as a changed problem: the right recipe on it, for the results it changes."""

    def compute(p: ConvProblem) -> list[Variant]:
        return [Variant(only(_recipe(changed), names), detail) for changed, detail in alter(p)]

    compute.__doc__ = alter.__doc__
    return compute


_ROTATION_RESULTS = ("rotated_kernel", "grad_padded_input", "grad_input")


def _kernel(p: ConvProblem, kernel: np.ndarray, detail: str | None = None) -> tuple[ConvProblem, str | None]:
    return p._replace(kernel=kernel), detail


def unrotated_kernel(p: ConvProblem) -> list[tuple[ConvProblem, str | None]]:
    """Eq. 9.9 with the kernel as it slid forward, not F¹⁸⁰: the right recipe on a pre-rotated kernel."""
    return [_kernel(p, rotate_180(p.kernel))]


def transposed_kernel(p: ConvProblem) -> list[tuple[ConvProblem, str | None]]:
    """Fᵀ where F¹⁸⁰ belongs; only a square (sliding) kernel can be transposed in place."""
    (k_h, k_w), (d_h, d_w) = p.kernel.shape[2:], p.spec.dilation
    if k_h != k_w or d_h != d_w:
        return []
    return [_kernel(p, rotate_180(np.swapaxes(p.kernel, -1, -2)))]


def half_flipped_kernel(p: ConvProblem) -> list[tuple[ConvProblem, str | None]]:
    """Only the rows reversed (upside down), or only the columns (mirrored), where F¹⁸⁰ reverses both."""
    return [
        _kernel(
            p,
            p.kernel[..., :, ::-1],
            "You reversed the order of the rows (turned the kernel upside down) but not the columns.",
        ),
        _kernel(
            p, p.kernel[..., ::-1, :], "You reversed the order of the columns (mirrored the kernel) but not the rows."
        ),
    ]


def flipped_forward_kernel(p: ConvProblem) -> list[tuple[ConvProblem, str | None]]:
    """The forward pass of eq. 9.4 (kernel flipped) where a CNN slides it as it is (eq. 9.5)."""
    return [_kernel(p, rotate_180(p.kernel))] if p.spec.mode == "cross_correlation" else []


def unflipped_forward_kernel(p: ConvProblem) -> list[tuple[ConvProblem, str | None]]:
    """The CNN's cross-correlation (eq. 9.5) where the problem asks for the flipped kernel of eq. 9.4."""
    return [_kernel(p, rotate_180(p.kernel))] if p.spec.mode == "convolution" else []


def squeezed_gradient(p: ConvProblem) -> list[tuple[ConvProblem, str | None]]:
    """∂L/∂O used as G↑ without the s − 1 zeros between its cells, filled out to G↑'s size at the bottom/right.

    That is the stride-1 recipe, whose windows are the positions G↑ slides over.
    """
    if p.spec.stride == (1, 1):
        return []
    p_h, p_w = _totals(p.spec)
    (k_h, k_w), (d_h, d_w) = p.kernel.shape[2:], p.spec.dilation
    n_h, n_w = p.input.shape[1:]
    c_out, out_h, out_w = p.grad_output.shape
    squeezed = np.zeros((c_out, n_h + p_h - effective_size(k_h, d_h) + 1, n_w + p_w - effective_size(k_w, d_w) + 1))
    squeezed[:, :out_h, :out_w] = p.grad_output
    return [(p._replace(spec=replace(p.spec, stride=(1, 1)), grad_output=squeezed), None)]


_STRIDE_RESULTS = (
    "upsampled_grad",
    "padded_upsampled_grad",
    "grad_kernel",
    "grad_padded_input",
    "grad_input",
    "updated_kernel",
)


def _padded(p: ConvProblem, padding: Sides, detail: str | None = None) -> tuple[ConvProblem, str | None]:
    return p._replace(spec=replace(p.spec, padding=padding)), detail


def _totals(spec: ConvSpec) -> tuple[int, int]:
    top, bottom, left, right = spec.padding
    return top + bottom, left + right


def padding_at_bottom_right(p: ConvProblem) -> list[tuple[ConvProblem, str | None]]:
    """The first window placed on I₁₁ rather than P₁₁: all the padding moved to the bottom and right.

    The same change is eq. 9.8 slid over I instead of P: ∂L/∂F[u,v] = Σ G↑[i,j]·I[i+u, j+v], zero past I's edge.
    """
    if not any(p.spec.padding):
        return []
    p_h, p_w = _totals(p.spec)
    return [_padded(p, (0, p_h, 0, p_w))]


def padding_moved(p: ConvProblem) -> list[tuple[ConvProblem, str | None]]:
    """P built with each side's padding swapped with the opposite side's, or all of it at the top and left."""
    top, bottom, left, right = p.spec.padding
    p_h, p_w = _totals(p.spec)
    tried = {p.spec.padding, (0, p_h, 0, p_w)}  # the right padding, and padding_ignored's
    changed = []
    for sides, detail in (
        (
            (bottom, top, right, left),
            f"You padded {_rows_cols(bottom, right)} at the top/left and {_rows_cols(top, left)} at the "
            "bottom/right: the other way round.",
        ),
        ((p_h, 0, p_w, 0), "You put all the padding at the top and left."),
    ):
        if sides not in tried:
            tried.add(sides)
            changed.append(_padded(p, sides, detail))
    return changed


def crop_wrong_side(p: ConvProblem) -> list[Variant]:
    """∂L/∂I cut from ∂L/∂P at the wrong offset: the top-left block, the mirrored crop, or the bottom-right block."""
    if not any(p.spec.padding):
        return []
    top, bottom, left, right = p.spec.padding
    p_h, p_w = _totals(p.spec)
    grad_padded = conv_results(p.input, p.kernel, p.bias, p.spec, p.grad_output, None)["grad_padded_input"]
    n_h, n_w = p.input.shape[1:]
    tried = {(top, left)}
    variants = []
    for offset, detail in (
        ((0, 0), "You kept the top-left corner of ∂L/∂P: the padding was cut from the bottom and right only."),
        (
            (bottom, right),
            f"You cut {_rows_cols(bottom, right)} from the top/left and {_rows_cols(top, left)} from the "
            "bottom/right: the other way round.",
        ),
        ((p_h, p_w), "You kept the bottom-right corner of ∂L/∂P: the padding was cut from the top and left only."),
    ):
        if offset not in tried:
            tried.add(offset)
            r, c = offset
            variants.append(Variant({"grad_input": grad_padded[:, r : r + n_h, c : c + n_w].copy()}, detail))
    return variants


def _rows_cols(rows: int, cols: int) -> str:
    return f"{rows} row{'s' * (rows != 1)} and {cols} column{'s' * (cols != 1)}"


def channels_not_summed(p: ConvProblem) -> list[Variant]:
    """One channel's part alone: O from a single input channel, or ∂L/∂I from a single kernel."""
    c_out, c_in = p.kernel.shape[:2]
    variants = []
    if c_in > 1:
        for ci in range(c_in):
            part = conv_results(p.input[ci : ci + 1], p.kernel[:, ci : ci + 1], p.bias, p.spec, p.grad_output, None)
            variants.append(Variant({"output": part["output"]}, f"Your O is what input channel {ci + 1} alone gives."))
    if c_out > 1:
        for co in range(c_out):
            kept = slice(co, co + 1)
            part = conv_results(p.input, p.kernel[kept], None, p.spec, p.grad_output[kept], None)
            variants.append(
                Variant(
                    only(part, ("grad_padded_input", "grad_input")),
                    f"Your numbers are what kernel {co + 1} alone sends back.",
                )
            )
    return variants


_LOSS_SCALED = (
    "loss",
    "grad_output",
    "upsampled_grad",
    "padded_upsampled_grad",
    "grad_kernel",
    "grad_bias",
    "grad_padded_input",
    "grad_input",
    "updated_kernel",
    "updated_bias",
)


def _scaled(p: ConvProblem, factor: float, detail: str) -> list[tuple[ConvProblem, str | None]]:
    return [(p._replace(grad_output=factor * p.grad_output, loss_value=factor * p.loss_value), detail)]


def loss_summed(p: ConvProblem) -> list[tuple[ConvProblem, str | None]]:
    """`mse` and `bce` average over the N cells of O; summed, the loss and every gradient are N times too large."""
    n = p.grad_output.size
    if p.loss not in ("mse", "bce"):
        return []
    return _scaled(p, float(n), f"Your numbers are {n} times the right ones: O has {n} cells.")


def loss_averaged(p: ConvProblem) -> list[tuple[ConvProblem, str | None]]:
    """`half_sse` sums over the cells of O; averaged, the loss and every gradient are N times too small."""
    n = p.grad_output.size
    if p.loss != "half_sse":
        return []
    return _scaled(p, 1.0 / n, f"Your numbers are the right ones divided by {n}, the cells of O.")


kernel_not_rotated = _right_recipe_on(unrotated_kernel, _ROTATION_RESULTS)
kernel_transposed = _right_recipe_on(transposed_kernel, _ROTATION_RESULTS)
kernel_flipped_one_way = _right_recipe_on(half_flipped_kernel, _ROTATION_RESULTS)
kernel_rotated = _right_recipe_on(flipped_forward_kernel, ("output",))
kernel_not_flipped = _right_recipe_on(unflipped_forward_kernel, ("output",))
stride_not_upsampled = _right_recipe_on(squeezed_gradient, _STRIDE_RESULTS)
padding_ignored = _right_recipe_on(padding_at_bottom_right, ("padded_input", "output"))
gradient_on_unpadded_input = _right_recipe_on(padding_at_bottom_right, ("grad_kernel", "updated_kernel"))
padding_wrong_side = _right_recipe_on(padding_moved, ("padded_input", "output", "grad_kernel", "updated_kernel"))
sum_instead_of_mean = _right_recipe_on(loss_summed, _LOSS_SCALED)
mean_instead_of_sum = _right_recipe_on(loss_averaged, _LOSS_SCALED)


def _stage(stage: str, field: str) -> StageHint:
    return StageHint("/conv", stage, field)


_ROTATION_STAGE = _stage("grad_input", "rotated_kernel")

MISTAKES: tuple[Mistake[ConvProblem], ...] = (
    Mistake(
        "kernel_not_rotated",
        "Kernel not rotated",
        "The kernel was not rotated by 180°: ∂L/∂I is the full convolution of ∂L/∂O with F¹⁸⁰, "
        "F¹⁸⁰[u,v] = F[k_h−1−u, k_w−1−v] (eq. 9.9, Fig. 9.6).",
        "whenever the kernel equals its own 180° rotation",
        _ROTATION_RESULTS,
        _ROTATION_STAGE,
        kernel_not_rotated,
    ),
    Mistake(
        "kernel_transposed",
        "Kernel transposed instead of rotated",
        "The kernel was transposed (rows written as columns) instead of rotated by 180°: F¹⁸⁰ reverses the "
        "order of both the rows and the columns (eq. 9.9, Fig. 9.6).",
        "whenever the kernel's transpose equals its 180° rotation",
        _ROTATION_RESULTS,
        _ROTATION_STAGE,
        kernel_transposed,
    ),
    Mistake(
        "kernel_flipped_one_way",
        "Kernel flipped along one axis only",
        "The kernel was flipped along one axis only: rotating by 180° reverses both the rows and the columns "
        "(eq. 9.9, Fig. 9.6).",
        "whenever the kernel is symmetric along that axis",
        _ROTATION_RESULTS,
        _ROTATION_STAGE,
        kernel_flipped_one_way,
    ),
    Mistake(
        "kernel_rotated",
        "Kernel rotated in the forward pass",
        "The kernel was rotated by 180° before sliding it, as the convolution of mathematics does (eq. 9.4); "
        "a CNN's convolution slides the kernel as it is (cross-correlation, eq. 9.5, Fig. 9.4).",
        "whenever the kernel equals its own 180° rotation",
        ("output",),
        _stage("forward", "sliding_kernel"),
        kernel_rotated,
    ),
    Mistake(
        "kernel_not_flipped",
        "Kernel not flipped for a true convolution",
        "This layer computes the convolution of mathematics (eq. 9.1–9.4), which flips the kernel by 180° "
        "before sliding it; it was slid as typed, as a CNN's cross-correlation does (eq. 9.5).",
        "whenever the kernel equals its own 180° rotation",
        ("output",),
        _stage("forward", "sliding_kernel"),
        kernel_not_flipped,
    ),
    Mistake(
        "stride_not_upsampled",
        "Stride upsampling skipped",
        "The zeros of the stride upsampling were not inserted: before ∂L/∂O slides over P or meets F¹⁸⁰, "
        "s − 1 zeros go between its neighbouring cells (chapter 9.2.1, Padding and Stride).",
        "whenever the cells that would move hold zeros",
        ("upsampled_grad", "padded_upsampled_grad", "grad_kernel", "grad_padded_input", "grad_input", "updated_kernel"),
        _stage("grad_output", "upsampled_grad"),
        stride_not_upsampled,
    ),
    Mistake(
        "padding_ignored",
        "Padding ignored",
        "The padding was left out: the first window starts at the top-left corner of the padded input P, "
        "in the padding, not at I₁₁ (eq. 9.5 slides over P; chapter 9.2.1, Padding and Stride).",
        "whenever there is no padding at the top or left",
        ("padded_input", "output"),
        _stage("forward", "padded_input"),
        padding_ignored,
    ),
    Mistake(
        "padding_wrong_side",
        "Padding on the wrong side",
        "The padding went on the wrong sides of the input: each side gets its own amount of zeros, "
        "top, bottom, left and right (chapter 9.2.1, Padding and Stride).",
        "whenever the padding is the same on opposite sides",
        ("padded_input", "output", "grad_kernel", "updated_kernel"),
        _stage("forward", "padded_input"),
        padding_wrong_side,
    ),
    Mistake(
        "gradient_on_unpadded_input",
        "Kernel gradient taken on the unpadded input",
        "∂L/∂F was taken on the input I without its padding: the upsampled ∂L/∂O slides over the padded "
        "input P, which is what the forward pass saw (eq. 9.8, Fig. 9.5).",
        "whenever there is no padding at the top or left",
        ("grad_kernel", "updated_kernel"),
        _stage("grad_kernel", "padded_input"),
        gradient_on_unpadded_input,
    ),
    Mistake(
        "crop_wrong_side",
        "Padding cropped on the wrong side",
        "The padding was cropped from the wrong side of ∂L/∂P: ∂L/∂I drops exactly the rows and columns "
        "that were added, top, bottom, left and right (chapter 9.2.1, Padding and Stride).",
        "whenever the cells cut by mistake hold the same numbers as the ones that should have been",
        ("grad_input",),
        _stage("grad_input", "grad_input"),
        crop_wrong_side,
    ),
    Mistake(
        "channels_not_summed",
        "Channels not summed",
        "A sum over channels was left out: each cell of O adds the products over every input channel (eq. 9.5), "
        "and ∂L/∂I adds what every kernel sends back (eq. 9.9).",
        "whenever the other channels contribute zeros",
        ("output", "grad_padded_input", "grad_input"),
        _stage("grad_input", "grad_padded_input"),
        channels_not_summed,
        {"output": _stage("forward", "output")},
    ),
    Mistake(
        "sum_instead_of_mean",
        "Sum where the loss takes a mean",
        "The loss was summed where it takes the mean over the output's cells, so ∂L/∂O — and every gradient "
        "after it — is N times too large (eq. 9.6: each gradient starts from ∂L/∂O).",
        "whenever the gradients are zero",
        _LOSS_SCALED,
        _stage("grad_output", "grad_output"),
        sum_instead_of_mean,
    ),
    Mistake(
        "mean_instead_of_sum",
        "Mean where the loss takes a sum",
        "The loss was averaged where it sums over the output's cells, so ∂L/∂O — and every gradient after "
        "it — is N times too small (eq. 9.6: each gradient starts from ∂L/∂O).",
        "whenever the gradients are zero",
        _LOSS_SCALED,
        _stage("grad_output", "grad_output"),
        mean_instead_of_sum,
    ),
)


# The mistakes that are the right recipe on a changed problem, in the order their changes apply when two are
# made together: ∂L/∂O scaled first (the other changes read its size), then the kernel, the stride, the padding.
ALTERS: dict[str, Alter] = {
    "sum_instead_of_mean": loss_summed,
    "mean_instead_of_sum": loss_averaged,
    "kernel_not_rotated": unrotated_kernel,
    "kernel_transposed": transposed_kernel,
    "kernel_flipped_one_way": half_flipped_kernel,
    "kernel_rotated": flipped_forward_kernel,
    "kernel_not_flipped": unflipped_forward_kernel,
    "stride_not_upsampled": squeezed_gradient,
    "padding_ignored": padding_at_bottom_right,
    "padding_wrong_side": padding_moved,
    "gradient_on_unpadded_input": padding_at_bottom_right,
}

# Different wrong answers to one step of the recipe: a learner makes one of them, not two.
ALTERNATIVES = (
    frozenset({"kernel_not_rotated", "kernel_transposed", "kernel_flipped_one_way"}),
    frozenset({"kernel_rotated", "kernel_not_flipped"}),
    frozenset({"padding_ignored", "padding_wrong_side", "gradient_on_unpadded_input"}),
    frozenset({"sum_instead_of_mean", "mean_instead_of_sum"}),
)

PAIRS: tuple[Mistake[ConvProblem], ...] = pairs(MISTAKES, ALTERS, ALTERNATIVES)
