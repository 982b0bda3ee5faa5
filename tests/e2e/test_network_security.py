"""/network: a share link is data, the page is served with the security headers, and axe finds
no serious or critical problem."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from app.api.middleware import PAGE_CSP
from app.gallery.network import EXAMPLES

from .audits import PAYLOADS, assert_no_serious_axe_violation, assert_nothing_ran, record_dialogs, served_headers
from .network_dom import open_network

FIELDS = (
    "input",
    "layers[0].kernel",
    "layers[0].bias",
    "layers[0].stride",
    "layers[0].padding",
    "layers[0].dilation",
    "layers[1].negative_slope",
    "layers[2].size",
    "layers[2].ties",
    "layers[3].weight",
    "target",
    "loss",
    "learning_rate",
    "steps",
    "step",
)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_markup_in_every_field_of_a_link_runs_nothing(page: Page, payload: str) -> None:
    dialogs = record_dialogs(page)
    layers = quote(f"conv2d,leaky_relu,maxpool,dense,{payload}", safe=",")
    query = "&".join(f"{field}={quote(payload, safe='')}" for field in FIELDS)
    page.goto(f"/network?layers={layers}&{query}")

    # The API's messages come back as text beside their fields; the unknown type is shown as text.
    expect(page.locator("#input-error")).to_contain_text("is not a number")
    expect(page.locator("#layers-4-error")).to_contain_text('"type" is one of')
    expect(page.locator('.net-card[data-layer="4"]')).to_contain_text(payload)
    expect(page.get_by_label("I¹, row 1, column 1")).to_have_value(payload)
    expect(page.get_by_label("Stride s¹")).to_have_value(payload)
    assert_nothing_ran(page, dialogs)
    assert page.locator("main img").count() == 0
    assert page.locator("main svg:not(.net-arrow svg)").count() == 0
    assert page.locator("script").count() == 1, "only the page's own module script"


@pytest.mark.parametrize("path", ["/network", "/static/js/pages/network.js", "/static/css/network.css"])
def test_the_page_and_its_assets_have_the_security_headers(base_url: str, path: str) -> None:
    headers = served_headers(base_url, path)
    assert headers["Content-Security-Policy"] == PAGE_CSP


@pytest.mark.parametrize(
    "href, width",
    [(EXAMPLES[3].href, 1920), (EXAMPLES[0].href + "&step=9", 390), (EXAMPLES[4].href + "&step=2", 1280)],
    ids=["two-kernels-projector", "tiny-cnn-handoff-phone", "mlp-forward"],
)
def test_axe_finds_no_serious_or_critical_violation(page: Page, href: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 1080})
    open_network(page, href)
    assert_no_serious_axe_violation(page)
