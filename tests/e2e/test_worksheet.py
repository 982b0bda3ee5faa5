"""/worksheet: a link regenerates its sheet, the form rewrites the link, the sheet prints to PDF
with its key on a later page; and every matrix and equation copies as LaTeX."""

from __future__ import annotations

import io
import json
import re
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .audits import assert_no_serious_axe_violation
from .dom import Cells, flatten, wait_for_numbers

SHEET = "/worksheet?kinds=conv,pool&count=2&difficulty=medium&seed=42"
GIVEN = {"conv": ("input", "kernel", "bias", "grad_output"), "pool": ("input", "grad_output"), "activation": ("input", "grad_output")}


def exercises(base_url: str, kind: str, **query: Any) -> list[dict[str, Any]]:
    """The exercises `GET /api/v1/exercise` gives for `kind` and `query`."""
    with urllib.request.urlopen(f"{base_url}/api/v1/exercise?{urlencode({'kind': kind, **query})}", timeout=30) as answer:
        return json.load(answer)["exercises"]


def open_sheet(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.locator("#sheet")).to_have_attribute("data-state", "ready", timeout=20_000)


def numbers(page: Page, scope: str, field: str) -> Cells:
    """The cells of the grids of `field` inside `scope`, by their index in the API's answer."""
    pairs = page.eval_on_selector_all(
        f'{scope} [data-matrix="{field}"] td[data-value]', "cells => cells.map(c => [c.dataset.index, c.dataset.value])"
    )
    return {tuple(int(i) for i in index.split(",")) if index else (): float(value) for index, value in pairs}


def assert_sheet_shows(page: Page, drawn: list[tuple[str, dict[str, Any]]]) -> None:
    """Exercise n of the sheet gives the problem's numbers, and key n holds its answers."""
    expect(page.locator("[data-exercise]")).to_have_count(len(drawn))
    for number, (kind, exercise) in enumerate(drawn, start=1):
        assert page.get_attribute(f'[data-exercise="{number}"]', "data-kind") == kind
        for field in GIVEN.get(kind, ()):
            if field in exercise["problem"]:
                got = numbers(page, f'[data-exercise="{number}"]', field)
                assert got == flatten(exercise["problem"][field]), f"exercise {number} {field}: {got}"
        for ask, answer in exercise["answers"].items():
            got = numbers(page, f'[data-key="{number}"]', ask)
            assert got == flatten(answer), f"key {number} {ask}: got {got}, the API says {answer}"


def test_a_link_regenerates_the_sheet_of_its_seed(page: Page, base_url: str) -> None:
    open_sheet(page, SHEET)
    query = {"seed": 42, "count": 2, "difficulty": "medium"}
    drawn = [(kind, ex) for kind in ("conv", "pool") for ex in exercises(base_url, kind, **query)]
    assert_sheet_shows(page, drawn)
    equations = page.locator('[data-key="1"] .key-equation')
    expect(equations.first).to_contain_text("=")
    # A few cells of each result are written out, the first of them always; the answers give every number.
    assert len(drawn[0][1]["answers"]) <= equations.count() <= 4 * len(drawn[0][1]["answers"])

    everything = "cells => cells.map(c => c.dataset.value)"
    before = page.eval_on_selector_all("#sheet td[data-value]", everything)
    open_sheet(page, SHEET)
    assert page.eval_on_selector_all("#sheet td[data-value]", everything) == before

    # Each exercise opens in its explorer with the same numbers, in that page's own link format.
    links = [page.get_attribute(f'[data-exercise="{n}"] a.explorer-link', "href") for n in (1, 3)]
    for href, (kind, exercise) in zip(links, (drawn[0], drawn[2])):
        assert href and href.startswith({"conv": "/conv?input=", "pool": "/pool?input="}[kind]), href
        page.goto(href)
        wait_for_numbers(page, "output", flatten(exercise["answers"]["output"]))


def test_the_form_rewrites_the_link_and_the_sheet(page: Page, base_url: str) -> None:
    open_sheet(page, "/worksheet")
    expect(page).to_have_url(re.compile(r"/worksheet\?kinds=conv&count=3&seed=\d+$"))

    open_sheet(page, "/worksheet?kinds=activation&count=1&seed=5")
    page.get_by_label("Difficulty").select_option("hard")
    expect(page).to_have_url(re.compile(r"difficulty=hard"))
    expect(page.locator("#sheet")).to_have_attribute("data-state", "ready")
    assert_sheet_shows(page, [("activation", ex) for ex in exercises(base_url, "activation", seed=5, difficulty="hard")])

    page.get_by_role("button", name="New seed").click()
    expect(page).not_to_have_url(re.compile(r"seed=5(&|$)"))
    expect(page.locator("#sheet")).to_have_attribute("data-state", "ready")
    seed = int(re.search(r"seed=(\d+)", page.url).group(1))
    assert page.get_by_label("Seed").input_value() == str(seed)
    assert_sheet_shows(page, [("activation", ex) for ex in exercises(base_url, "activation", seed=seed, difficulty="hard")])

    page.get_by_label("Pooling", exact=True).check()
    page.get_by_label("Input rows and columns, most").fill("4")
    expect(page).to_have_url(re.compile(rf"\?kinds=pool,activation&count=1&difficulty=hard&seed={seed}&input_max=4$"))
    expect(page.locator('[data-exercise="1"][data-kind="pool"]')).to_be_attached()
    expect(page.locator("#sheet")).to_have_attribute("data-state", "ready")
    drawn = [
        (kind, ex)
        for kind in ("pool", "activation")
        for ex in exercises(base_url, kind, seed=seed, difficulty="hard", input_max=4)
    ]
    assert_sheet_shows(page, drawn)

    fewest = page.get_by_label("Input rows and columns, fewest")
    fewest.fill("9")
    expect(fewest).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#sheet-status")).to_have_text("Input rows and columns, fewest: a whole number from 1 to 8.")
    expect(page).to_have_url(re.compile(r"input_max=4$"))
    fewest.fill("5")
    expect(page.get_by_label("Input rows and columns, most")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#sheet-status")).to_contain_text("Pooling, Input rows and columns, most: 4 is below input_min = 5.")
    expect(fewest).not_to_have_attribute("aria-invalid", "true")


def _text(x: float) -> str:
    """A number as the sheet prints it (whole numbers here), with a true minus sign."""
    return str(int(x)).replace("-", "\u2212")


def _factor(x: float) -> str:
    return f"({_text(x)})" if x < 0 else _text(x)


@pytest.mark.parametrize("paper, size", [("A4", (595.92, 842.88)), ("Letter", (612, 792))])
def test_the_sheet_prints_with_its_key_on_a_later_page(page: Page, base_url: str, paper: str, size: tuple) -> None:
    open_sheet(page, f"/worksheet?kinds=conv,activation&count=1&seed=7&paper={paper.lower()}")
    reader = PdfReader(io.BytesIO(page.pdf(format=paper)))
    assert float(reader.pages[0].mediabox.width) == pytest.approx(size[0], abs=1)
    assert float(reader.pages[0].mediabox.height) == pytest.approx(size[1], abs=1)
    texts = [p.extract_text() for p in reader.pages]
    key_page = next(i for i, text in enumerate(texts) if "Answer key" in text)
    last_exercise_page = max(i for i, text in enumerate(texts) if "Your answers" in text)
    assert key_page > last_exercise_page, f"the key starts on page {key_page + 1}, an exercise is on {last_exercise_page + 1}"
    sheet, key = "\n".join(texts[:key_page]), "\n".join(texts[key_page:])
    assert "Open in the explorer" not in sheet and "The sheet" not in sheet, "the form and links print"

    conv = exercises(base_url, "conv", seed=7)[0]
    for row in conv["problem"]["input"] + conv["problem"]["kernel"]:
        assert " ".join(map(_text, row)) in sheet, f"row {row} of exercise 1 is not printed"
    for answer in conv["answers"].values():
        for row in answer:
            assert " ".join(map(_text, row)) in key, f"answer row {row} is not in the key"
    # O₁₁ of eq. 9.5 with its numbers: the input's top-left window times the kernel, summed.
    (f11, f12), (f21, f22) = conv["problem"]["kernel"]
    window = [conv["problem"]["input"][r][c] for r in (0, 1) for c in (0, 1)]
    products = "+".join(f"{_factor(i)}·{_factor(f)}" for i, f in zip(window, (f11, f12, f21, f22)))
    flat = re.sub(r"\s", "", key)
    assert f"={products}={_text(conv['answers']['output'][0][0])}" in flat, f"O₁₁ = {products} is not in the key"


def printed(page: Page, paper: str) -> list[str]:
    """The sheet printed as Chromium prints it, each page's text; each row of every grid (given, blank,
    answer) carries a marker `Zgrid.rowQ`, so that a grid cut across two pages can be told."""
    page.evaluate(
        """() => document.querySelectorAll('#sheet table').forEach((table, g) =>
             table.querySelectorAll('tr').forEach((row, r) => {
               const mark = document.createElement('span');
               mark.textContent = `Z${g}.${r}Q`;
               mark.style.fontSize = '3px';
               row.querySelector('td').append(mark);
             }))"""
    )
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    size = {"a4": (595.92, 842.88), "letter": (612, 792)}[paper]
    assert (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)) == pytest.approx(size, abs=1)
    return [p.extract_text() for p in reader.pages]


def assert_prints_cleanly(texts: list[str], most_pages: int) -> None:
    """Exercise 1 on page 1, the key on pages of its own, no grid cut, at most `most_pages` pages."""
    assert len(texts) <= most_pages, f"{len(texts)} pages"
    assert "Exercise 1" in texts[0], texts[0][:300]
    key = next(i for i, text in enumerate(texts) if "Answer key" in text)
    assert texts[key].lstrip().startswith("Answer key"), texts[key][:200]
    assert all("Your answers" not in text for text in texts[key:])
    pages_of: dict[str, set[int]] = {}
    for number, text in enumerate(texts):
        for grid, _ in re.findall(r"Z(\d+)\.(\d+)Q", re.sub(r"\s", "", text)):
            pages_of.setdefault(grid, set()).add(number)
    assert pages_of, "no grid printed"
    cut = {grid: pages for grid, pages in pages_of.items() if len(pages) > 1}
    assert not cut, f"grids cut across pages: {cut}"


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_hard_sheet_prints_compactly_with_exercise_1_on_page_1(page: Page, paper: str) -> None:
    open_sheet(page, f"/worksheet?kinds=conv&count=3&difficulty=hard&seed=5&paper={paper}")
    texts = printed(page, paper)
    assert_prints_cleanly(texts, most_pages=12)
    key = "\n".join(texts[next(i for i, t in enumerate(texts) if "Answer key" in t) :])
    assert "follow the same pattern" in key


def test_medium_exercises_print_two_to_a_page(page: Page) -> None:
    open_sheet(page, "/worksheet?kinds=conv,pool&count=3&difficulty=medium&seed=42")
    texts = printed(page, "a4")
    assert_prints_cleanly(texts, most_pages=10)
    sheet = texts[: next(i for i, t in enumerate(texts) if "Answer key" in t)]
    assert len(sheet) <= 3, [re.findall(r"Exercise \d+", text) for text in sheet]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_largest_sheet_is_bounded_and_prints_in_a_few_dozen_pages(page: Page, paper: str) -> None:
    widest = "input_max=8&window_max=4&stride_max=3&padding_max=2&channels_max=3&kernels_max=3&steps_max=5&hidden_max=3"
    open_sheet(page, f"/worksheet?kinds=conv,pool,activation,rnn&count=99&difficulty=hard&seed=9&paper={paper}&{widest}")
    count = page.get_by_label("Exercises per layer")
    expect(page.locator("#count-link-note")).to_have_text("The link asked for 99; the most is 20.")
    expect(page.locator("#count-size-note")).to_contain_text("20 per layer would be")
    expect(page.locator("#count-size-note")).to_contain_text(f"so the sheet has {count.input_value()} per layer.")
    kept = int(count.input_value())
    assert 1 <= kept < 20
    expect(page).to_have_url(re.compile(rf"count={kept}&"))
    expect(page.locator("[data-exercise]")).to_have_count(4 * kept)
    assert_prints_cleanly(printed(page, paper), most_pages=45)

    count.fill("2")
    expect(page.locator("#count-link-note")).to_have_count(0)
    expect(page.locator("#sheet")).to_have_attribute("data-state", "ready")
    expect(page.locator("[data-exercise]")).to_have_count(8)
    expect(page.locator("#count-size-note")).to_have_count(0)


def test_a_link_value_out_of_range_is_taken_at_its_bound_and_said_so(page: Page) -> None:
    open_sheet(page, "/worksheet?kinds=activation&count=0&seed=3&input_max=12&window_min=big")
    expect(page.get_by_label("Exercises per layer")).to_have_value("1")
    expect(page.locator("#count-link-note")).to_have_text("The link asked for 0; the fewest is 1.")
    expect(page.get_by_label("Input rows and columns, most")).to_have_value("8")
    expect(page.get_by_label("Input rows and columns, most")).to_have_accessible_description(
        "The link asked for 12; the most is 8."
    )
    expect(page).to_have_url(re.compile(r"count=1&seed=3&input_max=8$"))
    expect(page.locator("#window_min-link-note")).to_be_hidden()  # pooling and convolution only
    assert_no_serious_axe_violation(page)


def test_matrices_and_equations_copy_as_latex(page: Page) -> None:
    page.goto("/conv?input=1,2,3;4,5,6;7,8,9&kernel=1,2;3,4&grad_output=1,2;-1,1")
    expect(page.locator('[data-matrix="output"] td')).to_have_count(4)
    page.get_by_role("button", name="Copy O output as LaTeX").click()
    assert page.evaluate("navigator.clipboard.readText()") == "\\begin{bmatrix}\n37 & 47 \\\\\n67 & 77\n\\end{bmatrix}"
    expect(page.get_by_role("status").filter(has_text="Copied O output as LaTeX.")).to_be_visible()

    page.get_by_label("Equation, stage 1").get_by_role("button", name="Copy the equation as LaTeX").click()
    assert page.evaluate("navigator.clipboard.readText()") == (
        "\\begin{align*}\n"
        "O_{11} &= I_{11} \\cdot F_{11} + I_{12} \\cdot F_{12} + I_{21} \\cdot F_{21} + I_{22} \\cdot F_{22} \\\\\n"
        "&= 1 \\cdot 1 + 2 \\cdot 2 + 4 \\cdot 3 + 5 \\cdot 4 \\\\\n"
        "&= 37\n"
        "\\end{align*}"
    )

    # Full precision where the grid rounds, and a whole number without ".0".
    page.goto("/conv?input=10,2;3,4&kernel=0.1")
    expect(page.locator('[data-matrix="output"] td')).to_have_count(4)
    page.get_by_role("button", name="Copy O output as LaTeX").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Copied O output as LaTeX.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == "\\begin{bmatrix}\n1 & 0.2 \\\\\n0.30000000000000004 & 0.4\n\\end{bmatrix}"


def test_vectors_in_equations_copy_as_column_bmatrices_at_full_precision(page: Page) -> None:
    page.goto("/rnn?x=1;0.5;-1&y=0.5;0.25;-0.5&U=0.5;-0.3&W=0.1,0.4;-0.2,0.3&V=1,-0.5&b=0,0.1&loss=half_sse")
    grad_h = page.locator('[data-matrix="steps[0].grad_h"] td[data-value]')
    expect(grad_h).to_have_count(2)
    values = grad_h.evaluate_all("cells => cells.map(c => c.dataset.value)")
    page.get_by_role("button", name="Copy the equation as LaTeX").first.click()
    latex = page.evaluate("navigator.clipboard.readText()")
    assert "[" not in latex and "," not in latex, latex
    column = f"\\begin{{bmatrix}} {values[0]} \\\\ {values[1]} \\end{{bmatrix}}"
    assert f"&= {column} \\\\\n" in latex, f"{column} not in\n{latex}"
    assert all(len(value.lstrip("-")) > 15 for value in values), values  # the last digit, not the grid's rounding


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_or_critical_violation_on_the_worksheet(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    open_sheet(page, "/worksheet?kinds=pool,rnn&count=1&seed=3")
    assert_no_serious_axe_violation(page)


def test_a_withheld_matrix_copies_as_latex_without_its_numbers(page: Page) -> None:
    page.goto("/conv?input=1,2,3;4,5,6;7,8,9&kernel=1,2;3,4&grad_output=1,2;-1,1&hide=output")
    expect(page.locator('[data-matrix="output"] td[data-withheld]')).to_have_count(4)
    page.get_by_role("button", name="Copy O output as LaTeX").first.click()
    assert page.evaluate("navigator.clipboard.readText()") == "\\begin{bmatrix}\n? & ? \\\\\n? & ?\n\\end{bmatrix}"
