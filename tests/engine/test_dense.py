"""The dense layer and flatten against torch.autograd and central differences (SPEC §4)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
import torch
import torch.nn.functional as tf
from hypothesis import given
from hypothesis import strategies as st

from app.engine.dense import dense_backward, dense_forward, flatten_backward, flatten_forward
from app.engine.errors import InvalidInput

from .oracles import assert_close, central_difference, tensor


class Case(NamedTuple):
    x: np.ndarray
    weight: np.ndarray
    bias: np.ndarray | None
    grad_output: np.ndarray


@st.composite
def dense_cases(draw: st.DrawFn) -> Case:
    n_in, n_out = draw(st.integers(1, 12)), draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    bias = rng.normal(size=n_out) if draw(st.booleans()) else None
    return Case(rng.normal(size=n_in), rng.normal(size=(n_out, n_in)), bias, rng.normal(size=n_out))


@given(dense_cases())
def test_forward_and_backward_match_torch_linear(case: Case) -> None:
    out, cache = dense_forward(case.x, case.weight, case.bias)
    grads = dense_backward(case.grad_output, cache)
    x, w = tensor(case.x, grad=True), tensor(case.weight, grad=True)
    b = tensor(case.bias, grad=True) if case.bias is not None else None
    expected = tf.linear(x, w, b)
    expected.backward(tensor(case.grad_output))
    assert_close(out, expected.detach().numpy(), "output")
    assert_close(grads.grad_input, x.grad.numpy(), "grad_input")
    assert_close(grads.grad_weight, w.grad.numpy(), "grad_weight")
    if b is not None:
        assert_close(grads.grad_bias, b.grad.numpy(), "grad_bias")


@given(dense_cases())
def test_gradients_match_central_differences(case: Case) -> None:
    _, cache = dense_forward(case.x, case.weight, case.bias)
    grads = dense_backward(case.grad_output, cache)

    def loss(x: np.ndarray, w: np.ndarray) -> float:
        return float(dense_forward(x, w, case.bias)[0] @ case.grad_output)

    numeric_input = central_difference(lambda x: loss(x, case.weight), case.x)
    numeric_weight = central_difference(lambda w: loss(case.x, w), case.weight)
    assert_close(grads.grad_input, numeric_input, "grad_input", 1e-6, 1e-7)
    assert_close(grads.grad_weight, numeric_weight, "grad_weight", 1e-6, 1e-7)


@given(st.lists(st.integers(1, 4), min_size=1, max_size=3))
def test_flatten_is_torch_row_major_c_h_w(shape: list[int]) -> None:
    x = np.arange(float(np.prod(shape))).reshape(shape) * 1.5
    flat, cache = flatten_forward(x)
    assert flat.tolist() == torch.flatten(tensor(x)).tolist()
    assert flatten_backward(flat * 2, cache).tolist() == (x * 2).tolist()


def test_flatten_reads_channel_by_channel_then_row_by_row() -> None:
    x = np.array([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]])
    assert flatten_forward(x)[0].tolist() == [1, 2, 3, 4, 5, 6, 7, 8]


def test_a_wrong_length_names_the_weight() -> None:
    with pytest.raises(InvalidInput) as caught:
        dense_forward(np.zeros(3), np.zeros((2, 4)), None)
    assert caught.value.field == "weight" and "vector of 4" in caught.value.message
