"""``GET /api/v1/exercise``: short answers, the requested ranges, the answer key the check agrees with, bad queries."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api import limits
from app.api.routes.exercise import solve_exercise
from app.api.routes.pool import solve_pool
from app.api.schemas.exercise import APPLIES, ExerciseQuery
from app.api.schemas.pool import PoolRequest
from app.engine.errors import InvalidInput
from app.settings import get_settings

from .refusals import assert_refused

URL = "/api/v1/exercise"


def get(client, query: str):
    return client.get(f"{URL}?{query}")


def test_a_worksheet_s_answer_key_is_what_the_check_and_the_endpoint_say(client) -> None:
    for kind in ("conv", "pool", "activation", "rnn"):
        response = get(client, f"kind={kind}&seed=11&count=3&difficulty=hard")
        assert response.status_code == 200, response.text
        body = response.json()
        assert [e["index"] for e in body["exercises"]] == [0, 1, 2] and body["kind"] == kind
        for exercise in body["exercises"]:
            solved = client.post(exercise["endpoint"], json=exercise["problem"]).json()
            for result, answer in exercise["answers"].items():
                check = client.post(
                    "/api/v1/check",
                    json={"kind": kind, "problem": exercise["problem"], "result": result, "answer": answer},
                ).json()
                assert check["all_correct"] and check["diagnoses"] == [], (kind, result, check["diagnoses"])
                if "[" not in result:
                    assert solved[result] == answer


def test_a_quiz_link_to_one_exercise_gives_that_exercise_of_the_sheet(client) -> None:
    whole = get(client, "kind=pool&seed=4&count=5&difficulty=medium").json()["exercises"]
    alone = get(client, "kind=pool&seed=4&first=3&difficulty=medium").json()["exercises"]
    assert alone == [whole[3]]
    assert get(client, "kind=pool&seed=4&count=5&difficulty=medium").json()["exercises"] == whole


def test_the_first_exercise_of_the_chapter_s_kind_is_easy_and_plain(client) -> None:
    body = get(client, "kind=conv&seed=0").json()
    [exercise] = body["exercises"]
    assert body["ranges"] == {
        "input": [3, 4],
        "window": [2, 2],
        "stride": [1, 1],
        "padding": [0, 0],
        "channels": [1, 1],
        "kernels": [1, 1],
    }
    assert np.ndim(exercise["problem"]["input"]) == 2 and np.shape(exercise["problem"]["kernel"]) == (2, 2)
    assert exercise["asks"] == ["output", "grad_kernel", "grad_input"] and exercise["endpoint"] == "/api/v1/conv2d"


def _short(value: Any) -> bool:
    scaled = np.asarray(value, dtype=float) * 1000
    return bool(np.all(scaled == np.round(scaled)) and np.all(np.abs(value) <= 199))


@st.composite
def queries(draw: st.DrawFn) -> dict[str, Any]:
    """A query with some ranges overridden (only those the kind reads), each within its documented bounds."""
    kind = draw(st.sampled_from(["conv", "pool", "activation", "rnn"]))
    query: dict[str, Any] = {
        "kind": kind,
        "seed": draw(st.integers(0, limits.MAX_SEED)),
        "count": draw(st.integers(1, 3)),
        "difficulty": draw(st.sampled_from(["easy", "medium", "hard"])),
    }
    for name, (lowest, highest) in limits.EXERCISE_BOUNDS.items():
        if kind in APPLIES[name] and draw(st.booleans()):
            low = draw(st.integers(lowest, highest))
            query[f"{name}_min"], query[f"{name}_max"] = low, draw(st.integers(low, highest))
    if kind == "pool":
        query["mode"], query["ties"] = (
            draw(st.sampled_from(["max", "avg", "any"])),
            draw(st.sampled_from(["none", "some", "any"])),
        )
    if kind == "activation":
        query["function"] = draw(st.sampled_from(["relu", "leaky_relu", "any"]))
    return query


def _geometry(kind: str, problem: dict[str, Any]) -> dict[str, int | tuple[int, ...]]:
    """What the ranges bound, read back from a problem body."""
    if kind == "rnn":
        return {"steps": len(problem["x"]), "hidden": len(problem["U"])}
    x = np.array(problem["input"])
    sizes = {"input": x.shape[-2:]}
    if kind == "activation":
        return sizes
    kernel = np.array(problem.get("kernel", [[0]]))
    sizes.update(
        window=kernel.shape[-1] if kind == "conv" else problem["size"],
        stride=problem["stride"],
        padding=problem["padding"],
        channels=x.shape[0] if x.ndim == 3 else 1,
    )
    if kind == "conv":
        sizes["kernels"] = kernel.shape[0] if kernel.ndim == 4 else 1
    return sizes


@settings(max_examples=60, deadline=None)
@given(queries())
def test_every_answer_is_short_and_every_size_within_the_ranges(raw: dict[str, Any]) -> None:
    query = ExerciseQuery.model_validate(raw)
    try:
        body = solve_exercise(query, get_settings())
    except InvalidInput as error:  # ranges no layer fits: named, never a crash
        assert error.field in ("window_min", "ties"), error
        return
    for exercise in body["exercises"]:
        for result, answer in exercise["answers"].items():
            assert _short(answer), (result, answer)
        for name, size in _geometry(query.kind, exercise["problem"]).items():
            span = body["ranges"][name]
            if span is None:  # pooling windows side by side
                assert size == exercise["problem"]["size"]
                continue
            for side in np.atleast_1d(size):
                assert span[0] <= side <= span[1], (name, size, span)
            if f"{name}_min" in raw:
                assert span == [raw[f"{name}_min"], raw[f"{name}_max"]]
        problem = exercise["problem"]
        if query.kind == "pool" and problem["mode"] == "max" and query.ties != "any":
            counts = np.array(_pool(problem)["tie_counts"])
            assert (counts > 1).any() == (query.ties == "some"), counts
        if query.kind == "activation" and query.function != "any":
            assert problem["function"] == query.function


def _pool(problem: dict[str, Any]) -> dict[str, Any]:
    return solve_pool(PoolRequest.model_validate(problem))


BAD_QUERIES = [
    ("seed=1", "kind", "required"),
    ("kind=dense&seed=1", "kind", "'conv'"),
    ("kind=conv", "seed", "required"),
    ("kind=conv&seed=-1", "seed", "greater than or equal to 0"),
    (f"kind=conv&seed={2**53}", "seed", "less than or equal"),
    ("kind=conv&seed=x", "seed", "integer"),
    ("kind=conv&seed=1_0", "seed", "digits 0 to 9"),  # int() reads it; JSON and the link format do not
    ("kind=conv&seed=%D9%A1%D9%A2", "seed", "digits 0 to 9"),  # Arabic-Indic ١٢
    ("kind=conv&seed=1&input_max=%EF%BC%93", "input_max", "digits 0 to 9"),  # fullwidth ３
    ("kind=conv&seed=1&count=0", "count", "greater than or equal to 1"),
    ("kind=conv&seed=1&count=21", "count", "less than or equal to 20"),
    ("kind=conv&seed=1&first=-2", "first", ""),
    ("kind=conv&seed=1&difficulty=insane", "difficulty", "'easy'"),
    ("kind=conv&seed=1&input_max=9", "input_max", "less than or equal to 8"),
    ("kind=conv&seed=1&padding_min=-1", "padding_min", ""),
    ("kind=conv&seed=1&input_min=5&input_max=3", "input_max", "below input_min"),
    ("kind=conv&seed=1&steps_min=2", "steps_min", "applies to rnn"),
    ("kind=rnn&seed=1&window_max=2", "window_max", "applies to conv and pool"),
    ("kind=conv&seed=1&mode=max", "mode", "applies to pool"),
    ("kind=pool&seed=1&function=relu", "function", "applies to activation"),
    ("kind=activation&seed=1&function=sigmoid", "function", "'relu'"),
    ("kind=conv&seed=1&window_min=4&input_max=1&padding_max=0", "window_min", "larger than"),
    ("kind=pool&seed=1&mode=avg&window_min=3&window_max=3&stride_max=2", "window_min", "overlapping"),
    ("kind=pool&seed=1&mode=max&ties=some&window_max=1", "ties", "ties"),
    ("kind=conv&seed=1&strid=2", "strid", "not a field"),
]


@pytest.mark.parametrize(("query", "field", "words"), BAD_QUERIES)
def test_bad_queries_get_a_422_naming_the_field(client, query, field, words) -> None:
    assert_refused(get(client, query), field, words)
