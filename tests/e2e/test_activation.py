"""/activation: the examples and their curves match the API, ReLU's two choices, editing, links, messages, timeline."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from app.gallery import share_query
from app.gallery.activation import EXAMPLES, FIELD_ORDER

from .dom import flatten, rendered, wait_for_numbers

BY_SLUG = {example.slug: example for example in EXAMPLES}
ACTIVATION = "/api/v1/activation"


def open_activation(page: Page, href: str) -> None:
    page.goto(href)
    expect(page.locator('[data-matrix="grad_input"] td[data-value]').first).to_be_attached()


def plotted(page: Page, stage: int) -> dict[tuple[int, ...], tuple[float, float]]:
    """The dots of a stage's curve, by the index of the cell each stands for."""
    dots = page.eval_on_selector_all(
        f'section[data-stage="{stage}"] .plot-point', "ds => ds.map(d => [d.dataset.index, d.dataset.x, d.dataset.y])"
    )
    return {tuple(int(i) for i in index.split(",")): (float(x), float(y)) for index, x, y in dots}


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_example_shows_the_api_numbers_and_its_cells_on_the_curve(page: Page, api, example) -> None:
    samples: list[list[float]] = []
    page.on(
        "request",
        lambda r: r.method == "POST" and r.url.endswith(ACTIVATION) and samples.append(json.loads(r.post_data)["input"]),
    )
    answer = api(example.request, ACTIVATION)
    open_activation(page, example.href)
    assert rendered(page, "input") == flatten(example.request["input"])
    for field in ("output", "local_derivative", "grad_output", "grad_input"):
        assert rendered(page, field) == flatten(answer[field]), f"{field} differs from the API"
    if answer["jacobian"] is None:
        assert page.locator('[data-matrix="jacobian"]').count() == 0
    else:
        assert rendered(page, "jacobian") == flatten(answer["jacobian"])
    inputs, outputs, slopes = (flatten(example.request["input"]), flatten(answer["output"]), flatten(answer["local_derivative"]))
    assert plotted(page, 0) == {k: (inputs[k], outputs[k]) for k in inputs}, "the dots are the cells at (x, y)"
    curves = [xs for xs in samples if isinstance(xs[0], (int, float))]
    if example.request["function"] == "softmax":
        assert page.locator(".plot-curve").count() == 0 and not curves, "softmax has no curve of one variable"
        return
    assert plotted(page, 1) == {k: (inputs[k], slopes[k]) for k in inputs}
    [xs] = curves
    assert len(xs) > 100 and 0 in xs and min(xs) <= min(inputs.values()) and max(xs) >= max(inputs.values())
    expect(page.locator(".plot-curve").first).to_have_attribute("d", re.compile(r"^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){20,}"))


def test_relus_two_choices_side_by_side_and_the_toggle(page: Page, api) -> None:
    example = BY_SLUG["relu-at-zero"]
    open_activation(page, example.href)
    answers = {v: api({**example.request, "relu_grad_at_zero": v}, ACTIVATION) for v in (0, 1)}
    for v, answer in answers.items():
        for field in ("local_derivative", "grad_input"):
            assert rendered(page, f"{field}@relu_grad_at_zero={v}") == flatten(answer[field]), (field, v)
    choice = page.locator('section[data-stage="4"]')
    # x₁₂ = 0 with ∂L/∂y₁₂ = 2: the weight's increment is 0 either way, the threshold's is 0 or 2α.
    expect(choice.locator(".verdict")).to_have_text(re.compile(r"Same weight increment Δw = 0 .* Δθ is 0 with f′\(0\) = 0 and 2α with f′\(0\) = 1"))
    expect(choice.get_by_role("group", name="The update at x₁₂ with f′(0) = 1")).to_contain_text("2α")
    expect(choice.get_by_text("in use")).to_have_count(1)

    choice.get_by_role("button", name="Use f′(0) = 1").click()
    expect(page).to_have_url(re.compile(r"&relu_grad_at_zero=1&"))
    wait_for_numbers(page, "grad_input", flatten(answers[1]["grad_input"]))
    expect(page.get_by_role("radio", name="f′(0) = 1")).to_be_checked()
    dot = page.locator('section[data-stage="1"] .plot-mark:not(.is-open)')
    expect(dot).to_have_count(1)
    expect(page.locator('section[data-stage="1"] .plot-mark-words').first).to_have_text("f′(0) = 1, as chosen")
    page.get_by_role("radio", name="f′(0) = 0, as PyTorch").check()
    expect(page).not_to_have_url(re.compile("relu_grad_at_zero"))
    wait_for_numbers(page, "grad_input", flatten(answers[0]["grad_input"]))


def test_editing_the_input_and_the_function_updates_the_link_and_the_results(page: Page, api) -> None:
    example = BY_SLUG["leaky-relu"]
    open_activation(page, example.href)
    page.get_by_label("x, row 1, column 1").fill("-30")
    expect(page).to_have_url(re.compile(r"[?&]input=-30,-1,0,2,4&"))
    body = {**example.request, "input": [[-30, -1, 0, 2, 4]]}
    wait_for_numbers(page, "output", flatten(api(body, ACTIVATION)["output"]))

    page.get_by_label("Slope a for x ≤ 0").fill("0.5")
    expect(page).to_have_url(re.compile(r"&negative_slope=0.5&"))
    wait_for_numbers(page, "grad_input", flatten(api({**body, "negative_slope": 0.5}, ACTIVATION)["grad_input"]))

    page.get_by_label("Function").select_option("tanh")
    expect(page).to_have_url(re.compile(r"input=-30,-1,0,2,4&function=tanh&grad_output="))
    expect(page.get_by_label("Slope a for x ≤ 0")).to_be_hidden()
    tanh = {"input": body["input"], "function": "tanh", "grad_output": body["grad_output"]}
    wait_for_numbers(page, "local_derivative", flatten(api(tanh, ACTIVATION)["local_derivative"]))
    expect(page.get_by_role("button", name="5 f′(0)")).to_have_count(0)

    page.get_by_role("radio", name="1 everywhere").check()
    expect(page).not_to_have_url(re.compile("grad_output"))
    wait_for_numbers(page, "grad_output", {key: 1.0 for key in flatten(body["input"])})


def test_a_copied_link_reopens_the_same_view(page: Page, context) -> None:
    open_activation(page, BY_SLUG["softmax"].href)
    page.get_by_role("button", name="Add a row to x").click()
    page.get_by_label("x, row 2, column 3").fill("0.5")
    expect(page).to_have_url(re.compile(r"input=1,2,3;0,0,0.5&function=softmax&grad_output=0,0,1;1,1,1"))
    expect(page.locator('section[data-stage="1"] [data-matrix="jacobian"] td')).to_have_count(36)
    page.get_by_role("button", name="4 ∂L/∂x").click()
    page.get_by_role("button", name="Next ▸").click()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied")).to_be_visible()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.url and "step=" in link, link

    again = context.new_page()
    open_activation(again, link)
    editors = "#editors input, #editors select"
    values = "els => els.map(e => e.type === 'radio' ? String(e.checked) : e.value)"
    assert again.eval_on_selector_all(editors, values) == page.eval_on_selector_all(editors, values)
    for field in ("output", "jacobian", "grad_input"):
        assert rendered(again, field) == rendered(page, field), field
    expect(again.locator(".timeline-label")).to_have_text(page.locator(".timeline-label").inner_text())


def test_bad_input_shows_the_fields_message(page: Page, api) -> None:
    example = BY_SLUG["leaky-relu"]
    open_activation(page, example.href)
    page.get_by_label("Slope a for x ≤ 0").fill("5000")
    [error] = api({**example.request, "negative_slope": 5000}, ACTIVATION, status=422)["detail"]
    assert error["field"] == "negative_slope"
    expect(page.locator("#negative_slope-error")).to_have_text(error["msg"].removeprefix("negative_slope: "))
    expect(page.get_by_label("Slope a for x ≤ 0")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#results")).to_have_class(re.compile("is-stale"))

    page.get_by_label("Slope a for x ≤ 0").fill("0.1")
    page.get_by_label("∂L/∂y, row 1, column 4").fill("1e999")
    expect(page.locator("#grad_output-error")).to_contain_text("column 4")
    expect(page.get_by_label("∂L/∂y, row 1, column 4")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#negative_slope-error")).to_be_hidden()


def test_the_timeline_fills_in_cell_by_cell_and_every_cell_explains_itself(page: Page) -> None:
    open_activation(page, BY_SLUG["relu-at-zero"].href)
    caption = page.locator(".timeline-label")
    expect(caption).to_have_text("Step 13 of 13: Everything at once")
    page.get_by_role("button", name="1 Forward").click()
    expect(page.locator('[data-matrix="output"] td.is-pending')).to_have_count(4)
    expect(page.locator('section[data-stage="1"]')).to_have_attribute("data-state", "future")
    page.locator("body").press("l")
    page.locator("body").press("l")
    expect(caption).to_have_text("Step 3 of 13: y₁₂ = f(x₁₂)")
    expect(page.locator('[data-matrix="output"] td.is-pending')).to_have_count(2)
    panel = page.get_by_label("Equation, stage 1")
    expect(panel.locator("mtr").nth(1)).to_have_text(re.compile(r"max\s*\(0,0\)"))
    expect(page.locator('section[data-stage="0"] .plot-point.is-focus')).to_have_attribute("data-index", "0,1")
    expect(page).to_have_url(re.compile(r"&step=3$"))

    page.get_by_role("button", name="6 All").click()
    for stage, field in ((0, "output"), (1, "local_derivative"), (3, "grad_input")):
        cells = page.locator(f'section[data-stage="{stage}"] [data-matrix="{field}"] td')
        for k in range(cells.count()):
            cells.nth(k).hover()
            last = page.get_by_label(f"Equation, stage {stage + 1}").locator("mtr").last
            expect(last).to_have_text(re.compile(rf"=\s*{re.escape(cells.nth(k).inner_text())}$"))
    expect(page.get_by_label("Equation, stage 2")).to_contain_text("no derivative there")


def test_softmax_over_channels_shows_the_api_numbers(page: Page, api) -> None:
    body = {
        "input": [[[-1, 0], [2, 3]], [[0, 1], [-2, 5]]],
        "function": "softmax",
        "grad_output": [[[1, 0], [0, -1]], [[2, 0], [0, 0.5]]],
    }
    answer = api(body, ACTIVATION)
    open_activation(page, f"/activation?{share_query(body, FIELD_ORDER)}")
    for field in ("output", "local_derivative", "grad_output", "grad_input", "jacobian"):
        assert rendered(page, field) == flatten(answer[field]), f"{field} differs from the API"
    page.locator('section[data-stage="3"] [data-matrix="grad_input"] td[data-index="1,1,1"]').hover()
    expect(page.get_by_label("Equation, stage 4").locator("mtr").first).to_contain_text("J8\u20638")  # J₈₈, two indices
