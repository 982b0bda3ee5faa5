"""``/docs``: Swagger UI served by the app itself, so it works offline and under the strict CSP.

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an inline script;
here the bundle comes from the ``fastapi-offline`` package and a small same-origin script
starts it.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

ASSETS_URL = "/docs-assets"
_ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"

_INIT_SCRIPT = """\
const root = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  domNode: root,
  deepLinking: true,
  tryItOutEnabled: true,
  defaultModelsExpandDepth: 0,
});
"""

router = APIRouter(include_in_schema=False)


def install_docs(app: FastAPI, templates: Jinja2Templates) -> None:
    """Mount the Swagger UI bundle and add ``/docs`` (the app is built with ``docs_url=None``)."""
    app.mount(ASSETS_URL, StaticFiles(directory=_ASSETS_DIR), name="docs-assets")

    @router.get("/docs", response_class=HTMLResponse)
    def docs(request: Request) -> Response:
        return templates.TemplateResponse(
            request, "docs.html", {"assets": ASSETS_URL, "openapi_url": app.openapi_url}
        )

    @router.get("/docs-init.js")
    def docs_init() -> Response:
        return Response(_INIT_SCRIPT, media_type="text/javascript")

    app.include_router(router)
