"""``GET /api/v1/exercise``: seeded exercises with their answer key, for a quiz link or a worksheet."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ...engine.errors import InvalidInput
from ...engine.exercises import Options, Ranges
from ...engine.exercises.sheet import DEFAULT_RANGES, ranges_for, worksheet
from ...settings import Settings, settings_dependency
from .. import limits
from ..caching import cacheable_answer
from ..problems import solve
from ..responses import JSONBytes
from ..results import locate
from ..schemas.check import PROBLEMS
from ..schemas.common import ERROR_RESPONSES
from ..schemas.exercise import APPLIES, ExerciseQuery, ExerciseResponse

router = APIRouter(prefix="/api/v1", tags=["exercises"])

ENDPOINTS = {"conv": "/api/v1/conv2d", "pool": "/api/v1/pool", "activation": "/api/v1/activation", "rnn": "/api/v1/rnn"}


@router.get(
    "/exercise",
    response_model=ExerciseResponse,
    response_class=JSONBytes,
    responses={**ERROR_RESPONSES, 304: {"description": "Not modified: the If-None-Match tag is current."}},
    summary="Seeded exercises whose every answer is an integer or a short decimal",
)
def exercise(
    request: Request, query: Annotated[ExerciseQuery, Query()], settings: Settings = Depends(settings_dependency)
) -> Response:
    """Draws `count` exercises of one kind from `seed` — small integers, chosen so that every answer is an
    integer or a short decimal and the known mistakes show — each with its answer key. The same query gives
    the same sheet on any machine; `first` starts the sheet further on, so one exercise can be linked alone.
    Being a pure function of the query, the answer carries a strong `ETag` and may be cached for a week."""
    return cacheable_answer(
        request, router.prefix + "/exercise", query.model_dump(mode="json"), lambda: solve_exercise(query, settings), query
    )


def solve_exercise(query: ExerciseQuery, settings: Settings) -> dict[str, Any]:
    """The response body for `query`."""
    _refuse_other_kinds(query)
    ranges = _ranges(query)
    options = Options(query.mode, query.ties, query.function)
    sheet = worksheet(query.kind, query.seed, query.first, query.count, ranges, query.difficulty, options)
    exercises = []
    for index, drawn in enumerate(sheet, start=query.first):
        response, _ = solve(query.kind, PROBLEMS[query.kind].model_validate(drawn.problem), settings)
        exercises.append(
            {
                "index": index,
                "endpoint": ENDPOINTS[query.kind],
                "problem": drawn.problem,
                "asks": list(drawn.asks),
                "answers": {name: locate(query.kind, name, response).value for name in drawn.asks},
            }
        )
    return {
        "kind": query.kind,
        "seed": query.seed,
        "difficulty": query.difficulty,
        "first": query.first,
        "count": query.count,
        "ranges": {
            name: None if getattr(ranges, name) is None else list(getattr(ranges, name))
            for name in limits.EXERCISE_BOUNDS
            if query.kind in APPLIES[name]
        },
        "exercises": exercises,
    }


def _refuse_other_kinds(query: ExerciseQuery) -> None:
    """A range or option the kind does not read is an error, not silently ignored."""
    for name, kinds in APPLIES.items():
        fields = (f"{name}_min", f"{name}_max") if name in limits.EXERCISE_BOUNDS else (name,)
        for field in fields:
            if field in query.model_fields_set and query.kind not in kinds:
                raise InvalidInput(field, f"applies to {' and '.join(kinds)} exercises, not {query.kind}")


def _ranges(query: ExerciseQuery) -> Ranges:
    """The difficulty's ranges, each replaced by the query's bounds; one bound alone moves the other if it must."""
    defaults = DEFAULT_RANGES[query.kind][query.difficulty]
    overrides = {}
    for name, (lowest, highest) in limits.EXERCISE_BOUNDS.items():
        low, high = getattr(query, f"{name}_min"), getattr(query, f"{name}_max")
        if low is None and high is None:
            continue
        default = getattr(defaults, name) or (lowest, highest)
        if low is not None and high is not None and low > high:
            raise InvalidInput(f"{name}_max", f"{high} is below {name}_min = {low}")
        low = min(default[0], high) if low is None else low
        high = max(default[1], low) if high is None else high
        overrides[name] = (low, high)
    return ranges_for(query.kind, query.difficulty, **overrides)
