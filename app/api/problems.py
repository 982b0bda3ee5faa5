"""A layer's problem solved as its own endpoint solves it, and read the way the engine's mistakes read it.

`/api/v1/check` and `/api/v1/exercise` take the body of another endpoint. `solve` runs that
endpoint's own solver, so the expected numbers and their nesting are exactly its response,
and hands back the same layer in the canonical shapes the mistakes of
:mod:`app.engine.mistakes` take. A dense layer has no endpoint of its own (it lives in a
network's chain): its problem is solved here, by the engine the network runs.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..engine.activation import ActivationSpec
from ..engine.conv import ConvSpec
from ..engine.dense import dense_backward, dense_forward
from ..engine.errors import InvalidInput
from ..engine.geometry import as_pair, as_sides
from ..engine.mistakes import Mistake, activation, conv, conv_shapes, dense, pool, rnn
from ..engine.pool import PoolSpec
from ..settings import Settings
from .routes.activation import solve_activation
from .routes.conv import solve_conv2d
from .routes.pool import solve_pool
from .routes.rnn import engine_inputs, solve_rnn
from .schemas.activation import ActivationRequest
from .schemas.conv import Conv2dRequest
from .schemas.dense import DenseProblem
from .schemas.pool import PoolRequest
from .schemas.rnn import RnnRequest


def _conv_problem(request: Conv2dRequest, settings: Settings) -> tuple[dict[str, Any], conv.ConvProblem]:
    response = solve_conv2d(request, settings)
    x = request.input[None] if request.input.ndim == 2 else request.input
    kernel = request.kernel[None, None] if request.kernel.ndim == 2 else request.kernel
    spec = ConvSpec(
        as_pair(request.stride, "stride"),
        as_sides(request.padding),
        as_pair(request.dilation, "dilation"),
        request.mode,
    )
    out_shape = (kernel.shape[0], response["output_size"]["h"]["out"], response["output_size"]["w"]["out"])
    problem = conv.ConvProblem(
        input=x,
        kernel=kernel,
        bias=None if request.bias is None else np.atleast_1d(np.asarray(request.bias, dtype=float)),
        spec=spec,
        grad_output=np.reshape(response["grad_output"], out_shape),
        loss=request.loss if request.target is not None else None,
        loss_value=response["loss"],
        learning_rate=request.learning_rate,
    )
    return response, problem


def _pool_problem(request: PoolRequest, settings: Settings) -> tuple[dict[str, Any], pool.PoolProblem]:
    response = solve_pool(request)
    x = request.input[None] if request.input.ndim == 2 else request.input
    size = as_pair(request.size, "size")
    stride = size if request.stride is None else as_pair(request.stride, "stride")
    spec = PoolSpec(request.mode, size, stride, as_sides(request.padding), request.ties)
    out_shape = (x.shape[0], response["output_size"]["h"]["out"], response["output_size"]["w"]["out"])
    return response, pool.PoolProblem(x, spec, np.reshape(response["grad_output"], out_shape))


def _activation_problem(
    request: ActivationRequest, settings: Settings
) -> tuple[dict[str, Any], activation.ActivationProblem]:
    response = solve_activation(request)
    spec = ActivationSpec(request.function, request.negative_slope, float(request.relu_grad_at_zero))
    return response, activation.ActivationProblem(request.input, spec, np.asarray(response["grad_output"], dtype=float))


def _rnn_problem(request: RnnRequest, settings: Settings) -> tuple[dict[str, Any], rnn.RnnProblem]:
    params, spec = engine_inputs(request)
    return solve_rnn(request), rnn.RnnProblem(request.x, request.y, params, spec)


def _dense_problem(request: DenseProblem, settings: Settings) -> tuple[dict[str, Any], dense.DenseProblem]:
    """y = W x + b and its backward pass, as a network computes the layer; a number bias keeps its gradient a number."""
    n_out = request.weight.shape[0]
    bias = _per_output(request.bias, n_out, "bias")
    grad_output = _per_output(request.grad_output, n_out, "grad_output")
    output, cache = dense_forward(request.input, request.weight, bias)
    grads = dense_backward(grad_output, cache)
    grad_bias = None
    if bias is not None:
        grad_bias = float(grads.grad_bias[0]) if isinstance(request.bias, float) else grads.grad_bias.tolist()
    response = {
        "output": output.tolist(),
        "grad_output": grad_output.tolist(),
        "grad_input": grads.grad_input.tolist(),
        "grad_weight": grads.grad_weight.tolist(),
        "grad_bias": grad_bias,
    }
    return response, dense.DenseProblem(request.input, request.weight, bias, grad_output)


def _per_output(value: float | np.ndarray | None, n_out: int, field: str) -> np.ndarray | None:
    """A bias or ∂L/∂y as one number per output; a single number stands for the one output of a 1-row W."""
    if value is None or isinstance(value, np.ndarray):
        return value
    if n_out != 1:
        raise InvalidInput(field, f"a single number fits one output; W has {n_out} rows, so give a list of {n_out}")
    return np.array([value])


_SOLVERS: dict[str, Callable[[Any, Settings], tuple[dict[str, Any], Any]]] = {
    "conv": _conv_problem,
    "pool": _pool_problem,
    "activation": _activation_problem,
    "rnn": _rnn_problem,
    "dense": _dense_problem,
}

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "conv": conv.MISTAKES,
    "pool": pool.MISTAKES,
    "activation": activation.MISTAKES,
    "rnn": rnn.MISTAKES,
    "dense": dense.MISTAKES,
}

# Two mistakes made together, looked for when no single one explains an answer; and the mistakes made by
# hand that change a result's shape, for the problems where they happen to keep it.
PAIRS: dict[str, tuple[Mistake, ...]] = {
    "conv": conv.PAIRS
    + tuple(mistake for mistake, _ in conv_shapes.RESHAPED)
    + conv_shapes.RESHAPED_BOTH
    + conv_shapes.RESHAPED_WITH
}

# Mistakes that change a result's shape, each with what it leaves out; and those made together with another.
RESHAPED: dict[str, tuple[tuple[tuple[Mistake, str], ...], tuple[Mistake, ...]]] = {
    "conv": (conv_shapes.RESHAPED, conv_shapes.RESHAPED_BOTH + conv_shapes.RESHAPED_WITH),
    "dense": (dense.RESHAPED, ()),
}


def _conv_work(p: conv.ConvProblem) -> int:
    """Multiply-adds of one full convolution over the padded input: C_out·C_in·k_h·k_w·H_p·W_p."""
    top, bottom, left, right = p.spec.padding
    return p.kernel.size * (p.input.shape[1] + top + bottom) * (p.input.shape[2] + left + right)


_WORK: dict[str, Callable[[Any], int]] = {
    "conv": _conv_work,
    "pool": lambda p: p.grad_output.size * p.spec.size[0] * p.spec.size[1],
    "activation": lambda p: p.input.size,
    "dense": lambda p: p.weight.size,
    "rnn": lambda p: p.x.shape[0] * p.params.W.shape[0] * (p.x.shape[1] + p.params.W.shape[0] + p.y.shape[1]),
}


def solve(kind: str, request: Any, settings: Settings) -> tuple[dict[str, Any], Any]:
    """The endpoint's response body for `request`, and the layer as the mistakes take it."""
    return _SOLVERS[kind](request, settings)


def diagnosis_work(kind: str, problem: Any) -> int:
    """Multiply-adds of one pass of the layer, which every known mistake recomputes."""
    return _WORK[kind](problem)
