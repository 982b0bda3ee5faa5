/**
 * The settings panel of the activation page: the input's grids, the function, leaky ReLU's
 * slope, ReLU's choice at 0, and ∂L/∂y. It holds no numbers of its own: every edit hands the
 * whole new state to the page, and the API's messages come back to the field they name.
 */

import { MatrixEditor } from "../matrix-editor.js";
import { channelCount, group, messageCell, placeErrors, radioChoice, selectField, textField } from "../form-fields.js";
import { MAX_CHANNELS, MAX_SIDE } from "./activation-request.js";

/**
 * @typedef {import("./activation-request.js").ActivationState} ActivationState
 * @typedef {"values"|"geometry"} ChangeKind geometry changes the input's shape
 */

const FUNCTION_OPTIONS = [
  ["relu", "ReLU (eq. 9.10–9.11)"],
  ["leaky_relu", "Leaky ReLU"],
  ["sigmoid", "Sigmoid"],
  ["tanh", "Tanh"],
  ["softmax", "Softmax, with its Jacobian"],
];

export class ActivationForm {
  /**
   * @param {ActivationState} state
   * @param {{onChange: (state: ActivationState, kind: ChangeKind) => void}} handlers
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
      legend: "Input x",
      name: "x",
      grids: this.state.input,
      hint: `Up to ${MAX_SIDE} × ${MAX_SIDE}, ${MAX_CHANNELS} channels; a single row is a vector. Arrows, Tab and Enter move.`,
      randomRange: [-3, 3],
      onChange: (grids) => this.#change({ input: grids }, "geometry"),
    });
    this.gradEditor = new MatrixEditor({
      id: "grad_output",
      legend: "∂L/∂y",
      name: "∂L/∂y",
      grids: this.state.grad_output ?? [[["1"]]],
      hint: "The input's shape; it comes from the next layer.",
      randomRange: [-3, 3],
      onChange: (grids) => this.#change({ grad_output: grids }, "values"),
    });
    this.channels = channelCount(MAX_CHANNELS, () => this.state.input.length, (resize) =>
      this.#change({ input: resize(this.state.input) }, "geometry"),
    );
    this.function = selectField("function", "Function", FUNCTION_OPTIONS, state.function, (name) => this.#change({ function: name }, "values"));
    this.function.element.classList.add("field-wide");
    this.slope = textField("negative_slope", "Slope a for x ≤ 0", "Leaky ReLU: f(x) = a·x there; empty for PyTorch's 0.01.", state.negative_slope, (value) =>
      this.#change({ negative_slope: value }, "values"),
    );
    this.atZero = radioChoice(
      "relu_grad_at_zero",
      "ReLU's derivative at x = 0 (9.2.2)",
      [["0", "f′(0) = 0, as PyTorch"], ["1", "f′(0) = 1"]],
      state.relu_grad_at_zero,
      (value) => this.#change({ relu_grad_at_zero: value }, "values"),
    );
    this.upstream = radioChoice("upstream", "∂L/∂y, the gradient from the next layer", [["ones", "1 everywhere"], ["given", "Given ∂L/∂y"]], state.upstream, (upstream) =>
      this.#change({ upstream: /** @type {"ones"|"given"} */ (upstream) }, "geometry"),
    );
    this.upstreamBody = document.createElement("div");

    /** @type {Map<string, (message: string|null, error?: import("../api.js").FieldError) => void>} */
    this.slots = new Map([
      ["input", (m, e) => this.inputEditor.setError(m, e ? messageCell(e) : null)],
      ["grad_output", (m, e) => this.gradEditor.setError(m, e ? messageCell(e) : null)],
      ["function", this.function.show],
      ["negative_slope", this.slope.show],
    ]);

    const settings = document.createElement("div");
    settings.className = "settings";
    settings.append(this.function.element, this.slope.element);
    this.element.append(
      group("Layer", this.channels.element, this.inputEditor.element, settings, this.atZero.element),
      group("Backward", this.upstream.element, this.upstreamBody),
    );
    this.#show();
  }

  /**
   * Bring the controls in line with `state`; editors whose value already matches are left
   * alone, so typing is never interrupted.
   * @param {ActivationState} state
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
    if (this.slope.control.value !== state.negative_slope) this.slope.control.value = state.negative_slope;
    this.function.control.value = state.function;
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

  /** @param {Partial<ActivationState>} patch @param {ChangeKind} kind */
  #change(patch, kind) {
    Object.assign(this.state, patch);
    this.onChange(structuredClone(this.state), kind);
  }

  /** The slope only for leaky ReLU, the choice at 0 only for ReLU, the ∂L/∂y editor when given. */
  #show() {
    this.slope.element.hidden = this.state.function !== "leaky_relu";
    this.atZero.element.hidden = this.state.function !== "relu";
    this.atZero.set(this.state.relu_grad_at_zero);
    this.upstream.set(this.state.upstream);
    this.upstreamBody.replaceChildren(...(this.state.upstream === "given" ? [this.gradEditor.element] : []));
  }
}
