"""``POST /api/v1/rnn``: the RNN of Fig. 9.10 unrolled in time, forward and backpropagation through time."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Body

from ...engine.conv import sgd_step
from ...engine.errors import InvalidInput
from ...engine.rnn import RnnCache, RnnGrads, RnnParams, RnnSpec, rnn_backward, rnn_forward, row_norms
from ...engine.rnn_rates import predict_norms, recurrence_spectrum
from ..share_link import add_get_twin
from ..responses import JSONBytes, all_finite
from ..schemas.common import ERROR_RESPONSES
from ..schemas.rnn import EXAMPLES, TINY, RnnRequest, RnnResponse

router = APIRouter(prefix="/api/v1", tags=["recurrent network"])

WEIGHTS = ("U", "W", "V", "b", "c")


@router.post(
    "/rnn",
    response_model=RnnResponse,
    response_class=JSONBytes,
    responses=ERROR_RESPONSES,
    summary="Recurrent network unrolled in time: forward, backpropagation through time, and why gradients vanish",
)
def rnn(request: Annotated[RnnRequest, Body(openapi_examples=EXAMPLES)]) -> JSONBytes:
    """Runs aᵗ = U xᵗ + W hᵗ⁻¹ + b, hᵗ = σ₁(aᵗ), oᵗ = V hᵗ + c, ỹᵗ = σ₂(oᵗ) for t = 1 … T (Fig. 9.10),
    then walks back from T to 1: ∂L/∂hᵗ = Vᵀ∂L/∂oᵗ + Wᵀ∂L/∂aᵗ⁺¹, ∂L/∂aᵗ = ∂L/∂hᵗ ⊙ σ₁′(aᵗ), with
    each step's term of every weight gradient, ‖∂L/∂hᵗ‖ over t, and the rates ρ(W) and σ_max(W) predict.
    The presets show a vanishing gradient (small W with tanh), an exploding one (large W) and truncation."""
    return JSONBytes(solve_rnn(request), request=request)



def engine_inputs(request: RnnRequest) -> tuple[RnnParams, RnnSpec]:
    """The engine's weights and settings for `request`; b, c and h⁰ left out are zeros."""
    d_h, d_out = request.U.shape[0], request.V.shape[0]
    params = RnnParams(
        U=request.U,
        W=request.W,
        V=request.V,
        b=np.zeros(d_h) if request.b is None else request.b,
        c=np.zeros(d_out) if request.c is None else request.c,
        h0=np.zeros(d_h) if request.h0 is None else request.h0,
    )
    return params, RnnSpec(request.hidden_activation, request.output_activation, request.loss, request.truncation)


def solve_rnn(request: RnnRequest) -> dict[str, Any]:
    """The response body for `request`."""
    d_h, d_out = request.U.shape[0], request.V.shape[0]
    params, spec = engine_inputs(request)
    loss, cache = rnn_forward(request.x, request.y, params, spec)
    grads = rnn_backward(cache)
    spectrum = recurrence_spectrum(params.W, spec.hidden_activation)
    prediction = predict_norms(grads.block_last_loss.norm, grads.cut, spectrum)
    T = request.x.shape[0]
    return {
        "sizes": {"T": T, "d_in": request.x.shape[1], "d_h": d_h, "d_out": d_out},
        "hidden_activation": spec.hidden_activation,
        "output_activation": spec.output_activation,
        "loss_name": spec.loss,
        "truncation": spec.truncation,
        "loss": loss,
        "h0": params.h0.tolist(),
        "steps": _steps(cache, grads),
        **{f"grad_{name}": getattr(grads, f"grad_{name}").tolist() for name in (*WEIGHTS, "h0")},
        "spectrum": {
            **spectrum._asdict(),
            "longest_reach": prediction.longest_reach,
            "measured_rate": prediction.measured_rate,
            "norm_bound": _finite_or_null(prediction.bound),
            "norm_estimate": _finite_or_null(prediction.estimate),
        },
        "learning_rate": request.learning_rate,
        "updated": _updated(params, grads, request.learning_rate),
    }


def _steps(cache: RnnCache, grads: RnnGrads) -> list[dict[str, Any]]:
    """One object per cell of the unrolled network, t = 1 … T, each list built once for all steps."""
    tt, last = grads.through_time, grads.last_loss
    columns = {
        "x": cache.x, "y": cache.y, "h_prev": cache.h_prev, "a_from_input": cache.a_from_input,
        "a_from_state": cache.a_from_state, "a": cache.a, "h": cache.h, "o": cache.o,
        "y_hat": cache.y_hat, "loss": cache.losses, "grad_y_hat": cache.grad_y_hat, "grad_o": grads.grad_o,
        "grad_h_from_output": tt.from_output, "grad_h_from_next": tt.from_next, "grad_h": tt.grad_h,
        "hidden_derivative": cache.hidden_derivative, "grad_a": tt.grad_a, "cut": grads.cut,
        "grad_h_norm": tt.norm,
        "grad_h_from_output_norm": row_norms(tt.from_output),
        "grad_h_from_next_norm": row_norms(tt.from_next),
        "last_loss_grad_h": last.grad_h, "last_loss_grad_h_norm": last.norm,
        "block_last_loss_grad_h_norm": grads.block_last_loss.norm,
    }
    terms = {f"grad_{name}": getattr(grads, f"step_grad_{name}") for name in WEIGHTS}
    norms = {name: row_norms(array.reshape(array.shape[0], -1)) for name, array in terms.items()}
    if not all_finite(columns["grad_h_from_output_norm"], columns["grad_h_from_next_norm"], *norms.values()):
        raise InvalidInput("W", "a gradient's norm overflows float64 (±1.8e308): make W, x or T smaller")
    rows = {name: (None if array is None else array.tolist()) for name, array in columns.items()}
    term_rows = {name: array.tolist() for name, array in terms.items()}
    term_norms = {name: array.tolist() for name, array in norms.items()}
    return [
        {
            "t": t + 1,
            **{name: (None if values is None else values[t]) for name, values in rows.items()},
            "contribution": {name: values[t] for name, values in term_rows.items()},
            "contribution_norm": {name: values[t] for name, values in term_norms.items()},
        }
        for t in range(cache.x.shape[0])
    ]


def _updated(params: RnnParams, grads: RnnGrads, learning_rate: float | None) -> dict[str, Any] | None:
    """U − α·∂L/∂U and the rest (Fig. 9.2's update); h⁰ is the given start, not a weight."""
    if learning_rate is None:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        updated = {
            name: sgd_step(getattr(params, name), getattr(grads, f"grad_{name}"), learning_rate) for name in WEIGHTS
        }
    if not all(np.isfinite(value).all() for value in updated.values()):
        raise InvalidInput("learning_rate", "the update overflows float64 (±1.8e308): use a smaller learning rate")
    return {name: value.tolist() for name, value in updated.items()}


def _finite_or_null(curve: np.ndarray) -> list[float | None]:
    return [value if np.isfinite(value) else None for value in curve.tolist()]


add_get_twin(router, "/rnn", RnnRequest, solve_rnn, RnnResponse, "Recurrent network", example=TINY)
