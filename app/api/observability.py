"""One JSON access-log line per request, and Prometheus metrics at ``/metrics``.

Requests are labelled by their route template (``/api/v1/conv2d``), never by the raw path or
query: share links carry the user's numbers, which belong neither in logs nor in metrics.
With several worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` (``backprop-explorer`` does
it for ``--workers`` > 1) and ``/metrics`` adds up every worker's counts.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess

from .middleware import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter(
    "backprop_explorer_requests_total", "HTTP requests answered.", ["method", "route", "status", "status_class"]
)
LATENCY = Histogram(
    "backprop_explorer_request_duration_seconds",
    "Time from the request's arrival to the end of its answer.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

access_log = logging.getLogger("backprop_explorer.access")


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is at the moment of logging, not when it was set up."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stdout

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


def configure_access_log() -> None:
    """JSON lines on stdout, once per process (uvicorn's own access log is turned off by the CLI)."""
    if access_log.handlers:
        return
    handler = _StdoutHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False


# Mounted file trees, labelled by their mount point rather than by file.
MOUNTS = ("/static", "/docs-assets")
# Methods labelled by name; any other (a client may send any token) counts as "other".
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_label(scope: Scope, status: int) -> str:
    """The route template; for answers given before routing, what answered them. A fixed set of labels.

    A CORS preflight is answered by the CORS middleware and an oversized body by the body cap, before
    any route is chosen; only what no part of the app took is "unmatched" (404s).
    """
    path = getattr(scope.get("route"), "path", None)
    if path:
        return path
    mount = next((m for m in MOUNTS if scope["path"].startswith(m + "/")), None)
    if mount:
        return mount
    headers = dict(scope.get("headers") or [])
    if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
        return "preflight"
    if status == 413:
        return "rejected:413"
    return "unmatched"


class Observability:
    """Times every request, counts it by route and status, and logs it as one JSON line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        method = scope["method"] if scope["method"] in METHODS else "other"
        status = 500
        size = 0

        async def observing_send(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observing_send)
        finally:
            duration = time.perf_counter() - start
            route = route_label(scope, status)
            REQUESTS.labels(method, route, str(status), f"{status // 100}xx").inc()
            LATENCY.labels(method, route).observe(duration)
            entry: dict[str, Any] = {
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "method": method,
                "path": scope["path"],
                "route": route,
                "status": status,
                "duration_ms": round(duration * 1000, 3),
                "bytes": size,
            }
            access_log.info(json.dumps(entry, ensure_ascii=False))


router = APIRouter(tags=["service"])


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics() -> Response:
    """Requests by route and status (with 4xx/5xx classes) and a latency histogram, in the text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
