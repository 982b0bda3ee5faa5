"""Editing on /rnn: cells, sizes that follow each other, share links, equations, and the API's messages."""

from __future__ import annotations

import copy
import re
from urllib.parse import quote

from playwright.sync_api import Page, expect

from app.gallery.rnn import EXAMPLES

from .rnn_dom import all_grids, expected_grids, open_rnn

TINY = next(e for e in EXAMPLES if e.slug == "tiny")
EXPLODING = next(e for e in EXAMPLES if e.slug == "exploding")


def test_editing_a_cell_updates_the_link_and_the_results(page: Page, api) -> None:
    open_rnn(page, TINY.href)
    page.get_by_label("W, row 1, column 1").fill("0.5")
    expect(page).to_have_url(re.compile(r"[?&]W=0\.5,0\.4;-0\.2,0\.3(&|$)"))
    body = copy.deepcopy(TINY.request)
    body["W"][0][0] = 0.5
    answer = api(body, "/api/v1/rnn")
    expect(page.locator('.rnn-part-gradients [data-matrix="grad_W"] td[data-index="0,0"]')).to_have_attribute(
        "data-value", str(answer["grad_W"][0][0])
    )
    drawn = all_grids(page)
    for field, cells in expected_grids(answer).items():
        assert drawn[field] == cells, field


def test_sizes_follow_each_other(page: Page) -> None:
    open_rnn(page, TINY.href)
    # A third hidden unit: W, V, b and h⁰ grow with U's new row.
    page.get_by_role("button", name="Add a row to U").click()
    expect(page).to_have_url(re.compile(r"U=0\.5;-0\.3;0&W=0\.1,0\.4,0;-0\.2,0\.3,0;0,0,0&V=1,-0\.5,0&b=0,0\.1,0&"))
    expect(page.get_by_label("d_h")).to_have_value("3")
    expect(page.locator('[data-matrix="steps[0].h"] td')).to_have_count(3)
    # A fourth step: y gets a row too.
    page.get_by_label("Steps T").fill("4")
    page.get_by_label("Steps T").press("Enter")
    expect(page).to_have_url(re.compile(r"x=1;0\.5;-1;0&y=0\.5;0\.25;-0\.5;0&"))
    expect(page.locator('[data-matrix="steps[3].loss"] td')).to_have_count(1)
    # Keys move between cells as on /conv.
    page.get_by_label("x, row 1, column 1").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("x, row 2, column 1")).to_be_focused()


def test_every_number_shows_its_equation_and_sources(page: Page) -> None:
    open_rnn(page, TINY.href)
    panel = page.get_by_label("Equation, part 1")
    a = page.locator('[data-matrix="steps[1].a"] td').first
    a.hover()
    expect(a).to_have_class(re.compile("is-focus"))
    expect(panel).to_contain_text("step 2's input and the state carried in from step 1")
    expect(panel.locator("mtr").last).to_have_text(re.compile(rf"^=\s*{re.escape(a.inner_text())}$"))
    # a²₁ = U₁₁x² + W₁₁h¹₁ + W₁₂h¹₂ + b₁: x² and both units of h¹ light up.
    lit = page.locator("td.is-source").evaluate_all("cells => cells.map(c => c.closest('[data-matrix]').dataset.matrix)")
    assert sorted(lit) == ["steps[0].h", "steps[0].h", "steps[1].x"], lit
    # By keyboard: the next cell of a grid, and ∂L/∂hᵗ formed from its two parts.
    grad_h = page.locator('[data-matrix="steps[1].grad_h"] td')
    grad_h.first.focus()
    page.keyboard.press("ArrowRight")
    expect(grad_h.nth(1)).to_be_focused()
    expect(panel).to_contain_text("two paths meet")
    lit = page.locator("td.is-source").evaluate_all("cells => cells.map(c => c.closest('[data-matrix]').dataset.matrix)")
    assert sorted(lit) == ["steps[1].grad_h_from_next", "steps[1].grad_h_from_output"], lit
    # A weight gradient is a sum over the steps.
    total = page.locator('.rnn-part-gradients [data-matrix="grad_W"] td').first
    total.hover()
    expect(page.get_by_label("Equation, part 3")).to_contain_text("one term per step")
    expect(page.get_by_label("Equation, part 3").locator("mtr").last).to_have_text(
        re.compile(rf"^=\s*{re.escape(total.inner_text())}$")
    )


def test_a_copied_link_reopens_the_same_view(page: Page, context) -> None:
    open_rnn(page, EXPLODING.href)
    page.get_by_label("Learning rate α").fill("0.001")
    expect(page).to_have_url(re.compile(r"learning_rate=0\.001"))
    expect(page.locator('[data-matrix="updated.W"] td').first).to_be_attached()
    page.get_by_role("button", name="2 Back through time").click()
    page.get_by_role("button", name="Next ▸").click()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied")).to_be_visible()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.url and "step=" in link, link

    again = context.new_page()
    open_rnn(again, link)
    editors = "#editors input, #editors select"
    assert again.eval_on_selector_all(editors, "els => els.map(e => e.value)") == page.eval_on_selector_all(
        editors, "els => els.map(e => e.value)"
    )
    assert all_grids(again) == all_grids(page)
    expect(again.locator(".timeline-label")).to_have_text(page.locator(".timeline-label").inner_text())


def test_bad_input_shows_the_fields_message_and_nothing_else_breaks(page: Page, api) -> None:
    open_rnn(page, TINY.href)
    before = all_grids(page)
    page.get_by_label("x, row 2, column 1").fill("abc")
    body = copy.deepcopy(TINY.request)
    body["x"][1][0] = "abc"
    [error] = api(body, "/api/v1/rnn", status=422)["detail"]
    assert error["field"] == "x"
    assert error["msg"].startswith("x: row 2, column 1: "), error["msg"]
    expect(page.locator("#x-error")).to_have_text("row 2, column 1: “abc” is not a number")
    expect(page.get_by_label("x, row 2, column 1")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#results")).to_have_class(re.compile("is-stale"))
    assert all_grids(page) == before

    page.get_by_label("x, row 2, column 1").fill("0.5")
    page.get_by_label("Loss Lᵗ").select_option("cross_entropy")
    expect(page.locator("#loss-error")).to_contain_text("cross_entropy is taken on a softmax output")
    expect(page.locator("#x-error")).to_be_hidden()
    page.get_by_label("Loss Lᵗ").select_option("half_sse")
    page.get_by_label("Truncation k").fill("0")
    expect(page.locator("#truncation-error")).to_contain_text("greater than or equal to 1")
    page.get_by_label("Truncation k").fill("")
    expect(page.locator("#truncation-error")).to_be_hidden()
    expect(page.locator("#results")).not_to_have_class(re.compile("is-stale"))


def test_a_link_says_beside_each_field_what_it_could_not_take(page: Page) -> None:
    steps = ";".join(["1"] * 65)
    hostile = "<img src=x onerror=alert(1)>"
    page.goto(f"/rnn?x={steps}&y={steps}&U=1;1&W=0.5,0;0,0.5&V=1,1&hidden_activation=gelu&loss={quote(hostile)}")
    expect(page.locator('[data-matrix="grad_W"] td[data-value]').first).to_be_attached()
    activation = page.get_by_label("Hidden activation σ₁")
    expect(activation).to_have_value("tanh")
    expect(activation).to_have_accessible_description(re.compile("“gelu”, which this page does not know"))
    expect(page.locator("#hidden_activation-link-note")).to_have_text(
        "The link asks for the hidden activation “gelu”, which this page does not know (tanh, relu, sigmoid): "
        "tanh is used instead."
    )
    expect(page.locator("#loss-link-note")).to_contain_text(f"the loss “{hostile}”, which")
    assert page.locator("#editors img").count() == 0
    expect(page.get_by_label("Steps T")).to_have_value("64")
    expect(page.locator("#x-link-note")).to_have_text("The link gives 65 rows, but T is at most 64 steps: row 65 was left out.")
    expect(page.locator("#y-link-note")).to_be_visible()
    # Once the field is edited, what the link asked for no longer matters.
    activation.select_option("relu")
    expect(page.locator("#hidden_activation-link-note")).to_have_count(0)
    expect(page.locator("#x-link-note")).to_be_visible()
