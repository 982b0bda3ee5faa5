"""The worked examples on the home page: API requests, and the share links that open them.

Each page has one module here (conv.py, …) holding its examples as a :class:`Section`;
``SECTIONS`` in ``__init__`` lists them in the order the home page shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union
from urllib.parse import quote

# Separators of the share-link format, outermost axis first (see static/js/state.js).
_SEPARATORS = {1: (",",), 2: (";", ","), 3: ("|", ";", ","), 4: ("/", "|", ";", ",")}

Matrix = list[list[Union[int, float]]]


@dataclass(frozen=True)
class Preview:
    """A small picture on a gallery card: matrices with operators between them.

    `parts` holds matrices (drawn as mini grids; the first in the input's colour, later ones in
    the kernel's) and strings (drawn as operators, such as "⋆" or "→").
    """

    parts: tuple[Union[Matrix, str], ...]


@dataclass(frozen=True)
class Example:
    """One gallery card: what it shows, where the chapter shows it, and the request behind it."""

    slug: str
    title: str
    summary: str
    cites: str
    request: dict[str, Any]
    page: str
    field_order: tuple[str, ...]  # the order the page writes its query in, so links match it
    preview: Preview = field(default_factory=lambda: Preview(()))

    @property
    def href(self) -> str:
        return f"{self.page}?{share_query(self.request, self.field_order)}"


@dataclass(frozen=True)
class Section:
    """The examples of one page, under a heading on the home page."""

    slug: str
    title: str
    lead: str
    page: str
    examples: tuple[Example, ...]


def _depth(value: Any) -> int:
    depth = 0
    while isinstance(value, list):
        value, depth = value[0], depth + 1
    return depth


def _number(x: float | int) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else repr(x)


def _encode(value: Any) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return _number(value)

    def join(block: Any, seps: tuple[str, ...]) -> str:
        if not seps:
            return _number(block)
        return seps[0].join(join(item, seps[1:]) for item in block)

    return join(value, _SEPARATORS[_depth(value)])


def share_query(request: dict[str, Any], field_order: tuple[str, ...]) -> str:
    """The query string of a share link: rows `;`, cells `,`, channels `|`, kernels `/`, pairs `a,b`."""
    fields = sorted(request.items(), key=lambda item: field_order.index(item[0]))
    return "&".join(f"{name}={quote(_encode(value), safe=',;|/-.')}" for name, value in fields)


def first_matrix(value: Any) -> Matrix:
    """The first 2-D slice of a matrix, channels of matrices, or kernels of channels."""
    while isinstance(value[0][0], list):
        value = value[0]
    return value
