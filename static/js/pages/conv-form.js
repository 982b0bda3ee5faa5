/**
 * The settings panel of the convolution page: matrix editors for the input, the kernels and the
 * upstream gradient or target, text fields for bias, stride, padding, dilation and learning rate,
 * and the choices of mode and loss. It holds no numbers of its own: every edit hands the whole
 * new state to the page, and the API's messages come back to the field they name.
 */

import { messageBesideField, messageLocation, topField } from "../api.js";
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
    /** @type {Map<string, {show: (message: string|null, error?: FieldError) => void}>} */
    this.errorSlots = new Map();
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
    this.errorSlots.set("input", { show: (m, e) => this.inputEditor.setError(m, e && this.#cell(e, "input")) });
    this.errorSlots.set("kernel", { show: (m, e) => this.kernelEditor.setError(m, e && this.#cell(e, "kernel")) });
    this.errorSlots.set("grad_output", { show: (m, e) => this.gradEditor.setError(m, e && this.#cell(e, "grad_output")) });
    this.errorSlots.set("target", { show: (m, e) => this.targetEditor.setError(m, e && this.#cell(e, "target")) });

    const layer = group("Layer", this.counts.element, this.inputEditor.element, this.kernelEditor.element);
    const settings = document.createElement("div");
    settings.className = "settings";
    for (const [name, label, hint] of TEXT_FIELDS.slice(0, 4)) settings.append(this.#textField(name, label, hint));
    settings.append(this.#modeField());
    layer.append(settings);

    this.upstreamBody = document.createElement("div");
    const upstream = group("Backward", this.#upstreamChoice(), this.upstreamBody, this.#textField(...TEXT_FIELDS[4]));
    this.element.append(layer, upstream);
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
      if (!same(editor.value(), state[field])) editor.setValue(state[field]);
    }
    for (const [name] of TEXT_FIELDS) {
      const input = /** @type {HTMLInputElement} */ (this.element.querySelector(`#field-${name}`));
      if (input.value !== state[name]) input.value = state[name];
    }
    this.counts.update();
    this.#showUpstream();
  }

  /**
   * Show the API's messages beside their fields; returns the ones no field here owns.
   * @param {FieldError[]} errors
   * @returns {FieldError[]}
   */
  setErrors(errors) {
    const byField = new Map();
    const unplaced = [];
    for (const error of errors) {
      const field = topField(error.field);
      if (this.errorSlots.has(field) && !byField.has(field)) byField.set(field, error);
      else if (!this.errorSlots.has(field)) unplaced.push(error);
    }
    for (const [field, slot] of this.errorSlots) {
      const error = byField.get(field);
      slot.show(error ? messageBesideField(error) : null, error);
    }
    return unplaced;
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

  /** The grid and cell an API message points at, for marking the input that holds it. */
  #cell(error, field) {
    const where = messageLocation(error.msg);
    if (!where || where.row === undefined || where.column === undefined) return null;
    const cIn = this.state.input.length;
    let grid = 0;
    if (field === "kernel") grid = ((where.kernel ?? 1) - 1) * cIn + ((where.channel ?? 1) - 1);
    else grid = (where.channel ?? 1) - 1;
    return { grid, row: where.row - 1, col: where.column - 1 };
  }

  #counts() {
    const element = document.createElement("div");
    element.className = "counts";
    const make = (id, text, get, set) => {
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = text;
      const input = document.createElement("input");
      input.type = "number";
      input.id = id;
      input.min = "1";
      input.max = String(MAX_CHANNELS);
      input.value = String(get());
      input.addEventListener("change", () => {
        const n = Math.max(1, Math.min(MAX_CHANNELS, Math.round(Number(input.value)) || 1));
        input.value = String(n);
        if (n !== get()) set(n);
      });
      const wrap = document.createElement("div");
      wrap.className = "count";
      wrap.append(label, input);
      element.append(wrap);
      return () => (input.value = String(get()));
    };
    const updates = [
      make("count-channels", "Input channels", () => this.state.input.length, (n) => this.#setChannels(n)),
      make("count-kernels", "Kernels", () => this.state.kernel.length, (n) => this.#setKernels(n)),
    ];
    return { element, update: () => updates.forEach((update) => update()) };
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

  /** A labelled text input with its hint and its error slot. */
  #textField(name, labelText, hint) {
    const wrap = document.createElement("div");
    wrap.className = "field";
    const label = document.createElement("label");
    label.htmlFor = `field-${name}`;
    label.textContent = labelText;
    const input = document.createElement("input");
    input.type = "text";
    input.id = `field-${name}`;
    input.name = name;
    input.value = this.state[name];
    input.autocomplete = "off";
    input.spellcheck = false;
    const hintElement = document.createElement("p");
    hintElement.className = "field-hint";
    hintElement.id = `${name}-hint`;
    hintElement.textContent = hint;
    const error = document.createElement("p");
    error.className = "field-error";
    error.id = `${name}-error`;
    error.hidden = true;
    input.setAttribute("aria-describedby", `${hintElement.id} ${error.id}`);
    const kind = name === "bias" || name === "learning_rate" ? "values" : "geometry";
    input.addEventListener("input", () => this.#change({ [name]: input.value }, kind));
    this.errorSlots.set(name, {
      show: (message) => {
        error.textContent = message ?? "";
        error.hidden = !message;
        if (message) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      },
    });
    wrap.append(label, input, hintElement, error);
    return wrap;
  }

  #select(name, labelText, options, kind) {
    const wrap = document.createElement("div");
    wrap.className = "field";
    const label = document.createElement("label");
    label.htmlFor = `field-${name}`;
    label.textContent = labelText;
    const select = document.createElement("select");
    select.id = `field-${name}`;
    for (const [value, text] of options) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      option.selected = value === this.state[name];
      select.append(option);
    }
    const error = document.createElement("p");
    error.className = "field-error";
    error.id = `${name}-error`;
    error.hidden = true;
    select.setAttribute("aria-describedby", error.id);
    select.addEventListener("change", () => this.#change({ [name]: select.value }, kind));
    this.errorSlots.set(name, {
      show: (message) => {
        error.textContent = message ?? "";
        error.hidden = !message;
      },
    });
    wrap.append(label, select, error);
    return wrap;
  }

  #modeField() {
    const field = this.#select(
      "mode",
      "Mode",
      [
        ["cross_correlation", "Cross-correlation: what CNNs do (eq. 9.5)"],
        ["convolution", "Convolution: kernel flipped (eq. 9.4)"],
      ],
      "values",
    );
    field.classList.add("field-wide");
    return field;
  }

  #upstreamChoice() {
    const fieldset = document.createElement("fieldset");
    fieldset.className = "choice";
    const legend = document.createElement("legend");
    legend.textContent = "∂L/∂O, the gradient from the next layer";
    fieldset.append(legend);
    for (const [value, text] of UPSTREAM) {
      const label = document.createElement("label");
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "upstream";
      radio.value = value;
      radio.checked = this.state.upstream === value;
      radio.addEventListener("change", () => {
        if (!radio.checked) return;
        this.#change({ upstream: /** @type {any} */ (value) }, "upstream");
        this.#showUpstream();
      });
      label.append(radio, ` ${text}`);
      fieldset.append(label);
    }
    this.upstreamRadios = fieldset;
    return fieldset;
  }

  #showUpstream() {
    const { upstream } = this.state;
    for (const radio of this.upstreamRadios.querySelectorAll("input")) radio.checked = radio.value === upstream;
    if (upstream === "given") this.upstreamBody.replaceChildren(this.gradEditor.element);
    else if (upstream === "target") {
      this.lossField ??= this.#select("loss", "Loss", LOSSES.map((name) => [name, LOSS_NAMES[name]]), "values");
      /** @type {HTMLSelectElement} */ (this.lossField.querySelector("select")).value = this.state.loss;
      this.upstreamBody.replaceChildren(this.targetEditor.element, this.lossField);
    } else this.upstreamBody.replaceChildren();
  }
}

/** A titled group of controls. */
function group(title, ...children) {
  const section = document.createElement("section");
  section.className = "form-group";
  const heading = document.createElement("h2");
  heading.textContent = title;
  section.append(heading, ...children);
  return section;
}
