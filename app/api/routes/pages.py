"""The HTML pages: Jinja shells that load their ES module; every number comes from the API."""

from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...gallery import SECTIONS
from ...gallery.rnn import EXAMPLES as RNN_EXAMPLES
from .. import limits
from ..schemas.exercise import APPLIES

router = APIRouter(include_in_schema=False)

# Each page with a shell: (path, navigation label, template, what the template shows besides the layout).
# Its state lives in the query string, which the page's module (static/js/pages/<name>.js)
# reads; the shell itself never varies.
EXPLORERS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("/conv", "Convolution", "conv.html", {}),
    ("/activation", "Activation", "activation.html", {}),
    ("/pool", "Pooling", "pool.html", {}),
    ("/network", "Network", "network.html", {}),
    ("/rnn", "Recurrent network", "rnn.html", {"presets": RNN_EXAMPLES}),
    (
        "/worksheet",
        "Worksheet",
        "worksheet.html",
        {"bounds": limits.EXERCISE_BOUNDS, "applies": APPLIES, "max_exercises": limits.MAX_EXERCISES},
    ),
)

# The site's navigation, in order: (path, label).
NAV: tuple[tuple[str, str], ...] = (("/", "Examples"), *((path, label) for path, label, _, _ in EXPLORERS))


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """What the app is for, and the gallery of worked examples."""
    return request.app.state.templates.TemplateResponse(request, "index.html", {"sections": SECTIONS})


def _shell(template: str, context: dict[str, Any]) -> Callable[[Request], HTMLResponse]:
    def page(request: Request) -> HTMLResponse:
        return request.app.state.templates.TemplateResponse(request, template, context)

    return page


for _path, _, _template, _context in EXPLORERS:
    router.add_api_route(
        _path, _shell(_template, _context), methods=["GET"], response_class=HTMLResponse, name=_template[:-5]
    )
