"""Request and response of ``POST /api/v1/conv2d``."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, Field, model_validator

from .. import limits
from ..fields import ArrayField, IntOrList, NumberOrList
from .common import LOSS_DESCRIPTION, LossName, Nested, OutputSize, StrictModel

S, C, K, KS = limits.MAX_SIDE, limits.MAX_CHANNELS, limits.MAX_KERNELS, limits.MAX_KERNEL_SIDE

InputArray = ArrayField((2, 3), {2: (S, S), 3: (C, S, S)})
KernelArray = ArrayField((2, 4), {2: (KS, KS), 4: (K, C, KS, KS)})
OutputArray = ArrayField((2, 3), {2: (S, S), 3: (K, S, S)})

Stride = IntOrList((2,), 1, limits.MAX_STRIDE, "a stride")
Padding = IntOrList((2, 4), 0, limits.MAX_PADDING, "padding")
Dilation = IntOrList((2,), 1, limits.MAX_DILATION, "a dilation")
Result = Literal["output", "grad_kernel", "grad_input"]

# The chapter's Fig. 9.4: a 3×3 input, a 2×2 kernel, no padding, stride 1 (O₁₁ = 37).
FIG_9_4 = {
    "input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
    "kernel": [[1, 2], [3, 4]],
    "stride": 1,
    "padding": 0,
    "grad_output": [[1, 2], [-1, 1]],
}


class TermSelection(StrictModel):
    result: Result = Field(description="Which result the cell belongs to.")
    index: list[Annotated[int, Field(strict=True, ge=0)]] = Field(
        min_length=2, max_length=4, description="0-based index of the cell, with the result's nesting."
    )


class Conv2dRequest(StrictModel):
    """A convolution layer, its upstream gradient, and what to explain."""

    input: InputArray = Field(
        description=f"I: a matrix (one channel) or C_in × n_h × n_w; up to {C} channels of {S}×{S}.",
        examples=[FIG_9_4["input"]],
    )
    kernel: KernelArray = Field(
        description=f"F: a matrix (one kernel, one channel) or C_out × C_in × k_h × k_w; up to {K} kernels of {KS}×{KS}.",
        examples=[FIG_9_4["kernel"]],
    )
    bias: Optional[NumberOrList(K)] = Field(
        default=None, description="b: a number for a plain kernel, else one number per kernel."
    )
    stride: Stride = Field(
        default=1, description=f"s, or [s_h, s_w]; 1 to {limits.MAX_STRIDE}."
    )
    padding: Padding = Field(
        default=0,
        description=f"Zeros around the input: p (all four sides), [p_h, p_w] (each on both ends, as PyTorch) "
        f"or [top, bottom, left, right]; 0 to {limits.MAX_PADDING} per side.",
    )
    dilation: Dilation = Field(
        default=1, description=f"d, or [d_h, d_w]: gaps between kernel taps; 1 to {limits.MAX_DILATION}."
    )
    mode: Literal["cross_correlation", "convolution"] = Field(
        default="cross_correlation",
        description="`cross_correlation` slides the kernel as typed (what CNNs do, eq. 9.5); "
        "`convolution` flips it first (eq. 9.4).",
    )
    grad_output: Optional[OutputArray] = Field(
        default=None, description="∂L/∂O from the next layer; the output's shape. Defaults to all ones."
    )
    target: Optional[OutputArray] = Field(
        default=None, description="A target for the output; with `loss`, it gives ∂L/∂O. Not with `grad_output`."
    )
    loss: LossName = Field(default="mse", description="Used only with `target`. " + LOSS_DESCRIPTION)
    learning_rate: Optional[Annotated[float, Field(strict=True, gt=0, le=limits.MAX_LEARNING_RATE)]] = Field(
        default=None, description="α: when given, the response holds F − α·∂L/∂F and b − α·∂L/∂b."
    )
    terms: Literal["none", "auto", "all"] = Field(
        default="none",
        description="Per-element expansions (which products sum to each cell of `output`, `grad_kernel`, "
        "`grad_input`, as eq. 9.5, 9.8 and 9.9 write them): `none` (default) leaves them out, `auto` sends "
        "them while they are small, `all` always (up to a cap).",
    )
    terms_at: Optional[Annotated[list[TermSelection], Field(max_length=limits.MAX_TERMS_AT)]] = Field(
        default=None,
        description="Expand only these cells (overrides `terms`), e.g. for a large input. The products of "
        "all the cells are capped as for `all`: cells past the cap are left out, and `terms_omitted` says "
        "which, to ask for in another request.",
    )

    model_config = {"json_schema_extra": {"examples": [FIG_9_4]}}

    @model_validator(mode="after")
    def _one_upstream_gradient(self) -> "Conv2dRequest":
        if self.grad_output is not None and self.target is not None:
            raise ValueError("grad_output and target: give one or the other, not both")
        return self


class Operand(BaseModel):
    field: str
    index: list[int]
    value: float


class TermOut(BaseModel):
    left: Operand
    right: Operand


class CellTerms(BaseModel):
    result: Result
    index: list[int]
    value: float
    bias: Optional[float] = None
    terms: list[TermOut]


class Conv2dResponse(BaseModel):
    """Every intermediate of the forward and backward pass, in the chapter's order."""

    padded_input: Nested = Field(description="P: the input with its zero padding.")
    sliding_kernel: Nested = Field(description="The kernel as it slides over P: flipped in convolution mode, zeros between taps with dilation.")
    output: Nested = Field(description="O (eq. 9.5).")
    output_size: OutputSize
    loss: Optional[float] = Field(description="L, when a target was given.")
    loss_name: Optional[LossName]
    grad_output_source: Literal["given", "loss", "ones"]
    grad_output: Nested = Field(description="∂L/∂O, the upstream gradient.")
    upsampled_grad: Nested = Field(description="∂L/∂O with s−1 zeros inserted and the bottom/right filled to the stride-1 size.")
    grad_kernel: Nested = Field(description="∂L/∂F = P ⋆ (upsampled ∂L/∂O) (eq. 9.8).")
    grad_bias: Optional[Nested] = Field(description="∂L/∂b = Σ ∂L/∂O per kernel; null without a bias.")
    rotated_kernel: Nested = Field(description="F¹⁸⁰: the sliding kernel rotated by 180°.")
    padded_upsampled_grad: Nested = Field(description="The upsampled ∂L/∂O zero-padded by k−1 on every side.")
    grad_padded_input: Nested = Field(description="∂L/∂P = full convolution of the two above (eq. 9.9).")
    grad_input: Nested = Field(description="∂L/∂I: ∂L/∂P with the padding cropped.")
    updated_kernel: Optional[Nested] = Field(description="F − α·∂L/∂F, when a learning rate was given.")
    updated_bias: Optional[Nested] = Field(description="b − α·∂L/∂b, when a learning rate and a bias were given.")
    terms: Optional[list[CellTerms]] = Field(description="Per-element expansions, as asked by `terms` / `terms_at`.")
    terms_omitted: Optional[str] = Field(
        description="Why the expansions were left out, when they were, or which of the `terms_at` cells were."
    )
