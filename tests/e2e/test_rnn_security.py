"""/rnn: headers, a link is data, and accessibility."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from app.gallery.rnn import EXAMPLES, FIELD_ORDER

from .audits import PAYLOADS as ALL_PAYLOADS
from .audits import assert_no_serious_axe_violation, assert_nothing_ran, record_dialogs, served_headers
from .rnn_dom import open_rnn

PAYLOADS = {name: ALL_PAYLOADS[name] for name in ("img-onerror", "script")}


@pytest.mark.parametrize("path", ["/rnn", "/static/js/pages/rnn.js", "/static/css/rnn.css"])
def test_the_page_and_its_assets_have_the_security_headers(base_url: str, path: str) -> None:
    headers = served_headers(base_url, path)
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "require-trusted-types-for 'script'"):
        assert directive in csp, f"{path}: {directive!r} missing from {csp!r}"


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_markup_in_every_field_of_a_link_runs_nothing(page: Page, payload: str) -> None:
    dialogs = record_dialogs(page)
    query = "&".join(f"{field}={quote(payload, safe='')}" for field in (*FIELD_ORDER, "step"))
    page.goto(f"/rnn?{query}")

    expect(page.locator("#x-error")).to_contain_text("is not a number")
    expect(page.get_by_label("x, row 1, column 1")).to_have_value(payload)
    expect(page.get_by_label("Truncation k")).to_have_value(payload)
    expect(page.get_by_label("Hidden activation σ₁")).to_have_value("tanh")
    assert_nothing_ran(page, dialogs)
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1, "only the page's own module script"


@pytest.mark.parametrize(
    "slug, width, step",
    [("tiny", 1280, None), ("truncated", 390, 30)],
    ids=["tiny", "truncated-phone-mid-timeline"],
)
def test_axe_finds_no_serious_or_critical_violation(page: Page, slug: str, width: int, step: int | None) -> None:
    example = next(e for e in EXAMPLES if e.slug == slug)
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 1080})
    open_rnn(page, example.href + (f"&step={step}" if step else ""))
    assert_no_serious_axe_violation(page)
