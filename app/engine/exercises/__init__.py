"""Seeded exercises: small problems to compute by hand, whose every answer is an integer or a short decimal.

An exercise is a pure function of (kind, seed, index, ranges, options): the numbers come
from NumPy's PCG64 seeded by ``SeedSequence([seed, kind, index])``, so the same link gives
the same sheet on any machine, and exercise i of a worksheet is the same whether the sheet
holds 3 exercises or 30. Nothing here depends on Python's hash randomisation or the clock.

Each kind draws its geometry from the ranges, draws small integers (and, where a slope or
an average divides, fractions that end within three decimals), then checks every answer:
integers or short decimals within a bound, else it draws again from the same stream. It
also prefers a draw on which the known mistakes give wrong answers, so that a wrong answer
can be diagnosed — a kernel equal to its own 180° rotation would hide the commonest
mistake of all.

The problem is the body of the layer's own endpoint (``/api/v1/conv2d`` …), as JSON-ready
lists; `asks` names the results the learner is asked for, as `/api/v1/check` names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal, NamedTuple

import numpy as np

from ..errors import InvalidInput
from ..mistakes import Mistake

Kind = Literal["conv", "pool", "activation", "rnn"]
Difficulty = Literal["easy", "medium", "hard"]
Span = tuple[int, int]

KIND_CODES = {"conv": 1, "pool": 2, "activation": 3, "rnn": 4}
ATTEMPTS = 64  # draws tried before giving up on short answers
PREFERRED = 8  # short draws compared for the one that hides the fewest mistakes
SHORT = 1000  # a short decimal is a whole number of thousandths


@dataclass(frozen=True)
class Ranges:
    """Inclusive ranges the geometry is drawn from. `stride` None (pooling) means the window's size."""

    input: Span  # rows, and columns, of the input (each drawn on its own)
    window: Span  # side of the kernel or the pooling window
    stride: Span | None
    padding: Span  # per side
    channels: Span  # input channels (conv, pool)
    kernels: Span  # kernels, the output channels (conv)
    steps: Span  # T (rnn)
    hidden: Span  # d_h (rnn)


@dataclass(frozen=True)
class Options:
    """Choices within a kind; "any" lets the seed choose."""

    mode: Literal["max", "avg", "any"] = "any"  # pooling
    ties: Literal["none", "some", "any"] = "none"  # max pooling: windows holding their maximum twice
    function: Literal["relu", "leaky_relu", "any"] = "any"  # activation


class Exercise(NamedTuple):
    problem: dict[str, Any]  # the body of the layer's endpoint
    asks: tuple[str, ...]  # results to compute, named as /api/v1/check names them


class Draw(NamedTuple):
    """One attempt: the exercise, whether its answers are short, and how many ways of making a mistake it hides."""

    exercise: Exercise
    short: bool
    hidden: int


def generator(kind: str, seed: int, index: int) -> np.random.Generator:
    """The stream of exercise `index` of the sheet `seed` for `kind`."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, KIND_CODES[kind], index])))


def pick(rng: np.random.Generator, draw: Callable[[np.random.Generator], Draw], field: str, why: str) -> Exercise:
    """Of the first few draws with short answers, the one hiding the fewest mistakes; `field` is blamed if none is short.

    Some mistakes no draw can reveal (ReLU's derivative taken at y agrees with f′(x) whenever f′(0) = 0),
    so the search settles for the best of `PREFERRED` short draws rather than waiting for a perfect one.
    """
    best, short_draws = None, 0
    for _ in range(ATTEMPTS):
        candidate = draw(rng)
        if not candidate.short:
            continue
        short_draws += 1
        if best is None or candidate.hidden < best.hidden:
            best = candidate
        if best.hidden == 0 or short_draws == PREFERRED:
            return best.exercise
    if best is None:
        raise InvalidInput(field, why)
    return best.exercise


def is_short(bound: float, *arrays: np.ndarray) -> bool:
    """Every number a whole number of thousandths (an integer or a short decimal), none above `bound`."""
    for a in arrays:
        scaled = np.asarray(a, dtype=float) * SHORT
        if not (
            np.all(np.abs(a) <= bound)
            and np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled)))
        ):
            return False
    return True


def uniform_int(rng: np.random.Generator, span: Span) -> int:
    return int(rng.integers(span[0], span[1], endpoint=True))


def integers(rng: np.random.Generator, low: int, high: int, shape: tuple[int, ...]) -> np.ndarray:
    """Whole numbers from low to high inclusive, as float64."""
    return rng.integers(low, high, shape, endpoint=True).astype(float)


def plain(array: np.ndarray) -> Any:
    """JSON-ready lists with whole numbers written as integers, as a learner would type them."""
    return np.vectorize(lambda v: int(v) if float(v).is_integer() else float(v), otypes=[object])(array).tolist()


def hidden_mistakes(
    mistakes: tuple[Mistake, ...], problem: Any, right: dict[str, np.ndarray], asks: tuple[str, ...]
) -> int:
    """How many ways of making a known mistake give the right answer to every asked result they change."""
    count = 0
    for mistake in mistakes:
        if not set(asks) & set(mistake.results):
            continue
        for variant in mistake.compute(problem):
            shown = [name for name in asks if name in variant.results]
            count += all(np.array_equal(variant.results[name], right[name]) for name in shown)
    return count
