"""What /network draws for one API answer: every `data-matrix` name and its numbers, and links decoded."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Page, expect

from .dom import Cells, flatten


def expected_arrays(request: dict[str, Any], answer: dict[str, Any]) -> dict[str, Cells]:
    """Each array the page shows, by its `data-matrix` name, with the API's numbers."""
    first = answer["first_step"]
    arrays: dict[str, Any] = {}
    for i, layer in enumerate(first["layers"]):
        for name in ("input", "output", "grad_output", "grad_input"):
            arrays[f"layers[{i}].{name}"] = layer[name]
        for group in ("params", "param_grads"):
            for name, value in layer[group].items():
                arrays[f"layers[{i}].{group}.{name}"] = value
    for name in ("prediction", "probabilities", "grad_prediction"):
        if first[name] is not None:
            arrays[name] = first[name]
    arrays["target"] = request["target"]
    arrays["losses"] = answer["losses"]
    arrays["final_loss"] = answer["final_loss"]
    for i, params in enumerate(answer["final_params"]):
        for name, value in params.items():
            arrays[f"final_params[{i}].{name}"] = value
    return {name: flatten(value) for name, value in arrays.items()}


def open_network(page: Page, href: str) -> None:
    page.goto(href)
    expect(page.locator('[data-matrix="layers[0].output"] td[data-value]').first).to_be_attached()


def drawn_names(page: Page) -> set[str]:
    return set(page.eval_on_selector_all("[data-matrix]", "els => els.map(e => e.dataset.matrix)"))


def link_query(href: str) -> dict[str, Any]:
    """A share link's fields, arrays decoded from `;`, `,`, `|`, `/` into nested lists of numbers."""

    def decode(text: str) -> Any:
        for separator in ("/", "|", ";", ","):
            if separator in text:
                return [decode(part) for part in text.split(separator)]
        for number in (int, float):
            try:
                return number(text)
            except ValueError:
                pass
        return text

    return {name: decode(value) for name, value in parse_qsl(urlsplit(href).query)}
