"""Every recurrent-network example opens and shows, number for number, what the API computes."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from app.gallery.rnn import EXAMPLES

from .dom import flatten
from .rnn_dom import all_grids, expected_grids, open_rnn, series

BY_SLUG = {example.slug: example for example in EXAMPLES}


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_example_shows_the_api_numbers(page: Page, api, example) -> None:
    answer = api(example.request, "/api/v1/rnn")
    open_rnn(page, example.href)
    drawn = all_grids(page)
    for field, cells in expected_grids(answer).items():
        assert drawn.get(field) == cells, f"{field}: drawn {drawn.get(field)}, the API says {cells}"
    # The step's terms shown beside each total are the API's too.
    terms = [field for field in drawn if ".contribution." in field]
    assert len(terms) == 5, terms
    for field in terms:
        s, name = int(field[len("steps[") : field.index("]")]), field.rsplit(".", 1)[1]
        assert drawn[field] == flatten(answer["steps"][s]["contribution"][name]), field
    for name, value in answer["spectrum"].items():
        if isinstance(value, float):
            shown = page.locator(f'[data-field="spectrum.{name}"]').get_attribute("data-value")
            assert float(shown) == value, f"spectrum.{name}: shown {shown}, the API says {value}"
    norms = [value for value, _ in series(page, "grad_h_norm")]
    assert norms == [step["grad_h_norm"] for step in answer["steps"]]


def test_home_offers_the_rnn_examples(page: Page) -> None:
    page.goto("/")
    section = page.locator('[data-section="rnn"]')
    expect(section.get_by_role("heading", level=2)).to_have_text("Recurrent network")
    hrefs = section.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs[1:] == [example.href for example in EXAMPLES], hrefs
    section.get_by_role("link", name="A vanishing gradient").click()
    expect(page).to_have_url(re.compile(re.escape(BY_SLUG["vanishing"].href) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Recurrent network, unrolled in time")


@pytest.mark.parametrize("slug, grows_back", [("vanishing", False), ("exploding", True)])
def test_the_norm_chart_shows_the_gradient_vanish_or_explode(page: Page, slug: str, grows_back: bool) -> None:
    open_rnn(page, BY_SLUG[slug].href)
    last = series(page, "last_loss_grad_h_norm")
    values = [value for value, _ in last]
    heights = [cy for _, cy in last]  # SVG y grows downwards: a larger norm sits higher, at a smaller cy
    if grows_back:
        assert values[0] > 100 * values[-1], values
        assert all(a < b for a, b in zip(heights, heights[1:])), f"not falling from t = 1 to T: {heights}"
        expect(page.locator(".rnn-verdict-text")).to_contain_text("The gradient can explode")
    else:
        assert values[0] < 1e-6 * values[-1], values
        assert all(a > b for a, b in zip(heights, heights[1:])), f"not rising from t = 1 to T: {heights}"
        expect(page.locator(".rnn-verdict-text")).to_contain_text("The gradient vanishes")
        # Every loss together is U-shaped here, and the page says why.
        expect(page.locator(".rnn-part-norms")).to_contain_text("U-shaped, smallest at t = 8")
    # The rates W predicts are drawn over the measured norms from step T back.
    estimate = [value for value, _ in series(page, "norm_estimate")]
    assert estimate[-1] == values[-1] and estimate[0] == pytest.approx(values[0], rel=0.05)


def test_truncation_cuts_the_flow(page: Page, api) -> None:
    example = BY_SLUG["truncated"]
    open_rnn(page, example.href)
    expect(page.locator(".rnn-part-norms .rnn-cut-line").first).to_be_attached()
    assert page.locator(".rnn-part-norms svg").first.locator(".rnn-cut-line").count() == 3
    expect(page.locator("td.is-cut")).to_have_count(3)
    expect(page.locator(".rnn-part-norms")).to_contain_text("exactly 0 before step 13")
    cut = page.locator('[data-matrix="steps[3].grad_h_from_next"] td')
    assert cut.evaluate_all("cells => cells.map(c => c.dataset.value)") == ["0", "0", "0"]


def test_truncation_bounds_the_prediction_to_one_block(page: Page, api) -> None:
    """With k = 4 no gradient travels more than 3 steps: W's rates are drawn back from each block's end."""
    example = BY_SLUG["truncated"]
    answer = api(example.request, "/api/v1/rnn")
    open_rnn(page, example.href)
    verdict = page.locator(".rnn-verdict-text")
    expect(verdict).to_contain_text("no gradient travels more than 3 steps back")
    expect(verdict).to_contain_text("1.5³ ≈ 3.375 over 3 steps")
    expect(verdict).not_to_contain_text("The gradient can explode")
    measured = page.locator('[data-field="spectrum.measured_rate"]')
    expect(measured).to_have_text("1.5")
    expect(page.locator(".rnn-spectrum")).not_to_contain_text("undefined")
    # The curves follow each block's last loss, which is never 0, and stay on the chart.
    block = [value for value, _ in series(page, "block_last_loss_grad_h_norm")]
    assert block == [step["block_last_loss_grad_h_norm"] for step in answer["steps"]] and min(block) > 0, block
    for key in ("norm_bound", "norm_estimate"):
        values = [value for value, _ in series(page, key)]
        assert values == answer["spectrum"][key], key
        expect(page.locator(f'[data-series="{key}"] circle.is-clipped')).to_have_count(0)
        # One line per block: no curve runs across a cut.
        d = page.locator(f'[data-series="{key}"] path').get_attribute("d")
        assert d.count("M") == 4, (key, d)


def test_a_long_truncated_sequence_speaks_of_one_block(page: Page) -> None:
    rng = np.random.default_rng(3)

    def rows(a) -> str:
        return ";".join(",".join(f"{v:.2f}" for v in row) for row in a)

    T, d = 64, 16
    W = rng.normal(0, 1.2 / np.sqrt(d), (d, d))
    href = (
        f"/rnn?x={rows(rng.uniform(-1, 1, (T, d)))}&y={rows(rng.uniform(-1, 1, (T, d)))}"
        f"&U={rows(rng.uniform(-0.3, 0.3, (d, d)))}&W={rows(W)}&V={rows(rng.uniform(-0.3, 0.3, (d, d)))}"
        "&loss=half_sse&truncation=8"
    )
    open_rnn(page, href)
    verdict = page.locator(".rnn-verdict-text")
    expect(verdict).to_contain_text("no gradient travels more than 7 steps back")
    expect(verdict).not_to_contain_text("over 63 steps.")
    expect(page.locator('[data-field="spectrum.measured_rate"]')).to_be_attached()
