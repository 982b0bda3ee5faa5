"""Request and response of ``POST /api/v1/pool``."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, Field

from .. import limits
from ..fields import ArrayField, IntOrList
from .common import Nested, OutputSize, StrictModel
from .conv import Padding, Stride

S, C, P = limits.MAX_SIDE, limits.MAX_CHANNELS, limits.MAX_POOL_SIDE

MapArray = ArrayField((2, 3), {2: (S, S), 3: (C, S, S)})
WindowSize = IntOrList((2,), 1, P, "a window size")
PoolMode = Literal["max", "avg"]
TieRule = Literal["first", "all", "split"]

SIZE_DESCRIPTION = f"The window k, or [k_h, k_w]; 1 to {P}."
STRIDE_DESCRIPTION = "s, or [s_h, s_w]; defaults to the window size (windows side by side, as Fig. 9.8–9.9)."
PADDING_DESCRIPTION = (
    "p (all four sides), [p_h, p_w] (each on both ends, as PyTorch) or [top, bottom, left, right]; at most half "
    "the window per side, as PyTorch. Max pooling pads with −∞ (never a maximum); average pooling pads with zeros "
    "that count in the divisor (PyTorch's count_include_pad)."
)
TIES_DESCRIPTION = (
    "max only, when a window holds its maximum more than once: `first` routes the gradient to the first in "
    "row-major order (PyTorch on the CPU), `all` gives each tied maximum the whole gradient, `split` shares it "
    "evenly among them. Frameworks disagree here."
)

# Fig. 9.8 and 9.9 use one pooled map for both passes (∂L/∂O = O, chapter 9.2.3). The text gives the
# yellow average 4 (4 ÷ 4 = 1 to each cell) and the orange maximum 8 at the lower left of its window.
FIG_9_8 = {
    "input": [[1, 3, 2, 4], [5, 7, 6, 0], [3, 1, 0, 2], [2, 2, 4, 2]],
    "mode": "avg",
    "size": 2,
    "grad_output": [[4, 3], [2, 2]],
}
FIG_9_9 = {
    "input": [[1, 3, 2, 4], [8, 5, 6, 0], [3, 1, 0, 7], [2, 2, 4, 2]],
    "mode": "max",
    "size": 2,
    "grad_output": [[8, 6], [3, 7]],
}
OVERLAPPING = {"input": [[1, 2, 3], [4, 9, 5], [6, 7, 8]], "mode": "max", "size": 2, "stride": 1}


class PoolRequest(StrictModel):
    """A pooling layer and its upstream gradient."""

    input: MapArray = Field(
        description=f"I: a matrix or C × n_h × n_w (each channel pooled on its own); up to {C} channels of {S}×{S}.",
        examples=[FIG_9_8["input"]],
    )
    mode: PoolMode = Field(description="`max` or `avg` (average).", examples=["avg"])
    size: WindowSize = Field(description=SIZE_DESCRIPTION, examples=[2])
    stride: Optional[Stride] = Field(default=None, description=STRIDE_DESCRIPTION)
    padding: Padding = Field(default=0, description=PADDING_DESCRIPTION)
    ties: TieRule = Field(default="first", description=TIES_DESCRIPTION)
    grad_output: Optional[MapArray] = Field(
        default=None, description="∂L/∂O from the next layer, the output's shape. Defaults to all ones."
    )

    model_config = {"json_schema_extra": {"examples": [FIG_9_8, FIG_9_9, OVERLAPPING]}}


class Window(BaseModel):
    """One output cell: the window it pooled and where its gradient went (Fig. 9.8–9.9)."""

    index: list[int] = Field(description="The output cell, 0-based, nested as `output` ([i, j] or [c, i, j]).")
    origin: list[int] = Field(
        description="[row, col] of the window's top-left cell in the input's own channel, 0-based; negative "
        "where the window starts in the padding. The window spans `size` from there."
    )
    value: float = Field(description="O: the window's maximum or average.")
    grad: float = Field(description="∂L/∂O of this cell.")
    weights: list[list[float]] = Field(
        description="k_h × k_w: the fraction of ∂L/∂O each window cell receives — the mask of Fig. 9.9 "
        "(1 on the routed maximum, 1/n per maximum with `split`), or 1/(k_h·k_w) everywhere for average."
    )
    share: list[list[float]] = Field(description="k_h × k_w: what each window cell receives, grad × weights.")
    maxima: Optional[list[list[int]]] = Field(
        description="max only: [row, col] of every cell holding the window's maximum, row-major; with `first` "
        "only the first receives the gradient."
    )


class GradientSums(BaseModel):
    """Chapter 9.2.3: the total gradient stays the same, Σ ∂L/∂I = Σ ∂L/∂O, except where it cannot."""

    grad_output: float = Field(description="Σ ∂L/∂O.")
    grad_input: float = Field(description="Σ ∂L/∂I.")
    padding: float = Field(
        description="The shares that landed on the padding and were cropped: nonzero only for padded average "
        "pooling, whose divisor counts the zeros. With `ties: all` the routed total exceeds Σ ∂L/∂O instead."
    )


class PoolResponse(BaseModel):
    """The forward result, the routing of every window, and the gradient handed back."""

    mode: PoolMode
    ties: Optional[TieRule] = Field(description="The tie rule used (max only).")
    size: list[int] = Field(description="[k_h, k_w].")
    stride: list[int] = Field(description="[s_h, s_w].")
    padding: list[int] = Field(description="[top, bottom, left, right].")
    padded_with: Literal["-inf", "zeros"] = Field(description="What the padding holds: −∞ for max, zeros for average.")
    output: Nested = Field(description="O: each window's maximum or average.")
    output_size: OutputSize
    argmax: Optional[Nested] = Field(
        description="max only: [row, col] of each window's first maximum (PyTorch's choice), shaped like `output` "
        "with a last axis of 2."
    )
    tie_counts: Optional[Nested] = Field(description="max only: how many cells hold each window's maximum.")
    mask: Nested = Field(
        description="The input's shape: how many windows send each cell a share of their gradient — for max "
        "pooling the mask of Fig. 9.9 (above 1 where overlapping windows share a maximum), for average how many "
        "windows cover the cell."
    )
    grad_output_source: Literal["given", "ones"]
    grad_output: Nested = Field(description="∂L/∂O, the upstream gradient.")
    grad_input: Nested = Field(description="∂L/∂I: every window's share added into its cells; overlaps accumulate.")
    sums: GradientSums
    windows: Optional[list[Window]] = Field(description="Every output cell's window, in row-major order.")
    windows_omitted: Optional[str] = Field(description="Why the windows were left out, when they were.")
