"""Every worked example opens and shows, cell for cell, the numbers the API computes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.gallery import share_query
from app.gallery.conv import EXAMPLES, FIELD_ORDER

from .dom import flatten, rendered

RESULT_FIELDS = (
    "padded_input",
    "output",
    "grad_output",
    "upsampled_grad",
    "grad_kernel",
    "grad_bias",
    "rotated_kernel",
    "padded_upsampled_grad",
    "grad_padded_input",
    "grad_input",
    "updated_kernel",
    "updated_bias",
)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_example_shows_the_api_numbers(page: Page, api, example) -> None:
    answer = api(example.request)
    page.goto(example.href)
    expect(page.locator('[data-matrix="output"] td[data-value]').first).to_be_visible()
    for field in RESULT_FIELDS:
        if answer[field] is None:
            assert page.locator(f'[data-matrix="{field}"]').count() == 0, f"{field} is drawn but the API gave none"
            continue
        assert rendered(page, field) == flatten(answer[field]), f"{field} differs from the API"


TRICKY = {
    "flipped-dilated-strided": {
        "input": [[3, 1, 4, 1, 5, 9], [2, 6, 5, 3, 5, 8], [9, 7, 9, 3, 2, 3], [8, 4, 6, 2, 6, 4], [3, 3, 8, 3, 2, 7]],
        "kernel": [[1, -2], [0, 3]],
        "stride": [2, 1],
        "padding": [1, 0, 2, 1],
        "dilation": 2,
        "mode": "convolution",
        "learning_rate": 0.5,
    },
    "channels-kernels-bce": {
        "input": [[[0.5, -1, 2], [1, 0, 1]], [[2, 2, -0.25], [0, 1, 3]]],
        "kernel": [
            [[[1, 0]], [[-1, 2]]],
            [[[0.5, 0.5]], [[1, 1]]],
            [[[2, -1]], [[0, 1]]],
        ],
        "bias": [0.1, -0.2, 0.3],
        "stride": [1, 2],
        "target": [[[1], [0]], [[0.5], [0.5]], [[0], [1]]],
        "loss": "bce",
    },
}


@pytest.mark.parametrize("request_body", TRICKY.values(), ids=TRICKY.keys())
def test_unusual_layers_show_the_api_numbers(page: Page, api, request_body) -> None:
    answer = api(request_body)
    page.goto(f"/conv?{share_query(request_body, FIELD_ORDER)}")
    expect(page.locator('[data-matrix="output"] td[data-value]').first).to_be_visible()
    for field in RESULT_FIELDS:
        if answer[field] is not None:
            assert rendered(page, field) == flatten(answer[field]), f"{field} differs from the API"
