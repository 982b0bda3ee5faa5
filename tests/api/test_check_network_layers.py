"""Every layer of a network, checked on its own, gets the numbers the network computed for it.

/network's "Check my answer" sends a layer's first-step numbers to ``POST /api/v1/check`` as
that layer's own problem (static/js/pages/network-links.js builds it; this mirrors it). The
network's own output, ∂L/∂I and parameter gradients must then be marked right, cell for cell.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.gallery.network import EXAMPLES

from .checking import PARAMETERS, layer_problem

# Strides, padding, dilation, ties, a leaky slope and softmax: what the gallery leaves out.
SETTINGS = {
    "input": [[1, -2, 0, 3, 1], [0, 1, 2, -1, 2], [2, 0, -1, 1, 0], [1, 3, 0, 2, -2], [0, 1, 1, 0, 1]],
    "layers": [
        {"type": "conv2d", "kernel": [[1, -1], [2, 0]], "bias": 0.5, "stride": 2, "padding": 1},
        {"type": "leaky_relu", "negative_slope": 0.1},
        {"type": "maxpool", "size": 2, "stride": 1, "ties": "all"},
        {"type": "conv2d", "kernel": [[[[1]]], [[[-1]]]], "dilation": 1},
        {"type": "avgpool", "size": 2, "padding": 1},
        {"type": "flatten"},
        {"type": "dense", "weight": [[0.5, -1, 0, 1, 0.5, 0, 1, -0.5], [1, 0, 0.5, 0, -1, 1, 0, 0.5]], "bias": [1, -1]},
        {"type": "softmax"},
    ],
    "target": [0.3, 0.7],
}

REQUESTS = [example.request for example in EXAMPLES] + [SETTINGS]


@pytest.mark.parametrize("request_body", REQUESTS, ids=[e.slug for e in EXAMPLES] + ["settings"])
def test_each_layer_s_results_check_right_as_its_own_problem(client, request_body: dict[str, Any]) -> None:
    network = client.post("/api/v1/network", json=request_body)
    assert network.status_code == 200, network.text
    for i, layer in enumerate(network.json()["first_step"]["layers"]):
        if layer["type"] == "flatten":
            continue
        kind, problem = layer_problem(request_body["layers"][i], layer)
        results = {"output": layer["output"], "grad_input": layer["grad_input"]}
        results |= {PARAMETERS[name]: value for name, value in layer["param_grads"].items()}
        for result, answer in results.items():
            body = {"kind": kind, "problem": problem, "result": result, "answer": answer}
            response = client.post("/api/v1/check", json=body)
            assert response.status_code == 200, f"layers[{i}] {result}: {response.text}"
            checked = response.json()
            assert checked["all_correct"], f"layers[{i}] ({layer['type']}) {result}: {checked['difference']}"
            assert checked["diagnoses"] == []
