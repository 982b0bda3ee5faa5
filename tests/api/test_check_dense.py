"""``POST /api/v1/check`` with kind `dense`: a network's dense layer, y = W x + b, checked on its own.

The right numbers and each mistake are written here with loops over the weights, as a learner
works them out; none of it calls the engine or the mistakes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from .checking import assert_named, assert_right_and_noise_undiagnosed, check
from .refusals import assert_refused

URL = "/api/v1/check"
FEW = settings(max_examples=25, deadline=None)
# The dense layer of /network's "tiny CNN" example, in the first step.
TINY = {
    "input": [2.0, 3.0, 3.0, 1.0],
    "weight": [[0.1, 0.2, -0.1, 0.0], [-0.2, 0.1, 0.1, 0.3]],
    "bias": [0.0, 0.0],
    "grad_output": [0.5, -0.5],
}


class Dense(NamedTuple):
    x: np.ndarray  # n_in
    w: np.ndarray  # n_out × n_in
    b: np.ndarray  # n_out
    g: np.ndarray  # n_out

    def body(self) -> dict[str, Any]:
        return {"input": self.x.tolist(), "weight": self.w.tolist(), "bias": self.b.tolist(), "grad_output": self.g.tolist()}

    def by_hand(self) -> dict[str, np.ndarray]:
        n_out, n_in = self.w.shape
        y = [sum(self.w[i, j] * self.x[j] for j in range(n_in)) + self.b[i] for i in range(n_out)]
        grad_w = [[self.g[i] * self.x[j] for j in range(n_in)] for i in range(n_out)]
        grad_x = [sum(self.w[i, j] * self.g[i] for i in range(n_out)) for j in range(n_in)]
        return {"output": np.array(y), "grad_weight": np.array(grad_w), "grad_input": np.array(grad_x), "grad_bias": self.g}


@st.composite
def layers(draw: st.DrawFn, square: bool = False) -> Dense:
    n_out = draw(st.integers(2, 4))
    n_in = n_out if square else draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    ints = lambda *shape: rng.integers(-4, 5, shape).astype(float)  # noqa: E731
    return Dense(ints(n_in), ints(n_out, n_in), rng.integers(1, 4, n_out).astype(float), ints(n_out))


def post(client, result: str, answer: Any, problem: dict[str, Any] = TINY):
    return client.post(URL, json={"kind": "dense", "problem": problem, "result": result, "answer": answer})


def test_the_tiny_cnn_s_dense_layer_checks_right_with_its_symbols_and_stages(client) -> None:
    case = Dense(*(np.array(TINY[name]) for name in ("input", "weight", "bias", "grad_output")))
    right = case.by_hand()
    symbols = {"output": "y", "grad_input": "∂L/∂x", "grad_weight": "∂L/∂W", "grad_bias": "∂L/∂b"}
    for result, symbol in symbols.items():
        response = post(client, result, right[result].tolist())
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["kind"] == "dense" and body["symbol"] == symbol and body["all_correct"], body
        assert body["shape"] == list(right[result].shape) and body["diagnoses"] == []
        stage = "forward" if result == "output" else "backward"
        assert body["stage"] == {"page": "/network", "stage": stage, "field": result}


def test_a_number_bias_keeps_its_gradient_a_number(client) -> None:
    problem = {"input": [1, 2], "weight": [[3, -1]], "bias": 0.5, "grad_output": 2}
    body = post(client, "grad_bias", 2, problem).json()
    assert body["expected"] == 2 and body["shape"] == [] and body["all_correct"]
    assert post(client, "output", [1.5], problem).json()["all_correct"]
    no_bias = post(client, "grad_bias", 2, {**problem, "bias": None})
    assert_refused(no_bias, "result", "this problem has no grad_bias: give the layer a bias")


def test_a_transposed_weight_gradient_is_named_by_its_shape(client) -> None:
    x, g = np.array(TINY["input"]), np.array(TINY["grad_output"])
    response = post(client, "grad_weight", np.outer(x, g).tolist())
    assert_refused(response, "answer", "has shape 4×2 but grad_weight has shape 2×4")
    message = response.json()["detail"][0]["msg"]
    assert "4×2 is the shape you get when ∂L/∂W is taken as x gᵀ" in message, message
    assert "your numbers are exactly the ones it gives" in message, message


def test_bad_dense_problems_name_their_field(client) -> None:
    assert_refused(post(client, "output", [0, 0], {**TINY, "input": [1, 2, 3]}), "problem.weight", "needs a vector of 4")
    assert_refused(post(client, "output", [0, 0], {**TINY, "bias": [1, 2, 3]}), "problem.bias", "one number per output (2)")
    assert_refused(post(client, "output", [0, 0], {**TINY, "grad_output": 1}), "problem.grad_output", "give a list of 2")
    assert_refused(post(client, "output", [0, 0], {**TINY, "input": [[1, 2]]}), "problem.input", "expected a list of numbers")
    assert_refused(post(client, "grad_kernel", [0, 0]), "result", "is not a result of kind dense")
    missing = {key: value for key, value in TINY.items() if key != "weight"}
    response = post(client, "output", [0, 0], missing)
    assert response.status_code == 422 and "weight" in response.text, response.text


def test_the_get_form_reads_a_dense_layer_from_a_link(client) -> None:
    response = client.get(f"{URL}?kind=dense&result=grad_input&answer=0,2&input=1,1&weight=1,2;3,4&bias=0,0&grad_output=2,-1")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["expected"] == [-1, 0] and [d["id"] for d in body["diagnoses"]] == ["input_grad_not_transposed"]


@FEW
@given(layers(square=True))
def test_weight_gradient_transposed(case: Dense) -> None:
    transposed = [[case.g[j] * case.x[i] for j in range(len(case.g))] for i in range(len(case.x))]
    assert_named("dense", case.body(), "grad_weight", np.array(transposed), "weight_grad_transposed")


@FEW
@given(layers(square=True))
def test_input_gradient_without_the_transpose(case: Dense) -> None:
    n = len(case.x)
    rows = [sum(case.w[j, i] * case.g[i] for i in range(n)) for j in range(n)]  # W g: row j of W
    assert_named("dense", case.body(), "grad_input", np.array(rows), "input_grad_not_transposed")


@FEW
@given(layers())
def test_bias_left_out(case: Dense) -> None:
    assert_named("dense", case.body(), "output", case.by_hand()["output"] - case.b, "bias_left_out")


def test_a_symmetric_weight_cannot_show_the_missing_transpose() -> None:
    problem = {"input": [1, 2], "weight": [[1, 2], [2, 1]], "bias": [0, 0], "grad_output": [1, -1]}
    body = check("dense", problem, "grad_input", [-1, 1])
    assert body["all_correct"] and body["diagnoses"] == []
    assert [u["id"] for u in body["undetectable"]] == ["input_grad_not_transposed"]
    assert "symmetric W" in body["undetectable"][0]["reason"]


@FEW
@given(layers(), st.integers(0, 2**32 - 1), st.sampled_from(["output", "grad_input", "grad_weight", "grad_bias"]))
def test_dense_right_answers_and_noise_get_no_diagnosis(case: Dense, seed: int, result: str) -> None:
    right = check("dense", case.body(), result, case.by_hand()[result])
    assert right["all_correct"], right["difference"]
    assert_right_and_noise_undiagnosed("dense", case.body(), result, seed)
