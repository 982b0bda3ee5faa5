"""Every POST result also served by ``GET`` with the pages' share-link query, cacheably.

``GET /api/v1/conv2d?input=1,2;3,4&kernel=1`` answers exactly what the POST with
``{"input": [[1,2],[3,4]], "kernel": [[1]]}`` answers. A result is a pure function of its
inputs (and of the app's code), so the answer carries a strong ``ETag`` and may be cached
by browsers and CDNs; ``If-None-Match`` with that tag gets ``304`` without recomputing
(see :mod:`app.api.caching`).

The query format is the pages' (static/js/state.js): a matrix is written with rows separated
by ``;`` and cells by ``,``, channels by ``|``, kernels by ``/``; ``[a, b]`` is ``a,b``; any
other field is its text. How deep each field nests is read from the request model's schema, and
from its ``link_least_depths`` where the page reads a field deeper than the schema's least.
A list of tagged objects (a network's layers) is written as its tags, ``layers=conv2d,relu``,
and each object's fields by their path, ``layers[0].kernel=1,0;0,1``.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from .caching import cacheable_answer
from .responses import JSONBytes
from .schemas.common import ERROR_RESPONSES

# Separators from the outermost axis (depth 4) inwards.
_SEPARATORS = ("/", "|", ";", ",")
# Parameters the pages keep in their links that are about the view, not the computation.
VIEW_PARAMETERS = frozenset({"step", "hide"})
# Numbers as JSON and the pages write them: ASCII digits only. Python's int() and float() would also
# take `1_000` and other scripts' digits (`١٢`), which a JSON body cannot hold.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Read as numbers only so that the refusal says they are not finite ones.
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_ITEM_FIELD = re.compile(r"(\w+)\[(\d+)\]\.(\w+)")


def _scalar(text: str) -> Any:
    """A number when `text` is one as the pages read numbers (a typographic minus too), else the text."""
    text = text.strip()
    plain = text.replace("\u2212", "-")
    if _INTEGER.fullmatch(plain):
        try:
            return int(plain)
        except ValueError:  # more digits than Python reads as an integer: far out of every range
            return float(plain)
    if _DECIMAL.fullmatch(plain) or _NOT_FINITE.fullmatch(plain):
        return float(plain)
    return text


def _split(text: str, depth: int) -> Any:
    if depth == 0:
        return _scalar(text)
    return [_split(part, depth - 1) for part in text.split(_SEPARATORS[len(_SEPARATORS) - depth])]


def parse_value(text: str, depths: set[int], least: int = 0) -> Any:
    """The nested value `text` writes, nested as deep as the field allows (a lone `3` may be `[[3]]`), and
    at least `least` deep where the field's page reads it so (the activation page's `1,2,3` is one row)."""
    written = next((4 - i for i, sep in enumerate(_SEPARATORS) if sep in text), 0)
    deeper = sorted(d for d in depths if d >= max(written, least)) or sorted(d for d in depths if d >= written)
    depth = deeper[0] if deeper else written
    return _split(text, depth)


def _depths(schema: dict[str, Any], defs: dict[str, Any]) -> set[int]:
    """How deeply the values a JSON-schema property accepts nest: 0 for numbers and text."""
    if "$ref" in schema:
        return _depths(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        return set().union(*(_depths(option, defs) for option in options))
    if schema.get("type") == "array":
        return {1 + d for d in _depths(schema.get("items", {}), defs)}
    return {0}


def _tagged_variants(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """For a list of objects told apart by their ``type``: each type's object schema, else None."""
    options = schema.get("items", {}).get("oneOf") if schema.get("type") == "array" else None
    if not options:
        return None
    variants: dict[str, dict[str, Any]] = {}
    for option in options:
        variant = defs[option["$ref"].rsplit("/", 1)[-1]] if "$ref" in option else option
        tag = variant.get("properties", {}).get("type", {})
        for name in tag.get("enum", [tag.get("const")]):
            variants[name] = variant
    return variants


def query_to_body(model: type[BaseModel], query: list[tuple[str, str]]) -> dict[str, Any]:
    """The JSON body a share-link query stands for; unknown names are kept for the model to refuse."""
    schema = model.model_json_schema()
    properties, defs = schema.get("properties", {}), schema.get("$defs", {})
    least: dict[str, int] = getattr(model, "link_least_depths", {})
    body: dict[str, Any] = {}
    item_fields: list[tuple[str, int, str, str]] = []
    for name, text in query:
        if name in VIEW_PARAMETERS:
            continue
        path = _ITEM_FIELD.fullmatch(name)
        if path and path.group(1) in properties:
            item_fields.append((path.group(1), int(path.group(2)), path.group(3), text))
        elif name in properties and _tagged_variants(properties[name], defs) is not None:
            body[name] = [{"type": tag.strip()} for tag in text.split(",")]
        else:
            body[name] = parse_value(text, _depths(properties[name], defs), least.get(name, 0)) if name in properties else text
    for field, index, sub, text in item_fields:
        items, variants = body.get(field), _tagged_variants(properties[field], defs) or {}
        if not isinstance(items, list) or index >= len(items):
            body[f"{field}[{index}].{sub}"] = text  # refused by the model as an unknown field
            continue
        variant = variants.get(items[index]["type"], {}).get("properties", {})
        items[index][sub] = parse_value(text, _depths(variant[sub], defs)) if sub in variant else text
    return body


def write_value(value: Any) -> str:
    """The share-link text of a JSON value, as the pages write it: the inverse of :func:`parse_value`.

    A list of tagged objects (a network's layers) is written as its tags."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return ",".join(item["type"] for item in value)
    if isinstance(value, list):
        depth, inner = 1, value[0] if value else None
        while isinstance(inner, list):
            depth, inner = depth + 1, inner[0] if inner else None
        return _SEPARATORS[len(_SEPARATORS) - depth].join(write_value(item) for item in value)
    return str(value)


def query_parameter(name: str, description: str, required: bool = False, example: Any = None) -> dict[str, Any]:
    """One documented query parameter, a string in the share-link format, with the example's value if given.

    The examples of one endpoint's parameters come from one worked example, so together they make a
    request the endpoint answers (what /docs' "Try it out" and schema-driven tests start from)."""
    schema: dict[str, Any] = {"type": "string"}
    if example is not None:
        schema["examples"] = [write_value(example)]
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description + " Written in the share-link format.",
    }


def add_get_twin(
    router: APIRouter,
    path: str,
    model: type[BaseModel],
    solve: Callable[[Any], dict[str, Any]],
    response_model: type[BaseModel],
    summary: str,
    example: dict[str, Any] | None = None,
    to_body: Callable[[list[tuple[str, str]]], dict[str, Any]] | None = None,
    parameters: list[dict[str, Any]] | None = None,
) -> None:
    """Register ``GET path`` answering what ``POST path`` answers, from the share-link query.

    `example` is a POST body whose fields document the parameters' examples. `to_body` turns the
    query into the POST body when the model's own fields are not what the link spells out one by
    one; `parameters` then documents the query instead.
    """
    if parameters is None:
        example = example or {}
        parameters = [
            query_parameter(name, field.description or "", field.is_required(), example.get(name))
            for name, field in model.model_fields.items()
            if name != "terms_at"
        ]

    def get_result(request: Request) -> Response:  # sync: FastAPI runs it off the event loop
        query = list(request.query_params.multi_items())
        body = to_body(query) if to_body else query_to_body(model, query)
        try:
            validated = model.model_validate(body)
        except ValidationError as error:
            raise RequestValidationError(error.errors()) from None
        return cacheable_answer(request, router.prefix + path, body, lambda: solve(validated), validated)

    router.add_api_route(
        path,
        get_result,
        methods=["GET"],
        response_model=response_model,
        response_class=JSONBytes,
        responses={**ERROR_RESPONSES, 304: {"description": "Not modified: the If-None-Match tag is current."}},
        summary=summary + " (share-link query, cacheable)",
        openapi_extra={"parameters": parameters},
    )
