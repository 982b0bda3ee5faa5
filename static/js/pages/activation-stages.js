/**
 * The stages of the activation page, drawn from one result: the function with the input's cells
 * on its curve, its local derivative (and softmax's Jacobian), the upstream gradient, the gradient
 * handed back, and for ReLU both choices of f′(0) side by side (chapter 9.2.2).
 */

import { element, paragraph, span } from "../dom.js";
import { equationBlock, mathLine } from "../equation.js";
import { MatrixView } from "../matrix-view.js";
import { formatNumber } from "../number-format.js";
import { isHidden } from "../withhold.js";
import {
  addCell,
  arrow,
  cellKey,
  finishStage,
  gridRow,
  legend,
  range,
  stageSection,
  symbolMath,
} from "./layer-page.js";
import { Plot } from "./activation-plot.js";
import { CITES, FUNCTION_NAMES, symbolOf, symbolText } from "./activation-explain.js";

/**
 * @typedef {import("./activation-model.js").ActivationModel} ActivationModel
 * @typedef {import("./layer-page.js").StageView} StageView
 * @typedef {import("../equation.js").Token} Token
 * @typedef {StageView & {plots: Plot[]}} ActivationStageView
 *
 * @typedef {object} StageHandlers
 * @property {(stage: number, field: string, index: number[]) => void} onPoint
 * @property {(stage: number) => void} onLeave
 * @property {(value: string) => void} onChoose use this f′(0) on the whole page
 */

/** The field of one choice's grid in the comparison: the API field, qualified by the choice. */
export const choiceField = (field, value) => `${field}@relu_grad_at_zero=${value}`;

/**
 * The stage titles for the timeline: ReLU gets a stage for its choice at 0.
 * @param {ActivationModel} model
 */
export function stageTitles(model) {
  return ["Forward", "f′(x)", "∂L/∂y", "∂L/∂x", ...(model.function === "relu" ? ["f′(0)"] : []), "All"];
}

/**
 * Build every stage for `model`.
 * @param {ActivationModel} model
 * @param {StageHandlers} handlers
 * @returns {ActivationStageView[]}
 */
export function buildStages(model, handlers) {
  const softmax = model.function === "softmax";
  const heads = [
    [`Forward pass: y = ${model.function === "sigmoid" ? "σ" : "f"}(x)`, CITES[model.function]],
    [softmax ? "The local derivative: the Jacobian" : "The local derivative f′(x)", model.function === "relu" ? "eq. 9.10, 9.2.2" : CITES[model.function]],
    ["The upstream gradient ∂L/∂y", "Fig. 9.2"],
    [softmax ? "The gradient handed back: ∂L/∂x = Jᵀ ∂L/∂y" : "The gradient handed back: ∂L/∂x = ∂L/∂y · f′(x)", "chain rule"],
    ["ReLU's choice at x = 0", "9.2.2"],
  ];
  const builders = [forwardStage, derivativeStage, upstreamStage, backwardStage, ...(model.function === "relu" ? [choiceStage] : [])];
  return builders.map((build, stage) => {
    const view = /** @type {ActivationStageView} */ ({ ...stageSection(stage, ...heads[stage]), plots: [] });
    build(model, toolkit(model, view, stage, handlers), view, handlers);
    finishStage(view);
    return view;
  });
}

/**
 * Grids registered in one stage, each cell under its field and canonical index.
 * @param {ActivationModel} model
 * @param {ActivationStageView} stageView
 * @param {number} stage
 * @param {StageHandlers} handlers
 */
function toolkit(model, stageView, stage, handlers) {
  /**
   * @param {string} field the API field; `choiceField(…)` for a choice in the comparison
   * @param {number} channel
   * @param {number} phase
   * @param {string} words
   * @param {number[][]} [values] default: the field's grid of this channel
   */
  const grid = (field, channel, phase, words, values) => {
    const base = field.split("@")[0];
    const canonical = (r, c) => [channel, r, c];
    const symbol = base === "local_derivative" ? { name: "f′" } : { ...symbolOf(model, base, [channel, 0, 0]), sub: undefined };
    const view = new MatrixView({
      field,
      values: values ?? model.arrays[base][channel],
      apiIndex: (r, c) => model.apiIndex(canonical(r, c)),
      label: `${words}${model.shape[0] > 1 ? `, channel ${channel + 1}` : ""}`,
      caption: element("span", "", symbolMath(symbol), ` ${words}${model.shape[0] > 1 ? `, channel ${channel + 1}` : ""}`),
      cellClasses: (r, c) => (model.function === "relu" && model.value("input", canonical(r, c)) === 0 ? ["is-zero"] : []),
      onPoint: (_, r, c) => handlers.onPoint(stage, field, canonical(r, c)),
      onLeave: () => handlers.onLeave(stage),
    });
    view.cells.forEach((row, r) => row.forEach((td, c) => addCell(stageView, cellKey(field, canonical(r, c)), td)));
    stageView.views.push({ view, field, phase, channel });
    return view.element;
  };

  /** The softmax Jacobian, N × N over the elements in row-major order. */
  const jacobian = (phase) => {
    const view = new MatrixView({
      field: "jacobian",
      values: model.jacobian,
      apiIndex: (i, j) => [i, j],
      label: "Jacobian J of softmax",
      caption: element("span", "", symbolMath({ name: "J" }), " Jacobian, ∂yᵢ/∂xⱼ"),
      onPoint: (_, i, j) => handlers.onPoint(stage, "jacobian", [i, j]),
      onLeave: () => handlers.onLeave(stage),
    });
    view.cells.forEach((row, i) => row.forEach((td, j) => addCell(stageView, cellKey("jacobian", [i, j]), td)));
    stageView.views.push({ view, field: "jacobian", phase, channel: 0 });
    return view.element;
  };
  return { grid, jacobian };
}

/** The function's formula, as the chapter writes ReLU (eq. 9.11). */
const FORMULAS = {
  relu: () => [[{ sym: { name: "f" } }, "(", { sym: { name: "x" } }, ")", "=", { text: "max" }, "(", { num: 0 }, ",", { sym: { name: "x" } }, ")"]],
  leaky_relu: (model) => [[{ sym: { name: "f" } }, "(", { sym: { name: "x" } }, ")", "=", { text: "x if x > 0, else\u2002" }, { num: model.slope }, "·", { sym: { name: "x" } }]],
  sigmoid: () => [[{ sym: { name: "σ" } }, "(", { sym: { name: "x" } }, ")", "=", { frac: [[{ num: 1 }], [{ num: 1 }, "+", { sym: { name: "e", sup: "−x" } }]] }]],
  tanh: () => [[{ sym: { name: "f" } }, "(", { sym: { name: "x" } }, ")", "=", { text: "tanh" }, { sym: { name: "x" } }]],
  softmax: () => [[{ sym: { name: "y", sub: "i" } }, "=", { frac: [[{ sym: { name: "e", sup: "xᵢ" } }], ["∑", { sym: { name: "e", sup: "xⱼ" } }]] }]],
};

/** Its derivative. */
const DERIVATIVES = {
  relu: (model) => [
    [{ sym: { name: "f′" } }, "(", { sym: { name: "x" } }, ")", "=", { text: "1 if x > 0, 0 if x < 0" }],
    [{ sym: { name: "f′" } }, "(", { num: 0 }, ")", "=", { num: model.atZero }, { text: "\u2002chosen: ReLU has no derivative at 0" }],
  ],
  leaky_relu: (model) => [[{ sym: { name: "f′" } }, "(", { sym: { name: "x" } }, ")", "=", { text: "1 if x > 0, else\u2002" }, { num: model.slope }]],
  sigmoid: () => [[{ sym: { name: "σ′" } }, "(", { sym: { name: "x" } }, ")", "=", { sym: { name: "σ" } }, "(", { sym: { name: "x" } }, ")", "(", { num: 1 }, "−", { sym: { name: "σ" } }, "(", { sym: { name: "x" } }, ")", ")"]],
  tanh: () => [[{ sym: { name: "f′" } }, "(", { sym: { name: "x" } }, ")", "=", { num: 1 }, "−", { text: "tanh" }, "²", { sym: { name: "x" } }]],
  softmax: () => [[{ sym: { name: "J", sub: "ij" } }, "=", { frac: [[{ text: "∂" }, { sym: { name: "y", sub: "i" } }], [{ text: "∂" }, { sym: { name: "x", sub: "j" } }]] }, "=", { sym: { name: "y", sub: "i" } }, "(", { sym: { name: "δ", sub: "ij" } }, "−", { sym: { name: "y", sub: "j" } }, ")"]],
};

/** A block for a formula, scrolling sideways on a narrow screen. */
function formula(lines, words) {
  const block = element("div", "size-formula");
  block.setAttribute("role", "group");
  block.setAttribute("aria-label", words);
  block.tabIndex = 0;
  block.append(paragraph("size-title", words), ...lines.map((tokens) => mathLine(tokens)));
  return block;
}

const HIDDEN_DOTS = "The input's dots are left off the curve while the result is hidden: their heights are its numbers.";

/** Points of the input's cells on a curve: (x, what `field` holds). */
function points(model, field) {
  if (isHidden(field)) return []; // a dot at (x, f(x)) would show the hidden number
  return model.indices.map((index) => ({
    x: model.value("input", index),
    y: model.value(field, index),
    key: cellKey("input", index),
    index: model.apiIndex(index).join(","),
  }));
}

/** The range the curve was sampled over, in words. */
function rangeWords(model) {
  const xs = model.curve?.x ?? model.indices.map((index) => model.value("input", index));
  return `from ${formatNumber(Math.min(...xs))} to ${formatNumber(Math.max(...xs))}`;
}

/**
 * @param {ActivationModel} model
 * @param {ReturnType<typeof toolkit>} kit
 * @param {ActivationStageView} view
 */
function forwardStage(model, { grid }, view) {
  const name = FUNCTION_NAMES[model.function];
  const leads = {
    relu: "ReLU lets positive numbers through and turns the rest into 0 (eq. 9.10–9.11).",
    leaky_relu: "Leaky ReLU lets positive numbers through and scales the rest by a small slope, so they still pass some gradient.",
    sigmoid: "The sigmoid squeezes every number into (0, 1).",
    tanh: "tanh squeezes every number into (−1, 1).",
    softmax: "Softmax turns all the numbers together into positive ones that add up to 1: each output depends on every input.",
  };
  view.body.append(paragraph("lead", leads[model.function], " Each dot is one cell of the input, at its x and its y."));
  view.body.append(formula(FORMULAS[model.function](model), `${name}:`));
  const plot = new Plot({
    label: `${name} y = f(x) ${rangeWords(model)}, with the input's ${model.indices.length} cells marked`,
    yName: "y",
    curve: model.curve && { x: model.curve.x, y: model.curve.y },
    points: points(model, "output"),
  });
  view.plots.push(plot);
  view.body.append(plot.element);
  if (isHidden("output")) view.body.append(paragraph("note", HIDDEN_DOTS));
  if (!model.curve) view.body.append(paragraph("note", "Softmax has no curve of one variable: each yᵢ depends on every x. The dots are this input's."));
  for (const c of range(model.shape[0])) view.grids.append(gridRow(grid("input", c, 0, "input"), arrow(name), grid("output", c, 1, "output")));
}

/**
 * @param {ActivationModel} model
 * @param {ReturnType<typeof toolkit>} kit
 * @param {ActivationStageView} view
 */
function derivativeStage(model, { grid, jacobian }, view) {
  const leads = {
    relu: "ReLU's slope is 1 where x > 0 and 0 where x < 0. At x = 0 it has a corner and no derivative: a framework has to choose one (eq. 9.10, 9.2.2).",
    leaky_relu: "Leaky ReLU's slope is 1 where x > 0 and the small slope a elsewhere (PyTorch takes a at 0 too).",
    sigmoid: "The sigmoid's slope is largest at 0 (¼) and almost 0 far from it: big inputs pass back almost no gradient.",
    tanh: "tanh's slope is 1 at 0 and almost 0 far from it.",
    softmax: "Softmax mixes elements, so its derivative is a matrix: Jᵢⱼ = ∂yᵢ/∂xⱼ for every pair, numbered row by row.",
  };
  view.body.append(paragraph("lead", leads[model.function]));
  view.body.append(formula(DERIVATIVES[model.function](model), "Local derivative:"));
  const marks = [];
  if (model.function === "relu" && model.curve) {
    const at = model.curve.x.indexOf(0);
    const chosen = model.curve.d[at];
    const other = model.curve.d[at - 1] === chosen ? model.curve.d[at + 1] : model.curve.d[at - 1];
    marks.push({ x: 0, y: chosen, open: false, words: `f′(0) = ${formatNumber(chosen)}, as chosen` }, { x: 0, y: other, open: true, words: "the other side" });
  }
  if (model.curve) {
    const plot = new Plot({
      label: `${FUNCTION_NAMES[model.function]}'s derivative f′(x) ${rangeWords(model)}, with the input's ${model.indices.length} cells marked`,
      yName: "f′(x)",
      curve: { x: model.curve.x, y: model.curve.d },
      points: points(model, "local_derivative"),
      marks,
    });
    view.plots.push(plot);
    view.body.append(plot.element);
    if (isHidden("local_derivative")) view.body.append(paragraph("note", HIDDEN_DOTS));
  }
  for (const c of range(model.shape[0])) view.grids.append(gridRow(grid("input", c, 0, "input"), arrow("slope"), grid("local_derivative", c, 0, "local derivative")));
  if (model.function === "softmax") {
    if (model.jacobian) view.grids.append(gridRow(jacobian(0)));
    else view.body.append(paragraph("note", `The Jacobian was left out: ${model.jacobianOmitted}.`));
    view.body.append(paragraph("note", "Its diagonal is the local derivative yᵢ(1 − yᵢ) above; the rest, −yᵢyⱼ, is what makes softmax mix."));
  }
  if (model.function === "relu" && model.zeros.length) view.body.append(legend(["is-zero", "x = 0: the choice of f′(0) applies", "0"]));
}

/**
 * @param {ActivationModel} model
 * @param {ReturnType<typeof toolkit>} kit
 * @param {ActivationStageView} view
 */
function upstreamStage(model, { grid }, view) {
  const given = model.data.grad_output_source === "given";
  view.body.append(
    paragraph(
      "lead",
      given
        ? "∂L/∂y is given: in a network it is the ∂L/∂I of the next layer (Fig. 9.2). It has the input's shape."
        : "No ∂L/∂y was given, so it is 1 everywhere, as if the loss were the sum of the outputs.",
    ),
  );
  for (const c of range(model.shape[0])) view.grids.append(gridRow(grid("grad_output", c, 0, "upstream gradient")));
}

/**
 * @param {ActivationModel} model
 * @param {ReturnType<typeof toolkit>} kit
 * @param {ActivationStageView} view
 */
function backwardStage(model, { grid, jacobian }, view) {
  if (model.function === "softmax") {
    view.body.append(
      paragraph("lead", "Every output depends on every input, so each ∂L/∂xᵢ sums over all outputs: ∂L/∂xᵢ = Σⱼ Jⱼᵢ ∂L/∂yⱼ, the Jacobian's column i times ∂L/∂y."),
    );
    const channels = range(model.shape[0]);
    view.grids.append(
      gridRow(
        ...(model.jacobian ? [jacobian(0), "ᵀ ·"] : []),
        ...channels.map((c) => grid("grad_output", c, 0, "upstream gradient")),
        "=",
        ...channels.map((c) => grid("grad_input", c, 0, "input gradient")),
      ),
    );
    return;
  }
  view.body.append(
    paragraph("lead", "The chain rule element by element: each ∂L/∂y times the slope at its own x. Where the slope is 0 the gradient stops."),
  );
  for (const c of range(model.shape[0]))
    view.grids.append(gridRow(grid("grad_output", c, 0, "upstream gradient"), "⊙", grid("local_derivative", c, 0, "local derivative"), "=", grid("grad_input", c, 0, "input gradient")));
}

/**
 * Both choices of f′(0) side by side, and what each does to an update (chapter 9.2.2).
 * @param {ActivationModel} model
 * @param {ReturnType<typeof toolkit>} kit
 * @param {ActivationStageView} view
 * @param {StageHandlers} handlers
 */
function choiceStage(model, { grid }, view, handlers) {
  const zeros = model.zeros;
  view.body.append(
    paragraph(
      "lead",
      "The chapter sets ReLU's derivative at 0 to 0 or 1 and argues the choice does not change the update: the weight's increment carries the neuron's input as a factor, and in its example that input is 0. Here are both choices with this page's numbers.",
    ),
  );
  const other = /** @type {NonNullable<ActivationModel["other"]>} */ (model.other);
  const answers = [
    { value: model.atZero, local_derivative: model.arrays.local_derivative, grad_input: model.arrays.grad_input },
    { value: other.atZero, local_derivative: other.local_derivative, grad_input: other.grad_input },
  ].sort((a, b) => a.value - b.value);
  const columns = element("div", "choices");
  for (const answer of answers) {
    const inUse = answer.value === model.atZero;
    const head = element("div", "choice-head", element("h3", "", `f′(0) = ${answer.value}${answer.value === 0 ? " (PyTorch)" : ""}`));
    if (inUse) head.append(span("badge", "in use"));
    else {
      const use = document.createElement("button");
      use.type = "button";
      use.textContent = `Use f′(0) = ${answer.value}`;
      use.addEventListener("click", () => handlers.onChoose(String(answer.value)));
      head.append(use);
    }
    const column = element("section", `choice${inUse ? " is-in-use" : ""}`, head);
    column.setAttribute("aria-label", `With f′(0) = ${answer.value}`);
    for (const c of range(model.shape[0]))
      column.append(
        gridRow(
          grid(choiceField("local_derivative", answer.value), c, 0, "local derivative", answer.local_derivative[c]),
          grid(choiceField("grad_input", answer.value), c, 0, "input gradient", answer.grad_input[c]),
        ),
      );
    if (zeros.length) column.append(updateBlock(model, zeros[0], answer));
    columns.append(column);
  }
  view.grids.append(columns);
  if (!zeros.length) {
    view.grids.append(paragraph("note", "No cell of x is exactly 0, so both choices give the same numbers here. Type a 0 into the input to see where they part."));
    return;
  }
  const name = symbolText(model, "input", zeros[0]);
  const [c, r, k] = zeros[0];
  const steps = answers.map((answer) => answer.grad_input[c][r][k]);
  const verdict =
    steps[0] === steps[1]
      ? `At ${name} both choices hand back the same ∂L/∂x (its ∂L/∂y is 0), so nothing changes at all.`
      : `Same weight increment Δw = 0 in both columns; the threshold's Δθ is ${alphaWords(steps[0])} with f′(0) = 0 and ${alphaWords(steps[1])} with f′(0) = 1.`;
  view.grids.append(
    paragraph(`verdict ${steps[0] === steps[1] ? "is-ok" : "warn"}`, verdict),
    paragraph(
      "note",
      `Under each column: suppose, as in the chapter, ${name} is a neuron's w·a − θ whose input a is 0 (and θ = 0), updated by gradient descent with rate α. `,
      "The weight's increment −α·∂L/∂x·a is 0 either way: the chapter's point. ",
      "But the threshold's increment α·∂L/∂x carries no factor a, so it does change, and so does the ∂L/∂a = ∂L/∂x·w handed to earlier layers. ",
      "When x = 0 with a ≠ 0 (w·a = θ), even the weight's update differs. Exact zeros are rare with real-valued data, which is why frameworks simply pick one (PyTorch: 0).",
    ),
    legend(["is-zero", "x = 0: where the two columns can differ", "0"]),
  );
}

/** `v·α` in words: 0, α, −α or 2α. @param {number} v */
function alphaWords(v) {
  if (v === 0) return "0";
  if (v === 1 || v === -1) return v < 0 ? "−α" : "α";
  return `${formatNumber(v)}α`;
}

/** `v·α` as tokens: 0, α, −α or 2α. @param {number} v @returns {Token[]} */
function timesAlpha(v) {
  const alpha = { sym: { name: "α" } };
  if (v === 0) return [{ num: 0 }];
  if (v === 1) return [alpha];
  if (v === -1) return ["−", alpha];
  return [{ num: v }, alpha];
}

/**
 * The chapter's neuron at the first zero: the increments of its weight and threshold for one choice.
 * @param {ActivationModel} model
 * @param {number[]} index
 * @param {{value: number, local_derivative: number[][][], grad_input: number[][][]}} answer
 */
function updateBlock(model, index, answer) {
  const g = model.value("grad_output", index);
  const [c, r, k] = index;
  const d = answer.local_derivative[c][r][k];
  const v = answer.grad_input[c][r][k];
  const gx = { sym: symbolOf(model, "grad_input", index) };
  const alpha = { sym: { name: "α" } };
  const dw = { sym: { name: "Δw" } };
  const dt = { sym: { name: "Δθ" } };
  /** @type {Token[][]} */
  const lines = [
    [gx, "=", { sym: symbolOf(model, "grad_output", index) }, "·", { sym: { name: "f′" } }, "(", { num: 0 }, ")", "=", { num: g, paren: true }, "·", { num: d }, "=", { num: v }],
    [dw, "=", "−", alpha, "·", gx, "·", { sym: { name: "a" } }, "=", "−", alpha, "·", { num: v, paren: true }, "·", { num: 0 }, "=", { num: 0 }],
    [dt, "=", alpha, "·", gx, "=", alpha, "·", { num: v, paren: true }, "=", ...timesAlpha(v)],
  ];
  const block = equationBlock(lines, "equation choice-update");
  block.setAttribute("aria-label", `The update at ${symbolText(model, "input", index)} with f′(0) = ${answer.value}`);
  block.setAttribute("role", "group");
  return block;
}
