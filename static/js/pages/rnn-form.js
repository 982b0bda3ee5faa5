/**
 * The settings panel of the recurrent network page: the sizes, matrix editors for the sequence,
 * the targets, the weights and h⁰, and the choices of activations, loss, truncation and learning
 * rate. It holds no numbers of its own: every edit hands the whole new state to the page, which
 * keeps the shapes in step, and the API's messages come back to the field they name.
 */

import { messageBesideField, messageLocation, topField } from "../api.js";
import { MatrixEditor } from "../matrix-editor.js";
import { HIDDEN_ACTIVATIONS, LOSSES, MAX_SIZE, MAX_STEPS, OUTPUT_ACTIVATIONS, sizesOf } from "./rnn-request.js";

/**
 * @typedef {import("./rnn-request.js").RnnState} RnnState
 * @typedef {import("./rnn-request.js").Sizes} Sizes
 * @typedef {import("../api.js").FieldError} FieldError
 */

/** The arrays: legend, hint, the most rows and columns, and the range of "Random". */
const ARRAYS = [
  ["x", "Inputs x¹ … xᵀ", "T × d_in: row t is xᵗ.", MAX_STEPS, [-2, 2]],
  ["y", "Targets y¹ … yᵀ", "T × d_out: row t is yᵗ; one-hot rows for cross-entropy.", MAX_STEPS, [0, 1]],
  ["U", "Input weights U", "d_h × d_in.", MAX_SIZE, [-1, 1]],
  ["W", "Recurrent weights W", "d_h × d_h: carries hᵗ⁻¹ into step t.", MAX_SIZE, [-1, 1]],
  ["V", "Output weights V", "d_out × d_h.", MAX_SIZE, [-1, 1]],
  ["b", "Hidden bias b", "d_h numbers.", 1, [-1, 1]],
  ["c", "Output bias c", "d_out numbers.", 1, [-1, 1]],
  ["h0", "Initial state h⁰", "d_h numbers; zeros unless given.", 1, [-1, 1]],
];

const SIZES = [
  ["T", "Steps T", MAX_STEPS],
  ["d_in", "d_in", MAX_SIZE],
  ["d_h", "d_h", MAX_SIZE],
  ["d_out", "d_out", MAX_SIZE],
];

const CHOICES = [
  ["hidden_activation", "Hidden activation σ₁", HIDDEN_ACTIVATIONS.map((name) => [name, name])],
  ["output_activation", "Output activation σ₂", OUTPUT_ACTIVATIONS.map((name) => [name, name])],
  [
    "loss",
    "Loss Lᵗ",
    LOSSES.map((name) => [
      name,
      { mse: "mean squared error", half_sse: "½ Σ (ỹ − y)²", cross_entropy: "cross-entropy (softmax σ₂)", bce: "binary cross-entropy (sigmoid σ₂)" }[name],
    ]),
  ],
];

const TEXT_FIELDS = [
  ["truncation", "Truncation k", "Cut the backward pass into blocks of k steps; empty for full BPTT."],
  ["learning_rate", "Learning rate α", "For the update U − α·∂L/∂U, …; empty for none."],
];

/** The settings panel; `element` goes in the page. */
export class RnnForm {
  /**
   * @param {RnnState} state
   * @param {{onChange: (state: RnnState, field: string) => void, onResize: (sizes: Sizes) => void}} handlers
   *   `field` is the array or setting that was edited
   */
  constructor(state, { onChange, onResize }) {
    this.state = structuredClone(state);
    this.onChange = onChange;
    /** @type {Map<string, (message: string|null, error?: FieldError) => void>} */
    this.errorSlots = new Map();
    /** @type {Map<string, MatrixEditor>} */
    this.editors = new Map();
    this.element = document.createElement("form");
    this.element.className = "conv-form rnn-form";
    this.element.addEventListener("submit", (event) => event.preventDefault());

    for (const [field, legend, hint, maxRows, randomRange] of ARRAYS) {
      const editor = new MatrixEditor({
        id: field,
        legend,
        name: field === "h0" ? "h⁰" : field,
        grids: [this.state[field]],
        hint,
        maxRows,
        maxCols: MAX_SIZE,
        randomRange: /** @type {[number, number]} */ (randomRange),
        onChange: (grids) => this.#change(field, { [field]: grids[0] }),
      });
      this.editors.set(field, editor);
      this.errorSlots.set(field, (message, error) => editor.setError(message, error ? cellOf(error) : null));
    }

    this.sizeInputs = new Map();
    const sizes = document.createElement("div");
    sizes.className = "counts rnn-sizes";
    for (const [name, text, max] of SIZES) {
      const input = document.createElement("input");
      input.type = "number";
      input.id = `size-${name}`;
      input.min = "1";
      input.max = String(max);
      input.addEventListener("change", () => {
        const n = Math.max(1, Math.min(max, Math.round(Number(input.value)) || 1));
        input.value = String(n);
        const current = sizesOf(this.state);
        if (n !== current[name]) onResize({ ...current, [name]: n });
      });
      const label = document.createElement("label");
      label.htmlFor = input.id;
      label.textContent = text;
      const wrap = document.createElement("div");
      wrap.className = "count";
      wrap.append(label, input);
      sizes.append(wrap);
      this.sizeInputs.set(name, input);
    }

    const settings = document.createElement("div");
    settings.className = "settings";
    for (const [name, text, options] of CHOICES) settings.append(this.#select(name, text, options));
    for (const [name, text, hint] of TEXT_FIELDS) settings.append(this.#textField(name, text, hint));

    const editor = (field) => /** @type {MatrixEditor} */ (this.editors.get(field)).element;
    this.element.append(
      group("Sizes", sizes),
      group("Sequence", editor("x"), editor("y")),
      group("Weights of Fig. 9.10", editor("U"), editor("W"), editor("V"), editor("b"), editor("c"), editor("h0")),
      group("Activations, loss, training", settings),
    );
    this.#showSizes();
  }

  /**
   * Bring the controls in line with `state`; editors whose value already matches are left
   * alone, so typing is never interrupted.
   * @param {RnnState} state
   */
  sync(state) {
    this.state = structuredClone(state);
    for (const [field, editor] of this.editors) {
      if (JSON.stringify(editor.value()) !== JSON.stringify([state[field]])) editor.setValue([state[field]]);
    }
    for (const [name] of [...CHOICES, ...TEXT_FIELDS]) {
      const control = /** @type {HTMLInputElement|HTMLSelectElement} */ (this.element.querySelector(`#field-${name}`));
      if (control.value !== state[name]) control.value = state[name];
    }
    this.#showSizes();
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
      if (!this.errorSlots.has(field)) unplaced.push(error);
      else if (!byField.has(field)) byField.set(field, error);
    }
    for (const [field, show] of this.errorSlots) {
      const error = byField.get(field);
      show(error ? messageBesideField(error) : null, error);
    }
    return unplaced;
  }

  /** @param {string} field @param {Partial<RnnState>} patch */
  #change(field, patch) {
    Object.assign(this.state, patch);
    this.onChange(structuredClone(this.state), field);
  }

  #showSizes() {
    const sizes = sizesOf(this.state);
    for (const [name, input] of this.sizeInputs) input.value = String(sizes[name]);
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
    const error = errorElement(name);
    input.setAttribute("aria-describedby", `${hintElement.id} ${error.id}`);
    input.addEventListener("input", () => this.#change(name, { [name]: input.value }));
    this.errorSlots.set(name, (message) => {
      showError(error, message);
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
    wrap.append(label, input, hintElement, error);
    return wrap;
  }

  /** A labelled choice with its error slot. */
  #select(name, labelText, options) {
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
    const error = errorElement(name);
    select.setAttribute("aria-describedby", error.id);
    select.addEventListener("change", () => this.#change(name, { [name]: select.value }));
    this.errorSlots.set(name, (message) => showError(error, message));
    wrap.append(label, select, error);
    return wrap;
  }
}

/**
 * The cell an API message points at ("row 2, column 1", or "element 2" of a vector), 0-based.
 * @param {FieldError} error
 */
function cellOf(error) {
  const where = messageLocation(error.msg);
  if (where?.row !== undefined && where.column !== undefined) return { grid: 0, row: where.row - 1, col: where.column - 1 };
  const element = /\belement (\d+)\b/.exec(error.msg);
  return element ? { grid: 0, row: 0, col: Number(element[1]) - 1 } : null;
}

/** @param {string} name */
function errorElement(name) {
  const error = document.createElement("p");
  error.className = "field-error";
  error.id = `${name}-error`;
  error.hidden = true;
  return error;
}

/** @param {HTMLElement} error @param {string|null} message */
function showError(error, message) {
  error.textContent = message ?? "";
  error.hidden = !message;
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
