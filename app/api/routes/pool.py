"""``POST /api/v1/pool``: max or average pooling, forward and backward, with every window's routing."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter

from ...engine.errors import InvalidInput
from ...engine.geometry import as_pair, as_sides
from ...engine.pool import (
    PoolCache,
    PoolGrads,
    PoolSpec,
    crop,
    first_maxima,
    padding_gradient,
    pool_backward,
    pool_forward,
    pool_geometry,
    scatter_windows,
    window_maxima,
    window_origins,
)
from .. import limits
from ..share_link import add_get_twin
from ..responses import JSONBytes, all_finite, axis_report, nested_index
from ..schemas.common import ERROR_RESPONSES
from ..schemas.pool import FIG_9_8, PoolRequest, PoolResponse

router = APIRouter(prefix="/api/v1", tags=["pooling"])


@router.post(
    "/pool",
    response_model=PoolResponse,
    response_class=JSONBytes,
    responses=ERROR_RESPONSES,
    summary="Pooling layer: forward, the mask, and the gradient routed back",
)
def pool(request: PoolRequest) -> JSONBytes:
    """Pools each window (max or average), records where each window's gradient will go, and routes
    ∂L/∂O back: to the maximum (Fig. 9.9) or evenly over the window (Fig. 9.8), overlaps adding up."""
    return JSONBytes(solve_pool(request), request=request)



def solve_pool(request: PoolRequest) -> dict[str, Any]:
    plain = request.input.ndim == 2
    x = request.input[None] if plain else request.input
    size = as_pair(request.size, "size")
    spec = PoolSpec(
        mode=request.mode,
        size=size,
        stride=as_pair(request.stride, "stride") if request.stride is not None else size,
        padding=as_sides(request.padding, "padding"),
        ties=request.ties,
    )
    check_pool_cells(x.shape, spec, "size")
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is found below and reported
        out, cache = pool_forward(x, spec)
        if request.grad_output is None:
            grad_output, source = np.ones_like(out), "ones"
        else:
            grad_output, source = _as_output(request.grad_output, out.shape, plain), "given"
        grads = pool_backward(grad_output, cache)
        sums = {
            "grad_output": float(grad_output.sum()),
            "grad_input": float(grads.grad_input.sum()),
            "padding": padding_gradient(grads.grad_padded_input, spec),
        }
    if not all_finite(out, grads.grad_padded_input):
        raise InvalidInput("input", "the numbers are too large: the result overflows float64 (±1.8e308)")

    def as_map(a: np.ndarray) -> Any:
        """C × … arrays lose their channel axis when the input was a plain matrix."""
        return (a[0] if plain else a).tolist()

    is_max = spec.mode == "max"
    receives = cache.weights > 0
    windows, omitted = _windows(cache, grads, out, grad_output, plain)
    return {
        "mode": spec.mode,
        "ties": spec.ties if is_max else None,
        "size": list(spec.size),
        "stride": list(spec.stride),
        "padding": list(spec.padding),
        "padded_with": "-inf" if is_max else "zeros",
        "output": as_map(out),
        "output_size": {"h": axis_report(cache.size_h, size[0]), "w": axis_report(cache.size_w, size[1])},
        "argmax": as_map(first_maxima(cache)) if is_max else None,
        "tie_counts": as_map(window_maxima(cache).sum(axis=(-2, -1))) if is_max else None,
        "mask": as_map(crop(scatter_windows(receives, spec, cache.padded_input.shape), spec).astype(int)),
        "grad_output_source": source,
        "grad_output": as_map(grad_output),
        "grad_input": as_map(grads.grad_input),
        "sums": sums,
        "windows": windows,
        "windows_omitted": omitted,
    }


def check_pool_cells(shape: tuple[int, ...], spec: PoolSpec, field: str) -> None:
    """Bound the memory a pooling layer takes: every window cell of every output is held thrice."""
    size_h, size_w = pool_geometry(shape, spec)
    cells = shape[0] * size_h.out * size_w.out * spec.size[0] * spec.size[1]
    if cells > limits.MAX_POOL_CELLS:
        raise InvalidInput(
            field,
            f"{size_h.out}×{size_w.out} windows of {spec.size[0]}×{spec.size[1]} over {shape[0]} channel(s) make "
            f"{cells} window cells, more than the {limits.MAX_POOL_CELLS} allowed; "
            "use a smaller window or a larger stride",
        )


def _as_output(array: np.ndarray, shape: tuple[int, ...], plain: bool) -> np.ndarray:
    canonical = array[None] if array.ndim == 2 else array
    if canonical.shape != shape:
        want = "×".join(map(str, shape[1:] if plain else shape))
        got = "×".join(map(str, array.shape))
        raise InvalidInput("grad_output", f"must have the output's shape {want}, got {got}")
    return canonical


def _windows(
    cache: PoolCache, grads: PoolGrads, out: np.ndarray, grad_output: np.ndarray, plain: bool
) -> tuple[list[dict[str, Any]] | None, str | None]:
    k_h, k_w = cache.spec.size
    cells = out.size * k_h * k_w
    if cells > limits.MAX_WINDOW_CELLS:
        return None, (
            f"{out.size} windows of {k_h}×{k_w} make {cells} cells, more than the {limits.MAX_WINDOW_CELLS} "
            "sent; `grad_input`, `mask` and `argmax` still hold the routing"
        )
    rows, cols = window_origins(cache)
    maxima = window_maxima(cache) if cache.spec.mode == "max" else None
    windows = []
    for c, i, j in np.ndindex(out.shape):
        origin = (int(rows[i]), int(cols[j]))
        windows.append(
            {
                "index": nested_index((c, i, j), plain),
                "origin": list(origin),
                "value": float(out[c, i, j]),
                "grad": float(grad_output[c, i, j]),
                "weights": cache.weights[c, i, j].tolist(),
                "share": grads.window_grads[c, i, j].tolist(),
                "maxima": None
                if maxima is None
                else [[origin[0] + int(u), origin[1] + int(v)] for u, v in zip(*np.nonzero(maxima[c, i, j]))],
            }
        )
    return windows, None


add_get_twin(router, "/pool", PoolRequest, solve_pool, PoolResponse, "Pooling layer", example=FIG_9_8)
