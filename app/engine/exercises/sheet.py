"""A worksheet: exercises first … first+count−1 of one kind from one seed, with ranges by difficulty.

Each difficulty gives default ranges per kind; a range the caller sets replaces the default
(``Ranges`` fields), so "medium, but stride 2 only" is one override away.
"""

from __future__ import annotations

from dataclasses import replace

from . import Exercise, Options, Ranges, generator
from .activation import activation_exercise
from .conv import conv_exercise
from .pool import pool_exercise
from .rnn import rnn_exercise

_UNUSED = (1, 1)


def _ranges(input: tuple[int, int], window=_UNUSED, stride=_UNUSED, padding=(0, 0), channels=_UNUSED,
            kernels=_UNUSED, steps=_UNUSED, hidden=_UNUSED) -> Ranges:  # fmt: skip
    return Ranges(input, window, stride, padding, channels, kernels, steps, hidden)


DEFAULT_RANGES: dict[str, dict[str, Ranges]] = {
    "conv": {
        "easy": _ranges((3, 4), window=(2, 2)),
        "medium": _ranges((3, 5), window=(2, 3), stride=(1, 2), padding=(0, 1)),
        "hard": _ranges((4, 6), window=(2, 3), stride=(1, 2), padding=(0, 2), channels=(1, 2), kernels=(1, 2)),
    },
    "pool": {  # stride None: windows side by side, as Fig. 9.8–9.9
        "easy": _ranges((4, 4), window=(2, 2), stride=None),
        "medium": _ranges((4, 6), window=(2, 3), stride=None),
        "hard": _ranges((4, 6), window=(2, 3), stride=(1, 3), padding=(0, 1), channels=(1, 2)),
    },
    "activation": {
        "easy": _ranges((2, 3)),
        "medium": _ranges((2, 4)),
        "hard": _ranges((3, 4)),
    },
    "rnn": {
        "easy": _ranges(_UNUSED, steps=(2, 2), hidden=(1, 1)),
        "medium": _ranges(_UNUSED, steps=(2, 3), hidden=(1, 2)),
        "hard": _ranges(_UNUSED, steps=(3, 4), hidden=(2, 3)),
    },
}


def ranges_for(kind: str, difficulty: str, **overrides: tuple[int, int] | None) -> Ranges:
    """The difficulty's ranges with the caller's replacing them field by field."""
    return replace(DEFAULT_RANGES[kind][difficulty], **overrides)


def make_exercise(kind: str, seed: int, index: int, ranges: Ranges, difficulty: str, options: Options) -> Exercise:
    """Exercise `index` of the sheet `seed`: the same arguments give the same exercise, everywhere."""
    rng = generator(kind, seed, index)
    if kind == "conv":
        return conv_exercise(rng, ranges, difficulty)
    if kind == "pool":
        return pool_exercise(rng, ranges, difficulty, options)
    if kind == "activation":
        return activation_exercise(rng, ranges, difficulty, options)
    return rnn_exercise(rng, ranges, difficulty)


def worksheet(
    kind: str, seed: int, first: int, count: int, ranges: Ranges, difficulty: str, options: Options
) -> list[Exercise]:
    return [make_exercise(kind, seed, index, ranges, difficulty, options) for index in range(first, first + count)]
