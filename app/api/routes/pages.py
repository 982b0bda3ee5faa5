"""The HTML pages: Jinja shells that load their ES module; every number comes from the API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...gallery import SECTIONS

router = APIRouter(include_in_schema=False)

# The site's navigation, in order: (path, label).
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Examples"),
    ("/conv", "Convolution"),
    ("/activation", "Activation"),
    ("/pool", "Pooling"),
    ("/network", "Network"),
)


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """What the app is for, and the gallery of worked examples."""
    return request.app.state.templates.TemplateResponse(request, "index.html", {"sections": SECTIONS})


@router.get("/conv", response_class=HTMLResponse)
def conv(request: Request) -> HTMLResponse:
    """The convolution explorer; its state lives in the query string, read by static/js/pages/conv.js."""
    return request.app.state.templates.TemplateResponse(request, "conv.html")


@router.get("/pool", response_class=HTMLResponse)
def pool(request: Request) -> HTMLResponse:
    """The pooling explorer; its state lives in the query string, read by static/js/pages/pool.js."""
    return request.app.state.templates.TemplateResponse(request, "pool.html")


@router.get("/activation", response_class=HTMLResponse)
def activation(request: Request) -> HTMLResponse:
    """The activation explorer; its state lives in the query string, read by static/js/pages/activation.js."""
    return request.app.state.templates.TemplateResponse(request, "activation.html")


@router.get("/network", response_class=HTMLResponse)
def network(request: Request) -> HTMLResponse:
    """A chain of layers trained step by step (Fig. 9.2); its state lives in the query string, read by
    static/js/pages/network.js."""
    return request.app.state.templates.TemplateResponse(request, "network.html")
