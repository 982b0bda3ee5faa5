"""Pooling against torch.autograd, its own loop version, conservation, and Fig. 9.8–9.9."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.errors import InvalidInput
from app.engine.pool import PoolSpec, padding_gradient, pool_backward, pool_forward, pool_loop

from .oracles import assert_close, central_difference, tensor, torch_pool


class Case(NamedTuple):
    x: np.ndarray
    spec: PoolSpec
    grad_output: np.ndarray


@st.composite
def pool_cases(
    draw: st.DrawFn,
    modes: tuple[str, ...] = ("max", "avg"),
    ties: tuple[str, ...] = ("first", "all", "split"),
    integers: bool | None = None,
    symmetric: bool = False,
) -> Case:
    """A valid layer built directly: padding within half a window, the padded input at least a window.

    Small integers make ties common (several equal maxima in one window, or across overlapping
    windows); normal floats make them vanishingly rare. `symmetric` pads both ends of an axis
    alike, the only padding PyTorch's pooling takes itself.
    """
    c = draw(st.integers(1, 3))
    k_h, k_w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    s_h, s_w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    top, left = draw(st.integers(0, k_h // 2)), draw(st.integers(0, k_w // 2))
    if symmetric:
        padding = (top, top, left, left)
    else:
        padding = (top, draw(st.integers(0, k_h // 2)), left, draw(st.integers(0, k_w // 2)))
    min_h, min_w = max(1, k_h - padding[0] - padding[1]), max(1, k_w - padding[2] - padding[3])
    n_h, n_w = draw(st.integers(min_h, min_h + 6)), draw(st.integers(min_w, min_w + 6))
    spec = PoolSpec(draw(st.sampled_from(modes)), (k_h, k_w), (s_h, s_w), padding, draw(st.sampled_from(ties)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    use_integers = draw(st.booleans()) if integers is None else integers
    x = rng.integers(-2, 3, size=(c, n_h, n_w)).astype(float) if use_integers else rng.normal(size=(c, n_h, n_w))
    out_h = (n_h + padding[0] + padding[1] - k_h) // s_h + 1
    out_w = (n_w + padding[2] + padding[3] - k_w) // s_w + 1
    return Case(x, spec, rng.normal(size=(c, out_h, out_w)))


@given(pool_cases(ties=("first",)))
def test_first_and_avg_match_torch_autograd(case: Case) -> None:
    out, cache = pool_forward(case.x, case.spec)
    grads = pool_backward(case.grad_output, cache)
    x = tensor(case.x, grad=True)
    expected = torch_pool(x, case.spec)
    expected.backward(tensor(case.grad_output))
    assert_close(out, expected.detach().numpy(), "output")
    assert_close(grads.grad_input, x.grad.numpy(), "grad_input")


@given(pool_cases(modes=("max",), ties=("first",), integers=True, symmetric=True))
def test_first_tie_rule_is_torch_cpu_argmax(case: Case) -> None:
    """With many equal integers, the routed cell is the one max_pool2d's indices name (row-major first)."""
    top, _, left, _ = case.spec.padding
    _, indices = torch_pool(tensor(case.x), case.spec, return_indices=True)
    _, cache = pool_forward(case.x, case.spec)
    k_h, k_w = case.spec.size
    s_h, s_w = case.spec.stride
    n_w = case.x.shape[2]
    for c, i, j in np.ndindex(cache.weights.shape[:3]):
        (u,), (v,) = np.nonzero(cache.weights[c, i, j])
        row, col = i * s_h + u - top, j * s_w + v - left
        torch_index = int(indices[0, c, i, j])
        assert row * n_w + col == torch_index, f"window {(c, i, j)}: got {(row, col)}, torch's flat index {torch_index}"


@given(pool_cases())
def test_vectorised_pass_matches_the_loop_version(case: Case) -> None:
    out, cache = pool_forward(case.x, case.spec)
    grads = pool_backward(case.grad_output, cache)
    loop_out, loop_grad = pool_loop(case.x, case.grad_output, case.spec)
    assert_close(out, loop_out, "output")
    assert_close(grads.grad_input, loop_grad, "grad_input")


@given(pool_cases(integers=True))
def test_total_gradient_is_conserved(case: Case) -> None:
    """Σ∂L/∂P = Σ∂L/∂O for every rule but `all`, which hands each tied maximum the whole gradient.

    ∂L/∂I is ∂L/∂P without the padding: max pooling never routes to −∞ padding, average pooling
    loses exactly the shares that land on its zero padding.
    """
    _, cache = pool_forward(case.x, case.spec)
    grads = pool_backward(case.grad_output, cache)
    maxima = (cache.weights > 0).sum(axis=(-2, -1))
    routed = case.grad_output * maxima if case.spec.mode == "max" and case.spec.ties == "all" else case.grad_output
    assert_close(grads.grad_padded_input.sum(), routed.sum(), "Σ ∂L/∂P")
    on_padding = grads.grad_padded_input.sum() - grads.grad_input.sum()
    if case.spec.mode == "max":
        assert abs(on_padding) < 1e-12, f"max pooling routed {on_padding} to the padding"
    if case.spec.padding == (0, 0, 0, 0):
        assert_close(grads.grad_input.sum(), routed.sum(), "Σ ∂L/∂I")


@given(pool_cases(integers=False))
def test_the_padding_share_is_summed_from_the_border(case: Case) -> None:
    """With random floats, Σ∂L/∂P − Σ∂L/∂I leaves rounding residues; the border's own sum does not:
    exactly 0 for max pooling, whose −∞ padding never receives gradient."""
    _, cache = pool_forward(case.x, case.spec)
    grads = pool_backward(case.grad_output, cache)
    share = padding_gradient(grads.grad_padded_input, case.spec)
    if case.spec.mode == "max":
        assert share == 0.0, f"max pooling's padding got {share!r}, expected exactly 0"
    else:
        top, bottom, left, right = case.spec.padding
        h_p, w_p = grads.grad_padded_input.shape[1:]
        border = [
            grads.grad_padded_input[c, i, j]
            for c, i, j in np.ndindex(grads.grad_padded_input.shape)
            if not (top <= i < h_p - bottom and left <= j < w_p - right)
        ]
        assert_close(np.array(share), np.array(sum(border)), "the padding's share")


@given(pool_cases(modes=("max",), ties=("split",), integers=True))
def test_split_shares_each_gradient_evenly_among_the_tied_maxima(case: Case) -> None:
    out, cache = pool_forward(case.x, case.spec)
    windows = np.lib.stride_tricks.sliding_window_view(cache.padded_input, case.spec.size, axis=(1, 2))
    windows = windows[:, :: case.spec.stride[0], :: case.spec.stride[1]]
    is_max = windows == out[..., None, None]
    assert_close(cache.weights, is_max / is_max.sum(axis=(-2, -1), keepdims=True), "weights")


@given(pool_cases(integers=False))
def test_gradients_match_central_differences(case: Case) -> None:
    """Away from ties both pools are differentiable: max is locally a selection, average is linear."""
    _, cache = pool_forward(case.x, case.spec)
    grads = pool_backward(case.grad_output, cache)
    numeric = central_difference(lambda x: float(np.sum(pool_forward(x, case.spec)[0] * case.grad_output)), case.x)
    assert_close(grads.grad_input, numeric, "grad_input", 1e-6, 1e-7)


def test_overlapping_windows_accumulate() -> None:
    """Stride 1 under a 2×2 max window: the centre 9 is every window's maximum and gets all four gradients."""
    x = np.array([[[1.0, 2.0, 3.0], [4.0, 9.0, 5.0], [6.0, 7.0, 8.0]]])
    out, cache = pool_forward(x, PoolSpec("max", (2, 2), (1, 1)))
    assert out[0].tolist() == [[9.0, 9.0], [9.0, 9.0]]
    grads = pool_backward(np.array([[[1.0, 2.0], [3.0, 4.0]]]), cache)
    assert grads.grad_input[0].tolist() == [[0, 0, 0], [0, 10, 0], [0, 0, 0]]


def test_tie_rules_differ_on_one_window() -> None:
    x = np.array([[[5.0, 1.0], [5.0, 5.0]]])
    g = np.array([[[6.0]]])
    routed = {
        ties: pool_backward(g, pool_forward(x, PoolSpec("max", (2, 2), (2, 2), ties=ties))[1]).grad_input[0].tolist()
        for ties in ("first", "all", "split")
    }
    assert routed == {
        "first": [[6, 0], [0, 0]],
        "all": [[6, 0], [6, 6]],
        "split": [[2, 0], [2, 2]],
    }


def test_max_padding_is_minus_infinity_and_average_padding_counts() -> None:
    """All-negative input: a zero pad would win the max; −∞ never does. Averages divide by the full window."""
    x = -np.ones((1, 2, 2))
    spec = PoolSpec("max", (2, 2), (2, 2), (1, 1, 1, 1))
    out, cache = pool_forward(x, spec)
    assert out[0].tolist() == [[-1, -1], [-1, -1]]
    assert np.isneginf(cache.padded_input[0, 0, 0])
    out, _ = pool_forward(x, PoolSpec("avg", (2, 2), (2, 2), (1, 1, 1, 1)))
    assert out[0].tolist() == [[-0.25, -0.25], [-0.25, -0.25]]


# Fig. 9.8–9.9 use one pooled map in both passes (chapter 9.2.3): ∂L/∂O equals O. The text gives
# the yellow average 4 (4 ÷ 4 = 1 to each of its cells) and the orange maximum 8 at the lower left
# of its window; the other numbers here are chosen to fit.
FIG_9_8 = np.array([[[1.0, 3.0, 2.0, 4.0], [5.0, 7.0, 6.0, 0.0], [3.0, 1.0, 0.0, 2.0], [2.0, 2.0, 4.0, 2.0]]])
FIG_9_9 = np.array([[[1.0, 3.0, 2.0, 4.0], [8.0, 5.0, 6.0, 0.0], [3.0, 1.0, 0.0, 7.0], [2.0, 2.0, 4.0, 2.0]]])


def test_fig_9_8_average_pooling_divides_4_by_4() -> None:
    out, cache = pool_forward(FIG_9_8, PoolSpec("avg", (2, 2), (2, 2)))
    assert out[0].tolist() == [[4.0, 3.0], [2.0, 2.0]]
    grads = pool_backward(out, cache)
    assert grads.grad_input[0, :2, :2].tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert grads.grad_input[0].tolist() == [[1, 1, 0.75, 0.75], [1, 1, 0.75, 0.75], [0.5] * 4, [0.5] * 4]
    assert grads.grad_input.sum() == out.sum() == 11


def test_fig_9_9_max_pooling_routes_8_to_the_lower_left() -> None:
    out, cache = pool_forward(FIG_9_9, PoolSpec("max", (2, 2), (2, 2)))
    assert out[0].tolist() == [[8.0, 6.0], [3.0, 7.0]]
    assert cache.weights[0, 0, 0].tolist() == [[0, 0], [1, 0]]
    grads = pool_backward(out, cache)
    assert grads.grad_input[0].tolist() == [[0, 0, 0, 0], [8, 0, 6, 0], [3, 0, 0, 7], [0, 0, 0, 0]]


@pytest.mark.parametrize(
    ("shape", "spec", "field"),
    [
        ((1, 2, 2), PoolSpec("max", (3, 3), (1, 1)), "size"),
        ((1, 4, 4), PoolSpec("avg", (2, 2), (2, 2), (2, 0, 0, 0)), "padding"),
        ((1, 4, 4), PoolSpec("max", (1, 3), (1, 1), (0, 0, 2, 1)), "padding"),
    ],
)
def test_impossible_pools_name_the_field(shape, spec, field) -> None:
    with pytest.raises(InvalidInput) as caught:
        pool_forward(np.zeros(shape), spec)
    assert caught.value.field == field
