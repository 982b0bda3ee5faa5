"""The RNN engine (Fig. 9.10, SPEC §5) against torch.autograd, torch.nn.RNN and central differences."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from app.engine.errors import InvalidInput
from app.engine.loss import LOSS_NAMES
from app.engine.rnn import (
    HIDDEN_ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
    RnnParams,
    RnnSpec,
    rnn_backward,
    rnn_forward,
    truncation_cuts,
)
from app.engine.rnn_rates import block_curve, blocks, measured_rate, predict_norms, recurrence_spectrum

from .oracles import RnnCase, assert_close, central_difference, tensor, torch_rnn

PARAMS = RnnParams._fields  # U, W, V, b, c, h0


def target_for(loss: str, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """A target each loss has a meaning for: distributions for cross_entropy, [0, 1] for bce."""
    if loss == "cross_entropy":
        return rng.dirichlet(np.ones(shape[1]), size=shape[0])
    if loss == "bce":
        return rng.random(shape)
    return rng.normal(size=shape)


@st.composite
def rnn_cases(draw: st.DrawFn, truncated: bool = True) -> RnnCase:
    """A valid network built directly: the output activation is drawn among those the loss allows."""
    T = draw(st.integers(1, 7))
    d_in, d_h, d_out = (draw(st.integers(1, 4)) for _ in range(3))
    loss = draw(st.sampled_from(LOSS_NAMES))
    output = {"cross_entropy": "softmax", "bce": "sigmoid"}.get(loss) or draw(st.sampled_from(OUTPUT_ACTIVATIONS))
    truncation = draw(st.none() | st.integers(1, T + 1)) if truncated else None
    spec = RnnSpec(draw(st.sampled_from(HIDDEN_ACTIVATIONS)), output, loss, truncation)
    scale = draw(st.sampled_from([0.5, 1.0, 2.0]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))

    def optional(size: int) -> np.ndarray:
        return rng.normal(size=size) if draw(st.booleans()) else np.zeros(size)

    params = RnnParams(
        U=rng.normal(size=(d_h, d_in)),
        W=scale * rng.normal(size=(d_h, d_h)) / np.sqrt(d_h),
        V=rng.normal(size=(d_out, d_h)),
        b=optional(d_h),
        c=optional(d_out),
        h0=optional(d_h),
    )
    return RnnCase(rng.normal(size=(T, d_in)), target_for(loss, rng, (T, d_out)), params, spec)


def stack(tensors: list[torch.Tensor]) -> np.ndarray:
    return torch.stack([t.detach() for t in tensors]).numpy()


def grads_of(tensors: list[torch.Tensor]) -> np.ndarray:
    return np.stack([t.grad.numpy() if t.grad is not None else np.zeros(t.shape) for t in tensors])


@given(rnn_cases())
def test_forward_and_bptt_match_torch_autograd(case: RnnCase) -> None:
    assert_matches_torch(case)


def largest_case(seed: int, hidden: str, loss: str, output: str, truncation: int | None) -> RnnCase:
    """T = 64 steps of d_in = d_h = d_out = 16, the API's limits, with weights small enough not to overflow."""
    rng = np.random.default_rng(seed)
    T, d = 64, 16
    params = RnnParams(
        U=rng.normal(scale=0.3, size=(d, d)),
        W=rng.normal(scale=0.9 / np.sqrt(d), size=(d, d)),
        V=rng.normal(scale=0.3, size=(d, d)),
        b=rng.normal(scale=0.1, size=d),
        c=rng.normal(scale=0.1, size=d),
        h0=rng.normal(scale=0.5, size=d),
    )
    spec = RnnSpec(hidden, output, loss, truncation)
    return RnnCase(rng.normal(size=(T, d)), target_for(loss, rng, (T, d)), params, spec)


# Every hidden activation with every loss, the outputs mse and half_sse allow taken in turn, truncated or not.
LARGEST = [
    (hidden, loss, {"cross_entropy": "softmax", "bce": "sigmoid"}.get(loss, OUTPUT_ACTIVATIONS[(h + k) % 3]), (h + k) % 2)
    for h, hidden in enumerate(HIDDEN_ACTIVATIONS)
    for k, loss in enumerate(LOSS_NAMES)
]


@pytest.mark.parametrize(("hidden", "loss", "output", "truncated"), LARGEST)
def test_the_largest_network_matches_torch_autograd(hidden: str, loss: str, output: str, truncated: int) -> None:
    seed = LARGEST.index((hidden, loss, output, truncated))
    assert_matches_torch(largest_case(seed, hidden, loss, output, 8 if truncated else None))


def assert_matches_torch(case: RnnCase) -> None:
    """Every forward number, every gradient and every step's term of every weight gradient, against torch."""
    loss, cache = rnn_forward(case.x, case.y, case.params, case.spec)
    grads = rnn_backward(cache)
    run = torch_rnn(case)

    total = torch.stack(run.losses).sum()
    total.backward(retain_graph=True)
    grad_a, grad_h, grad_o, grad_y_hat = (grads_of(q) for q in (run.a, run.h, run.o, run.y_hat))
    steps = {name: grads_of(run.step_weights[name]) for name in "UWVbc"}
    grad_h0 = run.h0.grad.numpy().copy()
    # ∂L^T/∂hᵗ alone (read after the retained .grad above: this pass adds to them too).
    last = torch.autograd.grad(run.losses[-1], run.h, allow_unused=True, retain_graph=True)
    last = np.stack([g.numpy() if g is not None else np.zeros(h.shape) for g, h in zip(last, run.h)])
    # The last loss of each block alone: blocks exchange no gradient, so their sum gives each one's.
    ends = [last_step for _, last_step in blocks(truncation_cuts(case.x.shape[0], case.spec.truncation))]
    block_last = torch.autograd.grad(sum(run.losses[e] for e in ends), run.h, allow_unused=True)
    block_last = np.stack([g.numpy() if g is not None else np.zeros(h.shape) for g, h in zip(block_last, run.h)])

    assert_close(cache.a, stack(run.a), "a")
    assert_close(cache.h_prev, np.vstack([case.params.h0, stack(run.h)[:-1]]), "hᵗ⁻¹")
    assert_close(cache.a_from_input, case.x @ case.params.U.T, "U xᵗ")
    assert_close(cache.a_from_state, cache.h_prev @ case.params.W.T, "W hᵗ⁻¹")
    assert_close(cache.h, stack(run.h), "h")
    assert_close(cache.o, stack(run.o), "o")
    assert_close(cache.y_hat, stack(run.y_hat), "y_hat")
    assert_close(cache.losses, stack(run.losses), "Lᵗ")
    assert_close(loss, total.item(), "L")

    V = case.params.V
    assert_close(grads.grad_o, grad_o, "∂L/∂oᵗ")
    if cache.grad_y_hat is not None:
        assert_close(cache.grad_y_hat, grad_y_hat, "∂Lᵗ/∂ỹᵗ")
    tt = grads.through_time
    assert_close(tt.from_output, grad_o @ V, "Vᵀ ∂L/∂oᵗ")
    assert_close(tt.from_next, grad_h - grad_o @ V, "Wᵀ ∂L/∂aᵗ⁺¹")
    assert_close(tt.grad_h, grad_h, "∂L/∂hᵗ")
    assert_close(tt.grad_a, grad_a, "∂L/∂aᵗ")
    assert_close(tt.norm, np.linalg.norm(grad_h, axis=1), "‖∂L/∂hᵗ‖")
    assert_close(grads.last_loss.grad_h, last, "∂L^T/∂hᵗ")
    assert_close(grads.block_last_loss.grad_h, block_last, "∂Lᵉ/∂hᵗ, e the end of t's block")
    assert_close(grads.block_last_loss.norm, np.linalg.norm(block_last, axis=1), "‖∂Lᵉ/∂hᵗ‖")

    for name in "UWVbc":
        per_step = steps[name]
        assert_close(getattr(grads, f"step_grad_{name}"), per_step, f"each step's term of ∂L/∂{name}")
        assert_close(getattr(grads, f"grad_{name}"), per_step.sum(axis=0), f"∂L/∂{name}")
    assert_close(grads.grad_h0, grad_h0, "∂L/∂h0")


@given(rnn_cases(truncated=False))
def test_gradients_match_central_differences(case: RnnCase) -> None:
    _, cache = rnn_forward(case.x, case.y, case.params, case.spec)
    grads = rnn_backward(cache)
    for name in PARAMS:
        def total_loss(value: np.ndarray, name: str = name) -> float:
            return rnn_forward(case.x, case.y, case.params._replace(**{name: value}), case.spec)[0]

        numeric = central_difference(total_loss, getattr(case.params, name))
        assert_close(getattr(grads, f"grad_{name}"), numeric, f"∂L/∂{name}", rtol=1e-5, atol=1e-6)


@given(rnn_cases(truncated=False), st.sampled_from(["tanh", "relu"]))
def test_hidden_states_and_gradients_match_torch_nn_rnn(case: RnnCase, hidden: str) -> None:
    """torch.nn.RNN has two biases (b_ih + b_hh = b) and no output layer: with V = I, c = 0,
    an identity output and half_sse, L = ½ Σₜ ‖hᵗ − yᵗ‖² is the same network."""
    d_h = case.params.W.shape[0]
    params = case.params._replace(V=np.eye(d_h), c=np.zeros(d_h))
    y = np.random.default_rng(0).normal(size=(case.x.shape[0], d_h))
    spec = RnnSpec(hidden, "identity", "half_sse")
    _, cache = rnn_forward(case.x, y, params, spec)
    grads = rnn_backward(cache)

    rnn = torch.nn.RNN(case.x.shape[1], d_h, nonlinearity=hidden).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(tensor(params.U))
        rnn.weight_hh_l0.copy_(tensor(params.W))
        rnn.bias_ih_l0.copy_(tensor(params.b))
        rnn.bias_hh_l0.zero_()
    h0 = tensor(params.h0[None], grad=True)
    states, _ = rnn(tensor(case.x), h0)
    (0.5 * ((states - tensor(y)) ** 2).sum()).backward()

    assert_close(cache.h, states.detach().numpy(), "hᵗ")
    assert_close(grads.grad_U, rnn.weight_ih_l0.grad.numpy(), "∂L/∂U")
    assert_close(grads.grad_W, rnn.weight_hh_l0.grad.numpy(), "∂L/∂W")
    assert_close(grads.grad_b, rnn.bias_ih_l0.grad.numpy(), "∂L/∂b")
    assert_close(grads.grad_b, rnn.bias_hh_l0.grad.numpy(), "∂L/∂b (b_hh)")
    assert_close(grads.grad_h0, h0.grad.numpy()[0], "∂L/∂h0")


@given(rnn_cases())
def test_spectrum_matches_torch_linalg_and_bounds_every_step_back(case: RnnCase) -> None:
    _, cache = rnn_forward(case.x, case.y, case.params, case.spec)
    grads = rnn_backward(cache)
    norms = grads.block_last_loss.norm
    spectrum = recurrence_spectrum(case.params.W, case.spec.hidden_activation)
    W = tensor(case.params.W)
    assert_close(spectrum.spectral_radius, torch.linalg.eigvals(W).abs().max().item(), "ρ(W)")
    assert_close(spectrum.largest_singular_value, torch.linalg.matrix_norm(W, ord=2).item(), "σ_max(W)")
    # ‖∂Lᵉ/∂hᵗ⁻¹‖ ≤ σ_max(W)·sup|σ₁′|·‖∂Lᵉ/∂hᵗ‖ at every step back within a block, so along each block's curve.
    inside = ~grads.cut[:-1]  # step t − 1 → t is a gradient path unless truncation cut it
    assert (norms[:-1][inside] <= spectrum.rate_bound * norms[1:][inside] * (1 + 1e-12) + 1e-300).all(), (
        f"norms {norms} break the bound rate {spectrum.rate_bound}"
    )
    prediction = predict_norms(norms, grads.cut, spectrum)
    assert (norms <= prediction.bound * (1 + 1e-9) + 1e-300).all(), f"norms {norms} above the bound {prediction.bound}"
    k = case.spec.truncation or case.x.shape[0]
    assert prediction.longest_reach == min(k, case.x.shape[0]) - 1


def test_truncation_cuts_blocks_of_k_steps() -> None:
    assert truncation_cuts(7, 3).tolist() == [False, False, True, False, False, True, False]
    assert truncation_cuts(6, 3).tolist() == [False, False, True, False, False, False]
    assert not truncation_cuts(5, None).any() and not truncation_cuts(5, 5).any()
    assert truncation_cuts(4, 1).tolist() == [True, True, True, False]


@given(rnn_cases(truncated=False))
def test_truncation_of_one_step_keeps_only_each_outputs_own_part(case: RnnCase) -> None:
    def backward(truncation: int | None):
        return rnn_backward(rnn_forward(case.x, case.y, case.params, replace(case.spec, truncation=truncation))[1])

    full, one = backward(None), backward(1)
    assert not one.through_time.from_next.any()
    assert_close(one.through_time.grad_h, full.through_time.from_output, "∂L/∂hᵗ with k = 1")
    assert_close(backward(case.x.shape[0]).grad_W, full.grad_W, "k = T is the full pass")


def test_the_rates_live_within_the_blocks_of_truncation() -> None:
    cut = truncation_cuts(7, 3)
    assert blocks(cut) == [(0, 2), (3, 5), (6, 6)] and blocks(truncation_cuts(4, None)) == [(0, 3)]
    anchors = np.array([9.0, 9.0, 2.0, 9.0, 9.0, 4.0, 3.0])
    assert block_curve(anchors, 0.5, cut).tolist() == [0.5, 1.0, 2.0, 1.0, 2.0, 4.0, 3.0]
    assert block_curve(np.array([5.0, 0.0]), 1e300, truncation_cuts(2, None)).tolist() == [0.0, 0.0]
    assert np.isinf(block_curve(np.ones(3), 1e300, truncation_cuts(3, None))[0])
    # Factors 0.5 within each block; the jump across a cut is no gradient and does not count.
    norms = np.array([0.25, 0.5, 1.0, 100.0, 200.0, 400.0, 7.0])
    assert measured_rate(norms, cut) == pytest.approx(0.5, rel=1e-15)
    assert measured_rate(np.array([0.125, 0.25, 0.5, 1.0]), truncation_cuts(4, None)) == pytest.approx(0.5, rel=1e-15)
    assert measured_rate(np.array([1.0]), truncation_cuts(1, None)) is None
    assert measured_rate(np.ones(4), truncation_cuts(4, 1)) is None  # k = 1: nothing travels back
    assert measured_rate(np.array([0.0, 1.0, 1.0, 1.0]), truncation_cuts(4, 2)) is None


def test_truncated_exploding_network_grows_only_within_its_blocks() -> None:
    """W's rows and columns each add up to 1.5 and every relu unit is on: each step back is exactly × 1.5."""
    x, U = np.full((16, 1), 0.1), np.array([[1.0], [0.5], [0.2]])
    W = np.array([[1.2, 0.3, 0.0], [0.0, 1.2, 0.3], [0.3, 0.0, 1.2]])
    params = RnnParams(U, W, np.full((1, 3), 0.1), np.zeros(3), np.zeros(1), np.zeros(3))
    _, cache = rnn_forward(x, np.zeros((16, 1)), params, RnnSpec("relu", "identity", "half_sse", 4))
    grads = rnn_backward(cache)
    prediction = predict_norms(grads.block_last_loss.norm, grads.cut, recurrence_spectrum(W, "relu"))
    assert prediction.longest_reach == 3
    assert prediction.measured_rate == pytest.approx(1.5, rel=1e-12)
    norms = grads.block_last_loss.norm
    assert_close(prediction.estimate, norms, "ρ(W) = 1.5 drawn back from each block's end")
    # Three factors of 1.5 across each block, and no more: every block starts again from its own loss.
    assert_close(norms[[0, 4, 8, 12]], 1.5**3 * norms[[3, 7, 11, 15]], "three factors of 1.5 across each block")


def _valid() -> tuple[np.ndarray, np.ndarray, RnnParams]:
    params = RnnParams(np.ones((4, 2)), np.eye(4), np.ones((1, 4)), np.zeros(4), np.zeros(1), np.zeros(4))
    return np.ones((3, 2)), np.ones((3, 1)), params


@pytest.mark.parametrize(
    ("change", "spec", "field", "words"),
    [
        ({"U": np.ones((4, 3))}, RnnSpec(), "U", "4×3"),
        ({"W": np.ones((4, 3))}, RnnSpec(), "W", "square"),
        ({"W": np.eye(3)}, RnnSpec(), "W", "U is 4×2"),
        ({"V": np.ones((1, 3))}, RnnSpec(), "V", "1×3"),
        ({"b": np.zeros(3)}, RnnSpec(), "b", "d_h = 4"),
        ({"c": np.zeros(2)}, RnnSpec(), "c", "d_out = 1"),
        ({"h0": np.zeros(5)}, RnnSpec(), "h0", "d_h = 4"),
        ({}, RnnSpec(hidden_activation="gelu"), "hidden_activation", "gelu"),
        ({}, RnnSpec(output_activation="tanh"), "output_activation", "tanh"),
        ({}, RnnSpec(loss="hinge"), "loss", "hinge"),
        ({}, RnnSpec(loss="cross_entropy"), "loss", "softmax"),
        ({}, RnnSpec(output_activation="softmax", loss="bce"), "loss", "sigmoid"),
        ({}, RnnSpec(truncation=0), "truncation", "at least 1"),
        ({"W": np.full((4, 4), 1e300)}, RnnSpec(hidden_activation="relu"), "W", "overflows"),
    ],
)
def test_impossible_networks_name_the_field(change, spec, field, words) -> None:
    x, y, params = _valid()
    with pytest.raises(InvalidInput) as caught:
        rnn_forward(x, y, params._replace(**change), spec)
    assert caught.value.field == field and words in caught.value.message, caught.value


def test_targets_that_do_not_suit_the_loss_name_the_step() -> None:
    x, _, params = _valid()
    params = params._replace(V=np.ones((2, 4)), c=np.zeros(2))
    y = np.array([[1.0, 0.0], [0.5, 0.4], [0.0, 1.0]])
    with pytest.raises(InvalidInput) as caught:
        rnn_forward(x, y, params, RnnSpec(output_activation="softmax", loss="cross_entropy"))
    assert caught.value.field == "y" and "step 2" in caught.value.message and "distribution" in caught.value.message
