"""No admitted request holds a worker for long or answers with tens of megabytes."""

from __future__ import annotations

import asyncio
import inspect
import threading

import numpy as np
import pytest
from fastapi.routing import APIRoute

from app.api import limits, offload
from app.api.routes import activation, check, conv, exercise, network, pool, rnn
from app.engine.activation import ActivationSpec
from app.engine.network import LAYER_COST, ActivationLayer, step_cost
from app.settings import get_settings

LARGEST_PADDED = {
    "input": np.ones((8, 64, 64)).tolist(),
    "kernel": np.ones((8, 8, 1, 1)).tolist(),
    "padding": limits.MAX_PADDING,
}


def test_terms_at_sends_cells_only_up_to_the_cap_and_says_which_are_left_out(client) -> None:
    asked = [{"result": "grad_kernel", "index": [i % 8, i // 8, 0, 0]} for i in range(limits.MAX_TERMS_AT)]
    response = client.post("/api/v1/conv2d", json={**LARGEST_PADDED, "terms_at": asked})
    assert response.status_code == 200, response.text
    body = response.json()
    sent = body["terms"]
    products = sum(len(cell["terms"]) for cell in sent)
    assert 0 < len(sent) < len(asked), f"expected some but not all of the {len(asked)} cells, got {len(sent)}"
    assert products <= get_settings().max_terms, f"{products} products sent"
    assert [cell["index"] for cell in sent] == [a["index"] for a in asked[: len(sent)]]
    assert f"terms_at[{len(sent)}]" in body["terms_omitted"], body["terms_omitted"]
    assert len(response.content) < 8_000_000, f"{len(response.content)} bytes"


def test_the_largest_single_cell_always_fits_under_the_cap(client) -> None:
    largest = (limits.MAX_SIDE + 2 * limits.MAX_PADDING) ** 2
    assert largest <= get_settings().max_terms
    asked = [{"result": "grad_kernel", "index": [0, 0, 0, 0]}]
    body = client.post("/api/v1/conv2d", json={**LARGEST_PADDED, "terms_at": asked}).json()
    assert len(body["terms"]) == 1 and len(body["terms"][0]["terms"]) == largest
    assert body["terms_omitted"] is None


def test_api_handlers_run_off_the_event_loop() -> None:
    """A coroutine handler computes on the event loop, where a long request holds up every other one,
    /healthz (the liveness probe) included; plain functions run in the thread pool, and a coroutine
    may only compute through `offload.compute`, which sends large requests there."""
    routes = [
        route
        for module in (activation, check, conv, exercise, network, pool, rnn)
        for route in module.router.routes
        if isinstance(route, APIRoute)
    ]
    assert len(routes) >= 13, f"expected every API route, found {len(routes)}"
    on_loop = [
        f"{sorted(route.methods)} {route.path}"
        for route in routes
        if inspect.iscoroutinefunction(route.endpoint) and "compute" not in route.endpoint.__code__.co_names
    ]
    assert on_loop == [], f"these API handlers are coroutines and compute on the event loop: {on_loop}"


def _pooling_chain(mode: str, steps: int) -> dict:
    """One 13×13 pooling window sliding by 1 over 8×64×64, then a dense layer to one number."""
    return {
        "input": np.ones((8, 64, 64)).tolist(),
        "layers": [{"type": f"{mode}pool", "size": 13, "stride": 1}, {"type": "flatten"},
                   {"type": "dense", "weight": np.zeros((1, 8 * 52 * 52)).tolist()}],
        "target": [0],
        "learning_rate": 1e-6,
        "steps": steps,
    }


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_is_counted_per_window_cell(client, mode) -> None:
    """90 steps of this chain took 7 to 8 s of CPU while the bound called it 10⁹ multiply-adds."""
    response = client.post("/api/v1/network", json=_pooling_chain(mode, 90))
    assert response.status_code == 422, f"expected a refusal, got {response.status_code}"
    detail = response.json()["detail"][0]
    assert detail["field"] == "steps", detail


def test_a_convolution_is_counted_by_the_input_it_unfolds_too(client) -> None:
    """One kernel over 8 channels does few multiply-adds but copies every window of its input:
    its 200 steps took over a second while the bound counted only the multiply-adds."""
    body = {
        "input": np.ones((8, 64, 64)).tolist(),
        "layers": [{"type": "conv2d", "kernel": np.zeros((1, 8, 7, 7)).tolist(), "padding": 3}],
        "target": np.zeros((1, 64, 64)).tolist(),
        "steps": 100,
    }
    response = client.post("/api/v1/network", json=body)
    assert response.status_code == 422, f"expected a refusal, got {response.status_code}"
    assert response.json()["detail"][0]["field"] == "steps"


def test_every_layer_costs_a_fixed_overhead_each_step() -> None:
    tiny = [ActivationLayer(ActivationSpec("relu"))] * limits.MAX_LAYERS
    assert step_cost(tiny, (1, 1, 1)) >= limits.MAX_LAYERS * LAYER_COST
    assert step_cost(tiny, (1, 1, 1)) < step_cost(tiny, (1, 8, 8))


def test_the_largest_first_step_record_is_a_few_megabytes(client) -> None:
    """Every layer's input, output and both gradients of the first step go out, at full precision."""
    x = np.random.default_rng(0).normal(size=(5, 32, 32)).tolist()
    body = {"input": x, "layers": [{"type": "tanh"}] * 12, "target": x, "steps": 1}
    response = client.post("/api/v1/network", json=body, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200, response.text
    assert len(response.content) < 6_000_000, f"{len(response.content)} bytes"
    one_more = {**body, "input": np.zeros((6, 32, 32)).tolist(), "target": np.zeros((6, 32, 32)).tolist()}
    refused = client.post("/api/v1/network", json=one_more)
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "layers"


def test_pooling_lists_its_windows_only_while_they_are_few(client) -> None:
    """Each window is a JSON object of its own: 32,768 of them took 0.4 s and 4.5 MB."""
    many = client.post("/api/v1/pool", json={"input": np.ones((8, 64, 64)).tolist(), "mode": "max", "size": 1})
    assert many.status_code == 200 and many.json()["windows"] is None
    few = client.post("/api/v1/pool", json={"input": np.ones((4, 64, 64)).tolist(), "mode": "max", "size": 1})
    assert len(few.json()["windows"]) == limits.MAX_WINDOW_CELLS


def test_small_work_answers_inline_and_large_work_in_a_worker_thread() -> None:
    assert asyncio.run(_thread_of(offload.SMALL_WORK)) == "inline"
    assert asyncio.run(_thread_of(offload.SMALL_WORK + 1)) == "worker"


async def _thread_of(work: int) -> str:
    """Where `offload.compute` ran a request of `work`: on the event loop's thread or another."""
    here = threading.get_ident()
    return "inline" if await offload.compute(work, threading.get_ident) == here else "worker"

