"""A cell's indices in the equations are separate numbers: I₁₁ is row 1, column 1, read "I sub 1 1",
never the number eleven; I₁₀,₃ keeps its visible comma. The LaTeX copy writes them as before."""

from __future__ import annotations

import random
import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from app.gallery.activation import EXAMPLES as ACTIVATION
from app.gallery.pool import EXAMPLES as POOL
from app.gallery.rnn import EXAMPLES as RNN

FIG_9_4 = "/conv?input=1,2,3;4,5,6;7,8,9&kernel=1,2;3,4&grad_output=1,2;-1,1"
SEPARATOR = "\u2063"  # INVISIBLE SEPARATOR

# Every subscript of every symbol in a container: the tag and text of each child of the script.
SUBSCRIPTS_JS = """root => [...root.querySelectorAll('msub, msubsup')].map(s => {
    const script = s.children[1];
    const parts = script.localName === 'mrow' ? [...script.children] : [script];
    return {base: s.children[0].textContent, parts: parts.map(p => [p.localName, p.textContent])};
})"""


def by_slug(examples: list[Any], slug: str) -> str:
    return next(example.href for example in examples if example.slug == slug)


def grid(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return ";".join(",".join(str(rng.randint(-3, 5)) for _ in range(n)) for _ in range(n))


def point_at(page: Page, stage: int, field: str, index: str, panel: str = "stage") -> Locator:
    """Point at a cell and return its stage's equation panel, once it explains that cell."""
    cell = page.locator(f'section[data-stage="{stage - 1}"] [data-matrix="{field}"] td[data-index="{index}"]').first
    expect(cell).to_be_attached(timeout=15_000)
    cell.scroll_into_view_if_needed()
    cell.hover()
    expect(cell).to_have_class(re.compile("is-focus"))
    found = page.get_by_label(f"Equation, {panel} {stage}")
    expect(found.locator("math").first).to_be_attached()
    return found


def subscripts(panel: Locator) -> list[dict[str, Any]]:
    """The subscripts of the first equation in a panel, in reading order."""
    return panel.locator("math").first.evaluate(f"m => ({SUBSCRIPTS_JS})(m)")


def assert_indices_are_separate(container: Locator) -> list[dict[str, Any]]:
    """No subscript of two single-digit indices is one number: each index is its own <mn>, with an
    invisible separator or a comma between them."""
    found = container.evaluate_all(f"ms => ms.flatMap({SUBSCRIPTS_JS})")
    assert found, "no subscripts in the equations"
    for sub in found:
        numbers = [text for tag, text in sub["parts"] if tag == "mn"]
        separators = [text for tag, text in sub["parts"] if tag == "mo"]
        if len(numbers) > 1:
            assert len(separators) == len(numbers) - 1, sub
            assert set(separators) <= {SEPARATOR, ","}, sub
            # A comma exactly when an index has two digits, as the page wrote it before.
            assert (SEPARATOR in separators) == all(len(n) == 1 for n in numbers), sub
    return found


def copied_latex(page: Page, panel: Locator) -> str:
    panel.get_by_role("button", name="Copy the equation as LaTeX").click()
    return page.evaluate("navigator.clipboard.readText()")


def test_fig_9_4_output_o11_has_two_separate_indices(page: Page) -> None:
    page.goto(f"{FIG_9_4}&step=2")
    expect(page.locator(".timeline-label")).to_contain_text("Step 2 of 25: O₁₁")
    panel = page.get_by_label("Equation, stage 1")
    math = panel.locator("math").first
    subs = subscripts(panel)
    # O₁₁ = I₁₁·F₁₁ + I₁₂·F₁₂ + I₂₁·F₂₁ + I₂₂·F₂₂, each index a number of its own.
    assert subs[0] == {"base": "O", "parts": [["mn", "1"], ["mo", SEPARATOR], ["mn", "1"]]}, subs[0]
    assert subs[1] == {"base": "I", "parts": [["mn", "1"], ["mo", SEPARATOR], ["mn", "1"]]}, subs[1]
    assert [(s["base"], "".join(t for _, t in s["parts"]).replace(SEPARATOR, "")) for s in subs] == [
        ("O", "11"), ("I", "11"), ("F", "11"), ("I", "12"), ("F", "12"), ("I", "21"), ("F", "21"), ("I", "22"), ("F", "22")
    ]
    expect(math.locator("mn", has_text="11")).to_have_count(0)
    assert_indices_are_separate(panel.locator("math"))
    # The separator takes no room: the equation reads as before, and copies as the same LaTeX.
    expect(math.locator("mtr").first).to_have_text(
        f"O1{SEPARATOR}1=I1{SEPARATOR}1·F1{SEPARATOR}1+I1{SEPARATOR}2·F1{SEPARATOR}2+I2{SEPARATOR}1·F2{SEPARATOR}1+I2{SEPARATOR}2·F2{SEPARATOR}2"
    )
    assert copied_latex(page, panel) == (
        "\\begin{align*}\n"
        "O_{11} &= I_{11} \\cdot F_{11} + I_{12} \\cdot F_{12} + I_{21} \\cdot F_{21} + I_{22} \\cdot F_{22} \\\\\n"
        "&= 1 \\cdot 1 + 2 \\cdot 2 + 4 \\cdot 3 + 5 \\cdot 4 \\\\\n"
        "&= 37\n"
        "\\end{align*}"
    )
    # The gradients of the backward stages too: ∂L/∂F₁₂ and ∂L/∂I₂₂.
    page.goto(FIG_9_4)
    assert_indices_are_separate(point_at(page, 3, "grad_kernel", "0,1").locator("math"))
    assert subscripts(point_at(page, 4, "grad_input", "1,1"))[0] == {
        "base": "I",
        "parts": [["mn", "2"], ["mo", SEPARATOR], ["mn", "2"]],
    }


def test_a_12x12_inputs_cell_10_3_keeps_its_comma_between_two_numbers(page: Page) -> None:
    href = f"/conv?input={grid(12, 1)}&kernel=1,2;3,4"
    page.goto(href)
    panel = point_at(page, 1, "output", "9,2")
    subs = subscripts(panel)
    assert subs[0] == {"base": "O", "parts": [["mn", "10"], ["mo", ","], ["mn", "3"]]}, subs[0]
    assert subs[1] == {"base": "I", "parts": [["mn", "10"], ["mo", ","], ["mn", "3"]]}, subs[1]
    # The kernel's own indices stay single digits: F₁₁ beside I₁₀,₃.
    assert subs[2] == {"base": "F", "parts": [["mn", "1"], ["mo", SEPARATOR], ["mn", "1"]]}, subs[2]
    expect(panel.locator("math mn", has_text="10,3")).to_have_count(0)
    assert_indices_are_separate(panel.locator("math"))

    # The timeline's step for O₁₀,₃ (after the padding, row by row through the 11 × 11 output)
    # keeps it in the panel while its LaTeX is copied: still O_{10,3}.
    page.goto(f"{href}&step={2 + 9 * 11 + 2}")
    expect(page.locator(".timeline-label")).to_contain_text("O₁₀,₃")
    panel = page.get_by_label("Equation, stage 1")
    assert subscripts(panel)[0] == {"base": "O", "parts": [["mn", "10"], ["mo", ","], ["mn", "3"]]}
    latex = copied_latex(page, panel)
    assert latex.startswith("\\begin{align*}\nO_{10,3} &= I_{10,3} \\cdot F_{11} + I_{10,4} \\cdot F_{12} + I_{11,3} \\cdot F_{21}"), latex


def test_pool_activation_and_rnn_equations_separate_their_indices(page: Page) -> None:
    page.goto(by_slug(POOL, "fig-9-9"))  # O₁₁ = max(I₁₁, I₁₂, I₂₁, I₂₂)
    found = assert_indices_are_separate(point_at(page, 1, "output", "0,0").locator("math"))
    assert {"base": "I", "parts": [["mn", "2"], ["mo", SEPARATOR], ["mn", "1"]]} in found, found

    page.goto(by_slug(ACTIVATION, "relu-at-zero"))
    found = assert_indices_are_separate(point_at(page, 1, "output", "0,1").locator("math"))
    assert found[0] == {"base": "y", "parts": [["mn", "1"], ["mo", SEPARATOR], ["mn", "2"]]}, found

    # The softmax Jacobian of a 2 × 12 input numbers its 24 elements: J₁₀,₃.
    two_rows = ";".join(grid(12, 2).split(";")[:2])
    page.goto(f"/activation?input={two_rows}&function=softmax")
    found = assert_indices_are_separate(point_at(page, 2, "jacobian", "9,2").locator("math"))
    assert found[0] == {"base": "J", "parts": [["mn", "10"], ["mo", ","], ["mn", "3"]]}, found

    page.goto(by_slug(RNN, "tiny"))  # a¹₁ = U₁₁x¹ + W₁₁h⁰₁ + W₁₂h⁰₂ + b₁
    found = assert_indices_are_separate(point_at(page, 1, "steps[0].a", "0", panel="part").locator("math"))
    assert {"base": "W", "parts": [["mn", "1"], ["mo", SEPARATOR], ["mn", "2"]]} in found, found
    assert {"base": "b", "parts": [["mn", "1"]]} in found, found  # one index stays one number


def test_the_worksheet_key_and_a_checked_quiz_cell_separate_their_indices(page: Page) -> None:
    page.goto("/worksheet?kinds=conv&count=1&seed=7")
    key = page.locator("#sheet .key-equation math")
    expect(key.first).to_be_attached()
    found = assert_indices_are_separate(key)
    assert {"base": "O", "parts": [["mn", "1"], ["mo", SEPARATOR], ["mn", "1"]]} in found, found

    # A quiz hides ∂L/∂I; once revealed, its equations are drawn like any other.
    page.goto("/conv?seed=42&hide=grad_input")
    hidden = page.locator('section[data-stage="3"] [data-matrix="grad_input"] td').first
    expect(hidden).to_have_text("?")
    page.get_by_role("button", name="Reveal all").click()
    expect(hidden).not_to_have_text("?")
    hidden.hover()
    panel = page.get_by_label("Equation, stage 4")
    expect(panel.locator("math")).to_have_count(1)
    found = assert_indices_are_separate(panel.locator("math"))
    assert found[0] == {"base": "I", "parts": [["mn", "1"], ["mo", SEPARATOR], ["mn", "1"]]}, found
