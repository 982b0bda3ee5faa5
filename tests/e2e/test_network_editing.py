"""Editing on /network: layers added, moved and removed, cells, share links, the API's messages,
and each layer opened on its own page with the same numbers."""

from __future__ import annotations

import copy
import re

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.gallery.network import EXAMPLES, network_query

from .dom import flatten, rendered
from .network_dom import expected_arrays, link_query, open_network

TINY = EXAMPLES[0]


def shows(page: Page, request: dict, api) -> None:
    """The page's link is `request`'s and every array on it is the API's answer to it."""
    expect(page).to_have_url(re.compile(re.escape(network_query(request)) + "$"))
    answer = api(request, "/api/v1/network")
    expect(page.locator("section.net-layer")).to_have_count(len(request["layers"]))
    expected = expected_arrays(request, answer)
    cells = [
        [name, ",".join(map(str, index)), value] for name, grid in expected.items() for index, value in grid.items()
    ]
    try:  # until the answer is drawn; if it never is, the assertions below say where it differs
        page.wait_for_function(
            """cells => cells.every(([name, index, value]) =>
                Number(document.querySelector(`[data-matrix="${name}"] td[data-index="${index}"]`)?.dataset.value) === value)""",
            arg=cells,
            timeout=5000,
        )
    except PlaywrightTimeout:
        pass
    for field, cells in expected.items():
        assert rendered(page, field) == cells, f"{field} differs from the API"


def test_adding_moving_and_removing_layers_updates_the_link_and_the_results(page: Page, api) -> None:
    open_network(page, TINY.href)
    request = copy.deepcopy(TINY.request)

    page.get_by_label("New layer").select_option("tanh")
    page.get_by_role("button", name="Add layer").click()
    request["layers"].append({"type": "tanh"})
    shows(page, request, api)
    expect(page.locator("#layers-5-title")).to_be_focused()

    # By keyboard: the tanh moves above the dense layer, and focus stays on its button.
    page.get_by_role("button", name="Move layer 6 up").focus()
    page.keyboard.press("Enter")
    request["layers"].insert(4, request["layers"].pop())
    shows(page, request, api)
    expect(page.get_by_role("button", name="Move layer 5 up")).to_be_focused()

    # Without the max pooling the dense layer receives 9 numbers: its weight gains zero columns.
    page.get_by_role("button", name="Remove layer 3").click()
    del request["layers"][2]
    for row in request["layers"][4]["weight"]:
        row.extend([0] * 5)
    shows(page, request, api)
    expect(page.get_by_role("button", name="Remove layer 3")).to_be_focused()


def test_editing_cells_and_settings_updates_the_link_and_the_results(page: Page, api) -> None:
    open_network(page, TINY.href)
    request = copy.deepcopy(TINY.request)
    page.get_by_label("I¹, row 1, column 1").fill("3")
    request["input"][0][0] = 3
    shows(page, request, api)
    page.get_by_label("F¹, row 2, column 2").fill("-2")
    page.get_by_label("Training steps", exact=True).fill("4")
    page.get_by_label("Loss", exact=True).select_option("half_sse")
    request["layers"][0]["kernel"][1][1] = -2
    request.update(steps=4, loss="half_sse")
    shows(page, request, api)
    expect(page.locator('[data-chart="losses"] circle')).to_have_count(5)

    # A second kernel: a second feature map, so the bias gains a number and the dense weight 4 columns.
    page.get_by_label("Kernels in layer 1").fill("2")
    page.get_by_label("Kernels in layer 1").press("Tab")
    request["layers"][0].update(kernel=[[request["layers"][0]["kernel"]], [[[0, 0], [0, 0]]]], bias=[0, 0])
    for row in request["layers"][4]["weight"]:
        row.extend([0] * 4)
    shows(page, request, api)


def test_a_copied_link_reopens_the_same_view(page: Page, context) -> None:
    open_network(page, EXAMPLES[3].href)
    page.get_by_label("Learning rate α").fill("0.01")
    page.get_by_role("button", name="3 Backward").click()
    page.get_by_role("button", name="Next ▸").click()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied")).to_be_visible()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.url and "learning_rate=0.01" in link and "&step=" in link, link

    again = context.new_page()
    open_network(again, link)
    editors = "#editors input, #editors select"
    values = "els => els.map(e => e.value)"
    assert again.eval_on_selector_all(editors, values) == page.eval_on_selector_all(editors, values)
    for name in ("layers[0].param_grads.kernel", "layers[4].grad_input", "losses", "final_params[0].kernel"):
        assert rendered(again, name) == rendered(page, name), name
    expect(again.locator(".timeline-label")).to_have_text(page.locator(".timeline-label").inner_text())


def test_a_chain_that_does_not_fit_shows_the_layers_message(page: Page, api) -> None:
    open_network(page, TINY.href)
    before = rendered(page, "layers[4].output")
    page.get_by_role("button", name="Remove layer 4").click()  # the flatten layer
    body = copy.deepcopy(TINY.request)
    del body["layers"][3]
    [error] = api(body, "/api/v1/network", status=422)["detail"]
    assert error["field"] == "layers[3]"
    message = page.locator("#layers-3-error")
    expect(message).to_have_text(error["msg"].removeprefix("layers[3]: "))
    expect(message).to_contain_text("put a flatten layer before it")
    expect(page.locator('.net-card[data-layer="3"]')).to_have_class(re.compile("has-error"))
    expect(page.locator("#status")).to_contain_text("needs attention")
    expect(page.locator("#results")).to_have_class(re.compile("is-stale"))
    assert rendered(page, "layers[4].output") == before, "the last valid results stay"

    page.get_by_label("New layer").select_option("flatten")
    page.get_by_role("button", name="Add layer").click()
    page.get_by_role("button", name="Move layer 5 up").click()
    expect(message).to_be_hidden()
    expect(page.locator("#results")).not_to_have_class(re.compile("is-stale"))

    page.get_by_label("Window size k³").fill("0")
    expect(page.locator("#layers-2-size-error")).to_contain_text("0 is out of range")
    expect(page.get_by_label("Window size k³")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("F¹, row 1, column 2").fill("x")
    expect(page.locator("#layers-0-kernel-error")).to_have_text("row 1, column 2: “x” is not a number")
    expect(page.get_by_label("F¹, row 1, column 2")).to_have_attribute("aria-invalid", "true")


def test_each_layer_opens_on_its_own_page_with_its_numbers(page: Page, api) -> None:
    answer = api(TINY.request, "/api/v1/network")
    layers = answer["first_step"]["layers"]
    open_network(page, TINY.href)

    # The pooling and activation links carry the layer's numbers: their endpoints give its results.
    for n, path, fields in ((2, "/api/v1/activation", ("function",)), (3, "/api/v1/pool", ("mode", "size", "stride"))):
        href = page.get_by_role("link", name=re.compile(f"^Open layer {n} on the")).get_attribute("href") or ""
        query = link_query(href)
        layer = layers[n - 1]
        assert query["input"] == layer["input"] and query["grad_output"] == layer["grad_output"], href
        alone = api(
            {"input": query["input"], "grad_output": query["grad_output"], **{f: query[f] for f in fields}}, path
        )
        assert alone["output"] == layer["output"] and alone["grad_input"] == layer["grad_input"], href
    expect(page.get_by_role("link", name=re.compile("^Open layer [45] "))).to_have_count(0)

    page.get_by_role("link", name="Open layer 1 on the convolution page").click()
    expect(page).to_have_url(re.compile(r"/conv\?input=1,2,0,1;"))
    expect(page.locator('[data-matrix="output"] td[data-value]').first).to_be_attached()
    assert rendered(page, "output") == flatten(layers[0]["output"])
    assert rendered(page, "grad_output") == flatten(layers[0]["grad_output"])
    assert rendered(page, "grad_input") == flatten(layers[0]["grad_input"])
    assert rendered(page, "grad_kernel") == flatten(layers[0]["param_grads"]["kernel"])
