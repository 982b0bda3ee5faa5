""""Show as code": the PyTorch and NumPy programs reproduce the numbers on the page."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from app.gallery import share_query
from app.gallery.conv import EXAMPLES, FIELD_ORDER

from .dom import flatten, rendered

BY_SLUG = {example.slug: example for example in EXAMPLES}
CHOSEN = ("channels", "stride-2-padding-1", "training-step", "flipped", "dilation")
# Everything at once: stride 2, padding 1, two input channels, two kernels with a bias each.
EVERYTHING = {
    "input": [[[1, 2, 0, 1, 3], [0, 1, 3, 1, 0], [2, 1, 1, 0, 2], [1, 0, 2, 2, 1], [0, 3, 1, 0, 1]],
              [[0, 1, 1, 2, 0], [2, 0, 1, 0, 1], [1, 3, 0, 1, 2], [0, 1, 2, 0, 1], [3, 0, 1, 1, 0]]],
    "kernel": [[[[1, 0, -1], [2, 0, -2], [1, 0, -1]], [[0, 1, 0], [1, -4, 1], [0, 1, 0]]],
               [[[1, 1, 1], [0, 0, 0], [-1, -1, -1]], [[2, -1, 0], [0, 1, 0], [0, -1, 2]]]],
    "bias": [0.5, -1],
    "stride": 2,
    "padding": 1,
    "grad_output": [[[1, -1, 2], [0, 1, -2], [3, 1, 1]], [[0.5, 0, -1], [1, 2, 0], [-1, 1, 0.25]]],
    "learning_rate": 0.1,
}


def run(code: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)  # noqa: S102 - the program under test
    return namespace


def same(got, expected) -> None:
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float).reshape(got.shape)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "request_body, href",
    [(BY_SLUG[slug].request, BY_SLUG[slug].href) for slug in CHOSEN] + [(EVERYTHING, f"/conv?{share_query(EVERYTHING, FIELD_ORDER)}")],
    ids=[*CHOSEN, "stride-padding-channels-kernels-bias"],
)
def test_the_snippets_reproduce_the_page(page: Page, api, request_body: dict, href: str) -> None:
    answer = api(request_body)
    page.goto(href)
    expect(page.locator('[data-matrix="output"] td[data-value]').first).to_be_attached()
    assert rendered(page, "output") == flatten(answer["output"]), "the page shows the API's output"
    page.get_by_text("Show as code").click()
    torch_code = page.locator("#code-torch")
    expect(torch_code).to_contain_text("F.conv2d")
    torch_ns = run(torch_code.inner_text())
    same(torch_ns["O"][0].detach().numpy(), answer["output"])
    same(torch_ns["K"].grad.numpy(), answer["grad_kernel"])
    same(torch_ns["I"].grad[0].numpy(), answer["grad_input"])

    numpy_ns = run(page.locator("#code-numpy").inner_text())
    same(numpy_ns["O"], answer["output"])
    same(numpy_ns["dK"], answer["grad_kernel"])
    same(numpy_ns["dI"], answer["grad_input"])
    if answer["grad_bias"] is not None:
        same(torch_ns["b"].grad.numpy(), answer["grad_bias"])
        same(numpy_ns["db"], answer["grad_bias"])
    if answer["updated_kernel"] is not None:
        same(numpy_ns["K"] - numpy_ns["lr"] * numpy_ns["dK"], answer["updated_kernel"])
