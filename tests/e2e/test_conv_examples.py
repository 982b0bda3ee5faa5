"""Every worked example opens and shows, cell for cell, the numbers the API computes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.api.gallery import EXAMPLES

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
