"""Request and response of ``POST /api/v1/check``: a hand-computed result, marked and diagnosed."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, Field, PlainValidator, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .. import limits
from ..fields import NumberOrArray, brief
from ..results import CHECK_KINDS, CheckKind, known_result, valid_results
from .activation import ActivationRequest
from .common import Nested, StrictModel
from .conv import FIG_9_4, Conv2dRequest
from .dense import DenseProblem
from .pool import PoolRequest
from .rnn import RnnRequest

PROBLEMS: dict[str, type[StrictModel]] = {
    "conv": Conv2dRequest,
    "pool": PoolRequest,
    "activation": ActivationRequest,
    "rnn": RnnRequest,
    "dense": DenseProblem,
}

# A problem is named by its kind or by its endpoint, as `GET /api/v1/exercise` gives it (`endpoint`).
KIND_ALIASES: dict[str, str] = {
    "conv2d": "conv",
    "/api/v1/conv2d": "conv",
    "/api/v1/pool": "pool",
    "/api/v1/activation": "activation",
    "/api/v1/rnn": "rnn",
}


def canonical_kind(value: Any) -> Any:
    """`conv2d` (and `/api/v1/conv2d` …) read as the kind they name; anything else is left to the kind's own check."""
    return KIND_ALIASES.get(value, value) if isinstance(value, str) else value


KindOrAlias = Annotated[
    CheckKind,
    BeforeValidator(canonical_kind, json_schema_input_type=Literal[(*CHECK_KINDS, *KIND_ALIASES)]),  # type: ignore[valid-type]
]

S = limits.MAX_SIDE + 2 * limits.MAX_PADDING  # a padded input, or its gradient ∂L/∂P
Answer = NumberOrArray(
    {
        1: (limits.MAX_VECTOR,),
        2: (S, S),
        3: (max(limits.MAX_CHANNELS, limits.MAX_KERNELS), S, S),
        4: (limits.MAX_KERNELS, limits.MAX_CHANNELS, limits.MAX_KERNEL_SIDE, limits.MAX_KERNEL_SIDE),
    }
)


def _problem(value: Any, info: ValidationInfo) -> Any:
    """The body of the endpoint `kind` names, validated by that endpoint's own model.

    Without a valid `kind` there is no model to read it with; the error on `kind` says so.
    """
    model = PROBLEMS.get(info.data.get("kind", ""))
    return value if model is None else model.model_validate(value)


Problem = Annotated[
    Any,
    PlainValidator(
        _problem, json_schema_input_type=Union[Conv2dRequest, PoolRequest, ActivationRequest, RnnRequest, DenseProblem]
    ),
]

NestedFlags = Union[bool, list[bool], list[list[bool]], list[list[list[bool]]], list[list[list[list[bool]]]]]

# Fig. 9.4 with ∂L/∂I computed with the kernel as typed instead of F¹⁸⁰: every cell comes out wrong.
UNROTATED = {
    "kind": "conv",
    "problem": FIG_9_4,
    "result": "grad_input",
    "answer": [[4, 11, 6], [-2, 6, 5], [-2, 1, 1]],
}


class Tolerance(StrictModel):
    """A cell is right when |answer − expected| ≤ absolute + relative·|expected|."""

    absolute: Annotated[float, Field(strict=True, ge=0, le=1e6, allow_inf_nan=False)] = Field(
        default=0.005, description="Room for rounding to two decimals."
    )
    relative: Annotated[float, Field(strict=True, ge=0, le=1, allow_inf_nan=False)] = Field(
        default=0.001, description="Room for rounding large numbers to three or four significant figures."
    )


class CheckRequest(StrictModel):
    """A problem, which of its results the learner computed, and their numbers."""

    kind: KindOrAlias = Field(
        description="Which endpoint's body `problem` is: `conv` (/api/v1/conv2d), `pool`, `activation`, `rnn`. The "
        "endpoint's name does as well: `conv2d`, or its path as `GET /api/v1/exercise` gives it (`/api/v1/conv2d` …); "
        "the response names the kind. `dense` is a network's dense layer, which has no endpoint of its own: `input`, "
        "`weight`, `bias` and `grad_output` as /api/v1/network's answer gives that layer."
    )
    problem: Problem = Field(description="Exactly the body of that endpoint, validated as it validates it.")
    result: str = Field(
        max_length=64,
        description="The result to check, named as the endpoint's response names it: `output`, `grad_kernel`, "
        "`grad_bias`, `grad_input` and every intermediate (conv); `output`, `grad_input`, `mask` (pool); `output`, "
        "`local_derivative`, `grad_input` (activation); `loss`, `grad_U`, `grad_W`, `grad_V`, `grad_b`, `grad_c`, "
        "`grad_h0`, or `steps[i].grad_h` and the other per-step vectors for step i, 0-based (rnn); `output`, "
        "`grad_input`, `grad_weight`, `grad_bias` (dense).",
        examples=["grad_input"],
    )
    answer: Answer = Field(
        description="The learner's numbers, nested as the response nests the result (plain for a plain problem)."
    )
    tolerance: Tolerance = Field(default_factory=Tolerance, description="How close counts as right.")

    model_config = {"json_schema_extra": lambda schema, _: _one_variant_per_kind(schema)}

    @field_validator("result")
    @classmethod
    def _known_result(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind in CHECK_KINDS and not known_result(kind, value):
            raise PydanticCustomError(
                "invalid_value",
                "{field}: {message}",
                {
                    "field": "result",
                    "message": f"{brief(value)} is not a result of kind {kind}; choose one of {valid_results(kind)}",
                },
            )
        return value


def _one_variant_per_kind(schema: dict[str, Any]) -> None:
    """Document the request as one object per kind, whose `problem` is that endpoint's body.

    What the model validates, said exactly: `kind` picks the body `problem` must be. It also keeps
    the schema generatable; schema-driven fuzzers find no value for `problem` as an `anyOf` of four
    large bodies, and one variant per kind gives them a single body to build for each.
    """
    problems = schema["properties"]["problem"].pop("anyOf")
    shared = {key: schema.pop(key) for key in ("properties", "required", "type", "additionalProperties")}
    variants = []
    for kind, problem in zip(PROBLEMS, problems, strict=True):
        properties = {
            **shared["properties"],
            "kind": {**shared["properties"]["kind"], "enum": [kind]},
            "problem": {**shared["properties"]["problem"], **problem},
        }
        variants.append({**shared, "properties": properties, "title": f"CheckRequest ({kind})"})
    schema["oneOf"] = variants
    schema["examples"] = [UNROTATED]


class Stage(BaseModel):
    """Where a page shows something: its path, a stable stage id on it, and the response field drawn there."""

    page: str = Field(description="`/conv`, `/pool`, `/activation`, `/rnn`, or `/network` (a dense layer).")
    stage: str = Field(
        description="/conv: `forward`, `grad_output`, `grad_kernel`, `grad_input`, `update` (its five stages); "
        "/pool and /activation: `forward`, `backward`; /rnn: `forward`, `backward` (through time), `weights`; "
        "/network: `forward`, `backward` (of the layer)."
    )
    field: str = Field(
        description="The field of the layer's response drawn there; `steps[].x` is field x of every step."
    )


class PartOut(BaseModel):
    """One of two mistakes made together."""

    id: str
    title: str
    stage: Stage = Field(description="The stage that shows the right way for this part.")


class DiagnosisOut(BaseModel):
    """A known mistake (or two made together) that reproduces wrong cells of the answer."""

    id: str = Field(
        description="Stable id of the mistake, e.g. `kernel_not_rotated`; two made together join theirs with `+`, "
        "`kernel_not_rotated+stride_not_upsampled`."
    )
    title: str
    explanation: str = Field(description="One sentence for the learner, citing the chapter.")
    detail: Optional[str] = Field(description="What exactly was done, for a mistake made in one of several ways.")
    explains: Literal["all", "part", "some"] = Field(
        description="`all`: the answer is this mistake's result in every cell; `part`: every wrong cell is, and the "
        "other cells are right, so the mistake was made in the `cells` listed only; `some`: only the `cells` listed "
        "match it, at least half of the wrong ones."
    )
    cells: list[list[int]] = Field(
        description="The wrong cells this mistake reproduces, 0-based, nested as the result."
    )
    mistaken: Nested = Field(description="The whole result this mistake gives, nested as `expected`.")
    stage: Stage = Field(description="The stage that shows the right way.")
    parts: list[PartOut] = Field(
        description="For two mistakes made together, each of them with its own stage; empty for a single mistake."
    )


class UndetectableOut(BaseModel):
    """A mistake that could be made here but gives the right numbers, so this answer cannot show it."""

    id: str
    title: str
    detail: Optional[str] = Field(description="Which way of making it, for a mistake made in one of several ways.")
    reason: str


class Counts(BaseModel):
    cells: int
    correct: int
    wrong: int


class CheckResponse(BaseModel):
    """Per-cell marking, nested as the result; the mistakes that reproduce the wrong cells."""

    kind: CheckKind
    result: str
    symbol: str = Field(description="The result as the chapter writes it, e.g. ∂L/∂I.")
    stage: Stage = Field(description="Where the page shows this result worked out.")
    shape: list[int] = Field(description="The result's shape as nested ([] for a single number).")
    expected: Nested = Field(description="The engine's result, at full precision.")
    correct: NestedFlags = Field(description="Per cell, whether the answer is within the tolerance.")
    difference: Nested = Field(description="Per cell, answer − expected.")
    counts: Counts
    all_correct: bool
    tolerance: Tolerance
    diagnoses: list[DiagnosisOut] = Field(
        description="Empty for a right answer, and when no known mistake reproduces a wrong cell. Those that explain "
        "the whole answer come first; when one does, the others are left out. Two mistakes made together are named "
        "only when they explain the whole answer and no single mistake does."
    )
    diagnoses_omitted: Optional[str] = Field(
        description="Why no mistake was looked for: a layer far larger than anyone computes by hand."
    )
    undetectable: list[UndetectableOut] = Field(
        description="Known mistakes for this result that give the right numbers in this problem (one entry per way "
        "of making a mistake that can be made in several)."
    )
