"""The HTML pages: Jinja shells that load their ES module; every number comes from the API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...gallery import SECTIONS
from ...gallery.rnn import EXAMPLES as RNN_EXAMPLES

router = APIRouter(include_in_schema=False)

# The site's navigation, in order: (path, label).
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Examples"),
    ("/conv", "Convolution"),
    ("/rnn", "Recurrent network"),
)


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """What the app is for, and the gallery of worked examples."""
    return request.app.state.templates.TemplateResponse(request, "index.html", {"sections": SECTIONS})


@router.get("/conv", response_class=HTMLResponse)
def conv(request: Request) -> HTMLResponse:
    """The convolution explorer; its state lives in the query string, read by static/js/pages/conv.js."""
    return request.app.state.templates.TemplateResponse(request, "conv.html")


@router.get("/rnn", response_class=HTMLResponse)
def rnn(request: Request) -> HTMLResponse:
    """The recurrent network explorer; its state lives in the query string, read by static/js/pages/rnn.js."""
    return request.app.state.templates.TemplateResponse(request, "rnn.html", {"presets": RNN_EXAMPLES})
