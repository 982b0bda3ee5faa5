"""What the stages of /conv say about the geometry: the output-size formula, rows no window
covers, the zeros that upsampling adds; and the numbers in the DOM at any step of the timeline."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.gallery.conv import EXAMPLES

from .dom import flatten, rendered

BY_SLUG = {example.slug: example for example in EXAMPLES}
UNCOVERED = BY_SLUG["uncovered"]  # 5×5 input, 2×2 kernel, stride 2: row 5 and column 5 are never covered
STRIDE_2_PADDING_1 = BY_SLUG["stride-2-padding-1"]  # (4 + 2 − 2) is a multiple of 2: nothing left over


def open_example(page: Page, href: str) -> None:
    page.goto(href)
    expect(page.locator('[data-matrix="output"] td[data-value]').first).to_be_attached()


def stage(page: Page, number: int):
    return page.locator(f'section[data-stage="{number - 1}"]')


def test_a_stride_that_leaves_a_row_uncovered_is_marked_and_its_gradient_is_zero(page: Page, api) -> None:
    answer = api(UNCOVERED.request)
    assert answer["output_size"]["h"]["uncovered"] == [4], answer["output_size"]
    open_example(page, UNCOVERED.href)

    size = page.get_by_role("group", name="Output size")
    # ⌊(5 − 2 + 0 + 2)/2⌋ = 2 on both axes, with this layer's numbers.
    assert re.sub(r"\s+", "", size.inner_text()).count("⌊5−2+0+22⌋=2") == 2, size.inner_text()
    expect(size.locator(".note.warn")).to_have_text(
        "(H_p − k) is not a multiple of the stride, so no window ever covers row 5 and column 5 of I (striped): "
        "their gradient will be zero (stage 4)."
    )
    striped = stage(page, 1).locator('[data-matrix="padded_input"] td.is-uncovered')
    expect(striped).to_have_count(9)
    assert sorted(striped.evaluate_all("cs => cs.map(c => c.dataset.index)")) == sorted(
        [f"4,{c}" for c in range(5)] + [f"{r},4" for r in range(4)]
    )
    expect(stage(page, 1).locator(".legend")).to_contain_text("never covered")

    zero = stage(page, 4).locator('[data-matrix="grad_input"] td.is-uncovered')
    expect(zero).to_have_count(9)
    assert set(zero.evaluate_all("cs => cs.map(c => c.dataset.value)")) == {"0"}
    expect(stage(page, 4).locator(".note.warn")).to_have_text(
        "No window covered row 5 and column 5 of I (stage 1): nothing flows back there, so their gradient is exactly 0 (striped)."
    )
    expect(stage(page, 4).locator(".legend")).to_contain_text("never covered: zero gradient")
    assert rendered(page, "grad_input") == flatten(answer["grad_input"])


def test_stage_2_mentions_zeros_at_the_bottom_and_right_only_when_there_are_some(page: Page) -> None:
    open_example(page, UNCOVERED.href)  # ∂L/∂O 2×2 upsampled to 4×4: one zero row and column filled in
    expect(stage(page, 2)).to_contain_text("zero rows or columns at the bottom and right bring it to the stride-1 size 4 × 4")
    expect(stage(page, 2).locator(".legend")).to_contain_text("zeros filled in at the bottom/right")
    expect(stage(page, 2).locator('[data-matrix="upsampled_grad"] td.is-fill')).to_have_count(7)

    open_example(page, STRIDE_2_PADDING_1.href)  # ∂L/∂O 3×3 upsampled to 5×5: zeros between neighbours only
    expect(stage(page, 2)).to_contain_text("s − 1 zeros go between neighbours.")
    expect(stage(page, 2)).not_to_contain_text("bottom and right")
    expect(stage(page, 2).locator(".legend")).to_have_text("0zeros inserted between neighbours")
    expect(stage(page, 2).locator('[data-matrix="upsampled_grad"] td.is-fill')).to_have_count(0)


def test_the_dom_holds_the_apis_numbers_at_the_first_step(page: Page, api) -> None:
    example = BY_SLUG["channels"]
    answer = api(example.request)
    page.goto(example.href + "&step=1")
    expect(page.locator(".timeline-label")).to_contain_text("Step 1 of")
    expect(page.locator('[data-matrix="output"] td.is-pending').first).to_be_attached()
    for field in ("output", "grad_kernel", "grad_input", "upsampled_grad", "rotated_kernel", "updated_kernel", "updated_bias"):
        assert rendered(page, field) == flatten(answer[field]), f"{field} at step 1 differs from the API"
