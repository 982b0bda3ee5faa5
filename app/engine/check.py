"""Marking a hand-computed result cell by cell, and naming the mistake behind the wrong cells.

A cell is right when it lies within ``absolute + relative·|expected|`` of the engine's
value: hand computation rounds, so exact equality would mark a correct ``0.33`` for ⅓
wrong. The same tolerance decides whether a known mistake reproduces a wrong cell, and
whether a mistake can be seen at all in this problem.

A diagnosis is offered only for a mistake whose result differs from the right one here, and
only when it reproduces at least half of the wrong cells, and more cells than the answer has
right where the mistake would have changed them: one stray number that happens to match is
a coincidence, not evidence. It *explains* the answer when the answer is the
mistake's result in every cell; otherwise the answer is only *consistent* with it in the
cells listed. When some mistake explains the answer, the merely consistent ones are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .mistakes import Mistake


@dataclass(frozen=True)
class Tolerance:
    """How far a hand-computed number may be from the exact one: two decimals, or three significant figures."""

    absolute: float = 0.005
    relative: float = 0.001


def close(a: np.ndarray, b: np.ndarray, tolerance: Tolerance) -> np.ndarray:
    """Per cell, ``|a − b| ≤ absolute + relative·|b|``, with `b` the reference value."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.abs(a - b) <= tolerance.absolute + tolerance.relative * np.abs(b)


class Candidate(NamedTuple):
    """What one variant of a mistake gives for the checked result, in the result's own shape."""

    mistake: Mistake
    detail: str | None
    value: np.ndarray


class Diagnosis(NamedTuple):
    mistake: Mistake
    detail: str | None
    cells: np.ndarray  # indices of the wrong cells the mistake reproduces, one row per cell
    explains_all: bool  # the answer is the mistake's result in every cell
    value: np.ndarray  # the mistake's result


class Outcome(NamedTuple):
    correct: np.ndarray  # bool, the result's shape
    difference: np.ndarray  # answer − expected
    diagnoses: list[Diagnosis]
    undetectable: list[Candidate]  # mistakes (or one way of making one) that give the right numbers here


def check_answer(
    answer: np.ndarray, expected: np.ndarray, candidates: list[Candidate], tolerance: Tolerance
) -> Outcome:
    """Mark `answer` against `expected` (same shape) and diagnose its wrong cells from `candidates`."""
    correct = close(answer, expected, tolerance)
    wrong = ~correct
    by_mistake: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_mistake.setdefault(candidate.mistake.id, []).append(candidate)

    diagnoses: list[tuple[tuple[bool, int, int], Diagnosis]] = []
    undetectable: list[Candidate] = []
    for order, variants in enumerate(by_mistake.values()):
        visible = [v for v in variants if not close(v.value, expected, tolerance).all()]
        undetectable += [v for v in variants if v not in visible]
        best = None
        for variant in visible:
            explained = wrong & close(answer, variant.value, tolerance)
            contradicted = correct & ~close(variant.value, expected, tolerance)
            supported = int(explained.sum())
            if not supported or 2 * supported < int(wrong.sum()) or supported <= int(contradicted.sum()):
                continue
            explains_all = bool(close(answer, variant.value, tolerance).all())
            rank = (not explains_all, -supported, order)
            if best is None or rank < best[0]:
                diagnosis = Diagnosis(
                    variant.mistake, variant.detail, np.argwhere(explained), explains_all, variant.value
                )
                best = (rank, diagnosis)
        if best is not None:
            diagnoses.append(best)
    diagnoses.sort(key=lambda item: item[0])
    found = [diagnosis for _, diagnosis in diagnoses]
    if any(d.explains_all for d in found):
        found = [d for d in found if d.explains_all]
    with np.errstate(over="ignore", invalid="ignore"):
        difference = answer - expected
    return Outcome(correct, difference, found, undetectable)
