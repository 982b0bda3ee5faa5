"""Reading the page's DOM contract: `data-matrix` grids whose cells carry `data-index` and `data-value`."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

Cells = dict[tuple[int, ...], float]


def rendered(page: Page, field: str) -> Cells:
    """Every cell of every grid of `field` on the page, by its index in the API's answer.

    A field drawn in several places must carry the same number everywhere.
    """
    pairs = page.eval_on_selector_all(
        f'[data-matrix="{field}"] td[data-value]', "cells => cells.map(c => [c.dataset.index, c.dataset.value])"
    )
    cells: Cells = {}
    for index, value in pairs:
        key = tuple(int(i) for i in index.split(",")) if index else ()
        number = float(value)
        assert cells.setdefault(key, number) == number, f"{field}{list(key)} drawn as {cells[key]} and as {number}"
    return cells


def flatten(value: Any, prefix: tuple[int, ...] = ()) -> Cells:
    """A nested list of numbers (or one number) as {index: value}."""
    if isinstance(value, list):
        cells: Cells = {}
        for i, item in enumerate(value):
            cells.update(flatten(item, prefix + (i,)))
        return cells
    return {prefix: float(value)}


def wait_for_numbers(page: Page, field: str, expected: Cells, timeout: float = 5000) -> None:
    """Wait until the grids of `field` show exactly `expected` (after an edit, the answer comes later)."""
    want = {",".join(map(str, key)): value for key, value in expected.items()}
    try:
        page.wait_for_function(
            """([field, want]) => {
                const cells = [...document.querySelectorAll(`[data-matrix="${field}"] td[data-value]`)];
                const keys = new Set(cells.map((c) => c.dataset.index));
                return keys.size === Object.keys(want).length
                    && cells.every((c) => Number(c.dataset.value) === want[c.dataset.index]);
            }""",
            arg=[field, want],
            timeout=timeout,
        )
    except Exception:
        pass  # the assertion below says what differs
    assert rendered(page, field) == expected, f"{field} differs from the API"
