"""The timeline on /rnn: forward left to right, back through time right to left, keys, scrubber, reduced motion."""

from __future__ import annotations

import re

import numpy as np
from playwright.sync_api import Page, expect

from app.gallery.rnn import EXAMPLES

from .rnn_dom import open_rnn

TINY = next(e for e in EXAMPLES if e.slug == "tiny")
# T = 3: h⁰, 3 forward steps, L; 3 backward steps, ∂L/∂h⁰; the norms; 5 weight gradients; the update; all.
STEPS = 17


def caption(page: Page):
    return page.locator(".timeline-label")


def pending(page: Page, field: str):
    return page.locator(f'[data-matrix="{field}"] td.is-pending')


def test_the_forward_pass_runs_left_to_right_and_the_backward_pass_right_to_left(page: Page) -> None:
    open_rnn(page, TINY.href)
    expect(caption(page)).to_have_text(f"Step {STEPS} of {STEPS}: Everything at once")
    h1 = page.locator('[data-matrix="steps[0].h"] td')
    values = h1.evaluate_all("cells => cells.map(c => c.dataset.value)")

    page.get_by_role("button", name="1 Forward").click()
    expect(caption(page)).to_have_text(f"Step 1 of {STEPS}: h⁰, the state before step 1")
    expect(pending(page, "steps[0].h")).to_have_count(2)
    expect(page.locator('section[data-stage="1"]')).to_have_attribute("data-state", "future")
    # The numbers are in the DOM from the start, whatever the animation shows.
    assert h1.evaluate_all("cells => cells.map(c => c.dataset.value)") == values

    page.get_by_role("button", name="Next ▸").click()
    expect(caption(page)).to_contain_text(f"Step 2 of {STEPS}: Step 1: h⁰ comes in")
    expect(pending(page, "steps[0].h")).to_have_count(0)
    expect(pending(page, "steps[1].h")).to_have_count(2)
    expect(page.get_by_label("Equation, part 1")).to_contain_text("Step 1: the state h⁰ comes in, h¹ goes on")
    expect(page).to_have_url(re.compile(r"&step=2$"))

    page.locator("body").press("l")
    expect(caption(page)).to_contain_text("Step 2: h¹ comes in")
    expect(page.locator('[data-matrix="steps[0].h"] td.is-source')).to_have_count(2)  # h¹ carried into step 2
    page.locator("body").press("j")
    expect(caption(page)).to_contain_text(f"Step 2 of {STEPS}")

    page.get_by_role("button", name="2 Back through time").click()
    expect(caption(page)).to_contain_text("Step 3: ∂L/∂h³ = Vᵀ∂L/∂o³ + Wᵀ∂L/∂a⁴ (nothing after step T)")
    expect(pending(page, "steps[2].grad_h")).to_have_count(0)
    expect(pending(page, "steps[1].grad_h")).to_have_count(2)
    expect(page.locator('thead th.is-current')).to_have_text("t = 3")
    page.get_by_role("button", name="Next ▸").click()
    expect(caption(page)).to_contain_text("Step 2: ∂L/∂h² = Vᵀ∂L/∂o² + Wᵀ∂L/∂a³")
    expect(pending(page, "steps[1].grad_h")).to_have_count(0)
    expect(page.locator('thead th.is-current')).to_have_text("t = 2")
    # ∂L/∂h² is formed from step 2's own output and from ∂L/∂a³.
    sources = page.locator("td.is-source").evaluate_all("cells => [...new Set(cells.map(c => c.closest('[data-matrix]').dataset.matrix))]")
    assert sorted(sources) == ["steps[1].grad_o", "steps[2].grad_a"], sources

    page.get_by_role("slider", name="Step", exact=True).fill("8")
    expect(caption(page)).to_contain_text("∂L/∂h⁰ = Wᵀ∂L/∂a¹")
    page.get_by_role("slider", name="Step", exact=True).press("End")
    expect(caption(page)).to_contain_text(f"Step {STEPS} of {STEPS}")
    expect(page.locator("td.is-pending")).to_have_count(0)


def test_the_charts_and_the_step_box_pick_a_step(page: Page) -> None:
    vanishing = next(e for e in EXAMPLES if e.slug == "vanishing")
    open_rnn(page, vanishing.href)
    picker = page.get_by_label("Read the charts at step t")
    picker.fill("5")
    expect(page.locator(".rnn-readout").first).to_contain_text("t = 5: ‖∂L/∂hᵗ‖ = ")
    expect(page.locator('[data-matrix="steps[4].contribution.grad_W"]')).to_be_attached()
    expect(page.locator('[data-matrix="steps[0].contribution.grad_W"]')).to_have_count(0)
    # A long sequence scrolls sideways; asking for a step by number brings its column into view.
    page.get_by_label("Go to step t").fill("12")
    page.get_by_label("Go to step t").press("Enter")
    expect(page.locator(".rnn-readout").first).to_contain_text("t = 12: ")
    expect(page.get_by_role("columnheader", name="t = 12", exact=True)).to_be_in_viewport()
    expect(page.get_by_role("columnheader", name="t = 1", exact=True)).not_to_be_in_viewport()


def test_play_runs_to_the_end_and_stops(page: Page) -> None:
    open_rnn(page, TINY.href + "&step=12")
    expect(caption(page)).to_contain_text(f"Step 12 of {STEPS}")
    page.get_by_label("Speed").select_option("16")
    page.get_by_role("button", name="▶ Play").click()
    expect(caption(page)).to_contain_text(f"Step {STEPS} of {STEPS}", timeout=5000)
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()


def test_reduced_motion_shows_the_steps_without_motion(page: Page) -> None:
    page.emulate_media(reduced_motion="reduce")
    open_rnn(page, TINY.href)
    page.get_by_role("button", name="1 Forward").click()
    page.get_by_role("button", name="Next ▸").click()
    expect(page.locator("td.is-stepped").first).to_be_attached()
    motion = page.eval_on_selector_all(
        "td.is-stepped .matrix, td.is-stepped .rnn-carry, .equation-panel mtr, .matrix td",
        "els => [...new Set(els.map(e => getComputedStyle(e).animationName + ' ' + getComputedStyle(e).transitionDuration))]",
    )
    assert motion == ["none 0s"], motion


def largest_href() -> str:
    """T = 64 steps of d = 16, the limits; tanh and small weights keep every number moderate."""
    rng = np.random.default_rng(7)

    def rows(a) -> str:
        return ";".join(",".join(f"{v:.2f}" for v in row) for row in a)

    T, d = 64, 16
    return (
        f"/rnn?x={rows(rng.uniform(-1, 1, (T, d)))}&y={rows(rng.uniform(-1, 1, (T, d)))}"
        f"&U={rows(rng.uniform(-0.3, 0.3, (d, d)))}&W={rows(rng.normal(0, 0.25, (d, d)))}"
        f"&V={rows(rng.uniform(-0.3, 0.3, (d, d)))}&loss=half_sse"
    )


def test_a_step_of_the_largest_network_redraws_only_what_it_changes(page: Page) -> None:
    """At T = 64 and d = 16 the unrolled network has 13 000 numbers: a step must not make the browser
    lay them all out again (an animated grid does) nor wait for the gradient terms to be redrawn."""
    open_rnn(page, largest_href())
    page.get_by_role("button", name="1 Forward").click()
    expect(caption(page)).to_contain_text("h⁰, the state before step 1")
    page.evaluate(
        """() => {
        window.__termChanges = 0;
        new MutationObserver((records) => (window.__termChanges += records.length))
          .observe(document.querySelector('.rnn-part-gradients'), {childList: true, subtree: true});
    }"""
    )
    timings = []
    for n in range(2, 8):
        took, term_changes, animated = page.evaluate(
            """() => {
            const before = window.__termChanges;
            const t0 = performance.now();
            document.dispatchEvent(new KeyboardEvent('keydown', {key: 'l', bubbles: true}));
            const took = performance.now() - t0;
            const grids = document.querySelectorAll('.rnn-unrolled .matrix');
            const animated = [...grids].filter((grid) => grid.getAnimations().length).length;
            return [took, window.__termChanges - before, animated];
        }"""
        )
        timings.append(took)
        expect(caption(page)).to_contain_text(f"Step {n} of ")
        assert term_changes == 0, f"step {n}: the gradient terms were redrawn before the step was shown"
        assert animated == 0, f"step {n}: {animated} grids of the unrolled network are animated"
    # Once the browser is idle the terms follow the step the timeline is at (step 6: t = 6).
    expect(page.locator('[data-matrix="steps[5].contribution.grad_W"]')).to_be_attached(timeout=10_000)
    print(f"time to draw a step at T = 64, d = 16: {sorted(timings)[len(timings) // 2]:.0f} ms (median)")
