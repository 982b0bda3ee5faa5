"""``POST /api/v1/activation``: one activation, forward and backward, with its local derivative."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter

from ...engine.activation import ActivationSpec, activation_backward, activation_forward, softmax_jacobian
from ...engine.errors import InvalidInput, shape_text
from .. import limits
from ..share_link import add_get_twin
from ..responses import JSONBytes, all_finite
from ..schemas.activation import RELU_EXAMPLE, ActivationRequest, ActivationResponse
from ..schemas.common import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["activation"])


@router.post(
    "/activation",
    response_model=ActivationResponse,
    response_class=JSONBytes,
    responses=ERROR_RESPONSES,
    summary="Activation: y = f(x), f′(x) and ∂L/∂x",
)
def activation(request: ActivationRequest) -> JSONBytes:
    """Applies the function element by element (softmax: over all elements at once), then hands the
    gradient back: ∂L/∂x = ∂L/∂y · f′(x), with ReLU's f′(0) as chosen (chapter 9.2.2)."""
    return JSONBytes(solve_activation(request), request=request)



def solve_activation(request: ActivationRequest) -> dict[str, Any]:
    x = request.input
    spec = ActivationSpec(request.function, request.negative_slope, float(request.relu_grad_at_zero))
    if request.grad_output is None:
        grad_output, source = np.ones_like(x), "ones"
    elif request.grad_output.shape != x.shape:
        raise InvalidInput(
            "grad_output",
            f"must have the input's shape {shape_text(x.shape)}, got {shape_text(request.grad_output.shape)}",
        )
    else:
        grad_output, source = request.grad_output, "given"
    with np.errstate(over="ignore", invalid="ignore"):
        out, cache = activation_forward(x, spec)
        grads = activation_backward(grad_output, cache)
    if not all_finite(out, grads.grad_input):
        raise InvalidInput("input", "the numbers are too large: the result overflows float64 (±1.8e308)")
    jacobian = omitted = None
    if request.function == "softmax":
        if x.size <= limits.MAX_JACOBIAN_SIDE:
            jacobian = softmax_jacobian(out).tolist()
        else:
            omitted = f"{x.size} elements give a {x.size}×{x.size} Jacobian; it is sent for up to {limits.MAX_JACOBIAN_SIDE}"
    return {
        "function": request.function,
        "output": out.tolist(),
        "local_derivative": grads.local_derivative.tolist(),
        "grad_output_source": source,
        "grad_output": grad_output.tolist(),
        "grad_input": grads.grad_input.tolist(),
        "jacobian": jacobian,
        "jacobian_omitted": omitted,
    }


add_get_twin(
    router, "/activation", ActivationRequest, solve_activation, ActivationResponse, "Activation", example=RELU_EXAMPLE
)
