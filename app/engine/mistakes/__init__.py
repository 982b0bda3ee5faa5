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
``/activation``, ``/rnn``), a stable stage id on it, and the response field the stage draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Generic, Mapping, TypeVar

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
    `stages` gives the stage per result; results not listed use `stage`.
    """

    id: str
    title: str
    explanation: str
    same_when: str
    results: tuple[str, ...]
    stage: StageHint
    compute: Callable[[Problem], list[Variant]]
    stages: Mapping[str, StageHint] = field(default_factory=dict)

    def stage_for(self, result: str) -> StageHint:
        return self.stages.get(result, self.stage)


def rotate_180(a: np.ndarray) -> np.ndarray:
    """F¹⁸⁰[u, v] = F[k_h−1−u, k_w−1−v] on the last two axes (chapter 9.2.1, Fig. 9.6)."""
    return np.ascontiguousarray(a[..., ::-1, ::-1])


def only(results: Mapping[str, np.ndarray], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The named results a mistake changes, leaving out those the problem does not have."""
    return {name: results[name] for name in names if name in results}
