"""Activations against torch.autograd, central differences, and ReLU's choice at 0 (chapter 9.2.2)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from app.engine.activation import (
    ACTIVATION_NAMES,
    ActivationSpec,
    activation_backward,
    activation_forward,
    softmax_jacobian,
)

from .oracles import assert_close, central_difference, tensor, torch_activation


class Case(NamedTuple):
    x: np.ndarray
    spec: ActivationSpec
    grad_output: np.ndarray


@st.composite
def activation_cases(draw: st.DrawFn, functions: tuple[str, ...] = ACTIVATION_NAMES, zeros: bool = True) -> Case:
    """A vector, matrix or C×H×W input; with `zeros`, some elements exactly 0 (where ReLU has no derivative)."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(scale=draw(st.sampled_from([1.0, 30.0])), size=shape)
    if zeros:
        x[rng.random(shape) < 0.3] = 0.0
    spec = ActivationSpec(
        draw(st.sampled_from(functions)),
        negative_slope=draw(st.sampled_from([0.01, 0.2, 1.5, -0.5])),
        relu_grad_at_zero=draw(st.sampled_from([0.0, 1.0])),
    )
    return Case(x, spec, rng.normal(size=shape))


@given(activation_cases())
def test_forward_and_backward_match_torch_autograd(case: Case) -> None:
    out, cache = activation_forward(case.x, case.spec)
    grads = activation_backward(case.grad_output, cache)
    x = tensor(case.x, grad=True)
    expected = torch_activation(x, case.spec)
    expected.backward(tensor(case.grad_output))
    assert_close(out, expected.detach().numpy(), "output")
    assert_close(grads.grad_input, x.grad.numpy(), "grad_input")


@given(activation_cases())
def test_local_derivative_is_the_gradient_of_each_output_by_its_own_input(case: Case) -> None:
    """f′(x) is ∂yᵢ/∂xᵢ: the gradient for a one-hot ∂L/∂y, here all at once through the Jacobian's diagonal."""
    _, cache = activation_forward(case.x, case.spec)
    derivative = activation_backward(case.grad_output, cache).local_derivative
    x = tensor(case.x.reshape(-1), grad=True)
    jacobian = torch.autograd.functional.jacobian(
        lambda v: torch_activation(v.reshape(case.x.shape), case.spec).reshape(-1), x
    )
    assert_close(derivative.reshape(-1), torch.diagonal(jacobian).numpy(), "local derivative")


@given(activation_cases(functions=("softmax",)))
def test_softmax_jacobian_matches_torch(case: Case) -> None:
    out, cache = activation_forward(case.x, case.spec)
    expected = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, 0), tensor(case.x.reshape(-1)))
    jacobian = softmax_jacobian(out)
    assert_close(jacobian, expected.numpy(), "jacobian")
    grad_input = activation_backward(case.grad_output, cache).grad_input
    assert_close(jacobian.T @ case.grad_output.reshape(-1), grad_input.reshape(-1), "Jᵀg")


@given(activation_cases(zeros=False))
def test_gradients_match_central_differences(case: Case) -> None:
    """Away from 0 every function here is differentiable; 30·N(0,1) inputs also test the saturated tails."""
    x = np.where(np.abs(case.x) < 1e-3, 1e-3, case.x)
    _, cache = activation_forward(x, case.spec)
    grads = activation_backward(case.grad_output, cache)
    numeric = central_difference(lambda v: float(np.sum(activation_forward(v, case.spec)[0] * case.grad_output)), x)
    assert_close(grads.grad_input, numeric, "grad_input", 1e-6, 1e-7)


def test_relu_choice_at_zero_changes_only_the_zero_cells() -> None:
    x = np.array([-1.0, 0.0, 2.0])
    g = np.array([5.0, 5.0, 5.0])
    by_choice = {}
    for choice in (0.0, 1.0):
        _, cache = activation_forward(x, ActivationSpec("relu", relu_grad_at_zero=choice))
        by_choice[choice] = activation_backward(g, cache)
    assert by_choice[0.0].local_derivative.tolist() == [0, 0, 1] and by_choice[0.0].grad_input.tolist() == [0, 0, 5]
    assert by_choice[1.0].local_derivative.tolist() == [0, 1, 1] and by_choice[1.0].grad_input.tolist() == [0, 5, 5]


def test_sigmoid_and_softmax_do_not_overflow() -> None:
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, _ = activation_forward(np.array([-1000.0, 0.0, 1000.0]), ActivationSpec("sigmoid"))
        assert out.tolist() == [0.0, 0.5, 1.0]
        out, cache = activation_forward(np.array([1000.0, 0.0, -1000.0]), ActivationSpec("softmax"))
        assert out.tolist() == [1.0, 0.0, 0.0]
        assert np.isfinite(activation_backward(np.ones(3), cache).grad_input).all()


def test_softmax_is_over_every_element_of_a_feature_map() -> None:
    out, _ = activation_forward(np.zeros((2, 2, 2)), ActivationSpec("softmax"))
    assert out.tolist() == np.full((2, 2, 2), 0.125).tolist()
