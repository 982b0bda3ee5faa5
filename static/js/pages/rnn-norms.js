/**
 * Why the gradient vanishes or explodes: ‖∂L/∂hᵗ‖ against t on a log scale, with the geometric
 * rates that ρ(W) and σ_max(W) predict drawn over the measured norms, and each weight gradient's
 * per-step terms on a second chart.
 */

import { paragraph, span } from "../dom.js";
import { formatNumber, fullNumber } from "../number-format.js";
import { LogChart } from "./rnn-chart.js";
import { superscript } from "./rnn-explain.js";

/**
 * @typedef {import("./rnn-model.js").RnnModel} RnnModel
 */

const TERM_SERIES = [
  ["grad_U", "‖∂L/∂aᵗ (xᵗ)ᵀ‖, into ∂L/∂U", "U", "is-u"],
  ["grad_W", "‖∂L/∂aᵗ (hᵗ⁻¹)ᵀ‖, into ∂L/∂W", "W", "is-w"],
  ["grad_V", "‖∂L/∂oᵗ (hᵗ)ᵀ‖, into ∂L/∂V", "V", "is-v"],
  ["grad_b", "‖∂L/∂aᵗ‖, into ∂L/∂b", "b", "is-b"],
  ["grad_c", "‖∂L/∂oᵗ‖, into ∂L/∂c", "c", "is-c"],
];

/**
 * A number shown rounded, with its full value and the API field it is.
 * @param {string} field
 * @param {number} value
 */
function valueSpan(field, value) {
  const element = document.createElement("span");
  element.className = "rnn-value";
  element.dataset.field = field;
  element.dataset.value = fullNumber(value);
  element.textContent = formatNumber(value);
  element.title = fullNumber(value);
  return element;
}

/** "1, 2 and 3" */
function listWords(items) {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** The norms of ∂L/∂hᵗ and of the weight gradients' terms over t, and the spectrum of W. */
export class NormsView {
  /**
   * @param {RnnModel} model
   * @param {{onSelect: (s: number) => void}} handlers a step (0-based) is chosen on a chart
   */
  constructor(model, { onSelect }) {
    this.model = model;
    const { T, spectrum } = model;
    /** Truncation cuts the sequence into blocks: one loss's gradient then lives in its own block. */
    this.blocked = model.cuts.length > 0;
    const norms = {
      full: model.steps.map((step) => step.grad_h_norm),
      one: model.steps.map((step) => (this.blocked ? step.block_last_loss_grad_h_norm : step.last_loss_grad_h_norm)),
    };
    const one = this.blocked
      ? { key: "block_last_loss_grad_h_norm", name: `‖∂Lᵉ/∂hᵗ‖: the last loss of each block alone (e = ${listWords(this.#blockEnds().map(String))})`, short: "‖∂Lᵉ/∂hᵗ‖" }
      : { key: "last_loss_grad_h_norm", name: `‖∂L${superscript(T)}/∂hᵗ‖: the last loss alone`, short: `‖∂L${superscript(T)}/∂hᵗ‖` };
    const from = this.blocked ? "from each block's end" : `from t = ${T}`;
    this.norms = new LogChart({
      label: `‖∂L/∂hᵗ‖ against t, log scale`,
      description: this.#trend(norms.one),
      T,
      cuts: model.cuts,
      onPoint: onSelect,
      series: [
        { key: "grad_h_norm", name: "‖∂L/∂hᵗ‖: every loss", short: "‖∂L/∂hᵗ‖", className: "is-full", values: norms.full, measured: true },
        { ...one, className: "is-last", values: norms.one, measured: true },
        { key: "norm_bound", name: `σ_max(W)·sup|σ₁′| per step back ${from}: a bound`, short: "bound", className: "is-bound", values: spectrum.norm_bound },
        { key: "norm_estimate", name: `ρ(W)·sup|σ₁′| per step back ${from}: an estimate`, short: "estimate", className: "is-estimate", values: spectrum.norm_estimate },
      ],
    });
    this.terms = new LogChart({
      label: "Each weight gradient's term at every step, log scale",
      description: "The norm of each step's term in ∂L/∂U, ∂L/∂W, ∂L/∂V, ∂L/∂b and ∂L/∂c.",
      T,
      cuts: model.cuts,
      onPoint: onSelect,
      series: TERM_SERIES.map(([key, name, weight, className]) => ({
        key: `contribution_norm.${key}`,
        name,
        short: `term of ∂L/∂${weight}`,
        className,
        values: model.steps.map((step) => step.contribution_norm[key]),
        measured: true,
      })),
    });

    this.slider = document.createElement("input");
    this.slider.type = "range";
    this.slider.min = "1";
    this.slider.max = String(T);
    this.slider.id = "rnn-chart-step";
    this.slider.addEventListener("input", () => onSelect(Number(this.slider.value) - 1));
    const sliderLabel = document.createElement("label");
    sliderLabel.htmlFor = this.slider.id;
    sliderLabel.textContent = "Read the charts at step t";
    const picker = document.createElement("div");
    picker.className = "rnn-picker";
    picker.append(sliderLabel, this.slider);
    this.readout = paragraph("rnn-readout");
    this.readout.setAttribute("aria-live", "polite");
    this.termReadout = paragraph("rnn-readout");
    this.termReadout.setAttribute("aria-live", "polite");

    const figure = document.createElement("div");
    figure.className = "rnn-norms";
    figure.append(this.norms.element, this.#spectrum());

    this.element = document.createElement("div");
    this.element.className = "rnn-norms-body";
    this.element.append(
      paragraph(
        "lead",
        "Each step back multiplies the gradient by Wᵀ diag(σ₁′(aᵗ)), so what one loss says about a state n steps earlier has been through n such factors: a factor below 1 makes it vanish geometrically, one above 1 makes it explode.",
      ),
      figure,
      picker,
      this.readout,
      this.#curvesNote(norms.full),
      document.createElement("hr"),
      paragraph(
        "lead",
        "The same weights act at every step, so each weight gradient is a sum of one term per step (part 3). The terms of steps far from the losses are the ones a vanishing gradient silences.",
      ),
      this.terms.element,
      this.termReadout,
    );
  }

  /** The spectrum of W beside the chart, and what it predicts. */
  #spectrum() {
    const { spectrum: sp, T, hidden } = this.model;
    const list = document.createElement("dl");
    list.className = "rnn-spectrum";
    const add = (term, words, field, value) => {
      const dt = document.createElement("dt");
      dt.append(term, span("rnn-dt-words", words));
      const dd = document.createElement("dd");
      dd.append(value === null ? "—" : valueSpan(`spectrum.${field}`, value));
      list.append(dt, dd);
    };
    add("ρ(W)", "spectral radius, max |λᵢ(W)|", "spectral_radius", sp.spectral_radius);
    add("σ_max(W)", "largest singular value, ‖W‖₂", "largest_singular_value", sp.largest_singular_value);
    add("sup |σ₁′|", `the steepest ${hidden} gets`, "derivative_bound", sp.derivative_bound);
    add("σ_max(W)·sup|σ₁′|", "bound per step back", "rate_bound", sp.rate_bound);
    add("ρ(W)·sup|σ₁′|", "estimate per step back", "rate_estimate", sp.rate_estimate);
    add("Measured", this.#measuredWords(), "measured_rate", sp.measured_rate);
    const aside = document.createElement("div");
    aside.className = "rnn-verdict";
    const heading = document.createElement("h3");
    heading.textContent = "What W predicts";
    aside.append(heading, list, paragraph("rnn-verdict-text", this.#verdict()));
    if (this.model.truncation !== null && this.model.cuts.length) aside.append(paragraph("note", this.#truncationWords()));
    return aside;
  }

  /** What the measured rate is, or why there is none. */
  #measuredWords() {
    const { spectrum: sp, T } = this.model;
    if (sp.longest_reach === 0) return `per step back: undefined, no gradient goes back a step (${T === 1 ? "T = 1" : "k = 1"})`;
    if (sp.measured_rate === null) return `per step back: undefined, a norm at the start or end of ${this.blocked ? "a block" : "the sequence"} is 0`;
    if (this.blocked) return "per step back within a block: the average of ‖∂Lᵉ/∂hᵗ⁻¹‖ / ‖∂Lᵉ/∂hᵗ‖ over the steps of every block (geometric mean)";
    return `per step back, (‖∂L${superscript(T)}/∂h¹‖ / ‖∂L${superscript(T)}/∂h${superscript(T)}‖)^(1/${T - 1})`;
  }

  /** One sentence on why the gradient shrinks or grows here, over the longest way a gradient travels. */
  #verdict() {
    const { spectrum: sp, T, truncation } = this.model;
    const n = sp.longest_reach;
    if (n === 0)
      return T === 1
        ? `One step: nothing travels back through W here. Each step back would multiply ∂L/∂hᵗ by at most σ_max(W)·sup|σ₁′| = ${formatNumber(sp.rate_bound)}.`
        : `Truncation k = 1: no gradient travels back through W, so each ∂L/∂hᵗ is its own output's part alone. Each step back would multiply it by at most σ_max(W)·sup|σ₁′| = ${formatNumber(sp.rate_bound)}.`;
    const steps = `${n} step${n === 1 ? "" : "s"}`;
    const power = (rate, k = n) => `${formatNumber(rate)}${superscript(k)} ≈ ${formatNumber(rate ** k)}`;
    const one = this.blocked ? "∂Lᵉ/∂hᵗ" : `∂L${superscript(T)}/∂hᵗ`;
    const reach = this.blocked
      ? `With truncation k = ${truncation} no gradient travels more than ${steps} back, within its block. `
      : `A gradient travels at most ${steps} back here, from step ${T} to step 1. `;
    if (sp.rate_bound < 1)
      return `${reach}σ_max(W)·sup|σ₁′| = ${formatNumber(sp.rate_bound)} < 1: each step back multiplies ${one} by at most that, so ${steps} back it is at most ${power(sp.rate_bound)} times as large. The gradient vanishes.`;
    if (sp.rate_estimate > 1) {
      const growth = `${reach}ρ(W)·sup|σ₁′| = ${formatNumber(sp.rate_estimate)} > 1: while the units stay on the steep part of σ₁, each step back multiplies ${one} by about that, ${power(sp.rate_estimate)} over ${steps}.`;
      return this.blocked
        ? `${growth} Truncation caps it there: over all ${T - 1} steps the same rate would give ${power(sp.rate_estimate, T - 1)}.`
        : `${growth} The gradient can explode; saturated or inactive units slow it.`;
    }
    return `${reach}ρ(W)·sup|σ₁′| = ${formatNumber(sp.rate_estimate)} ≤ 1 ≤ σ_max(W)·sup|σ₁′| = ${formatNumber(sp.rate_bound)}: W alone does not decide. How steep σ₁ is where the network works does; compare the measured rate.`;
  }

  /** The last step of every block, 1-based: the cuts, and T. */
  #blockEnds() {
    return [...this.model.cuts, this.model.T];
  }

  #truncationWords() {
    const { cuts, truncation, T } = this.model;
    const lastStart = /** @type {number} */ (cuts.at(-1)) + 1;
    return `Truncation k = ${truncation} cuts the flow after step${cuts.length > 1 ? "s" : ""} ${listWords(cuts.map(String))} (dashed lines): ∂L${superscript(T)}/∂hᵗ is exactly 0 before step ${lastStart}, the first of the last block, and ‖∂L/∂hᵗ‖ starts again at every block. So the chart follows the last loss of each block, ‖∂Lᵉ/∂hᵗ‖ for e = ${listWords(this.#blockEnds().map(String))}, and draws the rates of W back from each block's end.`;
  }

  /** Why two measured curves, and what the full one hides. */
  #curvesNote(full) {
    const { T } = this.model;
    const one = this.blocked
      ? "‖∂Lᵉ/∂hᵗ‖ follows one loss back in time, the last of t's block (e is that block's last step)"
      : `‖∂L${superscript(T)}/∂hᵗ‖ follows one loss, the last, back in time`;
    const note = paragraph(
      "note",
      `‖∂L/∂hᵗ‖ is what backpropagation through time computes: step t's own Vᵀ∂L/∂oᵗ plus everything later losses send back. ${one}: it is the product of the per-step factors, the curve the rates of W are drawn from.`,
    );
    const positive = full.filter((v) => v > 0);
    if (!positive.length) note.append(" Here every ∂L/∂hᵗ is 0: the outputs match their targets, or nothing gets back through σ₁ and V.");
    if (T >= 3 && positive.length === T) {
      const smallest = full.indexOf(Math.min(...full));
      if (smallest > 0 && smallest < T - 1 && full[0] > 10 * full[smallest] && full[T - 1] > 10 * full[smallest])
        note.append(
          ` Here ‖∂L/∂hᵗ‖ is U-shaped, smallest at t = ${smallest + 1}: going back from t = ${T} it vanishes, then the early steps' own losses make it large again. That hides the vanishing of what the last loss says.`,
        );
    }
    return note;
  }

  /** A sentence for screen readers on how one loss's gradient changes over t. */
  #trend(one) {
    const { T } = this.model;
    if (!this.blocked)
      return `From t = ${T} back to t = 1, ‖∂L${superscript(T)}/∂hᵗ‖ goes from ${formatNumber(one[T - 1])} to ${formatNumber(one[0])}.`;
    const start = /** @type {number} */ (this.model.cuts.at(-1)) + 1;
    return `In the last block, from t = ${T} back to t = ${start}, ‖∂L${superscript(T)}/∂hᵗ‖ goes from ${formatNumber(one[T - 1])} to ${formatNumber(one[start - 1])}; every other block starts again from its own last loss.`;
  }

  /**
   * Show step s (0-based) on both charts and read out its numbers.
   * @param {number} s
   */
  select(s) {
    this.norms.mark(s);
    this.terms.mark(s);
    this.slider.value = String(s + 1);
    const t = s + 1;
    this.slider.setAttribute("aria-valuetext", `t = ${t}`);
    const read = (chart, into) => {
      const parts = [`t = ${t}: `];
      chart.valuesAt(s).forEach(({ short, key, value }, k) => {
        if (k) parts.push(" · ");
        parts.push(`${short} = `);
        const field = key.startsWith("norm_") ? `spectrum.${key}[${s}]` : `steps[${s}].${key}`;
        parts.push(value === null ? "beyond float64" : valueSpan(field, value));
      });
      into.replaceChildren(...parts);
    };
    read(this.norms, this.readout);
    read(this.terms, this.termReadout);
  }

  /**
   * Show the norms of steps `from` … T (0-based) only, as the backward pass reaches them.
   * @param {number} from
   */
  reveal(from) {
    this.norms.reveal(from);
    this.terms.reveal(from);
  }
}
