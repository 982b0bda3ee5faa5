"""Pure-ASGI middleware: a request-body cap, HEAD answered as GET, the security headers, and CORS for the API.

Pure ASGI rather than ``BaseHTTPMiddleware`` so that neither adds a task per request.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

from starlette.middleware.cors import CORSMiddleware

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def size_text(n: int) -> str:
    """``2097152`` → ``2 MiB (2097152 bytes)``: the body cap as messages and the API's description write it."""
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit} ({n} bytes)"
    return f"{n} bytes"


class BodyLimit:
    """Answer 413 to any body past `max_bytes`, whether announced by Content-Length or streamed.

    The body is read here, up to the cap, before the app sees the request, and then replayed to
    it. A streamed body (``Transfer-Encoding: chunked``, no Content-Length) that passes the cap
    is refused by this middleware itself: an error raised from inside the app's own read would be
    taken by FastAPI for a body it could not parse, and answered 400.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await self._reject(send)
                return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                pending = [message]  # the client went away: the app hears it as it would have
                break
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.max_bytes:
                await self._reject(send)
                return
            if not message.get("more_body", False):
                pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
                break

        async def replay() -> Message:
            return pending.pop() if pending else await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps(
            {
                "detail": [
                    {
                        "type": "body_too_large",
                        "loc": ["body"],
                        "msg": f"body: the request body is larger than the {size_text(self.max_bytes)} allowed",
                        "field": "body",
                    }
                ]
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


class HeadAsGet:
    """``HEAD`` answers what ``GET`` answers, without the body (RFC 9110 §9.3.2), on every path.

    FastAPI's routes take only the methods they list, so a ``GET`` route answers ``HEAD`` with 405;
    load balancers and link checkers send ``HEAD`` to pages and ``/healthz``. The app sees a ``GET``
    in a copy of the scope: the server keeps its own ``HEAD`` and so sends no body either.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        as_get = {**scope, "method": "GET"}
        try:
            await self.app(as_get, receive, headers_only)
        finally:
            if "route" in as_get:
                scope["route"] = as_get["route"]  # for the metrics' label


_BASE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Our own pages build DOM with createElement/textContent only, so any HTML sink is a bug:
# Trusted Types with no policy makes `innerHTML = data` throw instead of running.
PAGE_CSP = f"{_BASE_CSP}; require-trusted-types-for 'script'; trusted-types 'none'"
# Swagger UI (a React app) renders the API's Markdown descriptions through innerHTML, sanitised
# by its own DOMPurify; it gets the same policy without Trusted Types.
DOCS_CSP = _BASE_CSP
DOCS_PATHS = ("/docs", "/docs-assets/", "/docs-init.js")


class SecurityHeaders:
    """The same strict headers on every response: pages, API answers and static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        self.page_headers = [(b"content-security-policy", PAGE_CSP.encode()), *common]
        self.docs_headers = [(b"content-security-policy", DOCS_CSP.encode()), *common]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = self.docs_headers if scope["path"].startswith(DOCS_PATHS) else self.page_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [h for h in headers if h[0] not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ApiCors:
    """CORS open to any origin for ``GET``/``POST`` on ``/api/`` only, so scripts and notebooks
    elsewhere can call the API; pages and static files stay same-origin."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "If-None-Match"],
            expose_headers=["ETag"],
            max_age=86400,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
