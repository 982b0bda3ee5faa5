"""Editing on /conv: cells, keys, paste, shape tools, share links, and the API's messages."""

from __future__ import annotations

import copy
import re

from playwright.sync_api import Page, expect

from app.gallery.conv import EXAMPLES

from .dom import flatten, rendered

FIG_9_4 = EXAMPLES[0]
CHANNELS = next(e for e in EXAMPLES if e.slug == "channels")


def open_example(page: Page, href: str) -> None:
    page.goto(href)
    expect(page.locator('[data-matrix="output"] td[data-value]').first).to_be_visible()


def test_editing_a_cell_updates_the_link_and_the_results(page: Page, api) -> None:
    open_example(page, FIG_9_4.href)
    page.get_by_label("I, row 1, column 1").fill("2")
    expect(page).to_have_url(re.compile(r"[?&]input=2,2,3;4,5,6;7,8,9(&|$)"))
    body = copy.deepcopy(FIG_9_4.request)
    body["input"][0][0] = 2
    answer = api(body)
    expect(page.locator('[data-matrix="output"] td[data-index="0,0"]')).to_have_attribute("data-value", "38")
    for field in ("output", "grad_kernel", "grad_input", "updated_kernel"):
        assert rendered(page, field) == flatten(answer[field]), field


def test_keys_move_between_cells_and_shape_tools_keep_the_gradient_fitting(page: Page) -> None:
    open_example(page, FIG_9_4.href)
    first = page.get_by_label("I, row 1, column 1")
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("I, row 1, column 2")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("I, row 2, column 2")).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Tab")
    expect(page.get_by_label("I, row 1, column 3")).to_be_focused()

    page.get_by_role("button", name="Add a row to I").click()
    expect(page).to_have_url(re.compile(r"input=1,2,3;4,5,6;7,8,9;0,0,0&"))
    # ∂L/∂O follows the output's new shape (3 × 2), keeping its numbers and filling in ones.
    expect(page).to_have_url(re.compile(r"grad_output=1,2;-1,1;1,1&"))
    expect(page.locator('[data-matrix="output"] td')).to_have_count(6)
    page.get_by_role("button", name="Remove the last column of F").click()
    expect(page).to_have_url(re.compile(r"kernel=1;3&"))
    expect(page.locator('[data-matrix="output"] td')).to_have_count(9)

    page.get_by_role("button", name="Fill I with random small integers").click()
    expect(page).not_to_have_url(re.compile(r"input=1,2,3;4,5,6;7,8,9;0,0,0&"))
    assert re.search(r"input=(\d,\d,\d;){3}\d,\d,\d&", page.url), f"not 4 × 3 small integers: {page.url}"
    page.get_by_role("button", name="Reset I to the example").click()
    expect(page).to_have_url(re.compile(r"input=1,2,3;4,5,6;7,8,9&"))


def test_paste_fills_the_grid_from_the_cell(page: Page) -> None:
    open_example(page, FIG_9_4.href)
    page.evaluate("text => navigator.clipboard.writeText(text)", "9\t8\n7\t6\n")
    page.get_by_label("I, row 2, column 2").focus()
    page.keyboard.press("Control+V")
    expect(page).to_have_url(re.compile(r"input=1,2,3;4,9,8;7,7,6&"))
    page.locator("#kernel").get_by_text("Type or paste as text").click()
    page.get_by_label(re.compile("^F as text")).fill("1 0 -1; 2 0 -2")
    page.locator("#kernel").get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"kernel=1,0,-1;2,0,-2&"))
    expect(page.locator('[data-matrix="output"] td')).to_have_count(2)


def test_a_copied_link_reopens_the_same_view(page: Page, context) -> None:
    open_example(page, CHANNELS.href)
    page.get_by_label("F kernel 2, channel 1, row 2, column 2").fill("-3")
    expect(page).to_have_url(re.compile(r"kernel=1,0;0,1\|2,1;0,-1/0,1;1,-3\|1,1;1,1&"))
    page.get_by_role("button", name="3 ∂L/∂F").click()
    page.get_by_role("button", name="Next ▸").click()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied")).to_be_visible()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.url and "step=" in link, link

    again = context.new_page()
    again.goto(link)
    expect(again.locator('[data-matrix="output"] td[data-value]').first).to_be_visible()
    editors = "#editors input, #editors select"
    assert again.eval_on_selector_all(editors, "els => els.map(e => e.value)") == page.eval_on_selector_all(
        editors, "els => els.map(e => e.value)"
    )
    for field in ("output", "grad_kernel", "grad_input", "updated_kernel", "updated_bias"):
        assert rendered(again, field) == rendered(page, field), field
    expect(again.locator(".timeline-label")).to_have_text(page.locator(".timeline-label").inner_text())


def test_bad_input_shows_the_fields_message_and_nothing_else_breaks(page: Page, api) -> None:
    open_example(page, FIG_9_4.href)
    page.get_by_label("F, row 2, column 1").fill("abc")
    body = copy.deepcopy(FIG_9_4.request)
    body["kernel"][1][0] = "abc"
    [error] = api(body, status=422)["detail"]
    assert error["field"] == "kernel"
    message = page.locator("#kernel-error")
    # The API names the cell; the page, which knows what was typed, says what is wrong with it.
    expect(message).to_have_text("row 2, column 1: “abc” is not a number")
    assert error["msg"].startswith("kernel: row 2, column 1: "), error["msg"]
    expect(page.get_by_label("F, row 2, column 1")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#input-error")).to_be_hidden()
    expect(page.locator("#results")).to_have_class(re.compile("is-stale"))
    assert rendered(page, "output") == {(0, 0): 37, (0, 1): 47, (1, 0): 67, (1, 1): 77}

    page.get_by_label("Stride s").fill("0")
    expect(page.locator("#stride-error")).to_contain_text("0 is out of range")
    page.get_by_label("Stride s").fill("1")
    page.get_by_label("F, row 2, column 1").fill("3")
    expect(message).to_be_hidden()
    expect(page.locator("#results")).not_to_have_class(re.compile("is-stale"))


def test_every_cell_of_every_result_shows_its_equation(page: Page) -> None:
    open_example(page, FIG_9_4.href)
    letters = {"output": "abcd", "grad_kernel": "ab", "grad_input": "abcdefghi"}
    for field, stage, eq in (("output", 1, "9.5"), ("grad_kernel", 3, "9.8"), ("grad_input", 4, "9.9")):
        cells = page.locator(f'section[data-stage="{stage - 1}"] [data-matrix="{field}"] td')
        for k in range(cells.count()):
            cell = cells.nth(k)
            cell.hover()
            panel = page.get_by_label(f"Equation, stage {stage}")
            expect(cell).to_have_class(re.compile("is-focus"))
            letter = letters[field][k] if k < len(letters[field]) else ""
            expect(panel).to_contain_text(f"eq. {eq}{letter}")
            expect(panel.locator("mtr").last).to_have_text(re.compile(rf"^=\s*{re.escape(cell.inner_text())}$"))
    # O₁₂ = I₁₂·F₁₁ + I₁₃·F₁₂ + I₂₂·F₂₁ + I₂₃·F₂₂: its window and the kernel light up.
    page.locator('[data-matrix="output"] td').first.focus()
    page.keyboard.press("ArrowRight")
    stage = page.locator("section.stage").first
    expect(stage.locator("td.is-source")).to_have_count(8)
    sources = stage.locator('[data-matrix="padded_input"] td.is-source')
    assert sources.evaluate_all("cells => cells.map(c => c.dataset.value)") == ["2", "3", "5", "6"]
    expect(page.get_by_label("Equation, stage 1")).to_contain_text("eq. 9.5b")
