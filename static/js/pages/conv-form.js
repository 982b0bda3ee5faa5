/**
 * The settings panel of the convolution page: matrix editors for the input, the kernels and the
 * upstream gradient or target, text fields for bias, stride, padding, dilation and learning rate,
 * and the choices of mode and loss. It holds no numbers of its own: every edit hands the whole
 * new state to the page, and the API's messages come back to the field they name.
 */

import { element } from "../dom.js";
import { countField, group, messageCell, placeErrors, radioChoice, selectField, textField } from "../form-fields.js";
import { MatrixEditor } from "../matrix-editor.js";
import { LOSSES, MAX_CHANNELS, MAX_KERNEL_SIDE, MAX_SIDE } from "./conv-request.js";

/**
 * @typedef {import("./conv-request.js").ConvState} ConvState
 * @typedef {import("../api.js").FieldError} FieldError
 * @typedef {"values"|"geometry"|"upstream"} ChangeKind geometry changes the output's shape
 */

const TEXT_FIELDS = [
  ["bias", "Bias b", "One number per kernel, e.g. 0.5 or 0.5, −1; empty for none."],
  ["stride", "Stride s", "s, or s_h, s_w."],
  ["padding", "Padding p", "p on every side; p_h, p_w; or top, bottom, left, right."],
  ["dilation", "Dilation d", "d, or d_h, d_w: gaps between the kernel's taps."],
  ["learning_rate", "Learning rate α", "For the update F − α·∂L/∂F; empty for none."],
];

// Short enough for the narrowest settings panel; the hint says how they differ.
const MODES = [
  ["cross_correlation", "Cross-correlation (eq. 9.5)"],
  ["convolution", "Convolution (eq. 9.4)"],
];
const MODE_HINT = "Convolution flips the kernel first; CNNs compute cross-correlation and call it convolution.";
const LOSS_NAMES = { mse: "mean squared error", half_sse: "½ Σ (O − T)²", cross_entropy: "cross-entropy (softmax)", bce: "binary cross-entropy (sigmoid)" };
const UPSTREAM = [
  ["ones", "1 everywhere"],
  ["given", "Given ∂L/∂O"],
  ["target", "A target and a loss"],
];

/** @param {number} lo @param {number} hi */
function randomCell(lo, hi) {
  return String(lo + Math.floor(Math.random() * (hi - lo + 1)));
}

/** @param {string[][]} like @param {number} lo @param {number} hi */
function randomGrid(like, lo, hi) {
  return like.map((row) => row.map(() => randomCell(lo, hi)));
}

export class ConvForm {
  /**
   * @param {ConvState} state
   * @param {{onChange: (state: ConvState, kind: ChangeKind) => void}} handlers
   */
  constructor(state, { onChange }) {
    this.state = structuredClone(state);
    this.shown = { cIn: state.input.length, cOut: state.kernel.length };
    /** Upstream editors whose Reset value is known (they had one at load, or have been fitted). */
    this.resettable = new Set(["grad_output", "target"].filter((field) => state[field]));
    this.onChange = onChange;
    this.element = document.createElement("form");
    this.element.className = "conv-form";
    this.element.addEventListener("submit", (event) => event.preventDefault());

    this.counts = this.#counts();
    this.inputEditor = new MatrixEditor({
      id: "input",
      legend: "Input I",
      name: "I",
      grids: this.state.input,
      hint: `Up to ${MAX_SIDE} × ${MAX_SIDE}; arrows, Tab and Enter move, paste fills from the cell.`,
      randomRange: [0, 9],
      onChange: (grids) => this.#change({ input: grids }, "geometry"),
    });
    this.kernelEditor = new MatrixEditor({
      id: "kernel",
      legend: "Kernel F",
      name: "F",
      grids: this.state.kernel.flat(),
      gridLabel: (g) => this.#kernelLabel(g),
      maxRows: MAX_KERNEL_SIDE,
      maxCols: MAX_KERNEL_SIDE,
      randomRange: [-3, 3],
      onChange: (grids) => this.#change({ kernel: this.#unflatten(grids) }, "geometry"),
    });
    this.gradEditor = new MatrixEditor({
      id: "grad_output",
      legend: "∂L/∂O",
      name: "∂L/∂O",
      grids: this.state.grad_output ?? [[["1"]]],
      gridLabel: (g) => `kernel ${g + 1}`,
      hint: "The output's shape; it comes from the next layer.",
      onChange: (grids) => this.#change({ grad_output: grids }, "values"),
    });
    this.targetEditor = new MatrixEditor({
      id: "target",
      legend: "Target T",
      name: "T",
      grids: this.state.target ?? [[["0"]]],
      gridLabel: (g) => `kernel ${g + 1}`,
      hint: "The output's shape.",
      randomRange: [0, 9],
      onChange: (grids) => this.#change({ target: grids }, "values"),
    });
    this.texts = TEXT_FIELDS.map(([name, label, hint]) => {
      const kind = name === "bias" || name === "learning_rate" ? "values" : "geometry";
      return textField(name, label, hint, state[name], (value) => this.#change({ [name]: value }, kind));
    });
    this.mode = selectField("mode", "Mode", MODES, state.mode, (mode) => this.#change({ mode }, "values"), MODE_HINT);
    this.mode.element.classList.add("field-wide");
    this.upstream = radioChoice("upstream", "∂L/∂O, the gradient from the next layer", UPSTREAM, state.upstream, (upstream) => {
      this.#change({ upstream: /** @type {any} */ (upstream) }, "upstream");
      this.#showUpstream();
    });
    this.upstreamBody = document.createElement("div");
    /** The loss's select, made the first time a target is given. */
    this.loss = null;

    /** @type {Map<string, (message: string|null, error?: FieldError) => void>} */
    this.slots = new Map([
      ["input", (m, e) => this.inputEditor.setError(m, e ? messageCell(e) : null)],
      ["kernel", (m, e) => this.kernelEditor.setError(m, e ? messageCell(e, this.state.input.length) : null)],
      ["grad_output", (m, e) => this.gradEditor.setError(m, e ? messageCell(e) : null)],
      ["target", (m, e) => this.targetEditor.setError(m, e ? messageCell(e) : null)],
      ...this.texts.map((slot) => /** @type {[string, any]} */ ([slot.control.name, slot.show])),
      ["mode", this.mode.show],
    ]);

    const settings = element("div", "settings", ...this.texts.slice(0, 4).map((slot) => slot.element), this.mode.element);
    this.element.append(
      group("Layer", this.counts.element, this.inputEditor.element, this.kernelEditor.element, settings),
      group("Backward", this.upstream.element, this.upstreamBody, this.texts[4].element),
    );
    this.#showUpstream();
  }

  /**
   * Bring the controls in line with `state`, after every change; editors whose value already
   * matches are left alone, so typing is never interrupted.
   * @param {ConvState} state
   */
  sync(state) {
    const recount = state.input.length !== this.shown.cIn || state.kernel.length !== this.shown.cOut;
    this.shown = { cIn: state.input.length, cOut: state.kernel.length };
    this.state = structuredClone(state);
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    if (recount || !same(this.inputEditor.value(), state.input)) this.inputEditor.setValue(state.input);
    if (recount || !same(this.kernelEditor.value(), state.kernel.flat())) this.kernelEditor.setValue(state.kernel.flat());
    for (const [field, editor] of [["grad_output", this.gradEditor], ["target", this.targetEditor]]) {
      if (!state[field]) continue;
      if (!this.resettable.has(field)) {
        editor.setInitial(state[field]); // opened without one: its first fitted value is what Reset restores
        this.resettable.add(field);
      }
      editor.follow(state[field]);
    }
    for (const { control } of this.texts) if (control.value !== state[control.name]) control.value = state[control.name];
    this.counts.update();
    this.#showUpstream();
  }

  /**
   * Show the API's messages beside their fields; returns the ones no field here owns.
   * @param {FieldError[]} errors
   * @returns {FieldError[]}
   */
  setErrors(errors) {
    return placeErrors(this.slots, errors);
  }

  /** @param {Partial<ConvState>} patch @param {ChangeKind} kind */
  #change(patch, kind) {
    Object.assign(this.state, patch);
    this.onChange(structuredClone(this.state), kind);
  }

  /** @param {number} g index into the flattened kernels */
  #kernelLabel(g) {
    const cIn = this.state.input.length;
    return `kernel ${Math.floor(g / cIn) + 1}, channel ${(g % cIn) + 1}`;
  }

  /** @param {string[][][]} grids flattened C_out × C_in */
  #unflatten(grids) {
    const cIn = this.state.input.length;
    return Array.from({ length: grids.length / cIn }, (_, co) => grids.slice(co * cIn, (co + 1) * cIn));
  }

  /** The counts of input channels and of kernels. */
  #counts() {
    const channels = countField("count-channels", "Input channels", MAX_CHANNELS, () => this.state.input.length, (n) => this.#setChannels(n));
    const kernels = countField("count-kernels", "Kernels", MAX_CHANNELS, () => this.state.kernel.length, (n) => this.#setKernels(n));
    return {
      element: element("div", "counts", channels.element, kernels.element),
      update: () => {
        channels.update();
        kernels.update();
      },
    };
  }

  /** @param {number} n */
  #setChannels(n) {
    const { input, kernel } = this.state;
    const resize = (list, make) => Array.from({ length: n }, (_, i) => list[i] ?? make());
    const next = {
      input: resize(input, () => randomGrid(input[0], 0, 9)),
      kernel: kernel.map((channels) => resize(channels, () => randomGrid(channels[0], -3, 3))),
    };
    this.#change(next, "geometry");
  }

  /** @param {number} n */
  #setKernels(n) {
    const { kernel, bias } = this.state;
    const next = { kernel: Array.from({ length: n }, (_, co) => kernel[co] ?? kernel[0].map((grid) => randomGrid(grid, -3, 3))) };
    if (bias.trim() !== "") {
      const items = bias.split(",").map((item) => item.trim());
      next.bias = Array.from({ length: n }, (_, i) => items[i] ?? "0").join(", ");
    }
    this.#change(next, "geometry");
  }

  /** The upstream choice, and the editor (with the loss) it needs. */
  #showUpstream() {
    const { upstream } = this.state;
    this.upstream.set(upstream);
    if (upstream === "given") this.upstreamBody.replaceChildren(this.gradEditor.element);
    else if (upstream === "target") {
      if (!this.loss) {
        const options = LOSSES.map((name) => /** @type {[string, string]} */ ([name, LOSS_NAMES[name]]));
        this.loss = selectField("loss", "Loss", options, this.state.loss, (loss) => this.#change({ loss }, "values"));
        this.slots.set("loss", this.loss.show);
      }
      this.loss.control.value = this.state.loss;
      this.upstreamBody.replaceChildren(this.targetEditor.element, this.loss.element);
    } else this.upstreamBody.replaceChildren();
  }
}
