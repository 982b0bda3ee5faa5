"""No answer carries a number that is not finite: a result that overflows float64 is a 422 instead.

orjson writes ∞ and NaN as ``null``, so an overflowing result would reach the client as a 200
whose numbers are missing. Every answer goes through :func:`refuse_non_finite` on its way out
(:class:`app.api.responses.JSONBytes` calls it), so every field of every endpoint is covered,
including fields added later; the endpoints' own checks, which can say more, run before it.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np
from pydantic import BaseModel

from ..engine.errors import InvalidInput


def non_finite_path(value: Any, path: str = "") -> str | None:
    """Where in `value` (a JSON-ready body) the first number that is not finite is, or None.

    The path is written as the response's fields are: ``sums.padding``, ``steps[3].grad_h[0]``.
    """
    kind = type(value)
    if kind is float:
        return None if math.isfinite(value) else path
    if kind is list:
        if _finite_numbers(value):
            return None
        for index, item in enumerate(value):
            found = non_finite_path(item, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if kind is dict:
        for key, item in value.items():
            found = non_finite_path(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
        return None
    if isinstance(value, np.ndarray):
        return non_finite_path(value.tolist(), path) if value.dtype.kind in "fc" else None
    if isinstance(value, np.floating):
        return None if np.isfinite(value) else path
    return None


def _finite_numbers(values: list[Any]) -> bool:
    """True when `values` is all numbers, all finite: one C-level sum, as ∞ and NaN survive any sum.

    A sum that overflows although every term is finite, or a list holding anything but numbers,
    answers False, and the caller looks at each item.
    """
    try:
        return math.isfinite(sum(values))
    except (TypeError, OverflowError):
        return False


def responsible_field(path: str, request: BaseModel | None) -> str:
    """The request's field most likely to have made the result at `path` overflow.

    A given field the result is named after (``sums.grad_output`` → ``grad_output``), else the
    field holding the number of the largest magnitude; ``body`` when the request holds no numbers.
    """
    if request is None:
        return "body"
    fields = {name: magnitude for name, magnitude in _float_fields(request, "")}
    names = [part.split("[", 1)[0] for part in path.split(".")]
    for name in reversed(names):
        if name in fields:
            return name
    if not fields:
        return "body"
    return max(fields, key=fields.__getitem__)  # the first of equals, in the request's order


def _float_fields(value: Any, path: str) -> Iterator[tuple[str, float]]:
    """Each field of the request holding real numbers (arrays, or floats not whole-number options), with
    its largest magnitude; nested models (a check's problem, a network's layers) by their path."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _float_fields(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, BaseModel):
                yield from _float_fields(item, f"{path}[{index}]")
    elif isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size:
        yield path, float(np.abs(value).max())
    elif type(value) is float:
        yield path, abs(value)


def refuse_non_finite(body: Any, request: BaseModel | None) -> None:
    """A 422 naming the field most responsible when any number of `body` is not finite."""
    path = non_finite_path(body)
    if path is not None:
        raise InvalidInput(
            responsible_field(path, request),
            f"the numbers are too large: the result overflows float64 (±1.8e308) at {path}",
        )
