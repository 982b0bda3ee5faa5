"""Request and response of ``POST /api/v1/activation``."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Optional

from pydantic import BaseModel, Field

from .. import limits
from ..fields import ArrayField, WholeNumber
from .common import Nested, Number, StrictModel

S, C, V = limits.MAX_SIDE, limits.MAX_CHANNELS, limits.MAX_VECTOR

AnyArray = ArrayField((1, 2, 3), {1: (V,), 2: (S, S), 3: (C, S, S)})
ActivationName = Literal["relu", "leaky_relu", "sigmoid", "tanh", "softmax"]
NegativeSlope = Annotated[Number, Field(ge=-limits.MAX_NEGATIVE_SLOPE, le=limits.MAX_NEGATIVE_SLOPE)]
ZeroOrOne = WholeNumber(0, 1, "ReLU's derivative at 0")

NEGATIVE_SLOPE_DESCRIPTION = "leaky_relu only: f(x) = slope·x for x ≤ 0 (PyTorch's default 0.01)."
RELU_AT_ZERO_DESCRIPTION = (
    "relu only: the derivative taken at x = 0, where ReLU has none (eq. 9.10): 0 as PyTorch, or 1. "
    "Chapter 9.2.2 argues the choice cannot change an update whose increment carries the factor x."
)

# ReLU on a matrix with a zero in it, and its upstream gradient.
RELU_EXAMPLE = {
    "input": [[-2, 0], [1, 3]],
    "function": "relu",
    "grad_output": [[1, 2], [3, 4]],
    "relu_grad_at_zero": 0,
}


class ActivationRequest(StrictModel):
    """An activation layer and its upstream gradient."""

    # The activation page always sends matrices: a link's `input=1,2,3` is one row, not a vector.
    link_least_depths: ClassVar[dict[str, int]] = {"input": 2, "grad_output": 2}

    input: AnyArray = Field(
        description=f"x: a vector (up to {V} numbers, e.g. points to plot the curve at), a matrix, "
        f"or C × H × W (up to {C} channels of {S}×{S}).",
        examples=[RELU_EXAMPLE["input"]],
    )
    function: ActivationName = Field(
        description="`relu` (eq. 9.11), `leaky_relu`, `sigmoid`, `tanh`, or `softmax` over every element "
        "of `input` taken as one vector (row-major).",
        examples=["relu"],
    )
    negative_slope: NegativeSlope = Field(default=0.01, description=NEGATIVE_SLOPE_DESCRIPTION)
    relu_grad_at_zero: ZeroOrOne = Field(default=0, description=RELU_AT_ZERO_DESCRIPTION)
    grad_output: Optional[AnyArray] = Field(
        default=None, description="∂L/∂y from the next layer, the input's shape. Defaults to all ones."
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                RELU_EXAMPLE,
                {"input": [1, 2, 3], "function": "softmax", "grad_output": [0, 0, 1]},
                {"input": [-2, -1, 0, 1, 2], "function": "leaky_relu", "negative_slope": 0.1},
            ]
        }
    }


class ActivationResponse(BaseModel):
    """The forward value, the local derivative, and the gradient handed back."""

    function: ActivationName
    output: Nested = Field(description="y = f(x), the input's shape.")
    local_derivative: Nested = Field(
        description="f′(x) per element: ∂yᵢ/∂xᵢ. For softmax, the Jacobian's diagonal sᵢ(1 − sᵢ) — softmax also "
        "mixes elements, so its ∂L/∂x is not ∂L/∂y ⊙ f′(x) but Jᵀ ∂L/∂y."
    )
    grad_output_source: Literal["given", "ones"]
    grad_output: Nested = Field(description="∂L/∂y, the upstream gradient.")
    grad_input: Nested = Field(description="∂L/∂x = ∂L/∂y ⊙ f′(x); for softmax s ⊙ (∂L/∂y − Σⱼ sⱼ ∂L/∂yⱼ).")
    jacobian: Optional[list[list[float]]] = Field(
        description="softmax only: J[i][j] = ∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ) over the elements in row-major order, N × N."
    )
    jacobian_omitted: Optional[str] = Field(description="Why a softmax Jacobian was left out, when it was.")
