"""/pool: the examples match the API, every cell explains itself, editing, ties, links, messages, timeline."""

from __future__ import annotations

import copy
import re

import pytest
from playwright.sync_api import Page, expect

from app.gallery import share_query
from app.gallery.pool import EXAMPLES, FIELD_ORDER

from .dom import flatten, rendered, wait_for_numbers

BY_SLUG = {example.slug: example for example in EXAMPLES}
POOL = "/api/v1/pool"


def open_pool(page: Page, href: str) -> None:
    page.goto(href)
    expect(page.locator('[data-matrix="grad_input"] td[data-value]').first).to_be_attached()


def dust(value: float, answer: dict) -> bool:
    """Whether `value` is float rounding next to the gradient's total, which the page shows as 0."""
    return abs(value) <= 1e-9 * max(1.0, abs(answer["sums"]["grad_output"]))


def sums(page: Page) -> dict[str, float]:
    return dict(page.eval_on_selector_all("[data-sum]", "els => els.map(e => [e.dataset.sum, Number(e.dataset.value)])"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_example_shows_the_api_numbers(page: Page, api, example) -> None:
    answer = api(example.request, POOL)
    open_pool(page, example.href)
    assert rendered(page, "input") == flatten(example.request["input"]), "the input's cells (padding has no data-value)"
    for field in ("output", "grad_output", "grad_input", "mask"):
        assert rendered(page, field) == flatten(answer[field]), f"{field} differs from the API"
    ties = answer["tie_counts"] and max(flatten(answer["tie_counts"]).values()) > 1
    if ties:
        assert rendered(page, "tie_counts") == flatten(answer["tie_counts"])
    else:
        assert page.locator('[data-matrix="tie_counts"]').count() == 0
    expected = {key: value for key, value in answer["sums"].items() if key != "padding" or not dust(value, answer)}
    assert sums(page) == expected, f"sums {sums(page)}, API {answer['sums']}"
    verdict = page.locator(".verdict")
    preserved = answer["sums"]["grad_input"] == answer["sums"]["grad_output"]
    expect(verdict).to_contain_text("Preserved" if preserved else "Not preserved")


def test_the_chapters_figures_explain_each_cell(page: Page) -> None:
    # Fig. 9.8: the yellow window's average 4 goes back as 4 ÷ 4 = 1 to each of its cells.
    open_pool(page, BY_SLUG["fig-9-8"].href)
    route = page.locator('section[data-stage="2"]')
    route.locator('[data-matrix="grad_output"] td').first.hover()
    panel = page.get_by_label("Equation, stage 3")
    expect(panel).to_contain_text("Fig. 9.8")
    expect(panel.locator("mtr").first).to_have_text(re.compile(r"÷\s*4\s*=\s*4\s*÷\s*4"))
    expect(panel.locator("mtr").nth(1)).to_have_text(re.compile(r"^=\s*1$"))
    expect(route.locator('[data-matrix="grad_input"] td.is-source')).to_have_count(4)
    # Stepping: after the first window only its four cells hold their 1; the rest wait for theirs.
    page.get_by_role("button", name="3 Route back").click()
    expect(route.locator('[data-matrix="grad_input"] td.is-pending')).to_have_count(12)
    assert route.locator('[data-matrix="grad_input"] td:not(.is-pending)').all_inner_texts() == ["1"] * 4

    # Fig. 9.9: O₁₁ = max(1, 3, 8, 5) = 8, and its gradient 8 goes to I₂₁ alone.
    open_pool(page, BY_SLUG["fig-9-9"].href)
    forward = page.locator('section[data-stage="0"]')
    forward.locator('[data-matrix="output"] td').first.hover()
    panel = page.get_by_label("Equation, stage 1")
    expect(panel.locator("mtr").nth(1)).to_have_text(re.compile(r"max\s*\(1,3,8,5\)"))
    sources = forward.locator('[data-matrix="input"] td.is-source')
    assert sources.evaluate_all("cells => cells.map(c => c.dataset.value)") == ["8"]
    expect(forward.locator('[data-matrix="input"] td.is-window')).to_have_count(4)

    route = page.locator('section[data-stage="2"]')
    cells = route.locator('[data-matrix="grad_input"] td')
    for k in range(cells.count()):  # every cell of ∂L/∂I has its equation, ending in its own number
        cells.nth(k).hover()
        expect(page.get_by_label("Equation, stage 3").locator("mtr").last).to_have_text(
            re.compile(rf"=\s*{re.escape(cells.nth(k).inner_text())}$")
        )
    route.locator('[data-matrix="grad_input"] td[data-index="1,0"]').hover()
    # I₂₁: row 2 and column 1 are two numbers, an invisible separator (U+2063) between them.
    expect(page.get_by_label("Equation, stage 3")).to_contain_text("I2\u20631")
    lit = route.locator('[data-matrix="grad_output"] td.is-source')
    assert lit.evaluate_all("cells => cells.map(c => c.dataset.index)") == ["0,0"]


def test_editing_updates_the_link_and_the_results(page: Page, api) -> None:
    example = BY_SLUG["fig-9-9"]
    open_pool(page, example.href)
    page.get_by_label("I, row 1, column 1").fill("9")
    expect(page).to_have_url(re.compile(r"[?&]input=9,3,2,4;8,5,6,0;"))
    body = copy.deepcopy(example.request)
    body["input"][0][0] = 9
    answer = api(body, POOL)
    expect(page.locator('[data-matrix="output"] td[data-index="0,0"]')).to_have_attribute("data-value", "9")
    for field in ("output", "grad_input", "mask"):
        assert rendered(page, field) == flatten(answer[field]), field

    # A stride of 1 makes 3 × 3 windows; the given ∂L/∂O follows the new shape, keeping its numbers.
    page.get_by_label("Stride s").fill("1")
    expect(page).to_have_url(re.compile(r"&stride=1&grad_output=8,6,1;3,7,1;1,1,1$"))
    expect(page.locator('section[data-stage="0"] [data-matrix="output"] td')).to_have_count(9)
    expect(page.locator('section[data-stage="2"] .lead')).to_contain_text("The windows overlap")

    page.get_by_label("Pooling").select_option("avg")
    expect(page).to_have_url(re.compile(r"&mode=avg&"))
    expect(page.get_by_role("group", name="Tie rule, when a window holds its maximum twice")).to_be_hidden()
    body.update(stride=1, mode="avg", grad_output=[[8, 6, 1], [3, 7, 1], [1, 1, 1]])
    wait_for_numbers(page, "grad_input", flatten(api(body, POOL)["grad_input"]))
    expect(page.locator('[data-matrix="output"] td[data-index="0,0"]')).to_have_attribute("data-value", "6.25")


def test_the_tie_rule_switch_changes_the_routing_and_the_total(page: Page, api) -> None:
    example = BY_SLUG["ties"]
    open_pool(page, example.href)
    rules = page.get_by_role("group", name="Tie rule, when a window holds its maximum twice")
    for rule, verdict in (("first", "Preserved"), ("all", "Not preserved"), ("split", "Preserved")):
        rules.get_by_role("radio", name=re.compile(f"^{rule}:")).check()
        expect(page).to_have_url(re.compile("&ties=all&" if rule == "all" else r"&ties=split&" if rule == "split" else "&size=2&grad"))
        answer = api({**example.request, "ties": rule}, POOL)
        wait_for_numbers(page, "grad_input", flatten(answer["grad_input"]))
        expect(page.locator(".verdict")).to_contain_text(verdict)
        assert sums(page)["grad_input"] == answer["sums"]["grad_input"]
    # I₁₁, I₁₂ and I₂₂ share O₁₁'s maximum 2: split gives each a third of ∂L/∂O₁₁ = 3.
    page.locator('section[data-stage="2"] [data-matrix="grad_output"] td').first.hover()
    panel = page.get_by_label("Equation, stage 3")
    expect(panel).to_contain_text("tie for the maximum and share the gradient")
    expect(panel.locator("mtr").nth(1)).to_have_text(re.compile(r"^=\s*1$"))


def test_a_copied_link_reopens_the_same_view(page: Page, context) -> None:
    open_pool(page, BY_SLUG["avg-padding"].href)
    page.get_by_label("∂L/∂O, row 2, column 2").fill("-8")
    page.get_by_role("button", name="3 Route back").click()
    page.get_by_role("button", name="Next ▸").click()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied")).to_be_visible()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.url and "grad_output=4,4,4;4,-8,4;4,4,4" in link and "step=" in link, link

    again = context.new_page()
    open_pool(again, link)
    editors = "#editors input, #editors select"
    values = "els => els.map(e => e.type === 'radio' ? String(e.checked) : e.value)"
    assert again.eval_on_selector_all(editors, values) == page.eval_on_selector_all(editors, values)
    for field in ("output", "grad_output", "grad_input"):
        assert rendered(again, field) == rendered(page, field), field
    assert sums(again) == sums(page)
    expect(again.locator(".timeline-label")).to_have_text(page.locator(".timeline-label").inner_text())


def test_bad_input_shows_the_fields_message(page: Page, api) -> None:
    example = BY_SLUG["fig-9-8"]
    open_pool(page, example.href)
    page.get_by_label("Padding p").fill("2")
    [error] = api({**example.request, "padding": 2}, POOL, status=422)["detail"]
    assert error["field"] == "padding"
    expect(page.locator("#padding-error")).to_have_text(error["msg"].removeprefix("padding: "))
    expect(page.get_by_label("Padding p")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#results")).to_have_class(re.compile("is-stale"))
    assert rendered(page, "output") == flatten([[4, 3], [2, 2]]), "the last good result stays"

    page.get_by_label("Padding p").fill("")
    page.get_by_label("I, row 2, column 3").fill("six")
    expect(page.locator("#input-error")).to_have_text("row 2, column 3: “six” is not a number")
    expect(page.get_by_label("I, row 2, column 3")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#padding-error")).to_be_hidden()
    page.get_by_label("I, row 2, column 3").fill("6")
    expect(page.locator("#input-error")).to_be_hidden()
    expect(page.locator("#results")).not_to_have_class(re.compile("is-stale"))


def test_the_timeline_routes_window_by_window_and_overlaps_add_up(page: Page) -> None:
    example = BY_SLUG["overlapping-max"]  # the 9 is every window's maximum: 1 + 2 + 3 + 4 = 10
    open_pool(page, example.href)
    caption = page.locator(".timeline-label")
    expect(caption).to_have_text("Step 13 of 13: Everything at once")

    page.get_by_role("button", name="1 Forward").click()
    expect(page.locator('[data-matrix="output"] td.is-pending')).to_have_count(4)
    page.locator("body").press("l")
    expect(caption).to_contain_text("Step 2 of 13: O₁₁ = max of its window")
    expect(page.locator('[data-matrix="output"] td.is-pending')).to_have_count(3)
    expect(page).to_have_url(re.compile(r"&step=2$"))

    nine = page.locator('section[data-stage="2"] [data-matrix="grad_input"] td[data-index="1,1"]')
    page.get_by_role("button", name="3 Route back").click()
    expect(caption).to_contain_text("Step 8 of 13: ∂L/∂O₁₁ goes to its window's maximum")
    expect(nine).to_have_text("1")
    expect(nine).to_have_class(re.compile("is-partial"))
    expect(nine).to_have_attribute("data-added", "+1")
    page.get_by_role("button", name="Next ▸").click()
    expect(nine).to_have_text("3")
    expect(nine).to_have_attribute("data-added", "+2")
    expect(page.get_by_label("Equation, stage 3")).to_contain_text("so far")
    page.get_by_role("slider", name="Step").fill("10")  # the fourth window
    expect(nine).to_have_text("10")
    expect(nine).not_to_have_class(re.compile("is-partial"))
    assert nine.get_attribute("data-value") == "10", "data-value holds the final number at every step"
    page.locator("body").press("j")
    expect(nine).to_have_text("6")
    page.get_by_role("button", name="5 All").click()
    expect(page.locator("td.is-pending, td.is-partial")).to_have_count(0)


def test_channels_uneven_stride_and_padding_show_the_api_numbers(page: Page, api) -> None:
    body = {
        "input": [[[3, 1, 4, 1, 5], [9, 2, 6, 5, 3], [5, 8, 9, 7, 9]], [[-1, -1, 0, 2, 2], [0, 0, 1, 1, 2], [7, 7, 7, 0, 0]]],
        "mode": "max",
        "size": [2, 3],
        "stride": [1, 2],
        "padding": [1, 0, 0, 1],
        "ties": "all",
        "grad_output": [[[1, -2], [3, 0.5], [2, 2]], [[0.25, 1], [-1, 4], [2, -3]]],
    }
    answer = api(body, POOL)
    open_pool(page, f"/pool?{share_query(body, FIELD_ORDER)}")
    for field in ("output", "grad_output", "grad_input", "mask", "tie_counts"):
        assert rendered(page, field) == flatten(answer[field]), f"{field} differs from the API"
    assert sums(page)["grad_input"] == answer["sums"]["grad_input"]
    expect(page.locator('section[data-stage="0"] [data-matrix="input"] td.is-padding')).to_have_count(2 * (4 * 6 - 15))


def test_max_pooling_with_padding_preserves_the_total_despite_rounding(page: Page, api) -> None:
    # Max pooling pads with −∞, which is never a maximum: nothing lands on the padding. Summing
    # ∂L/∂P and ∂L/∂I in different orders may still leave a residue such as −8.9e−16.
    request = {
        "input": [[-0.802, -1.324, -0.248, 0.42], [1.136, 0.11, -0.553, -0.785], [0.749, 1.635, 0.273, -1.233], [-0.958, 1.6, 0.203, -1.732]],
        "mode": "max",
        "size": 3,
        "stride": 1,
        "padding": 1,
        "grad_output": [[-0.084, -1.163, -0.629, -0.488], [-0.713, 0.553, -0.063, -0.589], [0.41, 0.83, -1.643, -0.257], [-0.981, -0.173, -1.289, 0.021]],
    }
    answer = api(request, POOL)
    assert dust(answer["sums"]["padding"], answer), answer["sums"]
    open_pool(page, f"/pool?{share_query(request, FIELD_ORDER)}")
    expect(page.locator(".verdict")).to_contain_text("Preserved")
    expect(page.locator(".verdict")).not_to_contain_text("Not preserved")
    expect(page.locator('[data-sum="padding"]')).to_have_count(0)
    total = page.get_by_label("Equation, stage 4")
    expect(total).to_contain_text("The total gradient")
    expect(total).not_to_contain_text("shares on the padding")
    assert sums(page) == {"grad_output": answer["sums"]["grad_output"], "grad_input": answer["sums"]["grad_input"]}
