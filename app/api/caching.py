"""Strong ETags for answers that are pure functions of their query, and one per content encoding.

A ``GET`` answer is a function of its query and of the code that computes it. The tag hashes
the query with the version *and* a fingerprint of the app's own Python sources, so a change of
the engine without a version bump still changes every tag: a cache that was told "immutable"
never keeps an answer the new code would not give.

A strong tag names one exact byte sequence (RFC 9110 §8.8.1), and the gzip-encoded answer is
another one than the plain answer, so :class:`EncodingETags` gives a compressed answer its own
tag (``"…-gzip"``) and takes that form back in ``If-None-Match``.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from .. import __version__
from .middleware import ASGIApp, Message, Receive, Scope, Send
from .responses import JSONBytes

CACHE_CONTROL = "public, max-age=604800, immutable"
GZIP_SUFFIX = "-gzip"
_APP_DIR = Path(__file__).resolve().parent.parent


def source_fingerprint(directory: Path) -> str:
    """A short hash of the path and bytes of every Python source under `directory`."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.py")):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache
def code_fingerprint() -> str:
    """The app's own fingerprint, read once per process (the sources do not change under a running app)."""
    return source_fingerprint(_APP_DIR)


def answer_etag(path: str, query: Any) -> str:
    """The strong tag of the answer `path` gives for `query` (any JSON-able value)."""
    canonical = json.dumps([__version__, code_fingerprint(), path, query], sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names `etag` (weak comparison, as RFC 9110 §13.1.2 asks)."""
    if not header:
        return False
    return header.strip() == "*" or etag in (tag.strip().removeprefix("W/") for tag in header.split(","))


def cacheable_answer(
    request: Request, path: str, query: Any, solve: Callable[[], Any], model: BaseModel | None = None
) -> Response:
    """The answer with its tag and a week's immutable caching; ``304`` without solving when the client has it.

    `model` is the validated request the answer is for: an overflow's 422 names its field."""
    etag = answer_etag(path, query)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return JSONBytes(solve(), headers=headers, request=model)


class EncodingETags:
    """Give a gzip-encoded answer its own strong tag, and read that tag back in ``If-None-Match``.

    Sits outside the gzip middleware. On the way in, ``"x-gzip"`` in ``If-None-Match`` is handed
    to the app as ``"x"`` (the app knows only its own tags); on the way out, a compressed answer's
    strong tag becomes ``"x-gzip"``, and a ``304`` keeps the form of the tag the client sent.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent_encoded: set[bytes] = set()  # identity tags the client holds in their gzip form
        if any(name == b"if-none-match" for name, _ in scope["headers"]):
            # In place: the observability middleware outside reads the route the router records in this scope.
            scope["headers"] = [
                (name, b",".join(_identity_tag(tag.strip(), sent_encoded) for tag in value.split(b",")))
                if name == b"if-none-match"
                else (name, value)
                for name, value in scope["headers"]
            ]

        async def tagging_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _tagged(message, sent_encoded)}
            await send(message)

        await self.app(scope, receive, tagging_send)


def _identity_tag(tag: bytes, sent_encoded: set[bytes]) -> bytes:
    suffix = GZIP_SUFFIX.encode() + b'"'
    if tag.endswith(suffix):
        tag = tag[: -len(suffix)] + b'"'
        sent_encoded.add(tag.removeprefix(b"W/"))
    return tag


def _tagged(message: Message, sent_encoded: set[bytes]) -> list[tuple[bytes, bytes]]:
    headers = message.get("headers", [])
    encoded = any(name.lower() == b"content-encoding" and value == b"gzip" for name, value in headers)
    not_modified = message["status"] == 304
    out = []
    for name, value in headers:
        is_strong = value.startswith(b'"')
        if name.lower() == b"etag" and is_strong and (encoded or (not_modified and value in sent_encoded)):
            value = value[:-1] + GZIP_SUFFIX.encode() + b'"'
        out.append((name, value))
    return out
