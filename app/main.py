"""The ASGI application: routers, static files, error handlers and headers."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.templating import Jinja2Templates

from . import __version__
from .allocator import keep_freed_memory
from .assets import asset_dir
from .api.errors import install_error_handlers
from .api import observability
from .api.caching import EncodingETags
from .api.middleware import ApiCors, BodyLimit, HeadAsGet, SecurityHeaders, size_text
from .api.observability import Observability, configure_access_log
from .api.routes import activation, check, conv, exercise, health, network, pages, pool, rnn
from .api.static_files import mount_static
from .api.routes.docs import install_docs
from .settings import get_settings


DESCRIPTION = """
Backpropagation through the layers of a CNN and an RNN, number by number.

Each endpoint takes small matrices as nested JSON lists (a plain matrix in gives a
plain matrix out) and answers with the forward result, the gradients, and every named
intermediate the chapter's derivation passes through. Numbers go out at full float64
precision. Bad input gets a 4xx whose `field` names the culprit.
"""


def document_body_cap(app: FastAPI, max_bytes: int) -> None:
    """Say in /openapi.json how large a request body may be: in the description, and in the 413
    answer of every operation (the cap is a setting, so it is written in when the schema is built)."""
    cap = size_text(max_bytes)
    app.description += f"\nA request body may be at most {cap}; a larger one is refused with 413.\n"
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            for operations in build()["paths"].values():
                for operation in operations.values():
                    if "413" in operation.get("responses", {}):
                        operation["responses"]["413"]["description"] = f"The request body is larger than {cap}."
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app() -> FastAPI:
    settings = get_settings()
    keep_freed_memory()
    app = FastAPI(
        title="Backprop Explorer", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None
    )
    for module in (health, observability, conv, rnn, activation, pool, network, check, exercise, pages):
        app.include_router(module.router)
    app.state.templates = Jinja2Templates(directory=asset_dir("templates"))
    app.state.templates.env.globals["nav"] = pages.NAV
    app.state.templates.env.globals["static"] = mount_static(app, asset_dir("static"))
    install_docs(app, app.state.templates)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    document_body_cap(app, settings.max_body_bytes)
    # Scripts shrink about 3×, JSON of numbers about 2× for clients that accept gzip; level 1
    # compresses a 1.4 MB answer in about 12 ms where level 5 takes 48 ms for 10 % less.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=1)
    app.add_middleware(EncodingETags)  # outside gzip: it sees which answers went out compressed
    app.add_middleware(ApiCors)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    app.add_middleware(Observability)  # outermost: it times and counts every answer, 413s included
    configure_access_log()
    return app


app = create_app()
