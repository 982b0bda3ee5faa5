"""Request and response of ``POST /api/v1/rnn``: the RNN of Fig. 9.10 unrolled in time."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from pydantic import BaseModel, Field

from ...engine.rnn import HiddenActivation, OutputActivation
from .. import limits
from ..fields import ArrayField
from .common import LossName, StrictModel

T_MAX, D = limits.MAX_STEPS, limits.MAX_RNN_SIZE

Steps = ArrayField((2,), {2: (T_MAX, D)})
Weights = ArrayField((2,), {2: (D, D)})
Vector = ArrayField((1,), {1: (D,)})

Matrix = list[list[float]]


def _pulse_then_silence(steps: int) -> list[list[float]]:
    return [[1.0]] + [[0.0]] * (steps - 1)


# A tiny 3-step sequence: one input, two hidden units, one output; every number fits on a page.
TINY = {
    "x": [[1.0], [0.5], [-1.0]],
    "y": [[0.5], [0.25], [-0.5]],
    "U": [[0.5], [-0.3]],
    "W": [[0.1, 0.4], [-0.2, 0.3]],
    "V": [[1.0, -0.5]],
    "b": [0.0, 0.1],
    "hidden_activation": "tanh",
    "output_activation": "identity",
    "loss": "half_sse",
    "learning_rate": 0.1,
}

# Small W with tanh: ρ(W) = σ_max(W) = 0.3, so what the last loss says about h¹ is 0.3¹⁵ ≈ 1e-8 as loud.
VANISHING = {
    "x": _pulse_then_silence(16),
    "y": [[0.0]] * 15 + [[1.0]],
    "U": [[1.0], [0.5], [-0.5]],
    "W": [[0.2, 0.1, 0.0], [0.0, 0.2, 0.1], [0.1, 0.0, 0.2]],
    "V": [[1.0, 1.0, 1.0]],
    "hidden_activation": "tanh",
    "output_activation": "identity",
    "loss": "half_sse",
}

# Large W with relu: ρ(W) = σ_max(W) = 1.5 and every unit stays active, so each step back multiplies by 1.5.
EXPLODING = {
    "x": [[0.1]] * 16,
    "y": [[0.0]] * 16,
    "U": [[1.0], [0.5], [0.2]],
    "W": [[1.2, 0.3, 0.0], [0.0, 1.2, 0.3], [0.3, 0.0, 1.2]],
    "V": [[0.1, 0.1, 0.1]],
    "hidden_activation": "relu",
    "output_activation": "identity",
    "loss": "half_sse",
}

# The exploding network, cut into blocks of 4 steps: the growth restarts at every block.
TRUNCATED = {**EXPLODING, "truncation": 4}

# Two classes, one-hot targets, softmax output with cross-entropy: ∂Lᵗ/∂oᵗ = ỹᵗ − yᵗ.
CLASSIFIER = {
    "x": [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]],
    "y": [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]],
    "U": [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2]],
    "W": [[0.2, -0.1, 0.0], [0.1, 0.3, -0.2], [0.0, 0.2, 0.1]],
    "V": [[0.5, -0.4, 0.3], [-0.2, 0.6, 0.1]],
    "hidden_activation": "tanh",
    "output_activation": "softmax",
    "loss": "cross_entropy",
}

EXAMPLES: dict[str, dict[str, Any]] = {
    "tiny": {"summary": "A tiny 3-step sequence", "value": TINY},
    "vanishing": {
        "summary": "Vanishing gradient: small W with tanh",
        "description": "ρ(W) = 0.3: ‖∂L¹⁶/∂hᵗ‖ shrinks by about 0.3 per step back in time.",
        "value": VANISHING,
    },
    "exploding": {
        "summary": "Exploding gradient: large W with relu",
        "description": "ρ(W) = 1.5: ‖∂L/∂hᵗ‖ grows by about 1.5 per step back in time.",
        "value": EXPLODING,
    },
    "truncated": {
        "summary": "Truncated BPTT (k = 4) on the exploding network",
        "description": "No gradient crosses from step 5 into step 4, from 9 into 8, from 13 into 12.",
        "value": TRUNCATED,
    },
    "classifier": {"summary": "Softmax output with cross-entropy, one-hot targets", "value": CLASSIFIER},
}

TRUNCATION_DESCRIPTION = (
    "k for truncated BPTT; absent means the full backward pass. The sequence is cut into blocks of k steps "
    "(1…k, k+1…2k, …) and the state handed from one block to the next is a constant for the backward pass, "
    "exactly as a PyTorch loop that calls `h = h.detach()` before steps k+1, 2k+1, …: ∂L/∂hᵗ for t = k, 2k, … "
    "has no part from step t+1 (`cut` is true there), so each loss reaches back at most to the start of its "
    f"block. The forward pass and the losses do not change; k ≥ T is the full pass. 1 to {T_MAX}."
)


class RnnRequest(StrictModel):
    """A sequence, its targets, and the weights of Fig. 9.10."""

    x: Steps = Field(description=f"x¹ … x^T, one row per step: T × d_in, up to {T_MAX} steps of {D}.")
    y: Steps = Field(
        description="y¹ … y^T, the targets: T × d_out. One-hot rows or distributions for `cross_entropy`, "
        "numbers in [0, 1] for `bce`."
    )
    U: Weights = Field(description=f"Input weights, d_h × d_in; d_h up to {D}.")
    W: Weights = Field(description="Recurrent weights, d_h × d_h: what carries hᵗ⁻¹ into step t.")
    V: Weights = Field(description=f"Output weights, d_out × d_h; d_out up to {D}.")
    b: Optional[Vector] = Field(default=None, description="Hidden bias, d_h numbers; zeros when absent.")
    c: Optional[Vector] = Field(default=None, description="Output bias, d_out numbers; zeros when absent.")
    h0: Optional[Vector] = Field(default=None, description="The initial state h⁰, d_h numbers; zeros when absent.")
    hidden_activation: HiddenActivation = Field(default="tanh", description="σ₁, applied to aᵗ to give hᵗ.")
    output_activation: OutputActivation = Field(
        default="identity", description="σ₂, applied to oᵗ to give ỹᵗ; softmax is over each step's d_out scores."
    )
    loss: LossName = Field(
        default="mse",
        description="Lᵗ, taken on ỹᵗ; L = Σₜ Lᵗ. `mse`: mean of the step's squared errors; `half_sse`: ½Σ(ỹ−y)²; "
        "`cross_entropy`: −Σ y log ỹ, needs a `softmax` output; `bce`: binary cross-entropy, mean over the "
        "step's outputs, needs a `sigmoid` output. `mse` and `half_sse` go with any output.",
    )
    truncation: Optional[Annotated[int, Field(strict=True, ge=1, le=T_MAX)]] = Field(
        default=None, description=TRUNCATION_DESCRIPTION
    )
    learning_rate: Optional[Annotated[float, Field(strict=True, gt=0, le=limits.MAX_LEARNING_RATE)]] = Field(
        default=None, description="α: when given, `updated` holds U − α·∂L/∂U, W − α·∂L/∂W, … after one step."
    )

    model_config = {"json_schema_extra": {"examples": [TINY, VANISHING, EXPLODING]}}


class StepContribution(BaseModel):
    """This step's term in each weight gradient's sum over t."""

    grad_U: Matrix = Field(description="∂L/∂aᵗ (xᵗ)ᵀ, d_h × d_in.")
    grad_W: Matrix = Field(description="∂L/∂aᵗ (hᵗ⁻¹)ᵀ, d_h × d_h.")
    grad_V: Matrix = Field(description="∂L/∂oᵗ (hᵗ)ᵀ, d_out × d_h.")
    grad_b: list[float] = Field(description="∂L/∂aᵗ.")
    grad_c: list[float] = Field(description="∂L/∂oᵗ.")


class StepContributionNorm(BaseModel):
    """The Frobenius norm of each of this step's terms, for a chart over t."""

    grad_U: float
    grad_W: float
    grad_V: float
    grad_b: float
    grad_c: float


class RnnStep(BaseModel):
    """One cell of the unrolled network: its forward values and its part of the backward pass."""

    t: int = Field(description="The step, 1-based as the chapter writes it.")
    x: list[float] = Field(description="xᵗ.")
    y: list[float] = Field(description="yᵗ, the target.")
    h_prev: list[float] = Field(description="hᵗ⁻¹, carried in from step t−1 (h⁰ at t = 1).")
    a_from_input: list[float] = Field(description="U xᵗ.")
    a_from_state: list[float] = Field(description="W hᵗ⁻¹: what the previous state carries into step t.")
    a: list[float] = Field(description="aᵗ = U xᵗ + W hᵗ⁻¹ + b.")
    h: list[float] = Field(description="hᵗ = σ₁(aᵗ).")
    o: list[float] = Field(description="oᵗ = V hᵗ + c.")
    y_hat: list[float] = Field(description="ỹᵗ = σ₂(oᵗ).")
    loss: float = Field(description="Lᵗ.")
    grad_y_hat: Optional[list[float]] = Field(
        description="∂Lᵗ/∂ỹᵗ for `mse` and `half_sse`; null for `cross_entropy` and `bce`, whose gradient is "
        "taken on oᵗ directly."
    )
    grad_o: list[float] = Field(
        description="∂L/∂oᵗ = ∂Lᵗ/∂oᵗ: σ₂'s Jacobian times ∂Lᵗ/∂ỹᵗ, or ỹᵗ − yᵗ (÷ d_out for bce)."
    )
    grad_h_from_output: list[float] = Field(description="Vᵀ ∂L/∂oᵗ: the part of ∂L/∂hᵗ from its own output.")
    grad_h_from_next: list[float] = Field(
        description="Wᵀ ∂L/∂aᵗ⁺¹: the part from step t+1 (`grad_a` of the next step). Zero at t = T and where `cut`."
    )
    grad_h: list[float] = Field(description="∂L/∂hᵗ, the sum of the two parts.")
    hidden_derivative: list[float] = Field(description="σ₁′(aᵗ) (relu′(0) = 0, as PyTorch).")
    grad_a: list[float] = Field(description="∂L/∂aᵗ = ∂L/∂hᵗ ⊙ σ₁′(aᵗ).")
    cut: bool = Field(description="Truncated BPTT cut the flow from step t+1 into hᵗ here.")
    grad_h_norm: float = Field(description="‖∂L/∂hᵗ‖₂.")
    grad_h_from_output_norm: float = Field(description="‖Vᵀ ∂L/∂oᵗ‖₂.")
    grad_h_from_next_norm: float = Field(description="‖Wᵀ ∂L/∂aᵗ⁺¹‖₂.")
    last_loss_grad_h: list[float] = Field(
        description="∂L^T/∂hᵗ: the gradient of the last step's loss alone (same truncation). Other steps' "
        "losses do not mask it, so its norm shows how far back one loss reaches."
    )
    last_loss_grad_h_norm: float = Field(description="‖∂L^T/∂hᵗ‖₂.")
    block_last_loss_grad_h_norm: float = Field(
        description="‖∂Lᵉ/∂hᵗ‖₂, e the last step of t's block: the gradient of that block's last loss alone, the "
        "curve the geometric rates are drawn over. Blocks are those of `truncation` (1…k, k+1…2k, …, ending at T); "
        "without truncation e = T and this is `last_loss_grad_h_norm`."
    )
    contribution: StepContribution
    contribution_norm: StepContributionNorm


class RnnSpectrum(BaseModel):
    """What W predicts for the norms, drawn back in time from the end of each block (from step T without truncation)."""

    spectral_radius: float = Field(description="ρ(W) = max |λᵢ(W)|.")
    largest_singular_value: float = Field(description="σ_max(W) = ‖W‖₂.")
    derivative_bound: float = Field(description="sup |σ₁′|: 1 for tanh and relu, ¼ for sigmoid.")
    rate_bound: float = Field(
        description="σ_max(W)·sup|σ₁′|: an upper bound on ‖∂Lᵉ/∂hᵗ⁻¹‖ / ‖∂Lᵉ/∂hᵗ‖. Below 1 the gradient "
        "must vanish at least this fast."
    )
    rate_estimate: float = Field(
        description="ρ(W)·sup|σ₁′|: an estimate of the long-run rate while σ₁ stays near its steepest point; "
        "neither a bound nor the truth (saturated units make the true rate smaller). Above 1 it may explode."
    )
    longest_reach: int = Field(
        description="The most steps back any gradient travels, so the most per-step factors it goes through: "
        "T − 1, or k − 1 with truncation k < T (no gradient crosses a cut)."
    )
    measured_rate: Optional[float] = Field(
        description="The measured average factor per step back, within the blocks: (‖∂Lᵉ/∂h^s‖ / ‖∂Lᵉ/∂hᵉ‖)^{1/(e−s)} "
        "for a block s…e, its logarithm pooled over every block of two steps or more (without truncation, "
        "(‖∂L^T/∂h¹‖ / ‖∂L^T/∂h^T‖)^{1/(T−1)}). Null when no block has two steps, or a block starts or ends "
        "with a zero norm."
    )
    norm_bound: list[Optional[float]] = Field(
        description="‖∂Lᵉ/∂hᵉ‖ · rate_boundᵉ⁻ᵗ for t = 1 … T, e the last step of t's block: never below "
        "`block_last_loss_grad_h_norm`. Null past float64."
    )
    norm_estimate: list[Optional[float]] = Field(
        description="‖∂Lᵉ/∂hᵉ‖ · rate_estimateᵉ⁻ᵗ for t = 1 … T, e the last step of t's block. Null past float64."
    )


class RnnSizes(BaseModel):
    T: int
    d_in: int
    d_h: int
    d_out: int


class UpdatedWeights(BaseModel):
    U: Matrix
    W: Matrix
    V: Matrix
    b: list[float]
    c: list[float]


class RnnResponse(BaseModel):
    """The unrolled network, step by step, then the gradients and what W says about them."""

    sizes: RnnSizes
    hidden_activation: HiddenActivation
    output_activation: OutputActivation
    loss_name: LossName
    truncation: Optional[int]
    loss: float = Field(description="L = Σₜ Lᵗ.")
    h0: list[float] = Field(description="h⁰, the state carried into step 1.")
    steps: list[RnnStep] = Field(description="Step t = 1 … T, in order (index t−1).")
    grad_U: Matrix = Field(description="∂L/∂U = Σₜ ∂L/∂aᵗ (xᵗ)ᵀ.")
    grad_W: Matrix = Field(description="∂L/∂W = Σₜ ∂L/∂aᵗ (hᵗ⁻¹)ᵀ.")
    grad_V: Matrix = Field(description="∂L/∂V = Σₜ ∂L/∂oᵗ (hᵗ)ᵀ.")
    grad_b: list[float] = Field(description="∂L/∂b = Σₜ ∂L/∂aᵗ.")
    grad_c: list[float] = Field(description="∂L/∂c = Σₜ ∂L/∂oᵗ.")
    grad_h0: list[float] = Field(description="∂L/∂h⁰ = Wᵀ ∂L/∂a¹.")
    spectrum: RnnSpectrum
    learning_rate: Optional[float]
    updated: Optional[UpdatedWeights] = Field(
        description="The weights after one step of gradient descent, when a learning rate was given."
    )
