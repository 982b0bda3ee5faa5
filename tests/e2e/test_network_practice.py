"""Check my answer on /network: a result of one layer, checked as that layer's own problem.

The right answers are the network's own numbers; a wrong one is the result of one of the
engine's known mistakes, made on the layer's problem as the page builds it.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
from playwright.sync_api import Page, expect

from app.gallery.network import EXAMPLES, network_query

from ..api.checking import check as check_answer
from ..api.checking import layer_problem
from .audits import assert_no_serious_axe_violation
from .dom import flatten, rendered, wait_for_numbers
from .network_dom import open_network
from .test_practice import check, grid_text, mistaken, outcome

AVERAGE_POOL = next(example for example in EXAMPLES if example.slug == "average-pool")
# A square dense layer, so that ∂L/∂x = W g (W not turned) is a mistake one can make; then tanh.
SQUARE = {
    "input": [1, -1],
    "layers": [
        {"type": "dense", "weight": [[1, 2], [0, -1]], "bias": [0, 0.5]},
        {"type": "tanh"},
        {"type": "dense", "weight": [[1, -1]], "bias": 0},
    ],
    "target": [0.5],
    "loss": "half_sse",
}
SQUARE_HREF = f"/network?{network_query(SQUARE)}"


def first_step(api: Callable[..., dict[str, Any]], request: dict[str, Any]) -> list[dict[str, Any]]:
    return api(request, "/api/v1/network")["first_step"]["layers"]


def assert_withheld(page: Page, field: str, cells: int) -> None:
    """`field` is drawn blank: every cell a `?`, with no number in its text, title or `data-value`."""
    grid = page.locator(f'[data-matrix="{field}"] td')
    expect(grid).to_have_count(cells)
    expect(page.locator(f'[data-matrix="{field}"] td[data-withheld]')).to_have_count(cells)
    assert grid.evaluate_all("cs => cs.filter(c => c.dataset.value || c.title || c.textContent !== '?').length") == 0
    assert rendered(page, field) == {}, f"{field} shows numbers while it is answered"


def test_conv_layer_s_input_gradient_right_then_with_the_kernel_unrotated(page: Page, api) -> None:
    layers = first_step(api, AVERAGE_POOL.request)
    conv = layers[0]
    open_network(page, AVERAGE_POOL.href)
    check(page, "layers[0].grad_input", grid_text(conv["grad_input"]))
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂I¹: 25 of 25 cells right")
    expect(outcome(page)).to_contain_text("All right")
    expect(page.locator(".diagnosis")).to_have_count(0)
    # ∂L/∂I¹ is the first layer's: nothing else holds its numbers.
    assert_withheld(page, "layers[0].grad_input", 25)
    expect(page.locator(".practice")).to_contain_text("Hidden: ∂L/∂I¹ while you answer it.")

    kind, problem = layer_problem(AVERAGE_POOL.request["layers"][0], conv)
    unrotated = mistaken(kind, problem, "kernel_not_rotated", "grad_input")
    right = check_answer(kind, problem, "grad_input", unrotated)["counts"]["correct"]
    check(page, "layers[0].grad_input", grid_text(unrotated))
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text(f"∂L/∂I¹: {right} of 25 cells right")
    diagnosis = page.get_by_role("article").filter(has=page.get_by_role("heading", name="Likely mistake: Kernel not rotated"))
    expect(diagnosis).to_contain_text("This mistake gives exactly your numbers.")
    diagnosis.get_by_role("button", name="Show the right way: stage 3, Backward through layer 1").click()
    expect(page.locator(".timeline-label")).to_contain_text("Layer 1 · Convolution: ∂L/∂I¹, ∂L/∂F¹, ∂L/∂b¹ from ∂L/∂O¹")
    expect(page.locator('[data-matrix="layers[0].grad_input"].is-pointed-out')).to_be_in_viewport()
    expect(page.locator('[data-matrix="layers[0].grad_input"] td').first).to_be_focused()


def test_long_decimals_scroll_in_the_answer_grid_on_a_phone(page: Page, api) -> None:
    conv = first_step(api, AVERAGE_POOL.request)[0]
    page.set_viewport_size({"width": 390, "height": 844})
    open_network(page, AVERAGE_POOL.href)
    check(page, "layers[0].grad_input", grid_text(conv["grad_input"]))
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂I¹: 25 of 25 cells right")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the answer grid widens the page"


def test_a_middle_layer_s_result_is_withheld_with_the_copy_the_next_layer_holds(page: Page, api) -> None:
    layers = first_step(api, AVERAGE_POOL.request)
    open_network(page, AVERAGE_POOL.href)
    open_layer_1 = page.get_by_role("link", name="Open layer 1 on the convolution page")
    expect(open_layer_1).to_be_visible()
    check(page, "layers[1].grad_input", grid_text(layers[1]["grad_input"]))
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂I²: 16 of 16 cells right")
    # tanh's ∂L/∂I² is the convolution's ∂L/∂O¹, and the link that opens layer 1 carries it.
    assert_withheld(page, "layers[1].grad_input", 16)
    assert_withheld(page, "layers[0].grad_output", 16)
    expect(open_layer_1).to_be_hidden()

    page.get_by_role("button", name="Check my answer").click()  # leaving check mode gives the numbers back
    wait_for_numbers(page, "layers[0].grad_output", flatten(layers[1]["grad_input"]))
    expect(open_layer_1).to_be_visible()


def test_dense_and_activation_layers(page: Page, api) -> None:
    layers = first_step(api, SQUARE)
    dense, tanh = layers[0], layers[1]
    open_network(page, SQUARE_HREF)
    page.get_by_role("button", name="Check my answer").click()
    options = page.locator("#check-result optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert options == ["Layer 1 · Dense", "Layer 2 · tanh", "Layer 3 · Dense"], options

    check(page, "layers[0].param_grads.weight", grid_text(dense["param_grads"]["weight"]))
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("∂L/∂W¹: 4 of 4 cells right")
    g, w = np.array(dense["grad_output"]), np.array(dense["params"]["weight"])
    check(page, "layers[0].grad_input", grid_text((w @ g).tolist()))
    article = page.get_by_role("article").filter(has=page.get_by_role("heading", name="Likely mistake: ∂L/∂x = W g instead of Wᵀ g"))
    expect(article).to_contain_text("∂L/∂x = Wᵀ g")
    article.get_by_role("button", name="Show the right way: stage 3, Backward through layer 1").click()
    expect(page.locator(".timeline-label")).to_contain_text("Layer 1 · Dense: ∂L/∂I¹, ∂L/∂W¹, ∂L/∂b¹ from ∂L/∂O¹")

    check(page, "layers[1].output", grid_text(tanh["output"]))
    expect(outcome(page).get_by_role("heading", level=3)).to_have_text("O²: 2 of 2 cells right")
    assert_withheld(page, "layers[1].output", 2)
    assert_withheld(page, "layers[2].input", 2)  # I³ = O²


def test_a_transposed_weight_gradient_is_told_its_shape(page: Page, api) -> None:
    tiny = EXAMPLES[0]
    dense = first_step(api, tiny.request)[4]
    open_network(page, tiny.href)
    page.get_by_role("button", name="Check my answer").click()
    page.get_by_label("Result you computed").select_option("layers[4].param_grads.weight")
    page.get_by_text("Type or paste as text").last.click()
    transposed = np.outer(dense["input"], dense["grad_output"]).tolist()
    page.get_by_label(re.compile("^answer as text")).fill(grid_text(transposed))
    page.get_by_role("button", name="Apply").last.click()
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator("#check-answer-error")).to_contain_text("4×2 is the shape you get when ∂L/∂W is taken as x gᵀ")
    expect(outcome(page)).to_be_empty()


def test_a_quiz_link_hides_a_layer_s_result_until_revealed(page: Page, api) -> None:
    layers = first_step(api, AVERAGE_POOL.request)
    href = f"{AVERAGE_POOL.href}&hide=layers[2].grad_input"
    page.goto(href)
    expect(page.locator('[data-matrix="layers[2].output"] td[data-value]').first).to_be_attached()
    assert_withheld(page, "layers[2].grad_input", 16)
    assert_withheld(page, "layers[1].grad_output", 16)
    expect(page.locator(".practice")).to_contain_text("Hidden: ∂L/∂I³.")
    assert page.url.endswith(href), f"{page.url} is not {href}"
    page.get_by_text("Make a quiz link").click()
    expect(page.get_by_role("checkbox", name="∂L/∂I³, the gradient layer 3 hands on")).to_be_checked()
    page.get_by_role("button", name="Reveal all").click()
    wait_for_numbers(page, "layers[1].grad_output", flatten(layers[2]["grad_input"]))
    page.get_by_role("checkbox", name="∂L/∂F¹, the kernel gradient").check()
    expect(page).to_have_url(re.compile(r"&hide=layers\[0\]\.param_grads\.kernel,layers\[2\]\.grad_input$"))
    assert rendered(page, "layers[0].param_grads.kernel") == {}


def test_axe_with_check_mode_open_and_a_diagnosis(page: Page, api) -> None:
    dense = first_step(api, SQUARE)[0]
    page.set_viewport_size({"width": 390, "height": 844})
    open_network(page, SQUARE_HREF)
    check(page, "layers[0].grad_input", grid_text((np.array(dense["params"]["weight"]) @ dense["grad_output"]).tolist()))
    expect(page.get_by_role("heading", name="Likely mistake: ∂L/∂x = W g instead of Wᵀ g")).to_be_visible()
    page.get_by_text("Make a quiz link").click()
    assert_no_serious_axe_violation(page)
