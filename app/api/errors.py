"""Every bad request becomes a 4xx whose message names the field and says why.

FastAPI's default 422 echoes the offending value back; a NaN or a 1e400 read by
Python's JSON parser then fails to serialise and turns the answer into a 500. These
handlers never echo input: they send the field, the reason, and nothing else.
"""

from __future__ import annotations

import math
import re
import sys
from typing import Any, Iterable, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ..engine.errors import InvalidInput
from .fields import NOT_FINITE


_FIELD_PATH = re.compile(r"^[A-Za-z_][\w.\[\]]*$")  # a field, or a path such as layers[3].kernel
_BRANCH_LABEL = re.compile(r"^(list|dict|tuple|set|union|tagged-union|function-\w+)\[")
_BRANCH_LABELS = {"int", "float", "str", "bool", "list", "dict", "none"}


_LONGEST_NAME = 40


def _clip(part: str | int) -> str | int:
    """A name from the request, cut short: an unknown field's name is the client's text, not to be echoed."""
    return part[:_LONGEST_NAME] + "…" if isinstance(part, str) and len(part) > _LONGEST_NAME else part


def field_name(loc: Sequence[str | int]) -> str:
    """``("body", "layers", 2, "kernel")`` → ``layers[2].kernel``."""
    parts = [p for p in loc if p not in ("body", "query")]
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        elif not _FIELD_PATH.match(part) or _BRANCH_LABEL.match(part) or part in _BRANCH_LABELS:
            continue  # pydantic's labels for Union branches ("constrained-int", "list[float]"), not fields
        else:
            name += f".{_clip(part)}" if name else str(_clip(part))
    return name or "body"


_TYPE_MESSAGES = {
    "json_invalid": "the body is not valid JSON",
    "missing": "is required",
    "extra_forbidden": "is not a field of this endpoint (check its spelling)",
    "finite_number": "must be a finite number (NaN and Infinity are not numbers here)",
}


def _message(error: dict[str, Any], field: str) -> str:
    kind = error.get("type", "")
    given = error.get("input")
    if kind != "invalid_value" and type(given) is float and not math.isfinite(given):
        return f"{field}: {NOT_FINITE}"  # not "should be ≤ 1000", as pydantic's bounds say of NaN or ∞
    if kind == "invalid_value":  # our own messages already start with the field's own name…
        text, own = str(error["msg"]), (error.get("ctx") or {}).get("field")
        if own and own != field and text.startswith(f"{own}:"):
            return field + text[len(own) :]  # …which, inside a list of layers, becomes its full path
        return text
    if kind == "json_invalid":
        reason = (error.get("ctx") or {}).get("error")
        return f"body: the body is not valid JSON ({reason})" if reason else "body: the body is not valid JSON"
    text = _TYPE_MESSAGES.get(kind, str(error.get("msg", "is invalid")))
    if kind == "value_error":
        text = text.removeprefix("Value error, ")
        if text.startswith(field) or ":" in text.split(" ")[0]:
            return text
    return f"{field}: {text}"


def _dedupe(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per field: a Union's branches each report the same field's failure."""
    seen: dict[str, dict[str, Any]] = {}
    for error in errors:
        field = "body" if error.get("type") == "json_invalid" else field_name(error.get("loc", ()))
        if field not in seen:
            seen[field] = {
                "type": str(error.get("type", "invalid")),
                "loc": [_clip(p) for p in error.get("loc", ()) if isinstance(p, (str, int))],
                "msg": _message(error, field),
                "field": field,
            }
    return list(seen.values())


def error_body(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"detail": items}


def invalid_input_response(exc: InvalidInput) -> JSONResponse:
    item = {"type": "invalid_input", "loc": ["body", *exc.field.replace("]", "").replace("[", ".").split(".")], "msg": f"{exc.field}: {exc.message}", "field": exc.field}
    item["loc"] = [int(p) if p.isdigit() else p for p in item["loc"]]
    return JSONResponse(error_body([item]), status_code=422)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app accepts at the request's path."""
    routes = request.app.router.routes
    return [
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]


def _unreadable(cause: BaseException | None) -> str:
    """Why FastAPI could not read a body: its 400 says only "There was an error parsing the body"."""
    if isinstance(cause, RecursionError):
        return "the JSON is nested too deeply to be read (this API's fields nest a few lists deep, not hundreds)"
    if isinstance(cause, UnicodeDecodeError):
        return "the body is not UTF-8 text"
    if isinstance(cause, ValueError) and "integer string conversion" in str(cause):
        return f"a number in the body has more than {sys.get_int_max_str_digits()} digits"
    return "the body could not be read as JSON"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body(_dedupe(exc.errors())), status_code=422)

    @app.exception_handler(InvalidInput)
    async def _invalid(request: Request, exc: InvalidInput) -> JSONResponse:
        return invalid_input_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI answers 400 "There was an error parsing the body" for JSON it cannot read
        # (for example nested thousands deep); say so in the same shape as every other error.
        message = _unreadable(exc.__cause__) if exc.status_code == 400 else str(exc.detail)
        field = "body" if exc.status_code in (400, 413, 415) else "request"
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # A path may have a GET and a POST route; Starlette names only the first in Allow.
            headers["Allow"] = ", ".join(allowed_methods(request))
            message = f"{request.method} is not allowed here; use {headers['Allow']}"
        item = {"type": f"http_{exc.status_code}", "loc": [field], "msg": f"{field}: {message}", "field": field}
        return JSONResponse(error_body([item]), status_code=exc.status_code, headers=headers)
