"""A dense layer's problem for ``POST /api/v1/check`` (kind `dense`).

Dense layers have no endpoint of their own: they live in a chain (``/api/v1/network``). A
learner checks one with the numbers that chain gave it in the first step, its input, weight
and bias, and the ∂L/∂y it received, exactly as a network answer's layer holds them.
"""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from .. import limits
from ..fields import ArrayField, NumberOrList
from .common import StrictModel
from .network import DenseWeight

OUT, IN = limits.MAX_DENSE_OUT, limits.MAX_DENSE_IN

# The output layer of the page's small perceptron (/network's "mlp" example, first step, rounded).
DENSE_EXAMPLE = {
    "input": [0.5, -1, 2],
    "weight": [[1, 0, -1], [2, 1, 0]],
    "bias": [0.5, -0.5],
    "grad_output": [1, -2],
}


class DenseProblem(StrictModel):
    """y = W x + b, and the gradient ∂L/∂y it receives."""

    input: ArrayField((1,), {1: (IN,)}) = Field(  # type: ignore[valid-type]
        description=f"x: a vector of n_in numbers (up to {IN}), as a flatten or another dense layer hands it on.",
        examples=[DENSE_EXAMPLE["input"]],
    )
    weight: DenseWeight = Field(description=f"W: n_out × n_in, up to {OUT} rows.", examples=[DENSE_EXAMPLE["weight"]])
    bias: Optional[NumberOrList(OUT)] = Field(  # type: ignore[valid-type]
        default=None, description="b: one number per output (a number when n_out = 1); none if left out."
    )
    grad_output: NumberOrList(OUT) = Field(  # type: ignore[valid-type]
        description="∂L/∂y from the next layer (or the loss): one number per output.",
        examples=[DENSE_EXAMPLE["grad_output"]],
    )

    model_config = {"json_schema_extra": {"examples": [DENSE_EXAMPLE]}}
