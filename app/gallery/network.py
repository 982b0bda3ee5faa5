"""Worked examples of the network page: small chains trained for a few steps (Fig. 9.2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .core import Example, Matrix, Preview, Section, first_matrix, share_query

# The order static/js/pages/network-request.js writes the query in; "layers" stands for the list of
# types followed by each layer's fields, `layers[i].<field>`, in LAYER_FIELDS order.
FIELD_ORDER = ("input", "layers", "target", "loss", "learning_rate", "steps")
LAYER_FIELDS = {
    "conv2d": ("kernel", "bias", "stride", "padding", "dilation"),
    "relu": ("relu_grad_at_zero",),
    "leaky_relu": ("negative_slope",),
    "maxpool": ("size", "stride", "padding", "ties"),
    "avgpool": ("size", "stride", "padding"),
    "dense": ("weight", "bias"),
}
# Values the page leaves out of its links because they are the API's defaults.
_LEFT_OUT = {"loss": "mse", "ties": "first", "relu_grad_at_zero": 0}


def network_query(request: dict[str, Any]) -> str:
    """The share-link query of a network request: `layers=conv2d,relu,…` and `layers[i].kernel=…`."""
    fields: dict[str, Any] = {}
    order: list[str] = []
    for name in FIELD_ORDER:
        if name == "layers":
            fields["layers"] = ",".join(layer["type"] for layer in request["layers"])
            order.append("layers")
            for i, layer in enumerate(request["layers"]):
                for field in LAYER_FIELDS.get(layer["type"], ()):
                    if field in layer and _LEFT_OUT.get(field) != layer[field]:
                        fields[f"layers[{i}].{field}"] = layer[field]
                        order.append(f"layers[{i}].{field}")
        elif name in request and _LEFT_OUT.get(name) != request[name]:
            fields[name] = request[name]
            order.append(name)
    return share_query(fields, tuple(order))


@dataclass(frozen=True)
class NetworkExample(Example):
    """A gallery card whose link spells out the layer list (see :func:`network_query`)."""

    @property
    def href(self) -> str:
        return f"{self.page}?{network_query(self.request)}"


def _example(slug: str, title: str, summary: str, cites: str, request: dict[str, Any]) -> NetworkExample:
    data = request["input"]
    first: Matrix = [data] if not isinstance(data[0], list) else first_matrix(data)
    layer = next(layer for layer in request["layers"] if layer["type"] in ("conv2d", "dense"))
    weights = layer.get("kernel", layer.get("weight"))
    preview = Preview((first, "⋆" if layer["type"] == "conv2d" else "·", first_matrix(weights), "→ ⋯ → L"))
    return NetworkExample(slug, title, summary, cites, request, "/network", FIELD_ORDER, preview)


EXAMPLES: tuple[NetworkExample, ...] = (
    _example(
        "tiny-cnn",
        "A tiny CNN learns",
        "Convolution, ReLU, max pooling, flatten and a dense layer, trained by cross-entropy for 15 steps.",
        "Fig. 9.2, eq. 9.5–9.11",
        {
            "input": [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 0, 0], [1, 0, 1, 2]],
            "layers": [
                {"type": "conv2d", "kernel": [[1, -1], [0, 1]], "bias": 0},
                {"type": "relu"},
                {"type": "maxpool", "size": 2, "stride": 1},
                {"type": "flatten"},
                {"type": "dense", "weight": [[0.1, 0.2, -0.1, 0], [-0.2, 0.1, 0.1, 0.3]], "bias": [0, 0]},
            ],
            "target": [1, 0],
            "loss": "cross_entropy",
            "learning_rate": 0.1,
            "steps": 15,
        },
    ),
    _example(
        "dead-relu",
        "ReLU stops the gradient",
        "Every convolution output is negative, so ReLU passes back zeros: the kernel never learns, only the dense bias does.",
        "9.2.2, eq. 9.10",
        {
            "input": [[1, 2, 0], [0, 1, 3], [2, 1, 1]],
            "layers": [
                {"type": "conv2d", "kernel": [[-1, 0], [0, -1]], "bias": -0.5},
                {"type": "relu"},
                {"type": "flatten"},
                {"type": "dense", "weight": [[0.5, -0.5, 0.25, 1]], "bias": 0},
            ],
            "target": [1],
            "loss": "half_sse",
            "learning_rate": 0.2,
            "steps": 10,
        },
    ),
    _example(
        "average-pool",
        "Average pooling shares the gradient",
        "A 2×2 average splits each gradient in four (Fig. 9.8) on its way back to a tanh and a convolution.",
        "Fig. 9.8, eq. 9.8–9.9",
        {
            "input": [[0.5, 1, 0, -1, 2], [1, 0, 2, 1, 0], [0, -1, 1, 0, 1], [2, 1, 0, 1, -1], [1, 0, -1, 2, 0]],
            "layers": [
                {"type": "conv2d", "kernel": [[0.5, -0.5], [0.25, 0.5]], "bias": 0.1},
                {"type": "tanh"},
                {"type": "avgpool", "size": 2},
                {"type": "flatten"},
                {"type": "dense", "weight": [[0.3, -0.2, 0.1, 0.4]], "bias": 0},
            ],
            "target": [0.5],
            "loss": "mse",
            "learning_rate": 0.02,
            "steps": 20,
        },
    ),
    _example(
        "two-kernels",
        "Two kernels, two feature maps",
        "Two kernels make two channels; max pooling keeps each window's maximum, and only those cells get a gradient (Fig. 9.9).",
        "Fig. 9.2, Fig. 9.9",
        {
            "input": [[3, 1, 0, 2], [1, 4, 2, 0], [0, 2, 5, 1], [2, 0, 1, 3]],
            "layers": [
                {"type": "conv2d", "kernel": [[[[1, 0], [0, 1]]], [[[0, 1], [-1, 0]]]], "bias": [0, 0.5]},
                {"type": "relu"},
                {"type": "maxpool", "size": 2, "stride": 1},
                {"type": "flatten"},
                {
                    "type": "dense",
                    "weight": [[0.1, -0.1, 0.2, 0, 0.05, 0.1, -0.2, 0.1], [0, 0.1, -0.1, 0.2, 0.1, 0, 0.1, -0.1]],
                    "bias": [0, 0],
                },
            ],
            "target": [0, 1],
            "loss": "cross_entropy",
            "learning_rate": 0.005,
            "steps": 12,
        },
    ),
    _example(
        "mlp",
        "A two-layer perceptron",
        "A vector through dense, sigmoid and dense layers: the fully connected case of 9.2, ∂L/∂x = Wᵀ g.",
        "9.2, fully connected",
        {
            "input": [1, -1, 0.5],
            "layers": [
                {"type": "dense", "weight": [[0.2, -0.4, 0.1], [0.5, 0.3, -0.2]], "bias": [0, 0.1]},
                {"type": "sigmoid"},
                {"type": "dense", "weight": [[1, -1]], "bias": 0},
            ],
            "target": [0.8],
            "loss": "half_sse",
            "learning_rate": 0.05,
            "steps": 15,
        },
    ),
)


SECTION = Section(
    "network",
    "A network of layers",
    "A chain of layers trained step by step: forward along the blue arrows, the gradient back along the red ones (Fig. 9.2).",
    "/network",
    EXAMPLES,
)
