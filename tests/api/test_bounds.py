"""No admitted request holds a worker for long or answers with tens of megabytes."""

from __future__ import annotations

import inspect

from fastapi.routing import APIRoute

from app.api.routes import activation, check, conv, exercise, network, pool, rnn


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
