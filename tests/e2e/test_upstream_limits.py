"""Editors that follow the output's shape never grow past the API's limits.

∂L/∂O, a target, or a dense layer's weight is resized when the settings change the shape it must
have. A setting the API refuses (padding 1000) must leave those editors as they are, at once, with
the API's message beside that setting only.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from app.gallery.conv import EXAMPLES as CONV
from app.gallery.network import EXAMPLES as NETWORK
from app.gallery.pool import EXAMPLES as POOL

from .network_dom import open_network

FIG_9_4 = CONV[0]  # a 3×3 input, a 2×2 kernel and a given 2×2 ∂L/∂O
FIG_9_8 = next(e for e in POOL if e.slug == "fig-9-8")  # 4×4 average pool, 2×2 window, a given ∂L/∂O


def open_conv(page: Page, href: str) -> None:
    page.goto(href)
    expect(page.locator('[data-matrix="output"] td[data-value]').first).to_be_visible()


def cells(page: Page, editor: str):
    return page.locator(f"#{editor} .editor-grid input")


@pytest.mark.parametrize("padding", ["40", "100", "1000"])
def test_a_padding_past_the_limit_leaves_the_gradient_editor_alone(page: Page, padding: str) -> None:
    open_conv(page, FIG_9_4.href)
    expect(cells(page, "grad_output")).to_have_count(4)
    started = time.monotonic()
    page.get_by_label("Padding p").fill(padding)
    expect(page.locator("#padding-error")).to_have_text(f"{padding} is out of range: padding must be from 0 to 16")
    elapsed = time.monotonic() - started
    assert elapsed < 3, f"refusing padding {padding} took {elapsed:.1f} s"
    expect(cells(page, "grad_output")).to_have_count(4)
    expect(page.locator("#grad_output-error")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"grad_output=1,2;-1,1&"))

    # Back within the limits the editor follows the output again: 3 − 2 + 2·16 + 1 = 34.
    page.get_by_label("Padding p").fill("16")
    expect(cells(page, "grad_output")).to_have_count(34 * 34)
    expect(page.locator("#padding-error")).to_be_hidden()
    expect(page.locator('[data-matrix="output"] td')).to_have_count(34 * 34)


def test_a_target_is_not_resized_past_the_limits_either(page: Page) -> None:
    open_conv(page, FIG_9_4.href)
    page.get_by_label("A target and a loss").check()
    expect(cells(page, "target")).to_have_count(4)
    page.get_by_label("Padding p").fill("1000")
    expect(page.locator("#padding-error")).to_contain_text("out of range")
    expect(cells(page, "target")).to_have_count(4)
    expect(page.locator("#target-error")).to_be_hidden()
    # A stride past the limit is refused the same way.
    page.get_by_label("Stride s").fill("17")
    expect(page.locator("#stride-error")).to_contain_text("17 is out of range")
    expect(cells(page, "target")).to_have_count(4)


def test_pool_keeps_its_gradient_editor_for_a_padding_it_refuses(page: Page) -> None:
    page.goto(FIG_9_8.href)
    expect(page.locator('[data-matrix="grad_input"] td[data-value]').first).to_be_attached()
    expect(cells(page, "grad_output")).to_have_count(4)
    page.get_by_label("Padding p").fill("1000")
    expect(page.locator("#padding-error")).to_contain_text("out of range")
    expect(cells(page, "grad_output")).to_have_count(4)
    # More than half the window (2 // 2 = 1) is refused as well, and the editor stays.
    page.get_by_label("Padding p").fill("2")
    expect(page.locator("#padding-error")).to_contain_text("at most half the window")
    expect(cells(page, "grad_output")).to_have_count(4)
    page.get_by_label("Padding p").fill("1")
    expect(cells(page, "grad_output")).to_have_count(9)  # (4 + 2) / 2 = 3
    expect(page.locator("#padding-error")).to_be_hidden()


def test_network_keeps_the_dense_weight_for_a_padding_it_refuses(page: Page) -> None:
    tiny = NETWORK[0]
    open_network(page, tiny.href)
    weight = page.locator("#layers-4-weight .editor-grid input")
    before = weight.count()
    assert before == 8, f"the dense layer's weight has {before} cells, expected 2 × 4"
    started = time.monotonic()
    page.get_by_label("Padding p¹").fill("1000")
    expect(page.locator("#layers-0-padding-error")).to_contain_text("out of range")
    assert time.monotonic() - started < 3
    expect(weight).to_have_count(before)
