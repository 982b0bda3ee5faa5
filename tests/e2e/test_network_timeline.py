"""The timeline on /network: forward layer by layer, the loss, backward with each hand-off, the
chain's boxes and arrows, pointing at a handed-on number, and reduced motion."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.gallery.network import EXAMPLES

from .network_dom import open_network

TINY = EXAMPLES[0]
# 5 forward, the loss and ∂L/∂O⁵, 5 backward with 4 hand-offs between them, training, everything.
STEPS = 18


def caption(page: Page):
    return page.locator(".timeline-label")


def test_the_timeline_steps_forward_then_back_handing_each_gradient_on(page: Page) -> None:
    open_network(page, TINY.href)
    expect(caption(page)).to_have_text(f"Step {STEPS} of {STEPS}: Everything at once")

    page.get_by_role("button", name="1 Forward").click()
    expect(caption(page)).to_have_text(f"Step 1 of {STEPS}: Layer 1 · Convolution: I¹ in, O¹ out (1 × 3 × 3)")
    expect(page.locator("#layer-1")).to_have_attribute("data-state", "current")
    expect(page.locator("#layer-2")).to_have_attribute("data-state", "future")
    expect(page.locator('[data-matrix="layers[1].output"] td.is-pending')).to_have_count(9)
    # The numbers are in the DOM from the start, whatever the timeline shows.
    assert page.locator('[data-matrix="layers[1].output"] td').first.get_attribute("data-value") == "0"
    expect(page.get_by_role("button", name="◂ Back")).to_be_disabled()

    page.locator("body").press("l")
    expect(caption(page)).to_contain_text("Step 2 of 18: Layer 2 · ReLU")
    expect(page).to_have_url(re.compile(r"&step=2$"))
    # O¹ is handed on as I²: both outlined in blue, the box and its incoming arrow lit.
    for name in ("layers[0].output", "layers[1].input"):
        expect(page.locator(f'figure:has(> .net-grids [data-matrix="{name}"])')).to_have_class(
            re.compile("is-handed-forward")
        )
    boxes = page.locator(".net-box")
    expect(boxes.nth(2)).to_have_attribute("data-state", "current")
    expect(page.locator(".net-arrow-forward").nth(1)).to_have_attribute("data-state", "current")
    expect(page.locator(".net-arrow-backward").nth(1)).to_have_attribute("data-state", "future")

    page.get_by_role("button", name="2 Loss").click()
    expect(caption(page)).to_have_text(f"Step 6 of {STEPS}: The loss: L = 0.3133 (cross_entropy)")
    expect(boxes.last).to_have_attribute("data-state", "current")
    expect(page.locator('[data-matrix="grad_prediction"] td.is-pending')).to_have_count(2)

    page.get_by_role("slider", name="Step").fill("8")
    expect(caption(page)).to_have_text(f"Step 9 of {STEPS}: ∂L/∂I⁵ goes back to layer 4: it is ∂L/∂O⁴")
    for name in ("layers[4].grad_input", "layers[3].grad_output"):
        expect(page.locator(f'figure:has(> .net-grids [data-matrix="{name}"])')).to_have_class(
            re.compile("is-handed-backward")
        )
    expect(page.locator(".net-arrow-backward").nth(4)).to_have_attribute("data-state", "current")
    expect(page.locator('[data-matrix="layers[3].grad_output"] td.is-pending')).to_have_count(0)
    expect(page.locator('[data-matrix="layers[3].grad_input"] td.is-pending')).to_have_count(4)
    page.locator("body").press("l")
    expect(caption(page)).to_have_text(f"Step 10 of {STEPS}: Layer 4 · Flatten: ∂L/∂I⁴ from ∂L/∂O⁴")
    expect(page.locator('[data-matrix="layers[3].grad_input"] td.is-pending')).to_have_count(0)
    page.locator("body").press("j")
    expect(caption(page)).to_contain_text(f"Step 9 of {STEPS}")

    page.get_by_role("slider", name="Step").press("End")
    expect(caption(page)).to_contain_text(f"Step {STEPS} of {STEPS}")
    expect(page.locator("td.is-pending")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"steps=15$"))


def test_pointing_at_a_number_lights_it_where_it_is_handed_on(page: Page) -> None:
    open_network(page, TINY.href)
    page.locator('[data-matrix="layers[0].output"] td[data-index="0,1"]').hover()
    expect(page.locator('[data-matrix="layers[0].output"] td[data-index="0,1"]')).to_have_class(re.compile("is-focus"))
    expect(page.locator('[data-matrix="layers[1].input"] td[data-index="0,1"]')).to_have_class(re.compile("is-source"))
    page.mouse.move(0, 0)  # the pointer leaves, so the scroll that focus brings lights nothing under it
    page.locator('[data-matrix="layers[4].grad_input"] td').nth(2).focus()
    expect(page.locator('[data-matrix="layers[3].grad_output"] td[data-index="2"]')).to_have_class(
        re.compile("is-source")
    )
    expect(page.locator('[data-matrix="layers[1].input"] td.is-source')).to_have_count(0)


def test_play_runs_to_the_end_and_reduced_motion_shows_it_still(page: Page) -> None:
    page.emulate_media(reduced_motion="reduce")
    open_network(page, TINY.href + "&step=14")
    expect(caption(page)).to_contain_text(f"Step 14 of {STEPS}")
    page.get_by_label("Speed").select_option("16")
    page.get_by_role("button", name="▶ Play").click()
    expect(caption(page)).to_contain_text(f"Step {STEPS} of {STEPS}", timeout=5000)
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
    durations = page.eval_on_selector_all(
        ".net-box, .net-arrow, .net-tensor, section.stage",
        "els => [...new Set(els.map(e => getComputedStyle(e).transitionDuration))]",
    )
    assert durations == ["0s"], durations
