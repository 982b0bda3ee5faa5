"""``POST /api/v1/check``: a learner's hand-computed result marked cell by cell, with the likely mistake."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Depends

from ...engine.check import Candidate, Tolerance, check_answer, close
from ...engine.errors import InvalidInput, shape_text
from ...engine.mistakes import Mistake, StageHint
from ...settings import Settings, get_settings, settings_dependency
from .. import limits
from ..problems import MISTAKES, PAIRS, RESHAPED, diagnosis_work, solve
from ..responses import JSONBytes
from ..results import RESULTS, Located, locate
from ..schemas.check import PROBLEMS, UNROTATED, CheckRequest, CheckResponse, canonical_kind
from ..share_link import add_get_twin, parse_value, query_parameter, query_to_body
from ..schemas.common import ERROR_RESPONSES

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
    sent to every cell, BPTT without Wᵀ∂L/∂aᵗ⁺¹, a dense layer's ∂L/∂W transposed …) whose own result reproduces
    the wrong cells."""
    return JSONBytes(solve_check(request, settings), request=request)


def solve_check(request: CheckRequest, settings: Settings) -> dict[str, Any]:
    """The response body for `request`."""
    try:
        response, problem = solve(request.kind, request.problem, settings)
    except InvalidInput as error:
        raise InvalidInput(f"problem.{error.field}", error.message) from None
    found = locate(request.kind, request.result, response)
    expected = np.asarray(found.value, dtype=float)
    answer = request.answer
    if answer.shape != expected.shape and _without_single_axes(answer.shape) == _without_single_axes(expected.shape):
        answer = np.reshape(answer, expected.shape)  # `5` for a 1×1 result, `1,2` in a link for a 1×2 one
    tolerance = Tolerance(request.tolerance.absolute, request.tolerance.relative)
    work = diagnosis_work(request.kind, problem)
    diagnosed = work <= limits.MAX_DIAGNOSED_WORK
    if answer.shape != expected.shape:
        message = _shape_message(answer.shape, expected.shape, request.result, request.kind, response)
        if diagnosed:
            message += _reshaped_words(request.kind, problem, found, answer, tolerance)
        raise InvalidInput("answer", message)
    if diagnosed:
        omitted = None
        candidates = _candidates(MISTAKES[request.kind], problem, found, expected.shape)
        outcome = check_answer(
            answer,
            expected,
            candidates,
            tolerance,
            lambda: _candidates(PAIRS.get(request.kind, ()), problem, found, expected.shape),
        )
    else:
        omitted = (
            f"the layer takes {work} multiply-adds, more than the {limits.MAX_DIAGNOSED_WORK} diagnosed: "
            "mistakes are looked for in layers of a size computed by hand"
        )
        outcome = check_answer(answer, expected, [], tolerance)
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
                "explains": d.extent,
                "cells": d.cells.tolist(),
                "mistaken": d.value.tolist(),
                "stage": _stage(d.mistake.stage_for(found.key)),
                "parts": [
                    {"id": part.id, "title": part.title, "stage": _stage(part.stage_for(found.key))}
                    for part in _single_mistakes(d.mistake)
                ],
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
    """Every variant of every mistake that changes this result, in the result's nesting, that stays finite.

    A variant whose result has another shape (a mistake made by hand can change it) is left out.
    """
    candidates = []
    for mistake in mistakes:
        if found.key not in mistake.results:
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            variants = mistake.compute(problem)
        for variant in variants:
            value = variant.results.get(found.key)
            if value is None:
                continue
            if found.step is not None:
                value = value[found.step]
            if not np.isfinite(value).all():
                continue  # a mistake whose numbers overflow is not what a hand computation gave
            if _without_single_axes(value.shape) == _without_single_axes(shape):
                candidates.append(Candidate(mistake, variant.detail, np.reshape(value, shape)))
    return candidates


def _single_mistakes(mistake: Mistake) -> list[Mistake]:
    """The single mistakes a combination is made of, in order; none for a single mistake."""
    return [single for part in mistake.parts for single in (_single_mistakes(part) or [part])]


def _reshaped_words(kind: str, problem: Any, found: Located, answer: np.ndarray, tolerance: Tolerance) -> str:
    """Which mistake made by hand gives an answer of this shape, and whether it gives these numbers too.

    Skipping the stride's zeros, leaving out the padding or not cropping it changes a result's shape
    (:mod:`app.engine.mistakes.conv_shapes`); the kernel unrotated or the loss scaled as well does not.
    """
    singles, combined = RESHAPED.get(kind, ((), ()))
    whens = {id(mistake): when for mistake, when in singles}
    shaped = []  # (mistake, what it leaves out, whether it gives the answer's numbers), single mistakes first
    for mistake in (*(m for m, _ in singles), *combined):
        left_out = [whens[id(part)] for part in _single_mistakes(mistake) or [mistake] if id(part) in whens]
        for value in _values(mistake, problem, found.key, answer.ndim):
            if value.shape == answer.shape:
                shaped.append((mistake, " and ".join(left_out), bool(close(answer, value, tolerance).all())))
    if not shaped:
        return ""
    exact = next((entry for entry in shaped if entry[2]), None)
    mistake, when, _ = exact if exact and not exact[0].parts else shaped[0]
    words = f". {shape_text(answer.shape)} is the shape you get when {when}: “{mistake.title}”"
    if exact and exact[0] is mistake:
        return words + ", and your numbers are exactly the ones it gives"
    if exact:
        return words + f". Your numbers are exactly the ones these mistakes made together give: “{exact[0].title}”"
    return words


def _values(mistake: Mistake, problem: Any, key: str, ndim: int) -> list[np.ndarray]:
    """What each way of making `mistake` gives for result `key`, without the leading axes the answer leaves out."""
    values = []
    with np.errstate(over="ignore", invalid="ignore"):
        variants = mistake.compute(problem)
    for variant in variants:
        value = variant.results.get(key)
        if value is None:
            continue
        while value.ndim > ndim and value.shape[0] == 1:
            value = value[0]
        values.append(value)
    return values


def _without_single_axes(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(n for n in shape if n != 1)


def _stage(hint: StageHint) -> dict[str, str]:
    return {"page": hint.page, "stage": hint.stage, "field": hint.field}


def _shape_message(
    got: tuple[int, ...], want: tuple[int, ...], result: str, kind: str, response: dict[str, Any]
) -> str:
    """Both shapes, and which other result of this problem has the answer's shape (∂L/∂P for an uncropped ∂L/∂I)."""
    message = f"{_has(got)} but {result} {_has(want)}"
    alike = [
        name
        for name in RESULTS[kind]
        if name != result and response[name] is not None and np.shape(response[name]) == got
    ]
    if alike and got:
        message += f" ({shape_text(got)} is the shape of {', '.join(alike)})"
    return message


def _has(shape: tuple[int, ...]) -> str:
    return f"has shape {shape_text(shape)}" if shape else "is a single number"


_ANSWER_DEPTHS = {0, 1, 2, 3, 4}
_TOLERANCES = {"tolerance_absolute": "absolute", "tolerance_relative": "relative"}


def _body_from_link(query: list[tuple[str, str]]) -> dict[str, Any]:
    """``kind``, ``result``, ``answer`` and ``tolerance_*`` by name; every other parameter is the problem's,
    written as its own page's link writes it (``/conv?input=…`` → ``/api/v1/check?kind=conv&input=…``)."""
    own = {name: text for name, text in query if name in ("kind", "result", "answer", *_TOLERANCES)}
    body: dict[str, Any] = {name: own[name] for name in ("kind", "result") if name in own}
    if "answer" in own:
        body["answer"] = parse_value(own["answer"], _ANSWER_DEPTHS)
    tolerance = {key: parse_value(own[name], {0}) for name, key in _TOLERANCES.items() if name in own}
    if tolerance:
        body["tolerance"] = tolerance
    model = PROBLEMS.get(canonical_kind(own.get("kind", "")))
    rest = [(name, text) for name, text in query if name not in own]
    body["problem"] = query_to_body(model, rest) if model else dict(rest)
    return body


def _problem_parameters() -> list[dict[str, Any]]:
    """Every field of the problems, documented once: the problem's own page writes them so."""
    seen: dict[str, dict[str, Any]] = {}
    for model in PROBLEMS.values():
        for name, field in model.model_fields.items():
            if name in seen or name in ("terms_at", "kind", "result", "answer"):
                continue
            kinds = [k for k, other in PROBLEMS.items() if name in other.model_fields]
            description = f"The problem's `{name}` ({', '.join(kinds)}): {field.description or ''}"
            seen[name] = query_parameter(name, description, example=UNROTATED["problem"].get(name))
    return list(seen.values())


add_get_twin(
    router,
    "/check",
    CheckRequest,
    lambda request: solve_check(request, get_settings()),
    CheckResponse,
    "Check a hand-computed result",
    to_body=_body_from_link,
    parameters=[
        query_parameter(
            "kind",
            "conv (or conv2d), pool, activation, rnn, or dense (a network's dense layer): which problem the other "
            "parameters are.",
            True,
            "conv",
        ),
        query_parameter(
            "result", "The result computed by hand, named as the layer's endpoint names it.", True, UNROTATED["result"]
        ),
        query_parameter("answer", "The hand-computed numbers.", True, UNROTATED["answer"]),
        query_parameter("tolerance_absolute", "Absolute room for rounding (default 0.005)."),
        query_parameter("tolerance_relative", "Relative room for rounding (default 0.001)."),
        *_problem_parameters(),
    ],
)
