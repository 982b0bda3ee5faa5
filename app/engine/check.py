"""Marking a hand-computed result cell by cell, and naming the mistake behind the wrong cells.

A cell is right when it lies within ``absolute + relative·|expected|`` of the engine's
value: hand computation rounds, so exact equality would mark a correct ``0.33`` for ⅓
wrong. The same tolerance decides whether a known mistake reproduces a wrong cell, and
whether a mistake can be seen at all in this problem.

A diagnosis is offered only for a mistake whose result differs from the right one here, and
only on evidence:

- it *explains* the answer (``all``) when the answer is the mistake's result in every cell;
- it explains *part* of it (``part``) when every wrong cell holds the mistake's number, though
  right cells hold the right number where the mistake would change it: the mistake was made in
  those cells only (the whole gradient sent to every cell of one max-pooling window, the kernel
  left unrotated for the first rows). At least two of those cells must hold something other than
  0, which is what an unfinished answer holds, so that one slip matching by chance is not named;
- it is *consistent* with the answer (``some``) when it reproduces at least half of the wrong
  cells, and more cells than the answer has right where the mistake would have changed them:
  one stray number that happens to match is a coincidence, not evidence.

When some mistake explains the answer, the others are dropped. Two mistakes made together (a
candidate whose mistake has `parts`) are looked for only when no single mistake explains the
answer, and named only when they explain all of it: a pair can reproduce far more answers than
one mistake, so anything less is too weak to name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal, NamedTuple

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


Extent = Literal["all", "part", "some"]


class Diagnosis(NamedTuple):
    mistake: Mistake
    detail: str | None
    cells: np.ndarray  # indices of the wrong cells the mistake reproduces, one row per cell
    extent: Extent  # all: the answer is the mistake's result; part: every wrong cell is; some: half of them at least
    value: np.ndarray  # the mistake's result

    @property
    def explains_all(self) -> bool:
        return self.extent == "all"


class Outcome(NamedTuple):
    correct: np.ndarray  # bool, the result's shape
    difference: np.ndarray  # answer − expected
    diagnoses: list[Diagnosis]
    undetectable: list[Candidate]  # mistakes (or one way of making one) that give the right numbers here


_EXTENT_ORDER = {"all": 0, "part": 1, "some": 2}
PARTIAL_NONZERO = 2  # cells other than 0 a partial diagnosis needs


def check_answer(
    answer: np.ndarray,
    expected: np.ndarray,
    candidates: list[Candidate],
    tolerance: Tolerance,
    pairs: Callable[[], list[Candidate]] = list,
) -> Outcome:
    """Mark `answer` against `expected` (same shape) and diagnose its wrong cells from `candidates`.

    `pairs` gives the candidates of two mistakes made together, computed only when no single
    mistake explains the answer.
    """
    correct = close(answer, expected, tolerance)
    found, undetectable = _diagnose(answer, expected, correct, candidates, tolerance)
    if not correct.all() and not any(d.extent == "all" for d in found):
        paired, _ = _diagnose(answer, expected, correct, pairs(), tolerance)
        found = [d for d in paired if d.extent == "all"] + found
    if any(d.extent == "all" for d in found):
        found = [d for d in found if d.extent == "all"]
    with np.errstate(over="ignore", invalid="ignore"):
        difference = answer - expected
    return Outcome(correct, difference, found, undetectable)


def _diagnose(
    answer: np.ndarray, expected: np.ndarray, correct: np.ndarray, candidates: list[Candidate], tolerance: Tolerance
) -> tuple[list[Diagnosis], list[Candidate]]:
    """The best-supported variant of each mistake the evidence names, best first; and the invisible variants."""
    wrong_count = int((~correct).sum())
    by_mistake: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_mistake.setdefault(candidate.mistake.id, []).append(candidate)

    diagnoses: list[tuple[tuple[int, int, int], Diagnosis]] = []
    undetectable: list[Candidate] = []
    for order, variants in enumerate(by_mistake.values()):
        visible = [v for v in variants if not close(v.value, expected, tolerance).all()]
        undetectable += [v for v in variants if v not in visible]
        best = None
        for variant in visible:
            explained = ~correct & close(answer, variant.value, tolerance)
            extent = _extent(answer, expected, correct, explained, variant.value, tolerance, wrong_count)
            if extent is None:
                continue
            rank = (_EXTENT_ORDER[extent], -int(explained.sum()), order)
            if best is None or rank < best[0]:
                best = (rank, Diagnosis(variant.mistake, variant.detail, np.argwhere(explained), extent, variant.value))
        if best is not None:
            diagnoses.append(best)
    diagnoses.sort(key=lambda item: item[0])
    return [diagnosis for _, diagnosis in diagnoses], undetectable


def _extent(
    answer: np.ndarray,
    expected: np.ndarray,
    correct: np.ndarray,
    explained: np.ndarray,
    mistaken: np.ndarray,
    tolerance: Tolerance,
    wrong_count: int,
) -> Extent | None:
    """How much of the answer a mistake giving `mistaken` accounts for; None when the evidence is too weak."""
    supported = int(explained.sum())
    if not supported:
        return None
    if close(answer, mistaken, tolerance).all():
        return "all"
    if supported == wrong_count and int((explained & (answer != 0)).sum()) >= PARTIAL_NONZERO:
        return "part"
    contradicted = int((correct & ~close(mistaken, expected, tolerance)).sum())
    if 2 * supported >= wrong_count and supported > contradicted:
        return "some"
    return None
