"""Known mistakes of a backward pass computed by hand, each one computed.

A mistake is a small named function that takes the same inputs as the layer and returns the
*wrong* results a learner who makes that mistake would write down — ``∂L/∂I`` with the kernel
left unrotated, ``∂L/∂F`` without the stride's inserted zeros, a max-pooling gradient sent to
every cell of the window. :mod:`app.engine.check` compares a learner's matrix with these to say
which mistake reproduces their wrong cells.

Some mistakes come in variants (which channel was taken alone, which side the padding was
cropped from); each variant carries a sentence saying what exactly was done. A mistake whose
precondition does not hold for a problem (no stride, no padding, one channel) returns no
variants: it cannot happen there. One that can happen but gives the right numbers anyway (a
kernel equal to its own 180° rotation) is found by comparison, and reported as undetectable.

Every mistake names the page stage that shows the right way: a page (``/conv``, ``/pool``,
``/activation``, ``/rnn``, or ``/network`` for a dense layer), a stable stage id on it, and the
response field the stage draws.

Two mistakes made together give numbers neither gives alone (∂L/∂I with the stride's zeros left
out *and* the kernel unrotated). Most mistakes are the right recipe run on a changed problem;
:func:`pairs` composes such a change with another mistake's own function, so the pair is exactly
as general as its parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Generic, Mapping, Sequence, TypeVar

import numpy as np

Problem = TypeVar("Problem")


@dataclass(frozen=True)
class StageHint:
    """Where a page shows the right way: its path, a stable stage id, and the field drawn there."""

    page: str
    stage: str
    field: str


@dataclass(frozen=True)
class Variant:
    """One way of making a mistake: the wrong results it gives, by result name, in canonical shapes.

    Per-step RNN results are keyed ``steps.<name>`` and hold every step, T rows.
    """

    results: Mapping[str, np.ndarray]
    detail: str | None = None


@dataclass(frozen=True)
class Mistake(Generic[Problem]):
    """A named mistake: what it is, what it changes, where the right way is shown, how to compute it.

    `explanation` is the sentence a learner reads; it cites the chapter. `same_when` completes
    "it gives the right numbers here, as it does …" for problems that cannot reveal it.
    `stages` gives the stage per result; results not listed use `stage`. A pair of mistakes made
    together lists its two parts in `parts` (each a mistake of its own); a single mistake has none.
    """

    id: str
    title: str
    explanation: str
    same_when: str
    results: tuple[str, ...]
    stage: StageHint
    compute: Callable[[Problem], list[Variant]]
    stages: Mapping[str, StageHint] = field(default_factory=dict)
    parts: tuple["Mistake[Problem]", ...] = ()

    def stage_for(self, result: str) -> StageHint:
        return self.stages.get(result, self.stage)


def rotate_180(a: np.ndarray) -> np.ndarray:
    """F¹⁸⁰[u, v] = F[k_h−1−u, k_w−1−v] on the last two axes (chapter 9.2.1, Fig. 9.6)."""
    return np.ascontiguousarray(a[..., ::-1, ::-1])


def only(results: Mapping[str, np.ndarray], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The named results a mistake changes, leaving out those the problem does not have."""
    return {name: results[name] for name in names if name in results}


Alter = Callable[[Problem], list[tuple[Problem, str | None]]]
"""A mistake as a change to the problem: each way of making it, as the problem the right recipe then solves and
its detail."""


def pairs(
    mistakes: Sequence[Mistake[Problem]], alters: Mapping[str, Alter], alternatives: Sequence[frozenset[str]]
) -> tuple[Mistake[Problem], ...]:
    """Every two compatible mistakes made together, for the results both change.

    `alters` holds the mistakes that are a changed problem, in the order their changes apply when
    two are made together (a scaled ∂L/∂O before anything that reads its size). A pair takes the
    first one's change and runs the second mistake's own function on the changed problem; two
    mistakes neither of which is a change are not paired. Mistakes in one set of `alternatives`
    are different answers to the same step (rotated one way or another) and are never paired.
    """
    order = list(alters)
    combined = []
    for first_id in order:
        first = next(m for m in mistakes if m.id == first_id)
        for second in mistakes:
            if second.id == first_id or any({first_id, second.id} <= group for group in alternatives):
                continue
            if second.id in alters and order.index(second.id) < order.index(first_id):
                continue  # the pair was made with the other's change first
            shared = tuple(name for name in first.results if name in second.results)
            if shared:
                combined.append(_pair(first, alters[first_id], second, shared))
    return tuple(combined)


def _pair(first: Mistake, alter: Alter, second: Mistake, shared: tuple[str, ...]) -> Mistake:
    def compute(problem: Problem) -> list[Variant]:
        variants = []
        for changed, first_detail in alter(problem):
            for variant in second.compute(changed):
                details = " ".join(d for d in (first_detail, variant.detail) if d) or None
                variants.append(Variant(only(variant.results, shared), details))
        return variants

    return Mistake(
        f"{first.id}+{second.id}",
        f"{first.title}, and {second.title[0].lower()}{second.title[1:]}",
        f"Two mistakes made together. {first.explanation} {second.explanation}",
        "",
        shared,
        first.stage,
        compute,
        {name: first.stage_for(name) for name in shared},
        (first, second),
    )
