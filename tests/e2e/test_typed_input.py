"""What a learner types or pastes: spreadsheet ranges, channels, settings in several forms, and
messages that say exactly what is wrong with a cell or a setting, with its place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.gallery.conv import EXAMPLES

FIG_9_4 = EXAMPLES[0]
CHANNELS = next(e for e in EXAMPLES if e.slug == "channels")


def open_example(page: Page, href: str) -> None:
    page.goto(href)
    expect(page.locator('[data-matrix="output"] td[data-value]').first).to_be_visible()


def paste(page: Page, label: str, text: str) -> None:
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press("ControlOrMeta+V")


def values(page: Page, editor: str) -> list[str]:
    return page.locator(f"#{editor} .editor-grid input").evaluate_all("inputs => inputs.map(i => i.value)")


def test_a_spreadsheet_range_keeps_its_blank_cells_and_decimal_commas(page: Page) -> None:
    open_example(page, FIG_9_4.href)
    paste(page, "I, row 1, column 1", "1\t\t3\n4\t5\t6\n")
    assert values(page, "input") == ["1", "", "3", "4", "5", "6", "7", "8", "9"]
    expect(page.locator("#input-error")).to_have_text("row 1, column 2: the cell is empty")
    expect(page.get_by_label("I, row 1, column 2", exact=True)).to_have_attribute("aria-invalid", "true")

    paste(page, "I, row 1, column 1", "1,5\t2,5\t-0,25")
    assert values(page, "input")[:3] == ["1.5", "2.5", "-0.25"]
    expect(page.locator("#input-error")).to_be_hidden()
    # Without tabs the old rules hold: commas and spaces split cells, `;` splits rows.
    paste(page, "I, row 2, column 1", "7, 8 9; 1 2 3")
    assert values(page, "input")[3:] == ["7", "8", "9", "1", "2", "3"]


@pytest.mark.parametrize(
    "text",
    ["1, 0, 0\n0, 1, 0\n0, 0, 1\n|\n2, 2, 2\n2, 2, 2\n2, 2, 2", "1 0 0; 0 1 0; 0 0 1 | 2 2 2; 2 2 2; 2 2 2"],
    ids=["bar-line", "bar-between"],
)
def test_pasting_channels_fills_the_grids_that_follow(page: Page, text: str) -> None:
    open_example(page, CHANNELS.href)
    paste(page, "I channel 1, row 1, column 1", text)
    assert values(page, "input") == ["1", "0", "0", "0", "1", "0", "0", "0", "1"] + ["2"] * 9
    expect(page.locator("#input-error")).to_be_hidden()


def test_the_text_box_refuses_ragged_rows_and_channels(page: Page) -> None:
    open_example(page, FIG_9_4.href)
    page.locator("#kernel").get_by_text("Type or paste as text").click()
    box = page.get_by_label(re.compile("^F as text"))
    box.fill("1 2; 3")
    page.locator("#kernel").get_by_role("button", name="Apply").click()
    message = page.locator("#kernel-text-error")
    expect(message).to_have_text("row 2 has 1 number but the first has 2: every row needs the same length")
    expect(box).to_have_attribute("aria-invalid", "true")
    assert values(page, "kernel") == ["1", "2", "3", "4"], "a refused text changes nothing"
    box.fill("1 2; 3 5")
    page.locator("#kernel").get_by_role("button", name="Apply").click()
    expect(message).to_be_hidden()
    assert values(page, "kernel") == ["1", "2", "3", "5"]

    open_example(page, CHANNELS.href)
    page.locator("#input").get_by_text("Type or paste as text").click()
    box = page.get_by_label(re.compile("^I as text"))
    box.fill("1 2; 3 4 | 1 2 3; 4 5 6")
    page.locator("#input").get_by_role("button", name="Apply").click()
    expect(page.locator("#input-text-error")).to_have_text(
        "channel 2 is 2 × 3 but channel 1 is 2 × 2: every channel needs the same shape"
    )


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "row 2, column 1: the cell is empty"),
        ("1e400", "row 2, column 1: “1e400” is not a finite number"),
        ("NaN", "row 2, column 1: “NaN” is not a number"),
        ("abc", "row 2, column 1: “abc” is not a number"),
    ],
    ids=["empty", "overflow", "nan", "text"],
)
def test_a_cell_that_is_not_a_number_says_why_and_where(page: Page, typed: str, message: str) -> None:
    open_example(page, FIG_9_4.href)
    page.get_by_label("F, row 2, column 1", exact=True).fill(typed)
    expect(page.locator("#kernel-error")).to_have_text(message)
    expect(page.get_by_label("F, row 2, column 1", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#status")).to_contain_text("A field needs attention")


def test_a_kernel_cell_names_its_kernel_and_channel(page: Page) -> None:
    open_example(page, CHANNELS.href)
    page.get_by_label("F kernel 2, channel 1, row 1, column 2", exact=True).fill("x")
    expect(page.locator("#kernel-error")).to_have_text("kernel 2, channel 1, row 1, column 2: “x” is not a number")
    expect(page.get_by_label("F kernel 2, channel 1, row 1, column 2", exact=True)).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Bias b").fill("0.5, ")
    expect(page.locator("#bias-error")).to_have_text("element 2: the cell is empty")


@pytest.mark.parametrize("typed", ["2,1", "2 1", "[2, 1]", "(2, 1)", " ( 2 , 1 ) "])
def test_stride_accepts_every_form_of_a_pair(page: Page, typed: str) -> None:
    open_example(page, FIG_9_4.href)
    page.get_by_label("Stride s").fill(typed)
    # out_h = ⌊(3 − 2 + 2)/2⌋ = 1, out_w = ⌊(3 − 2 + 1)/1⌋ = 2
    expect(page.locator('[data-matrix="output"] td')).to_have_count(2)
    expect(page.locator("#stride-error")).to_be_hidden()
    expect(page.locator("#grad_output .editor-grid input")).to_have_count(2)


def test_a_setting_it_cannot_read_is_quoted_with_the_forms_it_takes(page: Page) -> None:
    open_example(page, FIG_9_4.href)
    page.get_by_label("Stride s").fill("2;1")
    expect(page.locator("#stride-error")).to_have_text(
        "“2;1” cannot be read: type one whole number or two (rows, columns), e.g. 2 · 2,1 · 2 1 · [2, 1] · (2, 1)"
    )
    page.get_by_label("Padding p").fill("one on every side, please")
    padding = page.locator("#padding-error")
    expect(padding).to_contain_text("“one on every side, plea…” cannot be read")
    expect(padding).to_contain_text("four (top, bottom, left, right)")


@pytest.mark.parametrize("loss, first", [("cross_entropy", "1"), ("bce", "1"), ("half_sse", "0")])
def test_choosing_a_loss_right_after_a_target_starts_from_a_target_it_takes(page: Page, loss: str, first: str) -> None:
    open_example(page, FIG_9_4.href)
    page.get_by_label("A target and a loss").check()
    expect(page).to_have_url(re.compile(r"target=0,0;0,0&"))
    page.get_by_label("Loss", exact=True).select_option(loss)
    assert values(page, "target") == [first, "0", "0", "0"]
    expect(page.locator('[data-matrix="target"] td').first).to_have_attribute("data-value", first)
    expect(page.locator("#target-error")).to_be_hidden()
    expect(page.locator("#results")).not_to_have_class(re.compile("is-stale"))
    # A target the learner typed is theirs: changing the loss leaves it, and the API says why.
    page.get_by_label("T, row 1, column 2", exact=True).fill("3")
    page.get_by_label("Loss", exact=True).select_option("cross_entropy" if loss != "cross_entropy" else "bce")
    assert values(page, "target")[1] == "3"


def test_answer_cells_grow_to_show_what_was_typed(page: Page) -> None:
    open_example(page, FIG_9_4.href)
    page.get_by_role("button", name="Check my answer").click()
    page.get_by_label("Result you computed").select_option("output")
    cell = page.get_by_label("answer, row 1, column 1")
    below = page.get_by_label("answer, row 2, column 1")
    narrow = cell.bounding_box()["width"]
    cell.fill("-0.1104")
    fits = "i => i.scrollWidth <= i.clientWidth"
    assert cell.evaluate(fits), "the answer's text is cut off"
    wide = cell.bounding_box()["width"]
    assert wide > narrow, f"the cell stayed {narrow}px wide"
    assert below.bounding_box()["width"] == wide, "a column of answers keeps one width"
    cell.fill("-0.11043256789012345678")
    assert cell.bounding_box()["width"] <= 8 * 16 + 1, "answer cells stop growing at 8rem"
