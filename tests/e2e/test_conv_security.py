"""A share link is data: markup or script in any field is shown as text and never runs."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from .audits import PAYLOADS, assert_nothing_ran, record_dialogs

FIELDS = (
    "input",
    "kernel",
    "bias",
    "stride",
    "padding",
    "dilation",
    "mode",
    "grad_output",
    "target",
    "loss",
    "learning_rate",
    "step",
)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_markup_in_every_field_of_a_link_runs_nothing(page: Page, payload: str) -> None:
    dialogs = record_dialogs(page)
    query = "&".join(f"{field}={quote(payload, safe='')}" for field in FIELDS)
    page.goto(f"/conv?{query}")

    # The page answers with messages shown as text beside the fields.
    expect(page.locator("#input-error")).to_contain_text("is not a number")
    expect(page.get_by_label("I, row 1, column 1")).to_have_value(payload)
    expect(page.get_by_label("Stride s")).to_have_value(payload)
    assert_nothing_ran(page, dialogs)
    assert page.locator("img").count() == 0
    assert page.locator("main svg").count() == 0
    assert page.locator("script").count() == 1, "only the page's own module script"
