"""Check my answer, quiz links and seeded exercises on /conv, /pool, /activation and /rnn.

A wrong answer is the result of one of the engine's known mistakes, made on the page's own
problem; the page must name that mistake and show where the right way is drawn.
"""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any, Callable
from urllib.parse import quote

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from app.api.problems import MISTAKES, PAIRS, solve
from app.api.schemas.check import PROBLEMS
from app.settings import Settings

from .audits import assert_no_serious_axe_violation, assert_nothing_ran, record_dialogs
from .dom import flatten, rendered, wait_for_numbers

FIG_9_4 = "/conv?input=1,2,3;4,5,6;7,8,9&kernel=1,2;3,4&grad_output=1,2;-1,1"
# Fig. 9.4 with ∂L/∂I computed with the kernel as typed (app/api/schemas/check.py's example).
UNROTATED = "4 11 6\n-2 6 5\n-2 1 1"
RIGHT = "1 4 4\n2 9 10\n-3 -1 4"


def mistaken(kind: str, body: dict[str, Any], mistake: str, result: str) -> Any:
    """What a learner who makes `mistake` writes for `result` (`steps[i].name` for a step's)."""
    response, problem = solve(kind, PROBLEMS[kind].model_validate(body), Settings())
    (variant,) = next(m for m in MISTAKES[kind] if m.id == mistake).compute(problem)
    step = re.fullmatch(r"steps\[(\d+)\]\.(\w+)", result)
    if step:
        return variant.results[f"steps.{step[2]}"][int(step[1])].tolist()
    return np.reshape(variant.results[result], np.shape(response[result])).tolist()  # nested as the page's answer


def grid_text(value: Any) -> str:
    """A matrix (or a vector, as one row) as the answer editor's text."""
    rows = value if isinstance(value[0], list) else [value]
    return "\n".join(" ".join(f"{v:g}" for v in row) for row in rows)


def exercise(base_url: str, kind: str, seed: int, difficulty: str = "easy") -> dict[str, Any]:
    url = f"{base_url}/api/v1/exercise?kind={kind}&seed={seed}&difficulty={difficulty}"
    with urllib.request.urlopen(url) as response:
        return json.load(response)["exercises"][0]


def open_page(page: Page, href: str) -> None:
    page.goto(href)
    expect(page.locator(".timeline-label")).to_contain_text("Step")


def check(page: Page, result: str, answer: str, step: int | None = None) -> None:
    """Open check mode (if closed), choose `result`, paste `answer` into the grid and send it."""
    toggle = page.get_by_role("button", name="Check my answer")
    if toggle.get_attribute("aria-pressed") == "false":
        toggle.click()
    page.get_by_label("Result you computed").select_option(result)
    if step is not None:
        page.get_by_label("Step t", exact=True).select_option(str(step))
    page.evaluate("text => navigator.clipboard.writeText(text)", answer)
    page.get_by_label("answer, row 1, column 1").focus()
    page.keyboard.press("ControlOrMeta+V")
    page.get_by_role("button", name="Check", exact=True).click()


def outcome(page: Page) -> Any:
    return page.locator(".check-outcome")


def test_conv_right_answer_then_unrotated_kernel(page: Page) -> None:
    open_page(page, FIG_9_4)
    check(page, "grad_input", RIGHT)
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂I: 9 of 9 cells right")
    expect(outcome(page)).to_contain_text("All right")
    expect(page.locator(".diagnosis")).to_have_count(0)
    # While it is answered, ∂L/∂I is on the page without its numbers, and so is ∂L/∂P (the same here).
    for field in ("grad_input", "grad_padded_input"):
        expect(page.locator(f'[data-matrix="{field}"] td[data-withheld]')).to_have_count(9)
        assert rendered(page, field) == {}, f"{field} shows numbers while it is answered"

    check(page, "grad_input", UNROTATED)
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂I: 0 of 9 cells right")
    marked = page.locator('[data-matrix="answer"] td')
    expect(marked).to_have_count(9)
    assert marked.evaluate_all("cs => cs.map(c => [c.dataset.correct, c.dataset.expected, c.dataset.difference])")[:2] == [
        ["false", "1", "3"],
        ["false", "4", "7"],
    ]
    marked.nth(1).focus()
    expect(page.locator(".check-cell")).to_have_text("Cell (1, 2): you wrote 11, the right number is 4 (difference +7).")
    diagnosis = page.get_by_role("article").filter(has=page.get_by_role("heading", name="Likely mistake: Kernel not rotated"))
    expect(diagnosis).to_contain_text("This mistake gives exactly your numbers.")
    expect(diagnosis).to_contain_text("eq. 9.9, Fig. 9.6")
    diagnosis.get_by_role("button", name="Show the right way: stage 4, ∂L/∂I").click()
    expect(page.locator(".timeline-label")).to_contain_text("Rotate the kernel by 180°")
    expect(page.locator('.stage[data-stage="3"]')).to_have_attribute("data-state", "current")
    expect(page.locator('[data-matrix="rotated_kernel"].is-pointed-out').first).to_be_in_viewport()
    expect(page.locator('[data-matrix="rotated_kernel"] td').first).to_be_focused()


def test_conv_stride_2_without_upsampling(page: Page) -> None:
    body = {"input": [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]], "kernel": [[1, 2], [0, -1]], "stride": 2, "grad_output": [[1, 2], [-1, 3]]}
    wrong = mistaken("conv", body, "stride_not_upsampled", "grad_input")
    open_page(page, "/conv?input=1,2,0,1;0,1,3,1;2,1,1,0;1,0,2,2&kernel=1,2;0,-1&stride=2&grad_output=1,2;-1,3")
    check(page, "grad_input", grid_text(wrong))
    expect(page.get_by_role("heading", name="Likely mistake: Stride upsampling skipped")).to_be_visible()
    page.get_by_role("button", name="Show the right way: stage 2, ∂L/∂O").click()
    expect(page.locator(".timeline-label")).to_contain_text("Upsample ∂L/∂O by the stride")
    expect(page.locator('[data-matrix="upsampled_grad"].is-pointed-out').first).to_be_in_viewport()


def test_conv_two_mistakes_made_together_are_both_named(page: Page) -> None:
    """∂L/∂I of a stride-2 layer with neither the upsampling nor the rotation: a button to each stage."""
    body = {"input": [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]], "kernel": [[1, 2], [0, -1]], "stride": 2, "grad_output": [[1, 2], [-1, 3]]}
    pair = next(m for m in PAIRS["conv"] if m.id == "kernel_not_rotated+stride_not_upsampled")
    response, problem = solve("conv", PROBLEMS["conv"].model_validate(body), Settings())
    (variant,) = pair.compute(problem)
    wrong = np.reshape(variant.results["grad_input"], np.shape(response["grad_input"])).tolist()
    open_page(page, "/conv?input=1,2,0,1;0,1,3,1;2,1,1,0;1,0,2,2&kernel=1,2;0,-1&stride=2&grad_output=1,2;-1,3")
    check(page, "grad_input", grid_text(wrong))
    article = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Likely mistakes: Kernel not rotated, and stride upsampling skipped")
    )
    expect(article).to_contain_text("These two mistakes made together give exactly your numbers.")
    article.get_by_role("button", name="Show the right way for “Stride upsampling skipped”: stage 2, ∂L/∂O").click()
    expect(page.locator(".timeline-label")).to_contain_text("Upsample ∂L/∂O by the stride")
    article.get_by_role("button", name="Show the right way for “Kernel not rotated”: stage 4, ∂L/∂I").click()
    expect(page.locator(".timeline-label")).to_contain_text("Rotate the kernel by 180°")


def test_pool_gradient_sent_to_every_cell_of_one_window_is_named_for_those_cells(page: Page) -> None:
    open_page(page, "/pool?input=1,5,2,0;3,2,8,1;0,4,1,1;6,2,3,9&mode=max&size=2&grad_output=1,2;3,4")
    check(page, "grad_input", "1 1 0 0\n1 1 2 0\n0 0 0 0\n3 0 0 4")
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂I: 13 of 16 cells right")
    article = page.get_by_role("article").filter(has_text="Max-pooling gradient sent to every cell")
    expect(article).to_contain_text("These 3 cells look like this mistake, made there only: (1, 1), (2, 1), (2, 2).")
    expect(article).to_have_attribute("data-explains", "part")


def test_rnn_offers_the_loss_to_check(page: Page, base_url: str, api: Callable[..., dict[str, Any]]) -> None:
    expected = api(exercise(base_url, "rnn", 42)["problem"], "/api/v1/rnn")
    last = len(expected["steps"])
    open_page(page, f"/rnn?seed=42&step={last + 2}")  # h⁰, the forward pass, then the step that adds up L
    page.get_by_role("button", name="Check my answer").click()
    page.get_by_label("Result you computed").select_option("loss")
    total = f"{expected['loss']:g}"
    expect(page.locator(".timeline-label")).to_contain_text("L = Σₜ Lᵗ")
    page.locator(f'[data-matrix="steps[{last - 1}].loss"] td').first.hover()
    assert total not in page.locator("body").inner_text(), f"L = {total} shows while it is being checked"
    check(page, "loss", f"{expected['loss']:.6g}")
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("L: right")


def test_pool_max_gradient_sent_to_every_cell(page: Page) -> None:
    body = {"input": [[1, 5, 2, 0], [3, 2, 8, 1], [0, 4, 1, 1], [6, 2, 3, 9]], "mode": "max", "size": 2, "grad_output": [[1, 2], [3, 4]]}
    open_page(page, "/pool?input=1,5,2,0;3,2,8,1;0,4,1,1;6,2,3,9&mode=max&size=2&grad_output=1,2;3,4")
    check(page, "grad_input", "0 1 0 0\n0 0 2 0\n0 0 0 0\n3 0 0 4")
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂I: 16 of 16 cells right")
    check(page, "grad_input", grid_text(mistaken("pool", body, "max_grad_to_every_cell", "grad_input")))
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂I: 4 of 16 cells right")
    article = page.get_by_role("article").filter(has_text="Max-pooling gradient sent to every cell")
    expect(article).to_contain_text("Fig. 9.9")
    article.get_by_role("button", name=re.compile("^Show the right way: stage 3")).click()
    expect(page.locator(".timeline-stages button[aria-current=step]")).to_have_text("3 Route back")
    expect(page.locator('[data-matrix="mask"].is-pointed-out')).to_be_in_viewport()


def test_activation_other_choice_of_relu_derivative_at_zero(page: Page) -> None:
    body = {"input": [[-2, 0], [1, 3]], "function": "relu", "grad_output": [[2, 5], [-1, 4]]}
    open_page(page, "/activation?input=-2,0;1,3&function=relu&grad_output=2,5;-1,4")
    check(page, "grad_input", "0 0\n-1 4")
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂x: 4 of 4 cells right")
    check(page, "grad_input", grid_text(mistaken("activation", body, "relu_zero_choice", "grad_input")))
    expect(page.locator('[data-matrix="answer"] td[data-correct="false"]')).to_have_count(1)
    expect(page.get_by_role("heading", name="Likely mistake: The other choice of ReLU's derivative at 0")).to_be_visible()
    # ReLU's comparison draws ∂L/∂x for both choices: both are withheld with it.
    assert rendered(page, "grad_input@relu_grad_at_zero=0") == {}
    page.get_by_role("button", name="Show the right way: stage 4, ∂L/∂x").click()
    expect(page.locator(".timeline-stages button[aria-current=step]")).to_have_text("4 ∂L/∂x")


def test_rnn_bptt_without_the_next_step(page: Page, base_url: str) -> None:
    problem = exercise(base_url, "rnn", 42)["problem"]
    open_page(page, "/rnn?seed=42")
    wrong = mistaken("rnn", problem, "bptt_without_next_term", "steps[0].grad_h")
    check(page, "steps[].grad_h", grid_text(wrong), step=0)
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂h¹: wrong")
    article = page.get_by_role("article").filter(has_text="BPTT without the term from the next step")
    expect(article).to_contain_text("Wᵀ∂L/∂aᵗ⁺¹")
    article.get_by_role("button", name=re.compile("^Show the right way: stage 2")).click()
    expect(page.locator(".timeline-stages button[aria-current=step]")).to_have_text("2 Back through time")
    expect(page.locator('[data-matrix="steps[0].grad_h_from_next"].is-pointed-out')).to_be_visible()
    check(page, "steps[].grad_h", grid_text(exercise(base_url, "rnn", 42)["answers"]["steps[0].grad_h"]), step=0)
    expect(outcome(page)).to_contain_text("All right")


def test_bad_answers_get_the_fields_message(page: Page) -> None:
    open_page(page, FIG_9_4)
    check(page, "grad_input", "1 4 4 0\n2 9 10 0\n-3 -1 4 0\n0 0 0 0")
    message = page.locator("#check-answer-error")
    expect(message).to_have_text("has shape 4×4 but grad_input has shape 3×3 (4×4 is the shape of padded_upsampled_grad)")
    expect(outcome(page)).to_be_empty()
    page.get_by_role("button", name="Remove the last row of answer").click()
    page.get_by_role("button", name="Remove the last column of answer").click()
    page.get_by_label("answer, row 2, column 3").fill("ten")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(message).to_have_text("row 2, column 3: expected a number, got a string")
    expect(page.get_by_label("answer, row 2, column 3")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("answer, row 2, column 3").fill("10")
    page.get_by_label("Allowed error ±").fill("-1")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator("#check-tolerance-error")).to_contain_text("greater than or equal to 0")
    expect(message).to_be_hidden()


def test_quiz_link_hides_results_until_revealed(page: Page, base_url: str, api: Callable[..., dict[str, Any]]) -> None:
    problem = exercise(base_url, "conv", 42)["problem"]
    expected = api(problem)
    open_page(page, "/conv?seed=42&hide=grad_input")
    hidden = page.locator('[data-matrix="grad_input"] td')
    expect(hidden.first).to_have_text("?")
    cells = len(flatten(expected["grad_input"]))
    expect(page.locator('[data-matrix="grad_input"] td[data-withheld]')).to_have_count(cells)
    # Not in the document at all: no value, no title, no text, nor in an equation.
    assert hidden.evaluate_all("cs => cs.filter(c => c.dataset.value || c.title || c.textContent !== '?').length") == 0
    assert rendered(page, "grad_input") == {} and rendered(page, "grad_padded_input") == {}
    expect(page.locator('.stage[data-stage="3"] .equation-panel')).to_contain_text("would give a hidden number away")
    expect(page.locator('.stage[data-stage="3"] .equation-panel math')).to_have_count(0)

    first, second = hidden.nth(0), hidden.nth(1)
    first.click()
    expect(first).to_have_attribute("data-value", str(expected["grad_input"][0][0]).removesuffix(".0"))
    second.focus()
    page.keyboard.press("Enter")
    expect(second).to_have_attribute("data-value", str(expected["grad_input"][0][1]).removesuffix(".0"))
    expect(page.locator('[data-matrix="grad_input"] td[data-withheld]')).to_have_count(cells - 2)

    page.get_by_role("button", name="Reveal all").click()
    wait_for_numbers(page, "grad_input", flatten(expected["grad_input"]))
    wait_for_numbers(page, "grad_padded_input", flatten(expected["grad_padded_input"]))
    expect(page.locator('.stage[data-stage="3"] .equation-panel math')).to_have_count(1)
    assert "hide=grad_input" in page.url, page.url


def test_teacher_hides_results_and_copies_the_quiz_link(page: Page) -> None:
    open_page(page, "/conv?seed=7")
    assert rendered(page, "grad_kernel") != {}
    page.get_by_text("Make a quiz link").click()
    page.get_by_role("checkbox", name="∂L/∂F, the kernel gradient (eq. 9.8)").check()
    expect(page.locator('[data-matrix="grad_kernel"] td[data-withheld]').first).to_be_attached()
    assert rendered(page, "grad_kernel") == {}
    expect(page).to_have_url(re.compile(r"/conv\?seed=7&hide=grad_kernel$"))
    page.get_by_role("button", name="Hide what the exercise asks").click()
    expect(page).to_have_url(re.compile(r"hide=output,grad_kernel,grad_input$"))
    expect(page.get_by_role("checkbox", name="O, the output (eq. 9.5)")).to_be_checked()
    page.get_by_role("button", name="Copy quiz link").click()
    expect(page.get_by_text("Quiz link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == page.url


@pytest.mark.parametrize("kind, path", [("conv", "/conv"), ("pool", "/pool"), ("activation", "/activation")])
def test_a_seed_link_opens_that_exercise(page: Page, base_url: str, api: Callable[..., dict[str, Any]], kind: str, path: str) -> None:
    drawn = exercise(base_url, kind, 42, "medium")
    endpoint = {"conv": "/api/v1/conv2d", "pool": "/api/v1/pool", "activation": "/api/v1/activation"}[kind]
    expected = api(drawn["problem"], endpoint)
    open_page(page, f"{path}?seed=42&difficulty=medium")
    wait_for_numbers(page, "output", flatten(expected["output"]))
    first = np.asarray(drawn["problem"]["input"]).flat[0]
    name = {"conv": "I", "pool": "I", "activation": "x"}[kind]
    expect(page.get_by_label(re.compile(rf"^{name}(, channel 1)?, row 1, column 1$"))).to_have_value(f"{first:g}")
    expect(page).to_have_url(re.compile(rf"{path}\?seed=42&difficulty=medium$"))
    expect(page.locator(".practice")).to_contain_text("Exercise 42 (medium)")


def test_new_exercise_and_editing_leave_the_seed(page: Page, base_url: str, api: Callable[..., dict[str, Any]]) -> None:
    open_page(page, "/rnn?seed=3&hide=grad_W")
    page.get_by_label("Difficulty").select_option("medium")
    page.get_by_role("button", name="New exercise").click()
    expect(page).to_have_url(re.compile(r"/rnn\?seed=\d+&difficulty=medium&hide=grad_W$"))
    seed = int(re.search(r"seed=(\d+)", page.url)[1])
    expected = api(exercise(base_url, "rnn", seed, "medium")["problem"], "/api/v1/rnn")
    wait_for_numbers(page, "grad_U", flatten(expected["grad_U"]))
    assert rendered(page, "grad_W") == {}
    page.get_by_label("x, row 1, column 1").fill("5")
    expect(page).not_to_have_url(re.compile("seed="))
    expect(page).to_have_url(re.compile(r"x=5.*&hide=grad_W$"))


def test_axe_on_check_mode_with_a_diagnosis(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, FIG_9_4 + "&hide=grad_kernel")
    check(page, "grad_input", UNROTATED)
    expect(page.get_by_role("heading", name="Likely mistake: Kernel not rotated")).to_be_visible()
    page.get_by_text("Make a quiz link").click()
    assert_no_serious_axe_violation(page)


def test_markup_in_the_quiz_fields_of_a_link_runs_nothing(page: Page) -> None:
    dialogs = record_dialogs(page)
    payload = quote('<img src=x onerror="window.__pwned=1">', safe="")
    open_page(page, f"/pool?seed={payload}&difficulty={payload}&hide=grad_input,{quote('<script>window.__pwned=1</script>', safe='')}")
    # The seed and difficulty are not read; the one real name in `hide` is.
    expect(page.locator(".practice")).not_to_contain_text("Exercise")
    expect(page.locator('[data-matrix="grad_input"] td[data-withheld]').first).to_be_attached()
    page.get_by_text("Make a quiz link").click()
    expect(page.locator(".quiz-choices input:checked")).to_have_count(1)
    assert_nothing_ran(page, dialogs)
    assert page.locator("main img, main script").count() == 0
