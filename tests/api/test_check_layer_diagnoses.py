"""Every pooling and activation mistake, made on generated layers by the code below, is named by the check.

Pooling mistakes are written as a loop over the windows that hands out each window's
gradient the wrong way; activation mistakes as the wrong derivative, element by element.
Neither calls the engine or the mistakes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from .checking import assert_named, assert_right_and_noise_undiagnosed

FEW = settings(max_examples=25, deadline=None)


class Pool(NamedTuple):
    x: np.ndarray  # n_h × n_w
    mode: str
    size: int
    stride: int
    padding: int
    grad_output: np.ndarray  # out_h × out_w

    def body(self, **extra: Any) -> dict[str, Any]:
        return {
            "input": self.x.tolist(),
            "mode": self.mode,
            "size": self.size,
            "stride": self.stride,
            "padding": self.padding,
            "grad_output": self.grad_output.tolist(),
            **extra,
        }

    def windows(self) -> list[tuple[int, int, np.ndarray]]:
        """(top, left, window) in padded coordinates, row-major; max pads with −∞, average with zeros."""
        fill = -np.inf if self.mode == "max" else 0.0
        padded = np.pad(self.x, self.padding, constant_values=fill)
        out_h, out_w = self.grad_output.shape
        tops = [i * self.stride for i in range(out_h)]
        lefts = [j * self.stride for j in range(out_w)]
        return [(t, l, padded[t : t + self.size, l : l + self.size]) for t in tops for l in lefts]

    def spread(self, share: Any) -> np.ndarray:
        """Add share(window, g) (a size × size array) into each window's cells, then crop the padding."""
        p = self.padding
        grid = np.zeros((self.x.shape[0] + 2 * p, self.x.shape[1] + 2 * p))
        for (t, l, window), g in zip(self.windows(), self.grad_output.ravel()):
            grid[t : t + self.size, l : l + self.size] += share(window, g)
        return grid[p : p + self.x.shape[0], p : p + self.x.shape[1]]


@st.composite
def pools(draw: st.DrawFn, mode: str, overlapping: bool = False, padded: bool = False, tied: bool = False) -> Pool:
    """A pooling layer with integer numbers. `tied` makes the top-left window hold its maximum twice."""
    size = draw(st.integers(2, 3))
    stride = draw(st.integers(1, size - 1)) if overlapping else draw(st.integers(1, 3))
    padding = draw(st.integers(1, size // 2)) if padded else 0
    n_h, n_w = draw(st.integers(max(1, size - 2 * padding), 6)), draw(st.integers(max(1, size - 2 * padding), 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    out_h, out_w = (n_h + 2 * padding - size) // stride + 1, (n_w + 2 * padding - size) // stride + 1
    x = rng.integers(*((0, 2) if tied else (-9, 10)), (n_h, n_w)).astype(float)
    if tied:
        x[0, :2] = 9.0
    return Pool(x, mode, size, stride, padding, rng.integers(1, 5, (out_h, out_w)).astype(float))


def first_maximum(window: np.ndarray, g: float) -> np.ndarray:
    routed = np.zeros(window.shape)
    routed[np.unravel_index(np.argmax(window), window.shape)] = g
    return routed


@FEW
@given(st.booleans().flatmap(lambda padded: pools("max", padded=padded)))
def test_max_grad_to_every_cell(pool: Pool) -> None:
    assert_named(
        "pool", pool.body(), "grad_input", pool.spread(lambda w, g: np.full(w.shape, g)), "max_grad_to_every_cell"
    )


@FEW
@given(pools("max"))
def test_max_grad_split_evenly(pool: Pool) -> None:
    evenly = pool.spread(lambda w, g: np.full(w.shape, g / w.size))
    assert_named("pool", pool.body(), "grad_input", evenly, "max_grad_split_evenly")


@FEW
@given(pools("avg"))
def test_avg_grad_not_divided(pool: Pool) -> None:
    assert_named(
        "pool", pool.body(), "grad_input", pool.spread(lambda w, g: np.full(w.shape, g)), "avg_grad_not_divided"
    )


@FEW
@given(pools("avg"))
def test_avg_grad_to_maximum(pool: Pool) -> None:
    assert_named("pool", pool.body(), "grad_input", pool.spread(first_maximum), "avg_grad_to_maximum")


@FEW
@given(pools("max", tied=True))
def test_tie_rule(pool: Pool) -> None:
    every_tied = pool.spread(lambda w, g: np.where(w == w.max(), g, 0.0))
    assert_named("pool", pool.body(ties="first"), "grad_input", every_tied, "tie_rule")
    assert_named("pool", pool.body(ties="all"), "grad_input", pool.spread(first_maximum), "tie_rule")


@FEW
@given(pools("max", overlapping=True), st.sampled_from(["max", "avg"]))
def test_overlaps_not_accumulated(pool: Pool, mode: str) -> None:
    pool = pool._replace(mode=mode)
    p = pool.padding
    written = np.zeros((pool.x.shape[0] + 2 * p, pool.x.shape[1] + 2 * p))
    for (t, l, window), g in zip(pool.windows(), pool.grad_output.ravel()):
        share = first_maximum(window, g) if mode == "max" else np.full(window.shape, g / window.size)
        target = written[t : t + pool.size, l : l + pool.size]
        target[share != 0] = share[share != 0]  # assigned, not added: the last window wins
    assert_named("pool", pool.body(), "grad_input", written, "overlaps_not_accumulated")


@FEW
@given(pools("avg", padded=True))
def test_avg_padding_not_counted(pool: Pool) -> None:
    k, p = pool.size, pool.padding
    real = np.pad(np.ones(pool.x.shape), p)  # 1 on the input's cells, 0 on the padding
    outputs, grid = [], np.zeros(real.shape)
    for (t, l, window), g in zip(pool.windows(), pool.grad_output.ravel()):
        cells = real[t : t + k, l : l + k]
        outputs.append(window.sum() / cells.sum())
        grid[t : t + k, l : l + k] += g * cells / cells.sum()
    assert_named("pool", pool.body(), "output", np.reshape(outputs, pool.grad_output.shape), "avg_padding_not_counted")
    assert_named("pool", pool.body(), "grad_input", grid[p:-p, p:-p], "avg_padding_not_counted")


@FEW
@given(
    st.sampled_from(["max", "avg"]).flatmap(lambda mode: pools(mode, overlapping=True)),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["output", "grad_input", "mask"]),
)
def test_pooling_right_answers_and_noise_get_no_diagnosis(pool: Pool, seed: int, result: str) -> None:
    assert_right_and_noise_undiagnosed("pool", pool.body(), result, seed)


class Activation(NamedTuple):
    x: np.ndarray
    grad_output: np.ndarray

    def body(self, function: str, **extra: Any) -> dict[str, Any]:
        return {"input": self.x.tolist(), "function": function, "grad_output": self.grad_output.tolist(), **extra}


@st.composite
def activations(draw: st.DrawFn, integers: bool = True) -> Activation:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shape = draw(st.sampled_from([(5,), (2, 3), (2, 2, 2)]))
    x = rng.integers(-3, 4, shape).astype(float) if integers else rng.uniform(-3, 3, shape)
    return Activation(x, rng.integers(-3, 4, shape).astype(float))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


@FEW
@given(activations(integers=False), st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu"]))
def test_derivative_from_output(case: Activation, function: str) -> None:
    x, g = case
    if function == "sigmoid":
        y = sigmoid(x)
        at_output, body = sigmoid(y) * (1 - sigmoid(y)), case.body("sigmoid")
    elif function == "tanh":
        at_output, body = 1 - np.tanh(np.tanh(x)) ** 2, case.body("tanh")
    elif function == "relu":  # with f′(0) = 1, every y = max(0, x) ≥ 0 gets slope 1
        x = np.round(x)
        case = case._replace(x=x)
        at_output, body = np.ones_like(x), case.body("relu", relu_grad_at_zero=1)
    else:  # a negative slope flips the sign: y > 0 where x < 0
        y = np.where(x > 0, x, -0.5 * x)
        at_output, body = np.where(y > 0, 1.0, -0.5), case.body("leaky_relu", negative_slope=-0.5)
    assert_named("activation", body, "local_derivative", at_output, "derivative_from_output")
    assert_named("activation", body, "grad_input", g * at_output, "derivative_from_output")


@FEW
@given(activations(integers=False), st.sampled_from(["sigmoid", "tanh"]))
def test_derivative_formula_on_input(case: Activation, function: str) -> None:
    x, g = case
    fed_x = x * (1 - x) if function == "sigmoid" else 1 - x**2
    assert_named("activation", case.body(function), "grad_input", g * fed_x, "derivative_formula_on_input")


@FEW
@given(activations(), st.sampled_from([0, 1]))
def test_relu_zero_choice(case: Activation, chosen: int) -> None:
    x, g = case.x.copy(), case.grad_output.copy()
    x.flat[0], g.flat[0] = 0.0, 2.0  # where the choice shows
    case = Activation(x, g)
    other = np.where(x > 0, 1.0, np.where(x < 0, 0.0, 1.0 - chosen))
    assert_named("activation", case.body("relu", relu_grad_at_zero=chosen), "grad_input", g * other, "relu_zero_choice")


@FEW
@given(activations(integers=False))
def test_softmax_diagonal_only(case: Activation) -> None:
    x, g = case
    s = np.exp(x) / np.exp(x).sum()
    assert_named("activation", case.body("softmax"), "grad_input", g * s * (1 - s), "softmax_diagonal_only")


@FEW
@given(
    activations(),
    st.sampled_from(["relu", "leaky_relu", "sigmoid", "tanh", "softmax"]),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["output", "local_derivative", "grad_input"]),
)
def test_activation_right_answers_and_noise_get_no_diagnosis(
    case: Activation, function: str, seed: int, result: str
) -> None:
    assert_right_and_noise_undiagnosed("activation", case.body(function), result, seed)
