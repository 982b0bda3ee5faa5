/**
 * The settings panel of the pooling page: the input's grids, mode, window size, stride, padding,
 * the tie rule and ∂L/∂O. It holds no numbers of its own: every edit hands the whole new state
 * to the page, and the API's messages come back to the field they name.
 */

import { MatrixEditor } from "../matrix-editor.js";
import { channelCount, group, messageCell, placeErrors, radioChoice, selectField, textField } from "../form-fields.js";
import { MAX_CHANNELS, MAX_SIDE } from "./pool-request.js";

/**
 * @typedef {import("./pool-request.js").PoolState} PoolState
 * @typedef {"values"|"geometry"} ChangeKind geometry changes the output's shape
 */

const TEXT_FIELDS = [
  ["size", "Window k", "k, or k_h, k_w."],
  ["stride", "Stride s", "Empty: the window size. s, or s_h, s_w."],
  ["padding", "Padding p", "p on every side; p_h, p_w; or top, bottom, left, right. At most half the window."],
];

const TIE_RULES = [
  ["first", "first: the first maximum, row by row (PyTorch)"],
  ["all", "all: every tied maximum gets the whole gradient"],
  ["split", "split: the tied maxima share it evenly"],
];

export class PoolForm {
  /**
   * @param {PoolState} state
   * @param {{onChange: (state: PoolState, kind: ChangeKind) => void}} handlers
   */
  constructor(state, { onChange }) {
    this.state = structuredClone(state);
    this.onChange = onChange;
    this.gradResettable = Boolean(state.grad_output);
    this.element = document.createElement("form");
    this.element.className = "layer-form";
    this.element.addEventListener("submit", (event) => event.preventDefault());

    this.inputEditor = new MatrixEditor({
      id: "input",
      legend: "Input I",
      name: "I",
      grids: this.state.input,
      hint: `Up to ${MAX_SIDE} × ${MAX_SIDE}, ${MAX_CHANNELS} channels; arrows, Tab and Enter move, paste fills from the cell.`,
      randomRange: [0, 9],
      onChange: (grids) => this.#change({ input: grids }, "geometry"),
    });
    this.gradEditor = new MatrixEditor({
      id: "grad_output",
      legend: "∂L/∂O",
      name: "∂L/∂O",
      grids: this.state.grad_output ?? [[["1"]]],
      hint: "The output's shape; it comes from the next layer.",
      randomRange: [-3, 6],
      onChange: (grids) => this.#change({ grad_output: grids }, "values"),
    });
    this.channels = channelCount(MAX_CHANNELS, () => this.state.input.length, (resize) =>
      this.#change({ input: resize(this.state.input) }, "geometry"),
    );
    this.mode = selectField("mode", "Pooling", [["max", "Max pooling (Fig. 9.9)"], ["avg", "Average pooling (Fig. 9.8)"]], state.mode, (mode) =>
      this.#change({ mode }, "values"),
    );
    this.mode.element.classList.add("field-wide");
    this.texts = TEXT_FIELDS.map(([name, label, hint]) =>
      textField(name, label, hint, state[name], (value) => this.#change({ [name]: value }, "geometry")),
    );
    this.ties = radioChoice("ties", "Tie rule, when a window holds its maximum twice", TIE_RULES, state.ties, (ties) =>
      this.#change({ ties }, "values"),
    );
    this.upstream = radioChoice("upstream", "∂L/∂O, the gradient from the next layer", [["ones", "1 everywhere"], ["given", "Given ∂L/∂O"]], state.upstream, (upstream) =>
      this.#change({ upstream: /** @type {"ones"|"given"} */ (upstream) }, "geometry"),
    );
    this.upstreamBody = document.createElement("div");

    /** @type {Map<string, (message: string|null, error?: import("../api.js").FieldError) => void>} */
    this.slots = new Map([
      ["input", (m, e) => this.inputEditor.setError(m, e ? messageCell(e) : null)],
      ["grad_output", (m, e) => this.gradEditor.setError(m, e ? messageCell(e) : null)],
      ["mode", this.mode.show],
      ...this.texts.map((slot) => /** @type {[string, any]} */ ([slot.control.name, slot.show])),
    ]);

    const settings = document.createElement("div");
    settings.className = "settings";
    settings.append(this.mode.element, ...this.texts.map((slot) => slot.element));
    this.element.append(
      group("Layer", this.channels.element, this.inputEditor.element, settings, this.ties.element),
      group("Backward", this.upstream.element, this.upstreamBody),
    );
    this.#show();
  }

  /**
   * Bring the controls in line with `state`; editors whose value already matches are left
   * alone, so typing is never interrupted.
   * @param {PoolState} state
   */
  sync(state) {
    this.state = structuredClone(state);
    this.inputEditor.follow(state.input);
    if (state.grad_output) {
      if (!this.gradResettable) {
        this.gradEditor.setInitial(state.grad_output); // its first fitted value is what Reset restores
        this.gradResettable = true;
      }
      this.gradEditor.follow(state.grad_output);
    }
    for (const slot of this.texts) if (slot.control.value !== state[slot.control.name]) slot.control.value = state[slot.control.name];
    this.channels.update();
    this.#show();
  }

  /**
   * Show the API's messages beside their fields; returns the ones no field here owns.
   * @param {import("../api.js").FieldError[]} errors
   */
  setErrors(errors) {
    return placeErrors(this.slots, errors);
  }

  /** @param {Partial<PoolState>} patch @param {ChangeKind} kind */
  #change(patch, kind) {
    Object.assign(this.state, patch);
    this.onChange(structuredClone(this.state), kind);
  }

  /** The tie rule only matters for max pooling; the ∂L/∂O editor only when it is given. */
  #show() {
    this.ties.element.hidden = this.state.mode !== "max";
    this.ties.set(this.state.ties);
    this.upstream.set(this.state.upstream);
    this.upstreamBody.replaceChildren(...(this.state.upstream === "given" ? [this.gradEditor.element] : []));
  }
}

