"""The convolution engine against torch.autograd, central differences, and the chapter."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine import conv, terms
from app.engine.conv import ConvSpec, conv2d_backward, conv2d_forward
from app.engine.errors import InvalidInput
from app.engine.geometry import effective_size
from app.engine.loss import LOSS_NAMES, compute_loss

from .oracles import assert_close, central_difference, tensor, torch_conv


class Case(NamedTuple):
    x: np.ndarray
    kernel: np.ndarray
    bias: np.ndarray | None
    spec: ConvSpec
    grad_output: np.ndarray


@st.composite
def conv_cases(draw: st.DrawFn) -> Case:
    """A valid layer built directly: the padded input is made at least as large as the dilated kernel."""
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k_h, k_w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    d_h, d_w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    s_h, s_w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    padding = tuple(draw(st.integers(0, 3)) for _ in range(4))
    min_h = max(1, effective_size(k_h, d_h) - padding[0] - padding[1])
    min_w = max(1, effective_size(k_w, d_w) - padding[2] - padding[3])
    n_h, n_w = draw(st.integers(min_h, min_h + 7)), draw(st.integers(min_w, min_w + 7))
    mode = draw(st.sampled_from(["cross_correlation", "convolution"]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    spec = ConvSpec((s_h, s_w), padding, (d_h, d_w), mode)
    bias = rng.normal(size=c_out) if draw(st.booleans()) else None
    x, kernel = rng.normal(size=(c_in, n_h, n_w)), rng.normal(size=(c_out, c_in, k_h, k_w))
    out_h = (n_h + padding[0] + padding[1] - effective_size(k_h, d_h)) // s_h + 1
    out_w = (n_w + padding[2] + padding[3] - effective_size(k_w, d_w)) // s_w + 1
    return Case(x, kernel, bias, spec, rng.normal(size=(c_out, out_h, out_w)))


@given(conv_cases())
def test_forward_and_backward_match_torch_autograd(case: Case) -> None:
    out, cache = conv2d_forward(case.x, case.kernel, case.bias, case.spec)
    grads = conv2d_backward(case.grad_output, cache)

    x, kernel = tensor(case.x, grad=True), tensor(case.kernel, grad=True)
    bias = tensor(case.bias, grad=True) if case.bias is not None else None
    expected = torch_conv(x, kernel, bias, case.spec)
    expected.backward(tensor(case.grad_output))

    assert_close(out, expected.detach().numpy(), "output")
    assert_close(grads.grad_input, x.grad.numpy(), "grad_input")
    assert_close(grads.grad_kernel, kernel.grad.numpy(), "grad_kernel")
    if bias is not None:
        assert_close(grads.grad_bias, bias.grad.numpy(), "grad_bias")


def chapter_recipe(grad_output: np.ndarray, cache) -> tuple[np.ndarray, np.ndarray]:
    """The chapter's steps done literally: G↑ ⋆ over P (eq. 9.8), then the full convolution
    of the zero-padded G↑ with F¹⁸⁰ and the crop (eq. 9.9)."""
    from numpy.lib.stride_tricks import sliding_window_view

    span = cache.sliding_kernel.shape[2:]
    up = np.zeros((grad_output.shape[0], cache.padded_input.shape[1] - span[0] + 1, cache.padded_input.shape[2] - span[1] + 1))
    up[:, :: cache.spec.stride[0], :: cache.spec.stride[1]] = grad_output
    patches = sliding_window_view(cache.padded_input, up.shape[1:], axis=(1, 2))
    grad_sliding = np.einsum("oij,cuvij->ocuv", up, patches)
    grad_kernel = grad_sliding[:, :, :: cache.spec.dilation[0], :: cache.spec.dilation[1]]
    if cache.spec.mode == "convolution":
        grad_kernel = grad_kernel[:, :, ::-1, ::-1]
    rotated = cache.sliding_kernel[:, :, ::-1, ::-1]
    padded_up = np.pad(up, ((0, 0), (span[0] - 1,) * 2, (span[1] - 1,) * 2))
    full = np.einsum("ocuv,oijuv->cij", rotated, sliding_window_view(padded_up, span, axis=(1, 2)))
    top, bottom, left, right = cache.spec.padding
    return grad_kernel, full[:, top : full.shape[1] - bottom, left : full.shape[2] - right]


@pytest.mark.parametrize("unfold_limit", [0, 10**9], ids=["scatter form", "unfolded full convolution"])
@given(case=conv_cases())
def test_engine_matches_the_chapter_recipe_step_by_step(case: Case, unfold_limit: int) -> None:
    """Both forms of eq. 9.9 the engine chooses between by size."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conv, "UNFOLD_LIMIT", unfold_limit)
        out, cache = conv2d_forward(case.x, case.kernel, None, case.spec)
        grads = conv2d_backward(case.grad_output, cache)
    grad_kernel, grad_input = chapter_recipe(case.grad_output, cache)
    assert_close(grads.grad_kernel, grad_kernel, "grad_kernel (P ⋆ G↑)")
    assert_close(grads.grad_input, grad_input, "grad_input (full convolution, cropped)")
    assert grads.rotated_kernel.shape == cache.sliding_kernel.shape
    assert grads.padded_upsampled_grad.shape[1:] == tuple(
        n + 2 * (k - 1) for n, k in zip(grads.upsampled_grad.shape[1:], cache.sliding_kernel.shape[2:])
    )


@given(conv_cases())
def test_every_cell_is_the_sum_of_its_terms(case: Case) -> None:
    """The loop expansions (the slow, obvious version) agree with the vectorised pass."""
    out, cache = conv2d_forward(case.x, case.kernel, None, case.spec)
    grads = conv2d_backward(case.grad_output, cache)
    expansions = [
        (out, lambda i: terms.output_terms(cache, i)),
        (grads.grad_kernel, lambda i: terms.grad_kernel_terms(cache, case.grad_output, i)),
        (grads.grad_input, lambda i: terms.grad_input_terms(cache, case.grad_output, i)),
    ]
    for result, expand in expansions:
        summed = np.zeros_like(result)
        for index in np.ndindex(result.shape):
            summed[index] = sum(t.left.value * t.right.value for t in expand(index))
        assert_close(summed, result, "sum of terms")


@given(conv_cases())
def test_cell_term_count_is_the_length_of_each_expansion(case: Case) -> None:
    """The count bounds an answer before any expansion is listed, so it must be exact."""
    out, cache = conv2d_forward(case.x, case.kernel, None, case.spec)
    grads = conv2d_backward(case.grad_output, cache)
    expansions = {
        "output": (out, lambda i: terms.output_terms(cache, i)),
        "grad_kernel": (grads.grad_kernel, lambda i: terms.grad_kernel_terms(cache, case.grad_output, i)),
        "grad_input": (grads.grad_input, lambda i: terms.grad_input_terms(cache, case.grad_output, i)),
    }
    for name, (result, expand) in expansions.items():
        for index in np.ndindex(result.shape):
            counted, listed = terms.cell_term_count(cache, name, index), len(expand(index))
            assert counted == listed, f"{name}{list(index)}: counted {counted} products, the expansion lists {listed}"


@given(conv_cases(), st.sampled_from(LOSS_NAMES))
def test_gradients_match_central_differences(case: Case, loss: str) -> None:
    out, cache = conv2d_forward(case.x, case.kernel, case.bias, case.spec)
    target = np.random.default_rng(0).random(out.shape)
    if loss == "cross_entropy":
        target = target / target.sum()

    def total_loss(x: np.ndarray | None = None, kernel: np.ndarray | None = None) -> float:
        o, _ = conv2d_forward(case.x if x is None else x, case.kernel if kernel is None else kernel, case.bias, case.spec)
        return compute_loss(loss, o, target).value

    grads = conv2d_backward(compute_loss(loss, out, target).grad, cache)
    assert_close(grads.grad_input, central_difference(lambda x: total_loss(x=x), case.x), "grad_input", 1e-5, 1e-6)
    assert_close(grads.grad_kernel, central_difference(lambda k: total_loss(kernel=k), case.kernel), "grad_kernel", 1e-5, 1e-6)


def test_uncovered_rows_get_zero_gradient() -> None:
    """5 rows, a 2-row kernel, stride 2: the last row of P is never in a window (SPEC §1)."""
    x = np.arange(25.0).reshape(1, 5, 5)
    out, cache = conv2d_forward(x, np.ones((1, 1, 2, 2)), None, ConvSpec(stride=(2, 2)))
    assert out.shape == (1, 2, 2)
    assert cache.size_h.uncovered == (4,) and cache.size_w.uncovered == (4,)
    grads = conv2d_backward(np.ones_like(out), cache)
    assert not grads.grad_input[0, 4, :].any() and not grads.grad_input[0, :, 4].any()
    assert terms.grad_input_terms(cache, np.ones_like(out), (0, 4, 0)) == []


def test_stride_upsampling_inserts_zeros_and_fills_bottom_right() -> None:
    x = np.zeros((1, 5, 5))
    out, cache = conv2d_forward(x, np.ones((1, 1, 2, 2)), None, ConvSpec(stride=(2, 2)))
    grads = conv2d_backward(np.array([[[1.0, 2.0], [3.0, 4.0]]]), cache)
    expected = [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]
    assert grads.upsampled_grad[0].tolist() == expected


@pytest.mark.parametrize(
    ("shape", "kernel", "spec", "field"),
    [
        ((1, 2, 2), (1, 1, 3, 3), ConvSpec(), "kernel"),
        ((2, 4, 4), (1, 3, 2, 2), ConvSpec(), "kernel"),
        ((1, 3, 3), (1, 1, 2, 2), ConvSpec(dilation=(3, 3)), "kernel"),
    ],
)
def test_impossible_layers_name_the_field(shape, kernel, spec, field) -> None:
    with pytest.raises(InvalidInput) as caught:
        conv2d_forward(np.zeros(shape), np.zeros(kernel), None, spec)
    assert caught.value.field == field


# The chapter's Fig. 9.4: I is 3×3, F is 2×2, stride 1, no padding.
I = np.arange(1.0, 10.0).reshape(1, 3, 3)
F = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
G = np.array([[[1.0, 2.0], [-1.0, 1.0]]])


def _labels(cell_terms: list[terms.Term]) -> list[tuple[str, tuple[int, ...], str, tuple[int, ...]]]:
    """Each term as (left field, 1-based row/col, right field, 1-based row/col), as the chapter writes it."""
    return [
        (t.left.field, tuple(i + 1 for i in t.left.index[-2:]), t.right.field, tuple(i + 1 for i in t.right.index[-2:]))
        for t in cell_terms
    ]


def test_fig_9_4_forward_is_eq_9_5() -> None:
    out, cache = conv2d_forward(I, F, None, ConvSpec())
    assert out[0].tolist() == [[37.0, 47.0], [67.0, 77.0]]
    # eq. 9.5a–d: O_ij = I_ij F11 + I_i(j+1) F12 + I_(i+1)j F21 + I_(i+1)(j+1) F22
    for (i, j) in [(1, 1), (1, 2), (2, 1), (2, 2)]:
        assert _labels(terms.output_terms(cache, (0, i - 1, j - 1))) == [
            ("padded_input", (i, j), "kernel", (1, 1)),
            ("padded_input", (i, j + 1), "kernel", (1, 2)),
            ("padded_input", (i + 1, j), "kernel", (2, 1)),
            ("padded_input", (i + 1, j + 1), "kernel", (2, 2)),
        ]


def test_fig_9_5_kernel_gradient_is_eq_9_8() -> None:
    out, cache = conv2d_forward(I, F, None, ConvSpec())
    grads = conv2d_backward(G, cache)
    # ∂L/∂F = I ⋆ ∂L/∂O: F11 = 1·1 + 2·2 + (−1)·4 + 1·5 = 6
    assert grads.grad_kernel[0, 0].tolist() == [[6.0, 9.0], [15.0, 18.0]]
    # eq. 9.8a: ∂L/∂F11 = ∂L/∂O11·X11 + ∂L/∂O12·X12 + ∂L/∂O21·X21 + ∂L/∂O22·X22
    assert _labels(terms.grad_kernel_terms(cache, G, (0, 0, 0, 0))) == [
        ("grad_output", (1, 1), "padded_input", (1, 1)),
        ("grad_output", (1, 2), "padded_input", (1, 2)),
        ("grad_output", (2, 1), "padded_input", (2, 1)),
        ("grad_output", (2, 2), "padded_input", (2, 2)),
    ]
    # eq. 9.8b: ∂L/∂F12 = ∂L/∂O11·X12 + ∂L/∂O12·X13 + ∂L/∂O21·X22 + ∂L/∂O22·X23
    assert _labels(terms.grad_kernel_terms(cache, G, (0, 0, 0, 1))) == [
        ("grad_output", (1, 1), "padded_input", (1, 2)),
        ("grad_output", (1, 2), "padded_input", (1, 3)),
        ("grad_output", (2, 1), "padded_input", (2, 2)),
        ("grad_output", (2, 2), "padded_input", (2, 3)),
    ]


EQ_9_9 = {  # ∂L/∂I_rc: the (∂L/∂O index, F index) pairs of eq. 9.9a–i
    (1, 1): [((1, 1), (1, 1))],
    (1, 2): [((1, 1), (1, 2)), ((1, 2), (1, 1))],
    (1, 3): [((1, 2), (1, 2))],
    (2, 1): [((1, 1), (2, 1)), ((2, 1), (1, 1))],
    (2, 2): [((1, 1), (2, 2)), ((1, 2), (2, 1)), ((2, 1), (1, 2)), ((2, 2), (1, 1))],
    (2, 3): [((1, 2), (2, 2)), ((2, 2), (1, 2))],
    (3, 1): [((2, 1), (2, 1))],
    (3, 2): [((2, 1), (2, 2)), ((2, 2), (2, 1))],
    (3, 3): [((2, 2), (2, 2))],
}


def test_fig_9_6_input_gradient_is_eq_9_9() -> None:
    out, cache = conv2d_forward(I, F, None, ConvSpec())
    grads = conv2d_backward(G, cache)
    assert grads.rotated_kernel[0, 0].tolist() == [[4.0, 3.0], [2.0, 1.0]]
    assert grads.grad_input[0].tolist() == [[1.0, 4.0, 4.0], [2.0, 9.0, 10.0], [-3.0, -1.0, 4.0]]
    for (r, c), pairs in EQ_9_9.items():
        got = _labels(terms.grad_input_terms(cache, G, (0, r - 1, c - 1)))
        assert got == [("grad_output", o, "kernel", f) for o, f in pairs], f"eq. 9.9 for ∂L/∂I{r}{c}"
