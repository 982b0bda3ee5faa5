"""A 64×64 input with a 7×7 kernel: it fits in a share link, renders, and explains any cell."""

from __future__ import annotations

import random
import re

from playwright.sync_api import Page, expect

from app.gallery import share_query
from app.gallery.conv import FIELD_ORDER

from .dom import flatten, rendered

# Common servers refuse request lines past 8–16 KiB; the link must stay under the smaller bound
# that still holds 4,096 one-digit numbers.
LINK_LIMIT = 16 * 1024


def big_request() -> dict:
    rng = random.Random(64)
    return {
        "input": [[rng.randint(0, 9) for _ in range(64)] for _ in range(64)],
        "kernel": [[rng.randint(-3, 3) for _ in range(7)] for _ in range(7)],
        "padding": 1,
    }


def test_a_64x64_input_with_a_7x7_kernel_fits_in_a_link_and_renders(page: Page, api) -> None:
    body = big_request()
    href = f"/conv?{share_query(body, FIELD_ORDER)}"
    assert len(href) < LINK_LIMIT, f"the link is {len(href)} characters"
    answer = api(body)
    assert answer["terms_omitted"], "a 64×64 input should be too big for the expansions to come unasked"

    page.goto(href)
    expect(page.locator('[data-matrix="output"] td')).to_have_count(60 * 60, timeout=15_000)
    for field in ("output", "grad_kernel", "grad_input"):
        assert rendered(page, field) == flatten(answer[field]), field
    assert page.url.endswith(href), "the page rewrote the link"

    # Cells of a big input fetch their own expansion (terms_at) when pointed at.
    cell = page.locator('section[data-stage="0"] [data-matrix="output"] td[data-index="10,20"]')
    cell.hover()
    panel = page.get_by_label("Equation, stage 1")
    expect(panel).to_contain_text("eq. 9.5")
    expect(panel.locator("mtr").last).to_have_text(re.compile(rf"^=\s*{re.escape(cell.inner_text())}$"))
    panel.get_by_role("button", name="Write out all 49 products").click()
    expect(panel.locator("mtr").nth(1).locator("mo", has_text="·")).to_have_count(49)


def test_kernel_gradient_cells_past_the_terms_cap_are_fetched_when_reached(page: Page, api) -> None:
    """With padding 16 each ∂L/∂F cell sums 95 × 95 products, so one answer carries one cell's: the
    timeline asks for the next cells together, and those left out must be asked for again."""
    body = {**big_request(), "kernel": [[1, -1], [2, 0]], "padding": 16}
    answer = api({**body, "terms": "all"})
    assert answer["terms_omitted"], "the expansions should pass the cap"
    first_grad_kernel_step = 1 + 95 * 95 + 2 + 1  # the padding, every output cell, ∂L/∂O and G↑
    page.goto(f"/conv?{share_query(body, FIELD_ORDER)}&step={first_grad_kernel_step}")
    panel = page.get_by_label("Equation, stage 3")
    expect(panel).to_contain_text("eq. 9.8", timeout=15_000)
    for r, c in ((0, 1), (1, 0), (1, 1)):
        page.locator("body").press("l")  # the keyboard, so that no pointed cell takes the panel over
        expect(panel).to_contain_text("eq. 9.8")
        value = answer["grad_kernel"][r][c]
        assert value == int(value), value
        expect(panel.locator("mtr").last).to_have_text(re.compile(rf"^=\s*{int(value)}$"))
