"""``POST /api/v1/conv2d``: one convolution layer, forward and backward, with every intermediate."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Depends

from ...engine import terms as term_expansions
from ...engine.conv import ConvCache, ConvGrads, ConvSpec, conv2d_backward, conv2d_forward, sgd_step
from ...engine.errors import InvalidInput
from ...engine.geometry import as_pair, as_sides
from ...engine.loss import compute_loss
from ...settings import Settings, get_settings, settings_dependency
from ..fields import short_int
from ..offload import compute
from ..share_link import add_get_twin
from ..responses import JSONBytes, all_finite, axis_report, nested, nested_index
from ..schemas.common import ERROR_RESPONSES
from ..schemas.conv import FIG_9_4, Conv2dRequest, Conv2dResponse, TermSelection

router = APIRouter(prefix="/api/v1", tags=["convolution"])


@router.post(
    "/conv2d",
    response_model=Conv2dResponse,
    response_class=JSONBytes,
    responses=ERROR_RESPONSES,
    summary="Convolution layer: forward, backward and every intermediate",
)
async def conv2d(request: Conv2dRequest, settings: Settings = Depends(settings_dependency)) -> JSONBytes:
    """Computes O = I ⋆ F + b (eq. 9.5), then ∂L/∂F (eq. 9.8) and ∂L/∂I (eq. 9.9) the way the
    chapter does: stride-upsample ∂L/∂O, slide it over the padded input, rotate the kernel by
    180°, take the full convolution, crop the padding.

    A small layer answers on the event loop; a large one, or one whose terms are asked for, in the
    thread pool (`offload.py`)."""
    work = request.input.size * request.kernel.size
    if request.terms != "none" or request.terms_at:
        work += settings.max_terms
    return await compute(work, lambda: JSONBytes(solve_conv2d(request, settings), request=request))


def solve_conv2d(request: Conv2dRequest, settings: Settings) -> dict[str, Any]:
    """The response body for `request`; shared with the GET form of the endpoint."""
    input_plain, kernel_plain = request.input.ndim == 2, request.kernel.ndim == 2
    x = request.input[None] if input_plain else request.input
    kernel = request.kernel[None, None] if kernel_plain else request.kernel
    bias = _bias(request.bias, kernel.shape[0])
    spec = ConvSpec(
        stride=as_pair(request.stride, "stride"),
        padding=as_sides(request.padding, "padding"),
        dilation=as_pair(request.dilation, "dilation"),
        mode=request.mode,
    )
    with np.errstate(over="ignore", invalid="ignore"):
        out, cache = conv2d_forward(x, kernel, bias, spec)
        loss = None
        if request.target is not None:
            target = _as_output(request.target, "target", out.shape)
            result = compute_loss(request.loss, out, target)
            loss, grad_output, source = result.value, result.grad, "loss"
        elif request.grad_output is not None:
            grad_output, source = _as_output(request.grad_output, "grad_output", out.shape), "given"
        else:
            grad_output, source = np.ones_like(out), "ones"
        grads = conv2d_backward(grad_output, cache)
        updated_kernel = updated_bias = None
        if request.learning_rate is not None:
            updated_kernel = sgd_step(kernel, grads.grad_kernel, request.learning_rate)
            if bias is not None:
                updated_bias = sgd_step(bias, grads.grad_bias, request.learning_rate)
    if not all_finite(out, grads.grad_input, grads.grad_kernel, updated_kernel, updated_bias) or (
        loss is not None and not np.isfinite(loss)
    ):
        raise InvalidInput("input", "the numbers are too large: the result overflows float64 (±1.8e308)")

    def as_input(a: np.ndarray) -> Any:
        return nested(a, input_plain, 3)

    def as_kernel(a: np.ndarray) -> Any:
        return nested(a, kernel_plain, 4)

    def as_out(a: np.ndarray) -> Any:
        return nested(a, kernel_plain, 3)

    def as_bias(b: np.ndarray | None) -> Any:
        if b is None:
            return None
        return float(b[0]) if isinstance(request.bias, float) else b.tolist()

    cells, omitted = _terms(request, cache, grad_output, grads, out, bias, settings, input_plain, kernel_plain)
    return {
        "padded_input": as_input(cache.padded_input),
        "sliding_kernel": as_kernel(cache.sliding_kernel),
        "output": as_out(out),
        "output_size": {"h": axis_report(cache.size_h, kernel.shape[2]), "w": axis_report(cache.size_w, kernel.shape[3])},
        "loss": loss,
        "loss_name": request.loss if request.target is not None else None,
        "grad_output_source": source,
        "grad_output": as_out(grad_output),
        "upsampled_grad": as_out(grads.upsampled_grad),
        "grad_kernel": as_kernel(grads.grad_kernel),
        "grad_bias": as_bias(grads.grad_bias if bias is not None else None),
        "rotated_kernel": as_kernel(grads.rotated_kernel),
        "padded_upsampled_grad": as_out(grads.padded_upsampled_grad),
        "grad_padded_input": as_input(grads.grad_padded_input),
        "grad_input": as_input(grads.grad_input),
        "updated_kernel": as_kernel(updated_kernel) if updated_kernel is not None else None,
        "updated_bias": as_bias(updated_bias),
        "terms": cells,
        "terms_omitted": omitted,
    }


def _bias(value: float | np.ndarray | None, c_out: int) -> np.ndarray | None:
    if value is None:
        return None
    if isinstance(value, float):
        if c_out != 1:
            raise InvalidInput("bias", f"a single number fits one kernel; give a list of {c_out}, one per kernel")
        return np.array([value])
    if value.shape != (c_out,):
        raise InvalidInput("bias", f"needs one number per kernel: {c_out}, got {value.size}")
    return value


def _as_output(array: np.ndarray, field: str, shape: tuple[int, ...]) -> np.ndarray:
    canonical = array[None] if array.ndim == 2 else array
    if canonical.shape != shape:
        want = "×".join(map(str, shape[1:] if shape[0] == 1 else shape))
        got = "×".join(map(str, array.shape))
        raise InvalidInput(field, f"must have the output's shape {want}, got {got}")
    return canonical


_EXPANSIONS = {
    "output": lambda cache, g, idx: term_expansions.output_terms(cache, idx),
    "grad_kernel": term_expansions.grad_kernel_terms,
    "grad_input": term_expansions.grad_input_terms,
}


def _terms(
    request: Conv2dRequest,
    cache: ConvCache,
    grad_output: np.ndarray,
    grads: ConvGrads,
    out: np.ndarray,
    bias: np.ndarray | None,
    settings: Settings,
    input_plain: bool,
    kernel_plain: bool,
) -> tuple[list[dict[str, Any]] | None, str | None]:
    results = {"output": out, "grad_kernel": grads.grad_kernel, "grad_input": grads.grad_input}
    plain = {
        "padded_input": input_plain,
        "grad_input": input_plain,
        "kernel": kernel_plain,
        "grad_kernel": kernel_plain,
        "grad_output": kernel_plain,
        "output": kernel_plain,
    }

    omitted = None
    if request.terms_at is not None:
        asked = [(sel.result, _canonical_index(sel, i, results[sel.result], plain[sel.result])) for i, sel in enumerate(request.terms_at)]
        cells, omitted = _within_cap(asked, cache, settings.max_terms)
    else:
        count = term_expansions.term_count(cache)
        if request.terms == "none":
            return None, "not asked for: send terms: auto or all, or terms_at for chosen cells"
        limit = settings.auto_terms_limit if request.terms == "auto" else settings.max_terms
        if count > limit:
            return None, (
                f"{count} products in all, more than the {limit} sent with terms: {request.terms}; "
                "ask for chosen cells with terms_at"
            )
        cells = [(name, idx) for name, array in results.items() for idx in np.ndindex(array.shape)]

    def operand(o: term_expansions.Operand) -> dict[str, Any]:
        return {"field": o.field, "index": nested_index(o.index, plain[o.field]), "value": o.value}

    return [
        {
            "result": name,
            "index": nested_index(idx, plain[name]),
            "value": float(results[name][idx]),
            "bias": float(bias[idx[0]]) if name == "output" and bias is not None else None,
            "terms": [
                {"left": operand(t.left), "right": operand(t.right)} for t in _EXPANSIONS[name](cache, grad_output, idx)
            ],
        }
        for name, idx in cells
    ], omitted


def _within_cap(
    asked: list[tuple[str, tuple[int, ...]]], cache: ConvCache, limit: int
) -> tuple[list[tuple[str, tuple[int, ...]]], str | None]:
    """The cells asked for, in order, as long as their products together stay within `limit`.

    A kernel gradient cell of a large padded layer lists thousands of products, and 64 of them
    would make an answer of tens of megabytes; the cells past the cap are left out, and the
    answer says so, for the client to ask for them in another request. One cell always fits.
    """
    total = 0
    for position, (name, idx) in enumerate(asked):
        count = term_expansions.cell_term_count(cache, name, idx)
        if total + count > limit and position > 0:
            return asked[:position], (
                f"terms_at: the first {position} of the {len(asked)} cells asked for are sent ({total} products); "
                f"with terms_at[{position}] the answer would pass the {limit} products one answer carries, "
                "so ask for the rest in another request"
            )
        total += count
    return asked, None


def _canonical_index(selection: TermSelection, position: int, result: np.ndarray, plain: bool) -> tuple[int, ...]:
    """The request's index (with the result's nesting) as a full index into `result`, or a 4xx naming it."""
    index = tuple(selection.index)
    rank = 2 if plain else result.ndim
    shape = result.shape[-rank:]
    if len(index) != rank or any(i >= n for i, n in zip(index, shape)):
        raise InvalidInput(
            f"terms_at[{position}].index",
            f"{_index_text(index)} is not a cell of {selection.result}, whose shape is {'×'.join(map(str, shape))}",
        )
    return (0,) * (result.ndim - rank) + index


def _index_text(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(short_int(i) for i in index) + "]"


add_get_twin(
    router,
    "/conv2d",
    Conv2dRequest,
    lambda request: solve_conv2d(request, get_settings()),
    Conv2dResponse,
    "Convolution layer",
    example=FIG_9_4,
)
