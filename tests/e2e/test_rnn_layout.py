"""/rnn on a projector and on a phone: the unrolled network fits a wide screen, the panel leaves a phone room."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.gallery.rnn import EXAMPLES

from .rnn_dom import open_rnn

BY_SLUG = {example.slug: example for example in EXAMPLES}


@pytest.mark.parametrize("width, height", [(1920, 1080), (2560, 1440)])
@pytest.mark.parametrize("slug", ["tiny", "classifier"])  # T = 3 with d_h = 2, T = 4 with d_h = 3
def test_a_short_sequence_fits_a_wide_screen_without_scrolling_sideways(
    page: Page, slug: str, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    open_rnn(page, BY_SLUG[slug].href)
    scroller = page.get_by_role("region", name="scrolls sideways")
    overflow = scroller.evaluate("box => box.scrollWidth - box.clientWidth")
    assert overflow <= 0, f"the unrolled network needs {overflow} px more than its box at {width}×{height}"
    last = page.locator(".rnn-unrolled thead th").last
    box, screen = last.bounding_box(), page.viewport_size
    assert box is not None and box["x"] + box["width"] <= screen["width"], f"the last column ends at {box}"
    # The equation panel never covers the network sideways: beside it, or under it.
    table = page.locator(".rnn-unrolled").bounding_box()
    panel = page.get_by_role("region", name="Equation, part 1").bounding_box()
    assert table is not None and panel is not None
    assert panel["x"] >= table["x"] + table["width"] or panel["y"] >= table["y"], (table, panel)
    if width == 2560:
        expect(page.locator(".rnn-part-unrolled .rnn-panel-dock")).to_have_class("rnn-panel-dock is-beside")


def test_on_a_phone_the_equation_panel_folds_to_leave_the_numbers_room(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_rnn(page, BY_SLUG["tiny"].href + "&step=4")
    fold = page.locator(".rnn-part-unrolled").get_by_role("button", name="Show the equation")
    expect(fold).to_have_attribute("aria-expanded", "false")
    panel = page.get_by_role("region", name="Equation, part 1")
    expect(panel).to_contain_text("Step 3: the state h² comes in")  # its title line stays
    dock = page.locator(".rnn-part-unrolled .rnn-panel-dock")
    folded = dock.bounding_box()
    assert folded is not None and folded["height"] < 90, f"the folded panel takes {folded['height']} px"
    # Between the timeline and the folded panel most of the screen shows the numbers.
    timeline = page.locator(".timeline-dock").bounding_box()
    assert timeline is not None and 844 - timeline["height"] - folded["height"] > 600
    fold.click()
    expect(page.locator(".rnn-part-unrolled").get_by_role("button", name="Fold the equation")).to_have_attribute(
        "aria-expanded", "true"
    )
    expect(panel.locator("math").first).to_be_visible()
