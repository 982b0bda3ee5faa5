"""Request field types: nested lists of numbers as float64 arrays, and int-or-pair options.

Each says what is wrong and where in one message.

pydantic's own list-of-float types would accept ``true`` and ``"1"`` in lax mode, and
a Union of 2-D and 3-D lists reports every branch's failure at once; one walk over
the nesting gives one clear message instead ("input, row 2: 3 numbers, row 1 has 2").
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Sequence

import numpy as np
from pydantic import BeforeValidator, PlainValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

_AXIS_NAMES = {
    1: ("element",),
    2: ("row", "column"),
    3: ("channel", "row", "column"),
    4: ("kernel", "channel", "row", "column"),
}


def _fail(field: str, message: str) -> PydanticCustomError:
    return PydanticCustomError("invalid_value", "{field}: {message}", {"field": field, "message": message})


def _depth(value: Any) -> int:
    depth = 0
    while isinstance(value, list):
        if not value:
            return depth + 1
        value = value[0]
        depth += 1
    return depth


def _empty_inside(value: Any) -> bool:
    while isinstance(value, list):
        if not value:
            return True
        value = value[0]
    return False


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _where(path: Sequence[int], ndim: int) -> str:
    names = _AXIS_NAMES[ndim][: len(path)]
    return ", ".join(f"{name} {i + 1}" for name, i in zip(names, path))


def _check_block(value: Any, ndim: int, field: str, path: tuple[int, ...], shape: list[int | None]) -> None:
    """Walk one level, recording the first-seen length of each axis and rejecting ragged ones."""
    axis = len(path)
    if not isinstance(value, list):
        where = _where(path, ndim)
        raise _fail(field, f"{where}: expected a list, got {_kind(value)}")
    if not value:
        where = f" ({_where(path, ndim)})" if path else ""
        raise _fail(field, f"is empty{where}: every {_AXIS_NAMES[ndim][axis]} needs at least one entry")
    if shape[axis] is None:
        shape[axis] = len(value)
    elif len(value) != shape[axis]:
        raise _fail(
            field,
            f"{_where(path, ndim)} has {_plural(len(value), _AXIS_NAMES[ndim][axis])} but the first has {shape[axis]}: "
            f"every {_AXIS_NAMES[ndim][axis - 1]} needs the same length",
        )
    if axis == ndim - 1:
        for i, x in enumerate(value):
            kind = type(x)
            if kind is not float and kind is not int:
                raise _fail(field, f"{_where(path + (i,), ndim)}: expected a number, got {_kind(x)}")
            if kind is float and not math.isfinite(x):
                raise _fail(field, f"{_where(path + (i,), ndim)}: {NOT_FINITE}")
            if kind is int and abs(x) > 1.7976931348623157e308:
                raise _fail(field, f"{_where(path + (i,), ndim)}: the number overflows float64")
        return
    for i, item in enumerate(value):
        _check_block(item, ndim, field, path + (i,), shape)


NOT_FINITE = "is not a finite number (NaN and Infinity are not numbers here)"


def _kind(x: Any) -> str:
    """What a JSON value is, for a message that must not echo it."""
    if isinstance(x, bool):
        return "true/false"
    if isinstance(x, (int, float)):
        return "a number"
    if isinstance(x, str):
        return "a string"
    if x is None:
        return "null"
    if isinstance(x, dict):
        return "an object"
    if isinstance(x, list):
        return "a list"
    return type(x).__name__


def parse_array(value: Any, field: str, ndims: tuple[int, ...], max_shape: dict[int, tuple[int, ...]]) -> np.ndarray:
    """Validate `value` as a rectangular nested list of finite numbers with one of `ndims` dimensions."""
    depth = _depth(value)
    if depth < min(ndims) and _empty_inside(value):
        raise _fail(field, "is empty: it needs at least one number")
    if depth not in ndims:
        allowed = " or ".join(_describe(n) for n in ndims)
        found = _kind(value) if depth == 0 else _describe(depth)
        raise _fail(field, f"expected {allowed}, got {found}")
    shape: list[int | None] = [None] * depth
    _check_block(value, depth, field, (), shape)
    limits = max_shape[depth]
    for axis, (size, limit) in enumerate(zip(shape, limits)):
        if size is not None and size > limit:
            raise _fail(field, f"has {_plural(size, _AXIS_NAMES[depth][axis])}; at most {limit} are allowed")
    array = np.array(value, dtype=np.float64)
    if not np.isfinite(array).all():
        raise _fail(field, "a number overflows float64 (|x| ≤ 1.8e308)")
    return array


_DESCRIPTIONS = {
    1: "a list of numbers",
    2: "a matrix (list of rows)",
    3: "channels of matrices",
    4: "kernels of channels of matrices",
}


def _describe(ndim: int) -> str:
    return _DESCRIPTIONS.get(ndim, f"lists nested {ndim} deep")


def _schema(ndim: int, limits: tuple[int, ...]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number"}
    for limit in reversed(limits):
        schema = {"type": "array", "items": schema, "minItems": 1, "maxItems": limit}
    return schema


def ArrayField(ndims: tuple[int, ...], max_shape: dict[int, tuple[int, ...]]) -> Any:
    """An annotated type validating nested lists of numbers into a float64 ndarray."""

    def validate(value: Any, info: ValidationInfo) -> np.ndarray:
        return parse_array(value, info.field_name or "value", ndims, max_shape)

    schemas = [_schema(n, max_shape[n]) for n in ndims]
    json_schema = schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
    return Annotated[np.ndarray, PlainValidator(validate), WithJsonSchema(json_schema)]




def IntOrList(lengths: tuple[int, ...], minimum: int, maximum: int, meaning: str) -> Any:
    """A whole number, or a list of `lengths` whole numbers, each in [minimum, maximum].

    One validator rather than a pydantic Union, so a mistake gets one message that says
    every accepted form, not one message per Union branch.
    """
    forms = " or ".join(f"a list of {n}" for n in lengths)

    def check(x: Any, field: str) -> int:
        return _whole_number(x, field, minimum, maximum, meaning)

    def validate(value: Any, info: ValidationInfo) -> int | tuple[int, ...]:
        field = info.field_name or "value"
        if isinstance(value, list):
            if len(value) not in lengths:
                raise _fail(field, f"expected one number or {forms}, got a list of {len(value)}")
            return tuple(check(x, field) for x in value)
        return check(value, field)

    item = {"type": "integer", "minimum": minimum, "maximum": maximum}
    json_schema = {
        "anyOf": [item, *({"type": "array", "items": item, "minItems": n, "maxItems": n} for n in lengths)]
    }
    return Annotated[Any, PlainValidator(validate), WithJsonSchema(json_schema)]


def _whole_number(x: Any, field: str, minimum: int, maximum: int, meaning: str) -> int:
    if type(x) is not int:
        got = repr(x) if isinstance(x, float) else _kind(x)  # a float's repr is at most 24 characters
        raise _fail(field, f"expected a whole number ({meaning}), got {got}")
    if not minimum <= x <= maximum:
        raise _fail(field, f"{short_int(x)} is out of range: {meaning} must be from {minimum} to {maximum}")
    return x


def short_int(x: int) -> str:
    """A whole number as a message may show it: itself while short, never a long echo of the input."""
    return str(x) if -10**9 < x < 10**9 else "a number with more than 9 digits"


def brief(text: str, limit: int = 24) -> str:
    """`text` quoted for a message, cut to `limit` characters: enough to recognise a typo, never a long echo."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def WholeNumber(minimum: int, maximum: int, meaning: str) -> Any:
    """A whole number in [minimum, maximum]; ``true``, ``1.0`` and ``"1"`` are refused, as in IntOrList."""

    def validate(value: Any, info: ValidationInfo) -> int:
        return _whole_number(value, info.field_name or "value", minimum, maximum, meaning)

    json_schema = {"type": "integer", "minimum": minimum, "maximum": maximum}
    return Annotated[int, PlainValidator(validate), WithJsonSchema(json_schema)]


def _number(value: Any, field: str, expected: str) -> float:
    """A JSON number as a finite float; an integer too large for float64 is refused, not an OverflowError."""
    kind = type(value)
    if kind is not float and kind is not int:
        raise _fail(field, f"expected {expected}, got {_kind(value)}")
    if kind is int and abs(value) > 1.7976931348623157e308:
        raise _fail(field, "the number overflows float64")
    number = float(value)
    if not math.isfinite(number):
        raise _fail(field, NOT_FINITE)
    return number


def NumberOrList(max_items: int) -> Any:
    """A number, or a list of numbers (a bias: one number per kernel)."""

    def validate(value: Any, info: ValidationInfo) -> float | np.ndarray:
        field = info.field_name or "value"
        if isinstance(value, list):
            return parse_array(value, field, (1,), {1: (max_items,)})
        return _number(value, field, "a number or a list of numbers")

    item = {"type": "number"}
    json_schema = {"anyOf": [item, {"type": "array", "items": item, "minItems": 1, "maxItems": max_items}]}
    return Annotated[Any, PlainValidator(validate), WithJsonSchema(json_schema)]


def NumberOrArray(max_shape: dict[int, tuple[int, ...]]) -> Any:
    """A number, or nested lists of numbers 1 to 4 deep: a result of any layer, as a learner writes it down."""

    def validate(value: Any, info: ValidationInfo) -> np.ndarray:
        field = info.field_name or "value"
        if isinstance(value, list):
            return parse_array(value, field, (1, 2, 3, 4), max_shape)
        return np.array(_number(value, field, "a number or nested lists of numbers"))

    json_schema = {"anyOf": [{"type": "number"}, *(_schema(n, max_shape[n]) for n in (1, 2, 3, 4))]}
    return Annotated[np.ndarray, PlainValidator(validate), WithJsonSchema(json_schema)]


_ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")


def _ascii_whole_number(value: Any, info: ValidationInfo) -> Any:
    """Query text as JSON writes a whole number: pydantic alone would read `1_000` and `١٢` too."""
    if isinstance(value, str) and not _ASCII_INTEGER.fullmatch(value.strip()):
        raise _fail(info.field_name or "value", "expected a whole number (an integer written with the digits 0 to 9)")
    return value


# A whole number given in a query string.
QueryInt = Annotated[int, BeforeValidator(_ascii_whole_number)]
