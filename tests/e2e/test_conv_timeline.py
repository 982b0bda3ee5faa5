"""The timeline on /conv: stages, stepping by button, key and scrubber, playing, reduced motion."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.gallery.conv import EXAMPLES

FIG_9_4 = EXAMPLES[0]
# Fig. 9.4: 1 + 4 forward steps, 2 upstream, 4 kernel-gradient, 2 + 9 + 1 input-gradient, update, all.
STEPS = 25


def caption(page: Page):
    return page.locator(".timeline-label")


def test_the_timeline_steps_forward_and_back(page: Page) -> None:
    page.goto(FIG_9_4.href)
    expect(caption(page)).to_have_text(f"Step {STEPS} of {STEPS}: Everything at once")
    output = page.locator('[data-matrix="output"] td')

    page.get_by_role("button", name="1 Forward").click()
    expect(caption(page)).to_have_text(f"Step 1 of {STEPS}: The input I and the kernel F")
    expect(page.locator('section[data-stage="0"]')).to_have_attribute("data-state", "current")
    expect(page.locator('section[data-stage="1"]')).to_have_attribute("data-state", "future")
    expect(page.locator('[data-matrix="output"] td.is-pending')).to_have_count(4)
    # The numbers are in the DOM from the start, whatever the animation shows.
    assert output.evaluate_all("cells => cells.map(c => c.dataset.value)") == ["37", "47", "67", "77"]

    page.get_by_role("button", name="Next ▸").click()
    expect(caption(page)).to_contain_text("Step 2 of 25: O₁₁")
    expect(page.locator('[data-matrix="output"] td.is-pending')).to_have_count(3)
    expect(page.get_by_label("Equation, stage 1")).to_contain_text("37")
    expect(page).to_have_url(re.compile(r"&step=2$"))

    page.locator("body").press("l")
    expect(caption(page)).to_contain_text("Step 3 of 25: O₁₂")
    expect(output.nth(1)).to_have_class(re.compile("is-focus"))
    page.locator("body").press("j")
    expect(caption(page)).to_contain_text("Step 2 of 25")
    page.get_by_role("button", name="◂ Back").click()
    expect(caption(page)).to_contain_text("Step 1 of 25")
    expect(page.get_by_role("button", name="◂ Back")).to_be_disabled()

    page.get_by_role("slider", name="Step").fill("13")
    expect(caption(page)).to_contain_text("Step 14 of 25: ∂L/∂I₁₁ (full convolution")
    expect(page.locator('section[data-stage="3"]')).to_have_attribute("data-state", "current")
    expect(page.locator('section[data-stage="3"] [data-matrix="grad_padded_input"] td.is-pending')).to_have_count(8)
    page.get_by_role("slider", name="Step").press("End")
    expect(caption(page)).to_contain_text(f"Step {STEPS} of {STEPS}")
    expect(page.locator("td.is-pending")).to_have_count(0)


def test_play_runs_to_the_end_and_stops(page: Page) -> None:
    page.goto(FIG_9_4.href + "&step=20")
    expect(caption(page)).to_contain_text(f"Step 20 of {STEPS}")
    page.get_by_label("Speed").select_option("16")
    page.get_by_role("button", name="▶ Play").click()
    expect(page.get_by_role("button", name="❚❚ Pause")).to_be_visible()
    expect(caption(page)).to_contain_text(f"Step {STEPS} of {STEPS}", timeout=5000)
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
    page.get_by_label("Speed").select_option("1")  # at 16× step 1 may pass before it is read
    page.locator("body").press("k")
    expect(caption(page)).to_contain_text(f"Step 1 of {STEPS}")
    page.locator("body").press("k")
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()


def test_reduced_motion_shows_the_stages_without_motion(page: Page) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(FIG_9_4.href)
    stage = page.locator("section.stage").first
    expect(stage).to_be_visible()
    durations = page.eval_on_selector_all(
        "section.stage, .matrix td", "els => [...new Set(els.map(e => getComputedStyle(e).transitionDuration))]"
    )
    assert durations == ["0s"], durations
    expect(page.locator("td.is-pending")).to_have_count(0)
