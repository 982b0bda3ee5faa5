"""/pool and /activation: headers, hostile links, accessibility, reduced motion, and their gallery cards."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from app.gallery import activation, pool

from .audits import PAYLOADS as ALL_PAYLOADS
from .audits import assert_no_serious_axe_violation, assert_nothing_ran, record_dialogs, served_headers

FIELDS = {
    "/pool": ("input", "mode", "size", "stride", "padding", "ties", "grad_output", "step"),
    "/activation": ("input", "function", "negative_slope", "relu_grad_at_zero", "grad_output", "step"),
}
PAYLOADS = tuple(ALL_PAYLOADS.values())


@pytest.mark.parametrize("path", ["/pool", "/activation"])
def test_security_headers(base_url: str, path: str) -> None:
    headers = served_headers(base_url, path)
    assert "require-trusted-types-for 'script'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", FIELDS)
def test_markup_in_every_field_of_a_link_runs_nothing(page: Page, path: str) -> None:
    dialogs = record_dialogs(page)
    query = "&".join(f"{field}={quote(PAYLOADS[k % 3], safe='')}" for k, field in enumerate(FIELDS[path]))
    page.goto(f"{path}?{query}")
    # Each payload is a cell of text, named as not a number.
    expect(page.locator("#input-error")).to_contain_text("is not a number")
    name = "I" if path == "/pool" else "x"
    expect(page.get_by_label(f"{name}, row 1, column 1")).to_have_value(PAYLOADS[0])
    assert_nothing_ran(page, dialogs)
    assert page.locator("main img, main script").count() == 0
    assert page.locator("main svg").count() == 0, "no result is drawn, so no plot either"


@pytest.mark.parametrize(
    "path, width",
    [
        (pool.EXAMPLES[0].href, 1920),
        (pool.EXAMPLES[5].href + "&step=20", 390),
        (activation.EXAMPLES[0].href, 1280),
        (activation.EXAMPLES[4].href + "&step=4", 390),
    ],
    ids=["pool-fig-9-8", "pool-padding-mid-timeline-phone", "activation-relu", "activation-softmax-phone"],
)
def test_axe_finds_no_serious_or_critical_violation(page: Page, path: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 1080})
    page.goto(path)
    expect(page.locator('[data-matrix="grad_input"] td').first).to_be_attached()
    assert_no_serious_axe_violation(page)


def test_reduced_motion_shows_the_stages_without_motion(page: Page) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(pool.EXAMPLES[3].href + "&step=9")
    expect(page.locator("td.is-partial").first).to_be_visible()
    durations = page.eval_on_selector_all(
        "section.stage, .matrix td, .equation-panel mtr", "els => [...new Set(els.map(e => getComputedStyle(e).transitionDuration))]"
    )
    animations = page.eval_on_selector_all(".equation-panel mtr", "els => [...new Set(els.map(e => getComputedStyle(e).animationName))]")
    assert durations == ["0s"], durations
    assert animations in ([], ["none"]), animations


def test_the_home_page_offers_both_pages_examples(page: Page) -> None:
    page.goto("/")
    for module, heading in ((activation, "Activations"), (pool, "Pooling")):
        section = page.get_by_role("region", name=heading)
        links = section.get_by_role("list").get_by_role("link")
        expect(links).to_have_count(len(module.EXAMPLES))
        hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert hrefs == [example.href for example in module.EXAMPLES]
    page.get_by_role("link", name="Average pooling: 4 ÷ 4 = 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pooling, forward and backward")
    expect(page.locator('[data-matrix="output"] td[data-index="0,0"]')).to_have_attribute("data-value", "4")
    page.get_by_role("link", name="Activation").click()
    expect(page.locator('[data-matrix="output"] td[data-index="0,0"]')).to_have_attribute("data-value", "0")
