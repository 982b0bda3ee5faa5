"""No admitted request holds a worker for long or answers with tens of megabytes."""

from __future__ import annotations

import inspect

import numpy as np
from fastapi.routing import APIRoute

from app.api import limits
from app.api.routes import activation, check, conv, exercise, network, pool, rnn
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
    /healthz (the liveness probe) included; plain functions run in the thread pool."""
    routes = [
        route
        for module in (activation, check, conv, exercise, network, pool, rnn)
        for route in module.router.routes
        if isinstance(route, APIRoute)
    ]
    assert len(routes) >= 13, f"expected every API route, found {len(routes)}"
    on_loop = [f"{sorted(route.methods)} {route.path}" for route in routes if inspect.iscoroutinefunction(route.endpoint)]
    assert on_loop == [], f"these API handlers are coroutines and compute on the event loop: {on_loop}"
