"""/rnn: headers, a link is data, and accessibility."""

from __future__ import annotations

import urllib.request
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.gallery.rnn import EXAMPLES, FIELD_ORDER

from .rnn_dom import open_rnn

PAYLOADS = {
    "img-onerror": '<img src=x onerror="window.__pwned=1">',
    "script": "<script>window.__pwned=1</script>",
}


@pytest.mark.parametrize("path", ["/rnn", "/static/js/pages/rnn.js", "/static/css/rnn.css"])
def test_the_page_and_its_assets_have_the_security_headers(base_url: str, path: str) -> None:
    with urllib.request.urlopen(base_url + path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "require-trusted-types-for 'script'"):
        assert directive in csp, f"{path}: {directive!r} missing from {csp!r}"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_markup_in_every_field_of_a_link_runs_nothing(page: Page, payload: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    query = "&".join(f"{field}={quote(payload, safe='')}" for field in (*FIELD_ORDER, "step"))
    page.goto(f"/rnn?{query}")

    expect(page.locator("#x-error")).to_contain_text("expected a number, got a string")
    expect(page.get_by_label("x, row 1, column 1")).to_have_value(payload)
    expect(page.get_by_label("Truncation k")).to_have_value(payload)
    expect(page.get_by_label("Hidden activation σ₁")).to_have_value("tanh")
    page.wait_for_timeout(300)  # give an injected handler time to fire, if one had got in
    assert page.evaluate("window.__pwned") is None, "a payload ran"
    assert dialogs == []
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
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "axe: " + "; ".join(serious)
