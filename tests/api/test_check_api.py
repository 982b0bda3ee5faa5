"""``POST /api/v1/check`` through HTTP: marking, tolerance, nesting, diagnoses, and every bad input."""

from __future__ import annotations

import numpy as np
import pytest

from app.api.schemas.check import UNROTATED
from app.api.schemas.conv import FIG_9_4
from app.api.schemas.pool import FIG_9_9
from app.api.schemas.rnn import TINY

from .refusals import assert_refused

URL = "/api/v1/check"
FIG_9_4_GRAD_INPUT = [[1, 4, 4], [2, 9, 10], [-3, -1, 4]]


def post(client, body):
    return client.post(URL, json=body)


def checked(client, body) -> dict:
    response = post(client, body)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_right_answer_is_all_correct_with_no_diagnosis(client) -> None:
    body = checked(client, {"kind": "conv", "problem": FIG_9_4, "result": "grad_input", "answer": FIG_9_4_GRAD_INPUT})
    assert body["all_correct"] and body["counts"] == {"cells": 9, "correct": 9, "wrong": 0}
    assert body["correct"] == [[True] * 3] * 3 and body["difference"] == [[0] * 3] * 3
    assert body["expected"] == FIG_9_4_GRAD_INPUT and body["shape"] == [3, 3]
    assert body["diagnoses"] == [] and body["symbol"] == "∂L/∂I"
    assert body["stage"] == {"page": "/conv", "stage": "grad_input", "field": "grad_input"}


def test_the_documented_example_is_an_unrotated_kernel(client) -> None:
    body = checked(client, UNROTATED)
    assert body["counts"]["wrong"] == 9 and not body["all_correct"]
    [diagnosis] = body["diagnoses"]
    assert diagnosis["id"] == "kernel_not_rotated" and diagnosis["explains"] == "all"
    assert diagnosis["mistaken"] == UNROTATED["answer"] and len(diagnosis["cells"]) == 9
    assert "180°" in diagnosis["explanation"] and "eq. 9.9" in diagnosis["explanation"]
    assert diagnosis["stage"] == {"page": "/conv", "stage": "grad_input", "field": "rotated_kernel"}
    assert body["difference"][0] == [3, 7, 2]


def test_tolerance_allows_rounding_and_can_be_tightened(client) -> None:
    problem = {"input": [[1, 2, 1, 0]], "kernel": [[1, 1, 1]], "stride": 1}
    third = {"kind": "activation", "problem": {"input": [1, 1, 1], "function": "softmax"}, "result": "output"}
    rounded = checked(client, {**third, "answer": [0.33, 0.333, 0.34]})
    assert rounded["correct"] == [True, True, False] and rounded["counts"]["wrong"] == 1
    assert rounded["difference"][1] == pytest.approx(0.333 - 1 / 3, abs=1e-15)
    exact = checked(client, {**third, "answer": [0.33, 0.333, 1 / 3], "tolerance": {"absolute": 0, "relative": 0}})
    assert exact["correct"] == [False, False, True] and exact["tolerance"] == {"absolute": 0, "relative": 0}
    large = checked(
        client,
        {
            "kind": "conv",
            "problem": {**problem, "input": [[1000, 2000, 1000, 0]]},
            "result": "output",
            "answer": [[4003, 3000]],
        },
    )
    assert large["correct"] == [[True, True]], "4003 is within 0.1 % of 4000"


def test_nesting_follows_the_result_plain_channels_and_single_numbers(client) -> None:
    channels = {"input": [[[1, 2], [3, 4]], [[0, 1], [1, 0]]], "kernel": [[[[1]], [[2]]]], "bias": [0.5]}
    body = checked(
        client,
        {"kind": "conv", "problem": channels, "result": "grad_input", "answer": [[[1, 1], [1, 1]], [[2, 2], [2, 0]]]},
    )
    assert body["shape"] == [2, 2, 2] and body["correct"] == [[[True] * 2] * 2, [[True, True], [True, False]]]
    bias = checked(
        client,
        {
            "kind": "conv",
            "problem": {"input": [[1, 2]], "kernel": [[1]], "bias": 0.5},
            "result": "grad_bias",
            "answer": 2,
        },
    )
    assert bias["shape"] == [] and bias["correct"] is True and bias["expected"] == 2
    loss = {"input": [[1, 2]], "kernel": [[1]], "target": [[0, 0]], "loss": "mse"}
    body = checked(client, {"kind": "conv", "problem": loss, "result": "loss", "answer": 5})
    assert body["correct"] is False and body["expected"] == 2.5
    assert [d["id"] for d in body["diagnoses"]] == ["sum_instead_of_mean"] and body["diagnoses"][0]["cells"] == [[]]


def test_a_partly_explained_answer_is_consistent_with_the_mistake_in_the_cells_listed(client) -> None:
    answer = [row[:] for row in UNROTATED["answer"]]
    answer[2][2] += 0.5  # a slip on top of the mistake
    [diagnosis] = checked(client, {**UNROTATED, "answer": answer})["diagnoses"]
    assert diagnosis["id"] == "kernel_not_rotated" and diagnosis["explains"] == "some"
    assert len(diagnosis["cells"]) == 8 and [2, 2] not in diagnosis["cells"]


def test_noise_gets_no_diagnosis(client) -> None:
    noisy = (np.array(FIG_9_4_GRAD_INPUT) + np.array([[0.4, 0, 0], [0, -1.3, 0], [0, 0, 2.2]])).tolist()
    body = checked(client, {"kind": "conv", "problem": FIG_9_4, "result": "grad_input", "answer": noisy})
    assert body["counts"]["wrong"] == 3 and body["diagnoses"] == []


def test_a_mistake_this_problem_cannot_show_is_reported_as_undetectable(client) -> None:
    symmetric = {**FIG_9_4, "kernel": [[1, 2], [2, 1]]}
    right = checked(client, {"kind": "conv", "problem": symmetric, "result": "grad_input", "answer": [[0, 0, 0]] * 3})
    answer = right["expected"]
    body = checked(client, {"kind": "conv", "problem": symmetric, "result": "grad_input", "answer": answer})
    undetectable = {u["id"]: u["reason"] for u in body["undetectable"]}
    assert "kernel_not_rotated" in undetectable and "180° rotation" in undetectable["kernel_not_rotated"]
    assert body["diagnoses"] == []


def test_pool_every_cell_and_rnn_step_results(client) -> None:
    every = np.kron(np.array(FIG_9_9["grad_output"]), np.ones((2, 2))).tolist()
    [diagnosis] = checked(client, {"kind": "pool", "problem": FIG_9_9, "result": "grad_input", "answer": every})[
        "diagnoses"
    ]
    assert diagnosis["id"] == "max_grad_to_every_cell" and diagnosis["stage"]["page"] == "/pool"
    right = checked(client, {"kind": "rnn", "problem": TINY, "result": "steps[1].grad_h", "answer": [0, 0]})
    assert right["symbol"] == "∂L/∂h²" and right["stage"] == {
        "page": "/rnn",
        "stage": "backward",
        "field": "steps[].grad_h",
    }
    rnn = client.post("/api/v1/rnn", json=TINY).json()
    assert right["expected"] == rnn["steps"][1]["grad_h"]
    own_output_only = rnn["steps"][1]["grad_h_from_output"]
    body = checked(client, {"kind": "rnn", "problem": TINY, "result": "steps[1].grad_h", "answer": own_output_only})
    assert body["diagnoses"][0]["id"] == "bptt_without_next_term"


BAD_INPUTS = [
    ({"kind": "lstm", "problem": FIG_9_4, "result": "output", "answer": [[1]]}, "kind", "'conv'"),
    ({"problem": FIG_9_4, "result": "output", "answer": [[1]]}, "kind", "required"),
    ({"kind": "conv", "problem": [1], "result": "output", "answer": [[1]]}, "problem", ""),
    (
        {"kind": "conv", "problem": {**FIG_9_4, "kernel": [[1, "x"]]}, "result": "output", "answer": [[1]]},
        "problem.kernel",
        "expected a number",
    ),
    (
        {"kind": "conv", "problem": {**FIG_9_4, "strid": 2}, "result": "output", "answer": [[1]]},
        "problem.strid",
        "not a field",
    ),
    (
        {"kind": "conv", "problem": {"input": [[1, 2]], "kernel": [[1, 2, 3]]}, "result": "output", "answer": [[1]]},
        "problem.kernel",
        "larger than",
    ),
    (
        {
            "kind": "conv",
            "problem": {"input": [[1]], "kernel": [[1]], "bias": 10**400},
            "result": "output",
            "answer": [[1]],
        },
        "problem.bias",
        "overflows",
    ),
    (
        {"kind": "pool", "problem": {**FIG_9_9, "padding": 2}, "result": "output", "answer": [[1]]},
        "problem.padding",
        "half the window",
    ),
    ({"kind": "rnn", "problem": {**TINY, "W": [[1]]}, "result": "grad_W", "answer": [[1]]}, "problem.W", "d_h"),
    (
        {"kind": "conv", "problem": FIG_9_4, "result": "grad_U", "answer": [[1]]},
        "result",
        "grad_kernel, grad_bias, grad_input",
    ),
    (
        {"kind": "pool", "problem": FIG_9_9, "result": "grad_kernel", "answer": [[1]]},
        "result",
        "output, grad_input, mask",
    ),
    ({"kind": "rnn", "problem": TINY, "result": "steps[1].grad_x", "answer": [1]}, "result", "steps[i]."),
    ({"kind": "rnn", "problem": TINY, "result": "steps[3].grad_h", "answer": [1, 1]}, "result", "3 steps"),
    ({"kind": "conv", "problem": FIG_9_4, "result": "grad_bias", "answer": 1}, "result", "no grad_bias"),
    ({"kind": "conv", "problem": FIG_9_4, "result": "updated_kernel", "answer": [[1]]}, "result", "learning_rate"),
    (
        {"kind": "conv", "problem": FIG_9_4, "result": "grad_input", "answer": [[1, 2], [3, 4]]},
        "answer",
        "has shape 2×2 but grad_input has shape 3×3",
    ),
    (
        {
            "kind": "conv",
            "problem": {"input": [[1, 2], [3, 4]], "kernel": [[1]], "padding": 1},
            "result": "grad_input",
            "answer": [[0] * 4] * 4,
        },
        "answer",
        "the shape of output, padded_input",
    ),
    ({"kind": "conv", "problem": FIG_9_4, "result": "loss", "answer": 1}, "result", "give a target"),
    ({"kind": "conv", "problem": FIG_9_4, "result": "output", "answer": 1}, "answer", "a single number"),
    ({"kind": "conv", "problem": FIG_9_4, "result": "output", "answer": [[1, 2], [3]]}, "answer", "same length"),
    ({"kind": "conv", "problem": FIG_9_4, "result": "output", "answer": [[1, True]]}, "answer", "true/false"),
    ({"kind": "conv", "problem": FIG_9_4, "result": "output", "answer": "1"}, "answer", "a string"),
    ({"kind": "conv", "problem": FIG_9_4, "result": "output", "answer": [[10**400]]}, "answer", "overflows"),
    ({"kind": "conv", "problem": FIG_9_4, "result": "output"}, "answer", "required"),
    (
        {"kind": "conv", "problem": FIG_9_4, "result": "output", "answer": [[1]], "tolerance": {"absolute": -1}},
        "tolerance.absolute",
        "",
    ),
    (
        {"kind": "conv", "problem": FIG_9_4, "result": "output", "answer": [[1]], "tolerance": {"relative": 2}},
        "tolerance.relative",
        "",
    ),
    (
        {"kind": "conv", "problem": FIG_9_4, "result": "output", "answer": [[1]], "tolerance": {"abs": 1}},
        "tolerance.abs",
        "not a field",
    ),
    ({"kind": "conv", "problem": FIG_9_4, "result": "output", "answer": [[1]], "hint": True}, "hint", "not a field"),
]


@pytest.mark.parametrize(("body", "field", "words"), BAD_INPUTS)
def test_bad_input_gets_a_422_naming_the_field(client, body, field, words) -> None:
    assert_refused(post(client, body), field, words)


TINY_CONV = '"kind": "conv", "problem": {"input": [[1]], "kernel": [[1]]}, "result": "output"'


@pytest.mark.parametrize(
    "raw",
    ["{" + TINY_CONV + ', "answer": NaN}', "{" + TINY_CONV + ', "answer": [[1]], "tolerance": {"absolute": Infinity}}'],
)
def test_non_finite_numbers_are_refused(client, raw) -> None:
    response = client.post(URL, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "finite" in response.text


def test_a_layer_far_beyond_hand_size_is_marked_but_not_diagnosed(client) -> None:
    rng = np.random.default_rng(3)
    problem = {
        "input": rng.normal(size=(4, 60, 60)).tolist(),
        "kernel": rng.normal(size=(4, 4, 5, 5)).tolist(),
        "padding": 5,
    }
    solved = client.post("/api/v1/conv2d", json=problem).json()
    answer = np.array(solved["grad_padded_input"])
    answer[0, 0, 0] += 1
    body = checked(
        client, {"kind": "conv", "problem": problem, "result": "grad_padded_input", "answer": answer.tolist()}
    )
    assert body["shape"] == [4, 70, 70] and body["counts"]["wrong"] == 1
    assert body["diagnoses"] == [] and "multiply-adds" in body["diagnoses_omitted"]
    small = checked(client, UNROTATED)
    assert small["diagnoses_omitted"] is None
