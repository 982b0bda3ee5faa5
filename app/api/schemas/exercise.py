"""Query and response of ``GET /api/v1/exercise``: seeded exercises for a quiz link or a worksheet."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, Field

from .. import limits
from ..fields import QueryInt
from ..results import Kind
from .common import Nested, StrictModel

Difficulty = Literal["easy", "medium", "hard"]

# Which query fields each kind reads; any other kind refuses them rather than ignore them.
APPLIES: dict[str, tuple[str, ...]] = {
    "input": ("conv", "pool", "activation"),
    "window": ("conv", "pool"),
    "stride": ("conv", "pool"),
    "padding": ("conv", "pool"),
    "channels": ("conv", "pool"),
    "kernels": ("conv",),
    "steps": ("rnn",),
    "hidden": ("rnn",),
    "mode": ("pool",),
    "ties": ("pool",),
    "function": ("activation",),
}

_MEANING = {
    "input": "rows (and columns) of the input",
    "window": "side of the kernel (conv) or the pooling window",
    "stride": "stride (pool: leave both out for windows side by side)",
    "padding": "padding on each side",
    "channels": "input channels",
    "kernels": "kernels, the output channels",
    "steps": "steps T of the sequence",
    "hidden": "hidden units d_h",
}


def _bound(name: str, end: str) -> Any:
    low, high = limits.EXERCISE_BOUNDS[name]
    return Field(
        default=None,
        ge=low,
        le=high,
        description=f"{'Fewest' if end == 'min' else 'Most'} {_MEANING[name]}, {low} to {high}; "
        f"default by difficulty ({', '.join(APPLIES[name])}).",
    )


class ExerciseQuery(StrictModel):
    """Which exercises: kind, seed, how many, how hard, and any range to override."""

    kind: Kind = Field(description="`conv`, `pool`, `activation` or `rnn`.")
    seed: Annotated[QueryInt, Field(ge=0, le=limits.MAX_SEED)] = Field(
        description="The sheet's seed: the same query gives the same exercises on any machine."
    )
    count: Annotated[QueryInt, Field(ge=1, le=limits.MAX_EXERCISES)] = Field(
        default=1, description=f"How many exercises, 1 to {limits.MAX_EXERCISES}."
    )
    first: Annotated[QueryInt, Field(ge=0, le=1_000_000)] = Field(
        default=0, description="Index of the first exercise: exercise i of a sheet does not depend on `count`."
    )
    difficulty: Difficulty = Field(default="easy", description="Sets the default ranges and how large the numbers are.")
    input_min: Optional[QueryInt] = _bound("input", "min")
    input_max: Optional[QueryInt] = _bound("input", "max")
    window_min: Optional[QueryInt] = _bound("window", "min")
    window_max: Optional[QueryInt] = _bound("window", "max")
    stride_min: Optional[QueryInt] = _bound("stride", "min")
    stride_max: Optional[QueryInt] = _bound("stride", "max")
    padding_min: Optional[QueryInt] = _bound("padding", "min")
    padding_max: Optional[QueryInt] = _bound("padding", "max")
    channels_min: Optional[QueryInt] = _bound("channels", "min")
    channels_max: Optional[QueryInt] = _bound("channels", "max")
    kernels_min: Optional[QueryInt] = _bound("kernels", "min")
    kernels_max: Optional[QueryInt] = _bound("kernels", "max")
    steps_min: Optional[QueryInt] = _bound("steps", "min")
    steps_max: Optional[QueryInt] = _bound("steps", "max")
    hidden_min: Optional[QueryInt] = _bound("hidden", "min")
    hidden_max: Optional[QueryInt] = _bound("hidden", "max")
    mode: Literal["max", "avg", "any"] = Field(default="any", description="pool: max or average pooling, or either.")
    ties: Literal["none", "some", "any"] = Field(
        default="none",
        description="pool, max: `none` (no window holds its maximum twice), `some` (one at least), `any`.",
    )
    function: Literal["relu", "leaky_relu", "any"] = Field(
        default="any",
        description="activation: `relu` or `leaky_relu` (the others have no short answers); `any`: the seed chooses.",
    )


class ExerciseOut(BaseModel):
    """One exercise: a problem for the layer's endpoint, what to compute, and the answer key."""

    index: int = Field(description="Its place in the sheet of `seed`.")
    endpoint: str = Field(description="Where `problem` is a body: `/api/v1/conv2d`, `/pool`, `/activation`, `/rnn`.")
    problem: dict[str, Any] = Field(description="The body of that endpoint, and of /api/v1/check's `problem`.")
    asks: list[str] = Field(description="Results to compute, named as /api/v1/check's `result`.")
    answers: dict[str, Nested] = Field(
        description="The answer key: each asked result, every number an integer or a short decimal."
    )


class ExerciseResponse(BaseModel):
    kind: Kind
    seed: int
    difficulty: Difficulty
    first: int
    count: int
    ranges: dict[str, Optional[list[int]]] = Field(
        description="The ranges used, [lowest, highest], after the difficulty's defaults; pool's `stride` null means "
        "windows side by side."
    )
    exercises: list[ExerciseOut]
