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
from fastapi.templating import Jinja2Templates

from ..static_files import mount_static

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
    """Mount the Swagger UI bundle and add ``/docs`` (the app is built with ``docs_url=None``).

    The bundle (1.5 MB) is served as the app's own static files are: under a path versioned by
    its content and cached for a year, the plain path revalidated."""
    assets = mount_static(app, _ASSETS_DIR, ASSETS_URL, "docs-assets")

    @router.get("/docs", response_class=HTMLResponse)
    def docs(request: Request) -> Response:
        return templates.TemplateResponse(request, "docs.html", {"assets": assets, "openapi_url": app.openapi_url})

    @router.get("/docs-init.js")
    def docs_init() -> Response:
        return Response(_INIT_SCRIPT, media_type="text/javascript")

    app.include_router(router)
