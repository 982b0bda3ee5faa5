"""/conv at a wide screen and at a phone: the equation of the cell pointed at is in view however big
the grids are, focus never hides under it, and no control or caption is cut off without a way to
scroll to the rest."""

from __future__ import annotations


from playwright.sync_api import Page, expect

from app.gallery import share_query
from app.gallery.conv import EXAMPLES, FIELD_ORDER

from .test_conv_big import big_request

FIG_9_4 = EXAMPLES[0]
WIDE = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}

# Whether two boxes (getBoundingClientRect) overlap.
OVERLAP = "([a, b]) => a.bottom > b.top && a.top < b.bottom && a.right > b.left && a.left < b.right"


def box(locator) -> dict:
    return locator.evaluate("e => e.getBoundingClientRect().toJSON()")


def panel_of(page: Page, stage: int):
    return page.get_by_role("region", name=f"Equation, stage {stage}")


def test_a_big_layers_equation_is_in_view_where_the_cell_is_pointed_at(page: Page) -> None:
    page.set_viewport_size(WIDE)
    page.goto(f"/conv?{share_query(big_request(), FIELD_ORDER)}")
    cell = page.locator('section[data-stage="3"] [data-matrix="grad_padded_input"] td[data-index="10,20"]')
    expect(cell).to_be_attached(timeout=15_000)
    cell.scroll_into_view_if_needed()
    cell.hover()
    panel = panel_of(page, 4)
    expect(panel).to_contain_text("∂L/∂P₁₁,₂₁")
    expect(panel).to_be_in_viewport()
    assert not page.evaluate(OVERLAP, [box(cell), box(panel)]), "the panel covers the cell pointed at"

    # The timeline draws with the same function: its cell's equation is in view as well.
    page.get_by_role("button", name="1 Forward").click()
    page.get_by_role("button", name="Next ▸").click()
    expect(panel_of(page, 1)).to_contain_text("O₁₁")
    expect(panel_of(page, 1)).to_be_in_viewport()

    # Moving through a column by keyboard, the focused cell is never under the docked panel.
    first = page.locator('section[data-stage="0"] [data-matrix="output"] td[data-index="0,5"]')
    first.focus()
    for _ in range(30):
        page.keyboard.press("ArrowDown")
        focused = page.locator(":focus")
        assert not page.evaluate(OVERLAP, [box(focused), box(panel_of(page, 1))]), (
            f"cell {focused.get_attribute('data-index')} is under the equation panel"
        )


def test_a_small_layers_panel_stays_below_its_grids(page: Page) -> None:
    page.set_viewport_size(WIDE)
    page.goto(FIG_9_4.href)
    page.locator('section[data-stage="0"] [data-matrix="output"] td').first.hover()
    # Its stages fit in the window: no panel is docked over the grids.
    expect(page.locator(".equation-panel.is-docked")).to_have_count(0)
    for viewport in (WIDE, PHONE):
        page.set_viewport_size(viewport)
        page.goto(FIG_9_4.href)
        cell = page.locator('section[data-stage="3"] [data-matrix="grad_input"] td').nth(4)
        cell.scroll_into_view_if_needed()
        cell.hover()
        panel = panel_of(page, 4)
        expect(panel).to_contain_text("∂L/∂I₂₂")
        expect(panel).to_be_in_viewport()
        assert not page.evaluate(OVERLAP, [box(cell), box(panel)]), f"{viewport}: the panel covers the cell"
        # With the end of its stage in view, the panel sits in its place after the stage's grids.
        page.locator('section[data-stage="3"]').evaluate("s => s.scrollIntoView({block: 'end'})")
        grids = page.locator('section[data-stage="3"] .stage-grids')
        gap = box(panel)["top"] - box(grids)["bottom"]
        assert 0 <= gap < 24, f"{viewport}: the panel is {gap}px from its grids"


def test_the_mode_choices_and_the_step_names_are_never_cut_off(page: Page) -> None:
    for viewport in (WIDE, PHONE):
        page.set_viewport_size(viewport)
        page.goto(FIG_9_4.href + "&step=14")
        mode = page.get_by_label("Mode")
        # Each option's words, in the select's font, fit inside it beside the arrow (about 1.5rem).
        room = mode.evaluate(
            """s => {
                const ctx = document.createElement("canvas").getContext("2d");
                const style = getComputedStyle(s);
                ctx.font = style.font;
                const free = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
                return [...s.options].map(o => [o.text, free - ctx.measureText(o.text).width]);
            }"""
        )
        assert all(left >= 0 for _, left in room), f"{viewport}: cut off {room}"
        expect(page.locator(".timeline-label")).to_contain_text("Step 14 of 25: ∂L/∂I₁₁ (full convolution, eq. 9.9)")
        label = page.locator(".timeline-label")
        assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), f"{viewport}: the step's name is cut off"
        # Whatever is wider than the screen scrolls (the formula, the stage bar): nothing is clipped.
        clipped = page.evaluate(
            """() => [...document.querySelectorAll("body *")].filter(e => {
                const s = getComputedStyle(e);
                return ["hidden", "clip"].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1
                    && !e.closest(".visually-hidden");
            }).map(e => e.className)"""
        )
        assert clipped == [], f"{viewport}: clipped without a scrollbar: {clipped}"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "the page scrolls sideways"
