"""Reading the recurrent network page: every grid at once, chart points, and the API's answer as grids."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from .dom import Cells, flatten

# The vectors of each step drawn in the unrolled network, and its loss.
STEP_FIELDS = (
    "x", "a", "h", "o", "y_hat", "y", "loss", "grad_o", "grad_h_from_output", "grad_h_from_next", "grad_h",
    "hidden_derivative", "grad_a",
)
TOTALS = ("grad_U", "grad_W", "grad_V", "grad_b", "grad_c", "grad_h0", "h0")


def open_rnn(page: Page, href: str) -> None:
    page.goto(href)
    expect(page.locator('[data-matrix="grad_W"] td[data-value]').first).to_be_attached()


def all_grids(page: Page) -> dict[str, Cells]:
    """Every grid on the page by its `data-matrix`, read in one round trip; copies must agree."""
    triples = page.evaluate(
        """() => [...document.querySelectorAll('[data-matrix] td[data-value]')].map(
            td => [td.closest('[data-matrix]').dataset.matrix, td.dataset.index, td.dataset.value])"""
    )
    grids: dict[str, Cells] = {}
    for field, index, value in triples:
        key = tuple(int(i) for i in index.split(",")) if index else ()
        cells = grids.setdefault(field, {})
        assert cells.setdefault(key, float(value)) == float(value), f"{field}{list(key)} drawn twice, differently"
    return grids


def expected_grids(answer: dict[str, Any]) -> dict[str, Cells]:
    """The grids the page must draw for an API answer (whatever else it draws besides)."""
    grids = {f"steps[{s}].{field}": flatten(step[field]) for s, step in enumerate(answer["steps"]) for field in STEP_FIELDS}
    grids.update({field: flatten(answer[field]) for field in TOTALS})
    if answer["updated"] is not None:
        grids.update({f"updated.{name}": flatten(value) for name, value in answer["updated"].items()})
    return grids


def series(page: Page, key: str) -> list[tuple[float, float]]:
    """The points of one chart series, in step order: (value, cy)."""
    points = page.eval_on_selector_all(
        f'[data-series="{key}"] circle',
        "cs => cs.map(c => [Number(c.dataset.index), Number(c.dataset.value), Number(c.getAttribute('cy'))])",
    )
    return [(value, cy) for _, value, cy in sorted(points)]
