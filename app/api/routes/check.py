"""``POST /api/v1/check``: a learner's hand-computed result marked cell by cell, with the likely mistake."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
from fastapi import APIRouter, Depends

from ...engine.activation import ActivationSpec
from ...engine.check import Candidate, Tolerance, check_answer
from ...engine.conv import ConvSpec
from ...engine.errors import InvalidInput, shape_text
from ...engine.geometry import as_pair, as_sides
from ...engine.mistakes import Mistake, StageHint, activation, conv, pool, rnn
from ...engine.pool import PoolSpec
from ...engine.rnn import RnnParams, RnnSpec
from ...settings import Settings, settings_dependency
from .. import limits
from ..responses import JSONBytes
from ..results import RESULTS, Located, locate
from ..schemas.activation import ActivationRequest
from ..schemas.check import CheckRequest, CheckResponse
from ..schemas.common import ERROR_RESPONSES
from ..schemas.conv import Conv2dRequest
from ..schemas.pool import PoolRequest
from ..schemas.rnn import RnnRequest
from .activation import solve_activation
from .conv import solve_conv2d
from .pool import solve_pool
from .rnn import solve_rnn

router = APIRouter(prefix="/api/v1", tags=["check my answer"])


@router.post(
    "/check",
    response_model=CheckResponse,
    response_class=JSONBytes,
    responses=ERROR_RESPONSES,
    summary="Check a hand-computed result: per-cell marking and the likely mistake",
)
def check(request: CheckRequest, settings: Settings = Depends(settings_dependency)) -> JSONBytes:
    """Solves `problem` as its own endpoint would, marks each cell of `answer` against the chosen `result`,
    and names the known mistakes (an unrotated kernel, a skipped stride upsampling, a max-pooling gradient
    sent to every cell, BPTT without Wᵀ∂L/∂aᵗ⁺¹ …) whose own result reproduces the wrong cells."""
    return JSONBytes(solve_check(request, settings))


def solve_check(request: CheckRequest, settings: Settings) -> dict[str, Any]:
    """The response body for `request`."""
    try:
        response, problem = SOLVERS[request.kind](request.problem, settings)
    except InvalidInput as error:
        raise InvalidInput(f"problem.{error.field}", error.message) from None
    found = locate(request.kind, request.result, response)
    expected = np.asarray(found.value, dtype=float)
    answer = request.answer
    if answer.shape != expected.shape:
        raise InvalidInput(
            "answer", _shape_message(answer.shape, expected.shape, request.result, request.kind, response)
        )
    tolerance = Tolerance(request.tolerance.absolute, request.tolerance.relative)
    work, omitted = WORK[request.kind](problem), None
    if work > limits.MAX_DIAGNOSED_WORK:
        candidates = []
        omitted = (
            f"the layer takes {work} multiply-adds, more than the {limits.MAX_DIAGNOSED_WORK} diagnosed: "
            "mistakes are looked for in layers of a size computed by hand"
        )
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            candidates = _candidates(MISTAKES[request.kind], problem, found, expected.shape)
    outcome = check_answer(answer, expected, candidates, tolerance)
    correct = int(outcome.correct.sum())
    return {
        "kind": request.kind,
        "result": request.result,
        "symbol": found.info.symbol,
        "stage": _stage(found.info.stage),
        "shape": list(expected.shape),
        "expected": found.value,
        "correct": outcome.correct.tolist(),
        "difference": outcome.difference.tolist(),
        "counts": {"cells": int(expected.size), "correct": correct, "wrong": int(expected.size) - correct},
        "all_correct": correct == expected.size,
        "tolerance": {"absolute": tolerance.absolute, "relative": tolerance.relative},
        "diagnoses": [
            {
                "id": d.mistake.id,
                "title": d.mistake.title,
                "explanation": d.mistake.explanation,
                "detail": d.detail,
                "explains": "all" if d.explains_all else "some",
                "cells": d.cells.tolist(),
                "mistaken": d.value.tolist(),
                "stage": _stage(d.mistake.stage_for(found.key)),
            }
            for d in outcome.diagnoses
        ],
        "diagnoses_omitted": omitted,
        "undetectable": [
            {
                "id": u.mistake.id,
                "title": u.mistake.title,
                "detail": u.detail,
                "reason": f"It gives the same {found.info.symbol} as the right way here, as it does "
                f"{u.mistake.same_when}, so this answer cannot show whether it was made.",
            }
            for u in outcome.undetectable
        ],
    }


def _candidates(mistakes: tuple[Mistake, ...], problem: Any, found: Located, shape: tuple[int, ...]) -> list[Candidate]:
    """Every variant of every mistake that changes this result, in the result's nesting."""
    candidates = []
    for mistake in mistakes:
        if found.key not in mistake.results:
            continue
        for variant in mistake.compute(problem):
            value = variant.results.get(found.key)
            if value is None:
                continue
            if found.step is not None:
                value = value[found.step]
            candidates.append(Candidate(mistake, variant.detail, np.reshape(value, shape)))
    return candidates


def _stage(hint: StageHint) -> dict[str, str]:
    return {"page": hint.page, "stage": hint.stage, "field": hint.field}


def _shape_message(
    got: tuple[int, ...], want: tuple[int, ...], result: str, kind: str, response: dict[str, Any]
) -> str:
    """Both shapes, and which other result of this problem has the answer's shape (∂L/∂P for an uncropped ∂L/∂I)."""
    message = f"has shape {_shape(got)} but {result} has shape {_shape(want)}"
    alike = [
        name
        for name in RESULTS[kind]
        if name != result and response[name] is not None and np.shape(response[name]) == got
    ]
    if alike:
        message += f" ({_shape(got)} is the shape of {', '.join(alike)})"
    return message


def _shape(shape: tuple[int, ...]) -> str:
    return shape_text(shape) if shape else "a single number"


def _conv_problem(request: Conv2dRequest, settings: Settings) -> tuple[dict[str, Any], conv.ConvProblem]:
    response = solve_conv2d(request, settings)
    x = request.input[None] if request.input.ndim == 2 else request.input
    kernel = request.kernel[None, None] if request.kernel.ndim == 2 else request.kernel
    spec = ConvSpec(
        as_pair(request.stride, "stride"),
        as_sides(request.padding),
        as_pair(request.dilation, "dilation"),
        request.mode,
    )
    out_shape = (kernel.shape[0], response["output_size"]["h"]["out"], response["output_size"]["w"]["out"])
    problem = conv.ConvProblem(
        input=x,
        kernel=kernel,
        bias=None if request.bias is None else np.atleast_1d(np.asarray(request.bias, dtype=float)),
        spec=spec,
        grad_output=np.reshape(response["grad_output"], out_shape),
        loss=request.loss if request.target is not None else None,
        loss_value=response["loss"],
        learning_rate=request.learning_rate,
    )
    return response, problem


def _pool_problem(request: PoolRequest, settings: Settings) -> tuple[dict[str, Any], pool.PoolProblem]:
    response = solve_pool(request)
    x = request.input[None] if request.input.ndim == 2 else request.input
    size = as_pair(request.size, "size")
    stride = size if request.stride is None else as_pair(request.stride, "stride")
    spec = PoolSpec(request.mode, size, stride, as_sides(request.padding), request.ties)
    out_shape = (x.shape[0], response["output_size"]["h"]["out"], response["output_size"]["w"]["out"])
    return response, pool.PoolProblem(x, spec, np.reshape(response["grad_output"], out_shape))


def _activation_problem(
    request: ActivationRequest, settings: Settings
) -> tuple[dict[str, Any], activation.ActivationProblem]:
    response = solve_activation(request)
    spec = ActivationSpec(request.function, request.negative_slope, float(request.relu_grad_at_zero))
    return response, activation.ActivationProblem(request.input, spec, np.asarray(response["grad_output"], dtype=float))


def _rnn_problem(request: RnnRequest, settings: Settings) -> tuple[dict[str, Any], rnn.RnnProblem]:
    response = solve_rnn(request)
    d_h, d_out = request.U.shape[0], request.V.shape[0]
    params = RnnParams(
        U=request.U,
        W=request.W,
        V=request.V,
        b=np.zeros(d_h) if request.b is None else request.b,
        c=np.zeros(d_out) if request.c is None else request.c,
        h0=np.zeros(d_h) if request.h0 is None else request.h0,
    )
    spec = RnnSpec(request.hidden_activation, request.output_activation, request.loss, request.truncation)
    return response, rnn.RnnProblem(request.x, request.y, params, spec)


SOLVERS: dict[str, Callable[[Any, Settings], tuple[dict[str, Any], Any]]] = {
    "conv": _conv_problem,
    "pool": _pool_problem,
    "activation": _activation_problem,
    "rnn": _rnn_problem,
}

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "conv": conv.MISTAKES,
    "pool": pool.MISTAKES,
    "activation": activation.MISTAKES,
    "rnn": rnn.MISTAKES,
}


def _conv_work(p: conv.ConvProblem) -> int:
    """Multiply-adds of one full convolution over the padded input: C_out·C_in·k_h·k_w·H_p·W_p."""
    top, bottom, left, right = p.spec.padding
    return p.kernel.size * (p.input.shape[1] + top + bottom) * (p.input.shape[2] + left + right)


WORK: dict[str, Callable[[Any], int]] = {
    "conv": _conv_work,
    "pool": lambda p: p.grad_output.size * p.spec.size[0] * p.spec.size[1],
    "activation": lambda p: p.input.size,
    "rnn": lambda p: p.x.shape[0] * p.params.W.shape[0] * (p.x.shape[1] + p.params.W.shape[0] + p.y.shape[1]),
}
