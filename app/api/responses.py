"""JSON out at full float64 precision, fast.

orjson writes every float in its shortest round-trip form (as Python's ``repr``), so a
client parsing the answer gets back exactly the engine's float64, never a rounded one.
It would write ∞ and NaN as ``null``; an answer holding one is refused instead (:mod:`.finite`).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import orjson
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..engine.geometry import AxisSize
from .finite import refuse_non_finite


class JSONBytes(JSONResponse):
    """An answer; `request`, the validated request it answers, is what an overflow's 422 blames."""

    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        *,
        request: BaseModel | None = None,
    ) -> None:
        self.request_model = request
        super().__init__(content, status_code, headers)

    def render(self, content: Any) -> bytes:
        refuse_non_finite(content, self.request_model)
        return orjson.dumps(content, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def nested(array: np.ndarray, plain: bool, canonical_ndim: int) -> Any:
    """Drop the leading length-1 axes the request did not have, so a plain matrix in gives one out."""
    if plain:
        array = array.reshape(array.shape[canonical_ndim - 2 :])
    return array.tolist()


def nested_index(index: tuple[int, ...], plain: bool) -> list[int]:
    return list(index[-2:] if plain else index)


def all_finite(*arrays: np.ndarray | None) -> bool:
    return all(a is None or bool(np.isfinite(a).all()) for a in arrays)


def axis_report(size: AxisSize, k: int) -> dict[str, Any]:
    """One axis of the output size with the chapter's formula written out (SPEC §1)."""
    return {
        "n": size.n,
        "k": k,
        "k_effective": size.k,
        "p": size.p,
        "s": size.s,
        "out": size.out,
        "formula": f"⌊({size.n} − {size.k} + {size.p} + {size.s}) / {size.s}⌋ = {size.out}",
        "uncovered": list(size.uncovered),
    }
