"""Request and response of ``POST /api/v1/network``.

Each layer object takes the same fields as its own endpoint (``/conv2d``, ``/activation``,
``/pool``), so a page can open any layer of the chain there with its numbers filled in.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, Discriminator, Field, Tag

from .. import limits
from ..fields import ArrayField, NumberOrList, WholeNumber
from .activation import NEGATIVE_SLOPE_DESCRIPTION, RELU_AT_ZERO_DESCRIPTION, AnyArray, NegativeSlope, ZeroOrOne
from .common import LOSS_DESCRIPTION, LossName, Nested, StrictModel
from .conv import Dilation, KernelArray, Padding, Stride
from .pool import PADDING_DESCRIPTION, SIZE_DESCRIPTION, STRIDE_DESCRIPTION, TIES_DESCRIPTION, TieRule, WindowSize

DenseWeight = ArrayField((2,), {2: (limits.MAX_DENSE_OUT, limits.MAX_DENSE_IN)})
Steps = WholeNumber(1, limits.MAX_TRAINING_STEPS, "a number of steps")
LearningRate = Annotated[float, Field(strict=True, gt=0, le=limits.MAX_LEARNING_RATE)]


class Conv2dLayer(StrictModel):
    """A convolution (eq. 9.5): its kernel and bias are trained."""

    type: Literal["conv2d"]
    kernel: KernelArray = Field(description="F: a matrix (one kernel, one channel) or C_out × C_in × k_h × k_w.")
    bias: Optional[NumberOrList(limits.MAX_KERNELS)] = Field(
        default=None, description="b: a number for a plain kernel, else one per kernel; none if left out."
    )
    stride: Stride = Field(default=1, description="s, or [s_h, s_w].")
    padding: Padding = Field(
        default=0, description="Zeros around the input: p, [p_h, p_w] or [top, bottom, left, right]."
    )
    dilation: Dilation = Field(default=1, description="d, or [d_h, d_w].")


class ReluLayer(StrictModel):
    type: Literal["relu"]
    relu_grad_at_zero: ZeroOrOne = Field(default=0, description=RELU_AT_ZERO_DESCRIPTION)


class LeakyReluLayer(StrictModel):
    type: Literal["leaky_relu"]
    negative_slope: NegativeSlope = Field(default=0.01, description=NEGATIVE_SLOPE_DESCRIPTION)


class SmoothActivationLayer(StrictModel):
    """sigmoid and tanh element by element; softmax over every element at once."""

    type: Literal["sigmoid", "tanh", "softmax"]


class PoolLayer(StrictModel):
    type: Literal["maxpool", "avgpool"]
    size: WindowSize = Field(description=SIZE_DESCRIPTION)
    stride: Optional[Stride] = Field(default=None, description=STRIDE_DESCRIPTION)
    padding: Padding = Field(default=0, description=PADDING_DESCRIPTION)
    ties: TieRule = Field(default="first", description=TIES_DESCRIPTION)


class FlattenLayer(StrictModel):
    """C × H × W → a vector, channel by channel and row by row (PyTorch's order)."""

    type: Literal["flatten"]


class DenseLayer(StrictModel):
    """y = W x + b: its weight and bias are trained."""

    type: Literal["dense"]
    weight: DenseWeight = Field(description=f"W: n_out × n_in, up to {limits.MAX_DENSE_OUT} rows.")
    bias: Optional[NumberOrList(limits.MAX_DENSE_OUT)] = Field(
        default=None, description="b: one number per output (a number when n_out = 1); none if left out."
    )


_TAGS = {
    "conv2d": "conv2d layer",
    "relu": "relu layer",
    "leaky_relu": "leaky_relu layer",
    "sigmoid": "smooth layer",
    "tanh": "smooth layer",
    "softmax": "smooth layer",
    "maxpool": "pool layer",
    "avgpool": "pool layer",
    "flatten": "flatten layer",
    "dense": "dense layer",
}
LAYER_TYPES = ", ".join(_TAGS)


def _tag(value: Any) -> Optional[str]:
    """The union member for a layer's "type"; the tags hold a space so error paths skip them."""
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return _TAGS.get(kind) if isinstance(kind, str) else None


Layer = Annotated[
    Union[
        Annotated[Conv2dLayer, Tag("conv2d layer")],
        Annotated[ReluLayer, Tag("relu layer")],
        Annotated[LeakyReluLayer, Tag("leaky_relu layer")],
        Annotated[SmoothActivationLayer, Tag("smooth layer")],
        Annotated[PoolLayer, Tag("pool layer")],
        Annotated[FlattenLayer, Tag("flatten layer")],
        Annotated[DenseLayer, Tag("dense layer")],
    ],
    Discriminator(
        _tag,
        custom_error_type="unknown_layer",
        custom_error_message=f'each layer is an object whose "type" is one of {LAYER_TYPES}',
    ),
]

# A tiny CNN: conv → relu → maxpool → flatten → dense, trained by cross-entropy for five steps.
TINY_CNN = {
    "input": [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 0, 0], [1, 0, 1, 2]],
    "layers": [
        {"type": "conv2d", "kernel": [[1, -1], [0, 1]], "bias": 0},
        {"type": "relu"},
        {"type": "maxpool", "size": 2, "stride": 1},
        {"type": "flatten"},
        {"type": "dense", "weight": [[0.1, 0.2, -0.1, 0.0], [-0.2, 0.1, 0.1, 0.3]], "bias": [0, 0]},
    ],
    "target": [1, 0],
    "loss": "cross_entropy",
    "learning_rate": 0.1,
    "steps": 5,
}


# A chain whose layers take no parameters, so that its share link is the request's fields alone: the
# example of GET /api/v1/network's parameters (a layer's own fields go in as `layers[i].kernel=…`).
PLAIN_CHAIN = {"input": [[1, -2], [3, 4]], "layers": [{"type": "relu"}, {"type": "flatten"}], "target": [0, 0, 1, 1]}


class NetworkRequest(StrictModel):
    """A chain of layers (Fig. 9.2), a target, and how to train it."""

    input: AnyArray = Field(
        description=f"I¹: a vector, a matrix (one channel), or C × H × W (up to {limits.MAX_CHANNELS} channels of "
        f"{limits.MAX_SIDE}×{limits.MAX_SIDE}).",
        examples=[TINY_CNN["input"]],
    )
    layers: Annotated[list[Layer], Field(min_length=1, max_length=limits.MAX_LAYERS)] = Field(
        description=f"1 to {limits.MAX_LAYERS} layers, first to last; each one's input is the previous one's "
        f'output. Each is an object with a "type": {LAYER_TYPES}.',
    )
    target: AnyArray = Field(description="O_true: the last layer's output shape (a matrix for one channel).")
    loss: LossName = Field(default="mse", description=LOSS_DESCRIPTION)
    learning_rate: LearningRate = Field(
        default=0.1, description="α: every parameter θ moves by −α·∂L/∂θ each step (plain SGD)."
    )
    steps: Steps = Field(
        default=1,
        description=f"Training steps, 1 to {limits.MAX_TRAINING_STEPS}; also at most {limits.MAX_NETWORK_WORK:.0e} "
        "units of work in all (one unit is about one multiply-add of a convolution; pooling, activations and "
        "dense layers count what each of their elements costs, and every layer a fixed overhead).",
    )

    model_config = {"json_schema_extra": {"examples": [TINY_CNN]}}


class LayerPass(BaseModel):
    """One layer in the first step: what went in and out, and the gradients both ways."""

    index: int
    type: str
    input_shape: list[int] = Field(description="The canonical shape: a vector's length, or C, H, W.")
    output_shape: list[int]
    input: Nested = Field(description="Iⁿ = Oⁿ⁻¹.")
    output: Nested = Field(description="Oⁿ.")
    grad_output: Nested = Field(description="∂L/∂Oⁿ: the next layer's ∂L/∂Iⁿ⁺¹, or the loss's gradient for the last.")
    grad_input: Nested = Field(description="∂L/∂Iⁿ, handed on as the previous layer's ∂L/∂Oⁿ⁻¹.")
    params: dict[str, Nested] = Field(description="The parameters this step used (`kernel`/`weight`, `bias`).")
    param_grads: dict[str, Nested] = Field(description="∂L/∂ of each parameter, by the same names.")


class FirstStep(BaseModel):
    loss: float = Field(description="L before the first update (= losses[0]).")
    prediction: Nested = Field(description="O^N: the last layer's output.")
    probabilities: Optional[Nested] = Field(description="softmax (cross_entropy) or sigmoid (bce) of the prediction.")
    grad_prediction: Nested = Field(description="∂L/∂O^N, where the backward pass starts.")
    layers: list[LayerPass]


class NetworkResponse(BaseModel):
    """The loss over the steps, the first step in full, and the trained parameters.

    Feature maps come as plain matrices wherever they have one channel and the input was a plain
    matrix; kernels and biases keep the nesting they were given in.
    """

    loss_name: LossName
    losses: list[float] = Field(description="losses[i]: the loss at the start of step i, before its update.")
    final_loss: float = Field(description="The loss with the parameters after the last step.")
    first_step: FirstStep
    final_params: list[dict[str, Nested]] = Field(description="Per layer, its parameters after the last step.")
    notes: list[str] = Field(description="Things worth knowing about this chain, e.g. softmax applied twice.")
