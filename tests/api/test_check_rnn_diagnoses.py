"""Every BPTT mistake, made on generated sequences, is named by the check.

Leaving out Wᵀ∂L/∂aᵗ⁺¹ is what torch computes when the state is detached before every step,
and a sum where the loss takes a mean (or the reverse) is torch on the other loss; the
other mistakes are a plain loop backward through time with the one step done wrong. None
of it calls the engine or the mistakes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from .checking import assert_named, assert_right_and_noise_undiagnosed

FEW = settings(max_examples=20, deadline=None)
ACTIVATIONS = {"tanh": (torch.tanh, lambda h: 1 - h**2), "sigmoid": (torch.sigmoid, lambda h: h * (1 - h))}


class Sequence(NamedTuple):
    x: np.ndarray  # T × d_in
    y: np.ndarray  # T × d_out
    U: np.ndarray
    W: np.ndarray
    V: np.ndarray
    b: np.ndarray
    hidden: str
    loss: str

    def body(self) -> dict[str, Any]:
        names = ("x", "y", "U", "W", "V", "b")
        return {**{n: getattr(self, n).tolist() for n in names}, "hidden_activation": self.hidden, "loss": self.loss}


@st.composite
def sequences(draw: st.DrawFn, losses: tuple[str, ...] = ("mse", "half_sse")) -> Sequence:
    T, d_in, d_h, d_out = (
        draw(st.integers(2, 4)),
        draw(st.integers(1, 2)),
        draw(st.integers(2, 3)),
        draw(st.integers(1, 3)),
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return Sequence(
        rng.uniform(-1, 1, (T, d_in)),
        rng.uniform(-1, 1, (T, d_out)),
        rng.uniform(-1, 1, (d_h, d_in)),
        rng.uniform(-1, 1, (d_h, d_h)),
        rng.uniform(-1, 1, (d_out, d_h)),
        rng.uniform(-0.5, 0.5, d_h),
        draw(st.sampled_from(sorted(ACTIVATIONS))),
        draw(st.sampled_from(losses)),
    )


def torch_grads(
    seq: Sequence, detach: bool = False, per_step: str | None = None, over_steps: str = "sum"
) -> dict[str, np.ndarray]:
    """Gradients by autograd; `detach` cuts the state before every step, `per_step`/`over_steps` reduce the loss."""
    f, _ = ACTIVATIONS[seq.hidden]
    U, W, V, b = (torch.tensor(a, requires_grad=True) for a in (seq.U, seq.W, seq.V, seq.b))
    h0 = torch.zeros(seq.W.shape[0], dtype=torch.float64, requires_grad=True)
    reduce = per_step or ("mean" if seq.loss == "mse" else "sum")
    scale = 1.0 if seq.loss == "mse" else 0.5
    state, states, losses = h0, [], []
    for t in range(seq.x.shape[0]):
        if detach and t > 0:
            state = state.detach()
        h = f(U @ torch.tensor(seq.x[t]) + W @ state + b)
        h.retain_grad()
        squared = (V @ h - torch.tensor(seq.y[t])) ** 2
        losses.append(scale * (squared.mean() if reduce == "mean" else squared.sum()))
        states.append(h)
        state = h
    total = torch.stack(losses)
    (total.mean() if over_steps == "mean" else total.sum()).backward()
    return {
        "grad_U": U.grad.numpy(),
        "grad_W": W.grad.numpy(),
        "grad_b": b.grad.numpy(),
        "grad_h0": h0.grad.numpy(),
        "grad_h": np.stack([h.grad.numpy() for h in states]),
    }


def loop_grads(
    seq: Sequence, transpose: bool = True, derivative: bool = True, previous: bool = True
) -> dict[str, np.ndarray]:
    """Forward, then back through time, with one step optionally done wrong."""
    f, slope = ACTIVATIONS[seq.hidden]
    T, d_h = seq.x.shape[0], seq.W.shape[0]
    hs = [np.zeros(d_h)]
    for t in range(T):
        hs.append(f(torch.tensor(seq.U @ seq.x[t] + seq.W @ hs[-1] + seq.b)).numpy())
    d_out = seq.y.shape[1]
    grad_o = [(seq.V @ hs[t + 1] - seq.y[t]) * (2 / d_out if seq.loss == "mse" else 1) for t in range(T)]
    recurrent = seq.W.T if transpose else seq.W
    grad_a_next = np.zeros(d_h)
    grad_h, grad_a = [None] * T, [None] * T
    for t in reversed(range(T)):
        grad_h[t] = seq.V.T @ grad_o[t] + (recurrent @ grad_a_next if t < T - 1 else 0)
        grad_a[t] = grad_h[t] * (slope(hs[t + 1]) if derivative else 1)
        grad_a_next = grad_a[t]
    states = hs[:-1] if previous else hs[1:]
    return {
        "grad_U": sum(np.outer(grad_a[t], seq.x[t]) for t in range(T)),
        "grad_W": sum(np.outer(grad_a[t], states[t]) for t in range(T)),
        "grad_h0": recurrent @ grad_a[0],
        "grad_h": np.stack(grad_h),
    }


@FEW
@given(sequences())
def test_bptt_without_next_term(seq: Sequence) -> None:
    cut = torch_grads(seq, detach=True)
    for result in ("grad_U", "grad_W", "grad_b", "grad_h0"):
        assert_named("rnn", seq.body(), result, cut[result], "bptt_without_next_term")
    assert_named("rnn", seq.body(), "steps[0].grad_h", cut["grad_h"][0], "bptt_without_next_term")


@FEW
@given(sequences())
def test_recurrent_weight_not_transposed(seq: Sequence) -> None:
    wrong = loop_grads(seq, transpose=False)
    assert_named("rnn", seq.body(), "grad_W", wrong["grad_W"], "recurrent_weight_not_transposed")
    assert_named("rnn", seq.body(), "steps[0].grad_h", wrong["grad_h"][0], "recurrent_weight_not_transposed")


@FEW
@given(sequences())
def test_hidden_derivative_skipped(seq: Sequence) -> None:
    wrong = loop_grads(seq, derivative=False)
    assert_named("rnn", seq.body(), "grad_U", wrong["grad_U"], "hidden_derivative_skipped")
    assert_named("rnn", seq.body(), "grad_h0", wrong["grad_h0"], "hidden_derivative_skipped")


@FEW
@given(sequences())
def test_previous_state_confused(seq: Sequence) -> None:
    assert_named("rnn", seq.body(), "grad_W", loop_grads(seq, previous=False)["grad_W"], "previous_state_confused")


@FEW
@given(sequences(losses=("mse",)))
def test_sum_instead_of_mean(seq: Sequence) -> None:
    summed = torch_grads(seq, per_step="sum")
    assert_named("rnn", seq.body(), "grad_W", summed["grad_W"], "sum_instead_of_mean")
    assert_named("rnn", seq.body(), "steps[1].grad_h", summed["grad_h"][1], "sum_instead_of_mean")


@FEW
@given(sequences())
def test_mean_instead_of_sum(seq: Sequence) -> None:
    over_steps = torch_grads(seq, over_steps="mean")
    assert_named("rnn", seq.body(), "grad_U", over_steps["grad_U"], "mean_instead_of_sum")
    if seq.loss == "half_sse":
        per_output = torch_grads(seq, per_step="mean")
        assert_named("rnn", seq.body(), "grad_b", per_output["grad_b"], "mean_instead_of_sum")


@FEW
@given(
    sequences(),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["grad_U", "grad_W", "grad_V", "grad_h0", "loss", "steps[0].grad_h", "steps[1].grad_a"]),
)
def test_right_answers_and_noise_get_no_diagnosis(seq: Sequence, seed: int, result: str) -> None:
    assert_right_and_noise_undiagnosed("rnn", seq.body(), result, seed)
