"""Shape arithmetic shared by sliding-window layers (convolution, pooling)."""

from __future__ import annotations

from typing import NamedTuple, Sequence

from .errors import InvalidInput

Pair = tuple[int, int]
Sides = tuple[int, int, int, int]


def as_pair(value: int | Sequence[int], field: str) -> Pair:
    """An int means the same value for height and width; a pair is ``[h, w]``."""
    if isinstance(value, int):
        return (value, value)
    if len(value) == 2:
        return (int(value[0]), int(value[1]))
    raise InvalidInput(field, f"expected a number or [h, w], got {len(value)} numbers")


def as_sides(value: int | Sequence[int], field: str = "padding") -> Sides:
    """Padding per side as ``(top, bottom, left, right)``.

    An int pads all four sides; ``[p_h, p_w]`` pads both ends of each axis, as
    PyTorch does; four numbers give each side on its own.
    """
    if isinstance(value, int):
        return (value, value, value, value)
    if len(value) == 2:
        return (int(value[0]), int(value[0]), int(value[1]), int(value[1]))
    if len(value) == 4:
        top, bottom, left, right = (int(v) for v in value)
        return (top, bottom, left, right)
    raise InvalidInput(
        field, f"expected a number, [p_h, p_w] or [top, bottom, left, right], got {len(value)} numbers"
    )


def effective_size(k: int, dilation: int) -> int:
    """A dilated kernel spans ``d·(k−1)+1`` cells."""
    return dilation * (k - 1) + 1


class AxisSize(NamedTuple):
    """The chapter's output-size formula for one axis, with its numbers."""

    n: int  # input size
    k: int  # kernel (window) size, dilated
    p: int  # total padding, both ends
    s: int  # stride
    out: int  # ⌊(n − k + p + s) / s⌋
    uncovered: tuple[int, ...]  # indices of the padded input no window reaches


def axis_size(n: int, k: int, p: int, s: int) -> AxisSize:
    """``out = ⌊(n − k + p + s)/s⌋``; the last ``(n + p − k) mod s`` cells are never covered."""
    padded = n + p
    out = (padded - k + s) // s
    reach = (out - 1) * s + k if out >= 1 else 0
    return AxisSize(n, k, p, s, out, tuple(range(reach, padded)))
