"""Field types shared by every layer's request and response."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

# A number as JSON writes it: strict, so `true` and "1" are refused rather than read as 1.0.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]

# Results go out at full precision with the same nesting as the request.
Nested = Union[float, list[float], list[list[float]], list[list[list[float]]], list[list[list[list[float]]]]]

LossName = Literal["mse", "half_sse", "cross_entropy", "bce"]

LOSS_DESCRIPTION = (
    "`mse`: mean of squared errors; `half_sse`: ½Σ(ŷ−y)²; `cross_entropy`: softmax over all "
    "elements then −Σ y log ŷ (target a distribution); `bce`: sigmoid then binary cross-entropy, "
    "mean over elements."
)


class StrictModel(BaseModel):
    """Unknown fields are an error: a misspelt `strid` must not silently mean stride 1."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class AxisSize(BaseModel):
    n: int
    k: int
    k_effective: int
    p: int
    s: int
    out: int
    formula: str = Field(description="The chapter's formula ⌊(n − k + p + s)/s⌋ with the numbers filled in.")
    uncovered: list[int] = Field(description="Indices (0-based, in the padded input) that no window covers.")


class OutputSize(BaseModel):
    """The output size along each axis of a sliding-window layer (convolution, pooling)."""

    h: AxisSize
    w: AxisSize


class ErrorItem(BaseModel):
    type: str
    loc: list[Union[str, int]]
    msg: str
    field: str


class ErrorResponse(BaseModel):
    detail: list[ErrorItem]


ERROR_RESPONSES: dict[Union[int, str], dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The body could not be decoded (not UTF-8, or nested too deeply)."},
    413: {"model": ErrorResponse, "description": "The request body is larger than the cap."},
    422: {"model": ErrorResponse, "description": "A field is invalid; `field` names it and `msg` says why."},
}
