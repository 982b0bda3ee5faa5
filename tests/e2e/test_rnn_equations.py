"""Every grid's numbers on /rnn explain themselves: pointing at one writes an equation that ends in it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from app.gallery.core import share_query
from app.gallery.rnn import EXAMPLES, FIELD_ORDER

from .rnn_dom import open_rnn

CLASSIFIER = next(e for e in EXAMPLES if e.slug == "classifier")
NETWORKS = {
    "softmax-cross-entropy": CLASSIFIER.request,
    "sigmoid-mse-truncated": {
        "x": [[1, -1], [0.5, 2], [-1, 0], [2, 1]],
        "y": [[0.2, 0.9], [0.5, 0.1], [1, 0], [0.3, 0.3]],
        "U": [[0.5, -0.2], [0.3, 0.8], [-0.6, 0.1]],
        "W": [[0.4, -0.3, 0.2], [0.1, 0.5, -0.4], [-0.2, 0.3, 0.6]],
        "V": [[1, -1, 0.5], [0.2, 0.4, -0.8]],
        "b": [0.1, -0.1, 0],
        "c": [0.05, -0.05],
        "h0": [0.5, -0.5, 0.25],
        "hidden_activation": "sigmoid",
        "output_activation": "sigmoid",
        "loss": "mse",
        "truncation": 2,
        "learning_rate": 0.5,
    },
    "relu-bce": {
        "x": [[1], [-2], [0.5]],
        "y": [[1, 0, 0.5], [0, 1, 0.25], [0.5, 0.5, 1]],
        "U": [[1], [-1]],
        "W": [[0.5, -0.5], [0.9, 0.2]],
        "V": [[1, 0], [0, 1], [1, -1]],
        "hidden_activation": "relu",
        "output_activation": "sigmoid",
        "loss": "bce",
    },
}

# Focus the first cell of every grid and read the last line of its part's equation panel.
_EXPLAIN_EVERY_GRID = """() => [...document.querySelectorAll('.rnn-part [data-matrix]')].map(grid => {
    const td = grid.querySelector('td');
    td.focus();
    const panel = td.closest('.rnn-part').querySelector('.rnn-panel');
    const rows = panel.querySelectorAll('mtr');
    return [grid.dataset.matrix, td.textContent, rows.length ? rows[rows.length - 1].textContent : panel.textContent];
})"""


@pytest.mark.parametrize("request_body", NETWORKS.values(), ids=NETWORKS.keys())
def test_every_grid_explains_its_numbers(page: Page, request_body) -> None:
    open_rnn(page, f"/rnn?{share_query(request_body, FIELD_ORDER)}")
    explained = page.evaluate(_EXPLAIN_EVERY_GRID)
    assert len(explained) > 50, f"only {len(explained)} grids"
    wrong = [(field, text, last) for field, text, last in explained if not last.replace(" ", "").endswith(f"={text}")]
    assert not wrong, f"equations that do not end in their number: {wrong[:5]}"
