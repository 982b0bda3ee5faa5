"""Seeded exercises are a pure function of their arguments: the same everywhere, whatever the sheet's length."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.exercises import Options, generator
from app.engine.exercises.sheet import make_exercise, ranges_for, worksheet

KINDS = st.sampled_from(["conv", "pool", "activation", "rnn"])
LEVELS = st.sampled_from(["easy", "medium", "hard"])

# Exercise 0 of sheet 2024, conv, easy. Pinned: a change here changes every shared worksheet link.
SHEET_2024 = {
    "input": [[1, 0, 1], [3, 3, 1], [0, 3, 2], [2, 3, 0]],
    "kernel": [[-1, 0], [0, 1]],
    "stride": 1,
    "padding": 0,
    "grad_output": [[-1, 0], [0, 2], [1, 1]],
}


def sheet(kind: str, seed: int, first: int, count: int, level: str = "medium") -> list:
    return worksheet(kind, seed, first, count, ranges_for(kind, level), level, Options())


@settings(max_examples=30, deadline=None)
@given(KINDS, LEVELS, st.integers(0, 2**53 - 1), st.integers(0, 50))
def test_the_same_arguments_give_the_same_exercise_whatever_the_sheet_s_length(kind, level, seed, index) -> None:
    alone = make_exercise(kind, seed, index, ranges_for(kind, level), level, Options())
    assert sheet(kind, seed, index, 1, level) == [alone]
    assert sheet(kind, seed, max(0, index - 2), 3, level)[min(index, 2)] == alone
    assert make_exercise(kind, seed, index, ranges_for(kind, level), level, Options()) == alone


def test_different_seeds_indices_and_kinds_draw_different_streams() -> None:
    draws = {
        (kind, seed, index): generator(kind, seed, index).integers(2**62)
        for kind in ("conv", "pool")
        for seed in (0, 1)
        for index in (0, 1)
    }
    assert len(set(draws.values())) == len(draws)
    problems = [json.dumps(e.problem) for e in sheet("conv", 5, 0, 10)]
    assert len(set(problems)) == 10


def test_a_sheet_is_pinned_across_runs_and_machines() -> None:
    assert make_exercise("conv", 2024, 0, ranges_for("conv", "easy"), "easy", Options()).problem == SHEET_2024


def test_hash_randomisation_changes_nothing() -> None:
    script = (
        "import json; from app.engine.exercises import Options;"
        "from app.engine.exercises.sheet import worksheet, ranges_for;"
        "print(json.dumps([e.problem for k in ('conv','pool','activation','rnn') "
        "for e in worksheet(k, 99, 0, 2, ranges_for(k, 'hard'), 'hard', Options())]))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            cwd=os.getcwd(),
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(outputs) == 1 and outputs.pop().startswith("[{")
