"""Helpers for the diagnosis tests: check an answer the way the endpoint does, and read the verdict;
and a network's layer as the problem /network checks it as."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.api.problems import solve
from app.api.results import locate
from app.api.routes.check import solve_check
from app.api.schemas.check import PROBLEMS, CheckRequest
from app.settings import get_settings

ACTIVATIONS = {"relu", "leaky_relu", "sigmoid", "tanh", "softmax"}
# A network layer's parameter gradient as /api/v1/check names it.
PARAMETERS = {"kernel": "grad_kernel", "weight": "grad_weight", "bias": "grad_bias"}


def layer_problem(sent: dict[str, Any], layer: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The check's kind and problem for one layer of a network's first step, as /network builds them
    (static/js/pages/network-links.js): `sent` is the layer as the request gave it."""
    own = lambda *names: {name: sent[name] for name in names if name in sent}  # noqa: E731
    given = {"input": layer["input"]}
    if layer["type"] == "conv2d":
        problem = {**given, **layer["params"], **own("stride", "padding", "dilation")}
        return "conv", {**problem, "grad_output": layer["grad_output"]}
    if layer["type"] in ("maxpool", "avgpool"):
        mode = layer["type"].removesuffix("pool")
        return "pool", {**given, "mode": mode, **own("size", "stride", "padding", "ties"), "grad_output": layer["grad_output"]}
    if layer["type"] in ACTIVATIONS:
        return "activation", {
            **given,
            "function": layer["type"],
            **own("negative_slope", "relu_grad_at_zero"),
            "grad_output": layer["grad_output"],
        }
    return "dense", {**given, **layer["params"], "grad_output": layer["grad_output"]}


def check(kind: str, problem: dict[str, Any], result: str, answer: Any, **tolerance: float) -> dict[str, Any]:
    """The /api/v1/check response body, without the HTTP round trip."""
    body = {"kind": kind, "problem": problem, "result": result, "answer": np.asarray(answer, dtype=float).tolist()}
    request = CheckRequest.model_validate({**body, "tolerance": tolerance})
    return solve_check(request, get_settings())


def assert_named(kind: str, problem: dict[str, Any], result: str, wrong: np.ndarray, mistake: str) -> None:
    """`wrong`, the learner's answer with `mistake` made, is diagnosed as that mistake — or, when the
    mistake gives the right numbers in this problem, the mistake is reported as undetectable."""
    body = check(kind, problem, result, np.asarray(wrong, dtype=float))
    if body["all_correct"]:
        undetectable = [u["id"] for u in body["undetectable"]]
        assert mistake in undetectable, f"{mistake} gives the right {result} here, yet undetectable = {undetectable}"
        assert body["diagnoses"] == [], body["diagnoses"]
        return
    named = [d["id"] for d in body["diagnoses"] if d["explains"] == "all"]
    assert mistake in named, (
        f"{mistake} not named for {result}: got {[(d['id'], d['explains']) for d in body['diagnoses']]}\n"
        f"answer {np.asarray(wrong).tolist()}\nexpected {body['expected']}"
    )
    diagnosis = next(d for d in body["diagnoses"] if d["id"] == mistake)
    assert len(diagnosis["cells"]) == body["counts"]["wrong"]
    tolerance = body["tolerance"]  # "explains all": the answer is the mistake's result, within the tolerance
    mistaken, answer = np.asarray(diagnosis["mistaken"]), np.asarray(wrong, dtype=float).reshape(body["shape"])
    np.testing.assert_allclose(answer, mistaken, rtol=tolerance["relative"], atol=tolerance["absolute"])


def assert_right_and_noise_undiagnosed(kind: str, problem: dict[str, Any], result: str, seed: int) -> None:
    """The right answer gets no diagnosis; nor does it with unrelated noise added to some cells.

    Unrelated: ±(1 to 3 + 0.4137), which no mistake's whole numbers, halves, quarters or ninths can
    differ by, checked at a tight tolerance — at two decimals, noise on a problem of real numbers can
    land on a mistake's number by chance.
    """
    response, _ = solve(kind, PROBLEMS[kind].model_validate(problem), get_settings())
    expected = np.asarray(locate(kind, result, response).value, dtype=float)
    right = check(kind, problem, result, expected)
    assert right["all_correct"] and right["diagnoses"] == [], right["diagnoses"]
    rng = np.random.default_rng(seed)
    offsets = (rng.integers(1, 4, expected.shape) + 0.4137) * rng.choice([-1, 1], expected.shape)
    noise = np.where(rng.random(expected.shape) < 0.5, offsets, 0.0)
    noisy = check(kind, problem, result, expected + noise, absolute=1e-9, relative=1e-9)
    assert noisy["diagnoses"] == [], [(d["id"], d["cells"]) for d in noisy["diagnoses"]]
