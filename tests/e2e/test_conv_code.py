""""Show as code": the PyTorch and NumPy programs reproduce the numbers on the page."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from app.gallery.conv import EXAMPLES

CHOSEN = ("channels", "stride-2-padding-1", "training-step", "flipped", "dilation")


def run(code: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)  # noqa: S102 - the program under test
    return namespace


def same(got, expected) -> None:
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float).reshape(got.shape)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.slug in CHOSEN], ids=CHOSEN)
def test_the_snippets_reproduce_the_page(page: Page, api, example) -> None:
    answer = api(example.request)
    page.goto(example.href)
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
