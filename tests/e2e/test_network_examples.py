"""Every worked example of /network opens and shows, cell for cell, the numbers the API computes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.gallery.network import EXAMPLES

from .dom import rendered
from .network_dom import drawn_names, expected_arrays, open_network


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_example_shows_the_api_numbers(page: Page, api, example) -> None:
    answer = api(example.request, "/api/v1/network")
    open_network(page, example.href)
    expected = expected_arrays(example.request, answer)
    assert drawn_names(page) == set(expected), "the page draws other arrays than the answer holds"
    for name, cells in expected.items():
        assert rendered(page, name) == cells, f"{name} differs from the API"
    points = page.eval_on_selector_all('[data-chart="losses"] circle', "cs => cs.map(c => Number(c.dataset.value))")
    assert points == [*answer["losses"], answer["final_loss"]], "the chart's points are not the API's losses"
    # Opening a link writes nothing new into the address bar: the link is the page's own.
    assert page.url.endswith(example.href), f"{page.url} is not {example.href}"


def test_the_home_page_offers_the_network_examples(page: Page) -> None:
    page.goto("/")
    section = page.locator('[data-section="network"]')
    expect(section.get_by_role("heading", level=2)).to_have_text("A network of layers")
    links = section.get_by_role("listitem").get_by_role("link")
    expect(links).to_have_count(len(EXAMPLES))
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == [example.href for example in EXAMPLES]
    section.get_by_role("link", name="ReLU stops the gradient").click()
    expect(page).to_have_url(f"{page.url.split('/network')[0]}{EXAMPLES[1].href}")
    # Every convolution output is negative: ReLU passes back zeros, so the kernel's gradient is zero.
    expect(page.locator('[data-matrix="layers[0].param_grads.kernel"] td[data-value]')).to_have_count(4)
    kernel_grad = page.eval_on_selector_all(
        '[data-matrix="layers[0].param_grads.kernel"] td', "cs => cs.map(c => c.dataset.value)"
    )
    assert kernel_grad == ["0", "0", "0", "0"], kernel_grad
