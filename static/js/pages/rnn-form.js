/**
 * The settings panel of the recurrent network page: the sizes, matrix editors for the sequence,
 * the targets, the weights and h⁰, and the choices of activations, loss, truncation and learning
 * rate. It holds no numbers of its own: every edit hands the whole new state to the page, which
 * keeps the shapes in step, and the API's messages come back to the field they name.
 */

import { messageLocation } from "../api.js";
import { element, paragraph } from "../dom.js";
import { countField, group, placeErrors, selectField, textField } from "../form-fields.js";
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
    /** @type {Map<string, HTMLElement>} what the link could not give a field, beside it */
    this.notes = new Map();
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

    this.sizes = SIZES.map(([name, text, max]) =>
      countField(`size-${name}`, text, max, () => sizesOf(this.state)[name], (n) => onResize({ ...sizesOf(this.state), [name]: n })),
    );
    this.fields = [
      ...CHOICES.map(([name, text, options]) => selectField(name, text, options, state[name], (value) => this.#change(name, { [name]: value }))),
      ...TEXT_FIELDS.map(([name, text, hint]) => textField(name, text, hint, state[name], (value) => this.#change(name, { [name]: value }))),
    ];
    for (const { control, show } of this.fields) this.errorSlots.set(control.name, show);

    const editor = (field) => /** @type {MatrixEditor} */ (this.editors.get(field)).element;
    const settings = element("div", "settings", ...this.fields.map((field) => field.element));
    this.element.append(
      group("Sizes", element("div", "counts rnn-sizes", ...this.sizes.map((size) => size.element))),
      group("Sequence", editor("x"), editor("y")),
      group("Weights of Fig. 9.10", editor("U"), editor("W"), editor("V"), editor("b"), editor("c"), editor("h0")),
      group("Activations, loss, training", settings),
    );
  }

  /**
   * Bring the controls in line with `state`; editors whose value already matches are left
   * alone, so typing is never interrupted.
   * @param {RnnState} state
   */
  sync(state) {
    this.state = structuredClone(state);
    for (const [field, editor] of this.editors) editor.follow([state[field]]);
    for (const { control } of this.fields) if (control.value !== state[control.name]) control.value = state[control.name];
    this.#showSizes();
  }

  /**
   * Show the API's messages beside their fields; returns the ones no field here owns.
   * @param {FieldError[]} errors
   * @returns {FieldError[]}
   */
  setErrors(errors) {
    return placeErrors(this.errorSlots, errors);
  }

  /**
   * Say beside each field what its link could not give it (see rnn-request.js `linkNotes`); a
   * note goes once its field is edited.
   * @param {Map<string, string>} notes field → sentence
   */
  showLinkNotes(notes) {
    for (const [field, words] of notes) {
      const note = paragraph("field-note", words);
      note.id = `${field}-link-note`;
      this.notes.get(field)?.remove();
      this.notes.set(field, note);
      const slot = this.fields.find(({ control }) => control.name === field);
      if (slot) {
        slot.element.append(note);
        slot.control.setAttribute("aria-describedby", `${slot.control.getAttribute("aria-describedby") ?? ""} ${note.id}`.trim());
      } else this.editors.get(field)?.element.after(note);
    }
  }

  /** @param {string} field @param {Partial<RnnState>} patch */
  #change(field, patch) {
    this.notes.get(field)?.remove();
    this.notes.delete(field);
    Object.assign(this.state, patch);
    this.onChange(structuredClone(this.state), field);
  }

  #showSizes() {
    for (const size of this.sizes) size.update();
  }
}

/**
 * The cell an API message points at ("row 2, column 1", or "element 2" of a vector), 0-based.
 * @param {FieldError} error
 */
function cellOf(error) {
  const where = messageLocation(error.msg);
  if (where?.row !== undefined && where.column !== undefined) return { grid: 0, row: where.row - 1, col: where.column - 1 };
  const item = /\belement (\d+)\b/.exec(error.msg);
  return item ? { grid: 0, row: 0, col: Number(item[1]) - 1 } : null;
}
