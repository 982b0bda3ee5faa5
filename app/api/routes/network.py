"""``POST /api/v1/network``: a chain of layers trained step by step (Fig. 9.2)."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter

from ...engine import network as engine
from ...engine.activation import ActivationSpec
from ...engine.conv import ConvSpec
from ...engine.errors import InvalidInput, shape_text
from ...engine.geometry import as_pair, as_sides
from ...engine.pool import PoolSpec
from .. import limits
from ..share_link import add_get_twin
from ..responses import JSONBytes, all_finite
from ..schemas import network as schema
from ..schemas.common import ERROR_RESPONSES
from .pool import check_pool_cells

router = APIRouter(prefix="/api/v1", tags=["network"])


@router.post(
    "/network",
    response_model=schema.NetworkResponse,
    response_class=JSONBytes,
    responses=ERROR_RESPONSES,
    summary="A chain of layers trained by gradient descent, step by step",
)
def network(request: schema.NetworkRequest) -> JSONBytes:
    """Runs the chain forward, takes the loss, runs it backward — each layer's ∂L/∂Iⁿ handed on as
    ∂L/∂Oⁿ⁻¹ — and updates every kernel, weight and bias by −α·∂L/∂θ; `steps` times. Answers every
    layer's numbers for the first step, the loss before each step, and the trained parameters."""
    return JSONBytes(solve_network(request), request=request)


def solve_network(request: schema.NetworkRequest) -> dict[str, Any]:
    plain = request.input.ndim == 2
    x = request.input[None] if plain else request.input
    layers = [_engine_layer(layer, index) for index, layer in enumerate(request.layers)]
    shapes = engine.check_chain(layers, x.shape)
    for index, (layer, shape) in enumerate(zip(layers, [x.shape, *shapes])):
        if isinstance(layer, engine.PoolLayer):
            check_pool_cells(shape, layer.spec, f"layers[{index}]")
    _check_work(engine.step_cost(layers, x.shape), request.steps)
    _check_record(layers, [x.shape, *shapes])
    target = _target(request.target, shapes[-1], layers)
    training = engine.train(layers, x, target, request.loss, request.learning_rate, request.steps)
    first = training.first_step
    arrays = [a for done in first.layers for a in (done.output, done.grad_input, *done.param_grads.values())]
    if not all_finite(*arrays, *(p for params in training.final_params for p in params.values())):
        raise InvalidInput("input", "the numbers are too large: the result overflows float64 (±1.8e308)")

    def as_map(a: np.ndarray) -> Any:
        """One-channel feature maps go out as plain matrices when the input was one."""
        return (a[0] if plain and a.ndim == 3 and a.shape[0] == 1 else a).tolist()

    def params_out(index: int, params: engine.Params) -> dict[str, Any]:
        return {name: _param_out(request.layers[index], name, value) for name, value in params.items()}

    passes = []
    for index, (layer, done) in enumerate(zip(layers, first.layers)):
        passes.append(
            {
                "index": index,
                "type": engine.layer_type(layer),
                "input_shape": list(done.input.shape),
                "output_shape": list(done.output.shape),
                "input": as_map(done.input),
                "output": as_map(done.output),
                "grad_output": as_map(done.grad_output),
                "grad_input": as_map(done.grad_input),
                "params": params_out(index, engine.params_of(layer)),
                "param_grads": params_out(index, done.param_grads),
            }
        )
    probabilities = first.loss.probabilities
    return {
        "loss_name": request.loss,
        "losses": training.losses,
        "final_loss": training.final_loss,
        "first_step": {
            "loss": first.loss.value,
            "prediction": as_map(first.layers[-1].output),
            "probabilities": as_map(probabilities) if probabilities is not None else None,
            "grad_prediction": as_map(first.loss.grad),
            "layers": passes,
        },
        "final_params": [params_out(index, params) for index, params in enumerate(training.final_params)],
        "notes": engine.notes(layers, request.loss),
    }


def _check_work(cost: int, steps: int) -> None:
    """Bound the time a request may take: steps × the work of one step (see ``engine.step_cost``)."""
    budget = limits.MAX_NETWORK_WORK
    if cost > budget:
        raise InvalidInput(
            "layers", f"one step of this chain takes about {cost:.1e} units of work, over the {budget:.0e} allowed"
        )
    if cost * steps > budget:
        raise InvalidInput(
            "steps",
            f"this chain takes about {cost:.1e} units of work a step; {steps} steps exceed the {budget:.0e} "
            f"allowed, {budget // cost} fit",
        )


def _check_record(layers: list[engine.Layer], shapes: list[engine.Shape]) -> None:
    """Bound the answer's size: every layer's input, output and their gradients, and its parameters thrice
    (as used, their gradients, and trained)."""
    maps = sum(2 * (int(np.prod(shape_in)) + int(np.prod(shape_out))) for shape_in, shape_out in zip(shapes, shapes[1:]))
    params = sum(3 * value.size for layer in layers for value in engine.params_of(layer).values())
    if maps + params > limits.MAX_RECORD_NUMBERS:
        raise InvalidInput(
            "layers",
            f"the first step of this chain holds {maps + params} numbers, more than the "
            f"{limits.MAX_RECORD_NUMBERS} one answer may carry; use fewer layers or a smaller input",
        )


def _engine_layer(layer: Any, index: int) -> engine.Layer:
    """The request's layer as the engine's, with plain kernels and number biases made canonical."""
    field = f"layers[{index}]"
    if isinstance(layer, schema.Conv2dLayer):
        kernel = layer.kernel[None, None] if layer.kernel.ndim == 2 else layer.kernel
        spec = ConvSpec(
            as_pair(layer.stride, f"{field}.stride"),
            as_sides(layer.padding, f"{field}.padding"),
            as_pair(layer.dilation, f"{field}.dilation"),
        )
        return engine.Conv2dLayer(kernel, _bias(layer.bias, kernel.shape[0], f"{field}.bias", "kernel"), spec)
    if isinstance(layer, schema.DenseLayer):
        weight = layer.weight
        return engine.DenseLayer(weight, _bias(layer.bias, weight.shape[0], f"{field}.bias", "output"))
    if isinstance(layer, schema.ReluLayer):
        return engine.ActivationLayer(ActivationSpec("relu", relu_grad_at_zero=float(layer.relu_grad_at_zero)))
    if isinstance(layer, schema.LeakyReluLayer):
        return engine.ActivationLayer(ActivationSpec("leaky_relu", negative_slope=layer.negative_slope))
    if isinstance(layer, schema.SmoothActivationLayer):
        return engine.ActivationLayer(ActivationSpec(layer.type))
    if isinstance(layer, schema.PoolLayer):
        size = as_pair(layer.size, f"{field}.size")
        stride = as_pair(layer.stride, f"{field}.stride") if layer.stride is not None else size
        padding = as_sides(layer.padding, f"{field}.padding")
        return engine.PoolLayer(PoolSpec(layer.type.removesuffix("pool"), size, stride, padding, layer.ties))
    return engine.FlattenLayer()


def _bias(value: float | np.ndarray | None, count: int, field: str, per: str) -> np.ndarray | None:
    if value is None:
        return None
    if isinstance(value, float):
        if count != 1:
            raise InvalidInput(field, f"a single number fits one {per}; give a list of {count}, one per {per}")
        return np.array([value])
    return value


def _target(target: np.ndarray, shape: engine.Shape, layers: list[engine.Layer]) -> np.ndarray:
    """The target in the output's canonical shape: a matrix stands for one channel."""
    canonical = target[None] if target.ndim == 2 else target
    if canonical.shape != shape:
        last = len(layers) - 1
        raise InvalidInput(
            "target",
            f"has shape {shape_text(target.shape)} but the network's output (layers[{last}], "
            f"{engine.layer_type(layers[last])}) has shape {shape_text(shape)}",
        )
    return canonical


def _param_out(layer: Any, name: str, value: np.ndarray) -> Any:
    """A parameter nested as the request gave it: a plain kernel stays a matrix, a number bias a number."""
    given = getattr(layer, name)
    if isinstance(given, float):
        return float(value[0])
    if name == "kernel" and given.ndim == 2:
        return value[0, 0].tolist()
    return value.tolist()


add_get_twin(
    router,
    "/network",
    schema.NetworkRequest,
    solve_network,
    schema.NetworkResponse,
    "A network of layers",
    example=schema.PLAIN_CHAIN,
)
