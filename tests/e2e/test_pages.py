"""The home page, the headers every page is served with, and accessibility."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.gallery.conv import EXAMPLES

from .audits import assert_no_serious_axe_violation, served_headers

FIG_9_4_OUTPUT = ["37", "47", "67", "77"]


def test_home_says_what_it_is_for_and_offers_the_examples(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("backpropagation")
    cards = page.get_by_role("list").filter(has=page.get_by_role("link", name="The chapter's example")).get_by_role("link")
    expect(cards).to_have_count(len(EXAMPLES))
    assert len(EXAMPLES) >= 4
    for example, href in zip(EXAMPLES, cards.evaluate_all("links => links.map(a => a.getAttribute('href'))")):
        assert href == example.href, f"card {example.slug} links to {href}, expected {example.href}"


def test_an_example_opens_from_the_gallery(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="The chapter's example").click()
    expect(page).to_have_url(re.compile(re.escape(EXAMPLES[0].href) + "$"))
    output = page.locator('[data-matrix="output"] td')
    expect(output).to_have_count(4)
    assert output.evaluate_all("cells => cells.map(c => c.dataset.value)") == FIG_9_4_OUTPUT
    expect(page.get_by_label("Equation, stage 1")).to_contain_text("37")


@pytest.mark.parametrize("path", ["/", "/conv", "/static/js/pages/conv.js", "/static/css/app.css"])
def test_every_page_and_asset_has_the_security_headers(base_url: str, path: str) -> None:
    headers = served_headers(base_url, path)
    csp = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
    ):
        assert directive in csp, f"{path}: {directive!r} missing from {csp!r}"


@pytest.mark.parametrize(
    "path, width, height",
    [
        ("/", 1280, 900),
        ("/", 390, 844),
        (EXAMPLES[3].href, 1280, 900),
        (EXAMPLES[3].href, 1920, 1080),
        (EXAMPLES[0].href + "&step=14", 390, 844),
    ],
    ids=["home", "home-phone", "conv-channels", "conv-channels-wide", "conv-mid-timeline-phone"],
)
def test_axe_finds_no_serious_or_critical_violation(page: Page, path: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(path)
    if path != "/":
        expect(page.locator('[data-matrix="output"] td').first).to_be_attached()
        # The code's lines are longer than the panel: it must scroll by keyboard too.
        page.get_by_text("Show as code").click()
        expect(page.locator("#code-torch")).to_contain_text("F.conv2d")
    assert_no_serious_axe_violation(page)
