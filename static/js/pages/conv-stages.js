/**
 * The five stages of the convolution page, drawn from one result: for each stage a section with
 * its grids (one per channel and kernel, joined by the operation that links them), an equation
 * panel, and an index of its cells by field and canonical index so a step or a pointer can light
 * up the cells a value came from.
 */

import { paragraph, span } from "../dom.js";
import { equationBlock, mathLine, symbolNode } from "../equation.js";
import { MatrixView } from "../matrix-view.js";
import { formatNumber } from "../number-format.js";
import { cellKey } from "./conv-model.js";
import { symbolOf, symbolText } from "./conv-explain.js";

/**
 * @typedef {import("./conv-model.js").ConvModel} ConvModel
 * @typedef {import("./conv-explain.js").Explanation} Explanation
 * @typedef {object} StageView
 * @property {HTMLElement} section
 * @property {HTMLElement} panel where the equation of the cell in focus goes
 * @property {Map<string, {td: HTMLElement, group: number}[]>} cells cells by `cellKey(field, index)`, with
 *   the row of grids (group) each copy sits in
 * @property {{view: MatrixView, field: string, order: number}[]} views grids, with their place in their field
 * @property {{element: HTMLElement, phase: number}[]} phased parts that appear as the stage goes on
 * @property {HTMLElement[]} lit cells currently highlighted
 *
 * @typedef {object} StageHandlers
 * @property {(stage: number, field: string, index: number[], group: number) => void} onPoint
 * @property {(stage: number) => void} onLeave
 * @property {() => void} onAskLearningRate
 */

/** Operators that bind the grids on both sides. */
const PRODUCTS = new Set(["∗", "⋆"]);

const LEADS = [
  ["Forward pass", "Fig. 9.3–9.4, eq. 9.5"],
  ["The upstream gradient ∂L/∂O", "eq. 9.6, Padding and Stride"],
  ["The kernel gradient ∂L/∂F", "Fig. 9.5, eq. 9.8"],
  ["The input gradient ∂L/∂I", "Fig. 9.6–9.7, eq. 9.9"],
  ["Update the kernel", "Fig. 9.2"],
];

/**
 * Build every stage for `model`.
 * @param {ConvModel} model
 * @param {StageHandlers} handlers
 * @returns {StageView[]}
 */
export function buildStages(model, handlers) {
  const builders = [forwardStage, upstreamStage, kernelGradStage, inputGradStage, updateStage];
  return builders.map((build, stage) => {
    const section = document.createElement("section");
    section.className = "stage";
    section.dataset.stage = String(stage);
    const heading = document.createElement("h2");
    heading.id = `stage-${stage + 1}`;
    section.setAttribute("aria-labelledby", heading.id);
    const number = span("stage-number", String(stage + 1));
    const cite = span("cite", LEADS[stage][1]);
    heading.append(number, ` ${LEADS[stage][0]} `, cite);
    const panel = document.createElement("div");
    panel.className = "equation-panel";
    panel.setAttribute("aria-live", "polite");
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", `Equation, stage ${stage + 1}`);
    panel.tabIndex = 0; // long equations scroll sideways, also by keyboard
    /** @type {StageView} */
    const view = { section, panel, cells: new Map(), views: [], phased: [], lit: [] };
    const body = document.createElement("div");
    body.className = "stage-body";
    const grids = document.createElement("div");
    grids.className = "stage-grids";
    section.append(heading, body);
    const kit = toolkit(model, view, stage, handlers);
    build(model, kit, body, grids, handlers);
    body.append(grids, panel);
    return view;
  });
}

/**
 * Helpers that create grids registered in one stage.
 * @param {ConvModel} model
 * @param {StageView} stageView
 * @param {number} stage
 * @param {StageHandlers} handlers
 */
function toolkit(model, stageView, stage, handlers) {
  /** Grids belong to the row of grids that is built next. */
  let group = 0;

  /** A grid of `field` at `prefix` (channel, or kernel and channel). */
  const grid = (field, prefix, phase, words) => {
    const inGroup = group;
    const values = prefix.reduce((block, i) => block[i], model.arrays[field]);
    const symbol = symbolOf(model, field, [...prefix, 0, 0]);
    delete symbol.sym.sub;
    const caption = document.createElement("span");
    caption.append(captionMath(symbol), ` ${words}`);
    const label = `${symbolText(model, field, [...prefix, 0, 0]).replace(/[₀-₉,]+$/, "")} ${words}`;
    const view = new MatrixView({
      field,
      values,
      apiIndex: (r, c) => model.apiIndex(field, [...prefix, r, c]),
      label,
      caption,
      cellClasses: (r, c) => cellClasses(model, field, [...prefix, r, c]),
      onPoint: (_, r, c) => handlers.onPoint(stage, field, [...prefix, r, c], inGroup),
      onLeave: () => handlers.onLeave(stage),
    });
    register(view, (r, c) => [...prefix, r, c], inGroup);
    const order = prefix.length === 2 ? prefix[0] * model.cIn + prefix[1] : prefix[0];
    stageView.views.push({ view, field, order });
    stageView.phased.push({ element: view.element, phase });
    return view.element;
  };

  /** A one-row grid of a bias-like field: one cell per kernel in `kernels` (all by default). */
  const biasGrid = (field, phase, words, kernels = range(model.cOut)) => {
    const inGroup = group;
    const values = [kernels.map((co) => model.arrays[field][co])];
    const symbol = symbolOf(model, field, kernels.length === 1 ? kernels : [0]);
    if (kernels.length > 1) delete symbol.sym.sub;
    const caption = document.createElement("span");
    caption.append(captionMath(symbol), ` ${words}`);
    const view = new MatrixView({
      field,
      values,
      apiIndex: (_, c) => model.apiIndex(field, [kernels[c]]),
      label: kernels.length > 1 ? `${words}, one per kernel` : words,
      caption,
      onPoint: (_, __, c) => handlers.onPoint(stage, field, [kernels[c]], inGroup),
      onLeave: () => handlers.onLeave(stage),
    });
    register(view, (_, c) => [kernels[c]], inGroup);
    stageView.phased.push({ element: view.element, phase });
    return view.element;
  };

  /**
   * @param {MatrixView} view
   * @param {(r: number, c: number) => number[]} indexOf
   * @param {number} inGroup
   */
  const register = (view, indexOf, inGroup) => {
    view.cells.forEach((row, r) =>
      row.forEach((td, c) => addCell(stageView, cellKey(view.field, indexOf(r, c)), td, inGroup)),
    );
  };

  /**
   * A row of grids and operators; the grids made since the last row belong to it. Each operator
   * stays with the grid after it, and a product (∗, ⋆) with both its factors, so a narrow
   * screen wraps the row between terms, never inside one.
   */
  const row = (...parts) => {
    group += 1;
    const element = document.createElement("div");
    element.className = "grid-row";
    let term = null;
    for (const part of parts) {
      const operator = typeof part === "string" || part.classList.contains("op");
      if (!term || (operator && !PRODUCTS.has(part))) {
        term = span("term", "");
        element.append(term);
      }
      term.append(typeof part === "string" ? span(PRODUCTS.has(part) ? "op op-product" : "op", part) : part);
    }
    return element;
  };

  /** An arrow with words, e.g. "→ rotate 180° →". */
  const arrow = (words) => {
    const element = span("op op-arrow", "→");
    element.append(span("op-words", words));
    return element;
  };

  return { grid, biasGrid, row, arrow };
}

/**
 * @param {StageView} stageView
 * @param {string} key
 * @param {HTMLElement} td
 * @param {number} group
 */
function addCell(stageView, key, td, group) {
  const list = stageView.cells.get(key);
  if (list) list.push({ td, group });
  else stageView.cells.set(key, [{ td, group }]);
}

/** @param {any} symbol @returns {Element} */
function captionMath(symbol) {
  const math = document.createElementNS("http://www.w3.org/1998/Math/MathML", "math");
  math.append(symbolNode(symbol.sym));
  return math;
}

/**
 * Classes that show how a cell came about: padding, inserted zeros, fill, gaps, crop, uncovered.
 * @param {ConvModel} model
 * @param {string} field
 * @param {number[]} index canonical
 * @returns {string[]}
 */
export function cellClasses(model, field, index) {
  const [r, c] = index.slice(-2);
  const [top, bottom, left, right] = model.padding;
  const [H, W] = model.paddedSize;
  const classes = [];
  const inPadding = (R, C) => R < top || C < left || R >= H - bottom || C >= W - right;
  const uncovered = (R, C) => model.uncovered.rows.has(R) || model.uncovered.cols.has(C);
  const upsampled = (R, C) => {
    const roles = [model.upsampledRole(0, R), model.upsampledRole(1, C)];
    if (roles.includes("fill")) classes.push("is-fill");
    else if (roles.includes("inserted")) classes.push("is-inserted");
  };
  if (field === "padded_input" || field === "grad_padded_input") {
    if (inPadding(r, c)) classes.push(field === "padded_input" ? "is-padding" : "is-cropped");
    if (uncovered(r, c)) classes.push("is-uncovered");
  } else if (field === "grad_input") {
    if (uncovered(r + top, c + left)) classes.push("is-uncovered");
  } else if (field === "upsampled_grad") {
    upsampled(r, c);
  } else if (field === "padded_upsampled_grad") {
    const [R, C] = [r - (model.span[0] - 1), c - (model.span[1] - 1)];
    if (R < 0 || C < 0 || R >= model.upsampledSize[0] || C >= model.upsampledSize[1]) classes.push("is-padding");
    else upsampled(R, C);
  } else if (field === "sliding_kernel") {
    if (model.isGap(0, r) || model.isGap(1, c)) classes.push("is-gap");
  } else if (field === "rotated_kernel") {
    if (model.isGap(0, model.span[0] - 1 - r) || model.isGap(1, model.span[1] - 1 - c)) classes.push("is-gap");
  }
  return classes;
}

/** @param {number} n */
const range = (n) => Array.from({ length: n }, (_, i) => i);

/** Words for one channel or kernel in captions. */
function channelWords(model, kind, co, ci) {
  if (kind === "in") return model.cIn > 1 ? `, channel ${ci + 1}` : "";
  if (kind === "out") return model.cOut > 1 ? `, kernel ${co + 1}` : "";
  return model.cIn > 1 || model.cOut > 1 ? `, kernel ${co + 1}, channel ${ci + 1}` : "";
}

/** "kernel", or "kernel 2, channel 1" when there are several. */
function kernelWords(model, co, ci) {
  return model.cIn > 1 || model.cOut > 1 ? `kernel ${co + 1}, channel ${ci + 1}` : "kernel";
}

/** Legend entries: a sample cell drawn as the class draws it, and what the class means. */
function legend(...entries) {
  const list = document.createElement("ul");
  list.className = "legend";
  for (const [className, words] of entries) {
    const item = document.createElement("li");
    const zero = ["is-padding", "is-inserted", "is-fill", "is-cropped"].includes(className);
    const swatch = span(`swatch ${className}`, zero ? "0" : "");
    swatch.setAttribute("aria-hidden", "true");
    item.append(swatch, words);
    list.append(item);
  }
  return list;
}

/** The output-size formula with this layer's numbers, for one axis. */
function sizeLine(model, axis) {
  const size = model.data.output_size[axis];
  const sym = (name) => ({ sym: { name, sub: axis } });
  return mathLine([
    sym("out"), "=", "⌊",
    { frac: [[sym("n"), "−", sym("k"), "+", sym("p"), "+", sym("s")], [sym("s")]] }, "⌋", "=", "⌊",
    { frac: [[{ num: size.n }, "−", { num: size.k_effective }, "+", { num: size.p }, "+", { num: size.s }], [{ num: size.s }]] }, "⌋",
    "=", { num: size.out },
  ]);
}

/** "1 zero" or "2, 1 zeros": the k − 1 zeros the full convolution pads with. */
function padWords(model) {
  const [h, w] = [model.span[0] - 1, model.span[1] - 1];
  return `${h === w ? h : `${h}, ${w}`} zero${h === 1 && w === 1 ? "" : "s"}`;
}

/** @param {number[]} positions 0-based @param {string} noun */
function listPositions(positions, noun) {
  const numbers = positions.map((p) => p + 1);
  return `${noun}${numbers.length > 1 ? "s" : ""} ${numbers.join(", ")}`;
}

/** Words for the rows and columns of P no window reaches, or "". */
function uncoveredWords(model) {
  const parts = [];
  if (model.uncovered.rows.size) parts.push(listPositions([...model.uncovered.rows], "row"));
  if (model.uncovered.cols.size) parts.push(listPositions([...model.uncovered.cols], "column"));
  return parts.join(" and ");
}

function forwardStage(model, kit, body, grids) {
  const { grid, biasGrid, row, arrow } = kit;
  const intro = model.mode === "convolution"
    ? "Convolution as mathematics defines it (eq. 9.4): the kernel is flipped by 180° first, then slides. "
    : "What CNNs call convolution is cross-correlation: the kernel slides as typed, not flipped (eq. 9.5). ";
  body.append(
    paragraph(
      "lead",
      intro,
      `Each output cell is the sum of the products of one window of the ${model.padded ? "padded " : ""}input with the kernel; the window moves ${model.stride.join(" × ")} cell${model.stride.join() === "1,1" ? "" : "s"} at a time (the stride).`,
    ),
  );
  const size = document.createElement("div");
  size.className = "size-formula";
  size.setAttribute("role", "group");
  size.setAttribute("aria-label", "Output size");
  size.tabIndex = 0; // scrolls sideways on a narrow screen
  size.append(paragraph("size-title", "Output size (9.2.1, Padding and Stride):"), sizeLine(model, "h"), sizeLine(model, "w"));
  if (model.span.some((k, axis) => k !== model.kernelSize[axis]))
    size.append(paragraph("note", `With dilation, k is the span d·(k − 1) + 1 = ${model.span.join(" × ")} of the spread-out kernel.`));
  const uncovered = uncoveredWords(model);
  if (uncovered)
    size.append(
      paragraph(
        "note warn",
        `(H_p − k) is not a multiple of the stride, so no window ever covers ${uncovered} of ${model.padded ? "P" : "I"} (striped): their gradient will be zero (stage 4).`,
      ),
    );
  body.append(size);
  for (const co of range(model.cOut)) {
    const parts = [];
    for (const ci of range(model.cIn)) {
      if (ci) parts.push("+");
      parts.push(grid("padded_input", [ci], 0, `${model.padded ? "padded input" : "input"}${channelWords(model, "in", co, ci)}`));
      parts.push("∗");
      parts.push(grid("kernel", [co, ci], 0, kernelWords(model, co, ci)));
    }
    if (model.arrays.bias) parts.push("+", biasGrid("bias", 0, model.cOut > 1 ? `bias of kernel ${co + 1}` : "bias", [co]));
    parts.push("=", grid("output", [co], 1, `output${channelWords(model, "out", co)}`));
    grids.append(row(...parts));
  }
  if (!model.slidesAsTyped) {
    for (const co of range(model.cOut))
      for (const ci of range(model.cIn))
        grids.append(
          row(
            grid("kernel", [co, ci], 0, kernelWords(model, co, ci)),
            arrow(model.mode === "convolution" ? (model.dilation.some((d) => d > 1) ? "flip, dilate" : "flip 180°") : "dilate"),
            grid("sliding_kernel", [co, ci], 0, `as it slides${channelWords(model, "k", co, ci)}`),
          ),
        );
  }
  const marks = [["is-window", "the window"], ["is-source", "cells multiplied"]];
  if (model.padded) marks.unshift(["is-padding", "padding (zeros)"]);
  if (uncovered) marks.push(["is-uncovered", "never covered"]);
  body.append(legend(...marks));
}

function upstreamStage(model, kit, body, grids) {
  const { grid, row, arrow } = kit;
  const source = model.data.grad_output_source;
  const words = {
    given: "∂L/∂O is given: in a network it is the ∂L/∂I of the next layer (Fig. 9.2).",
    ones: "No ∂L/∂O was given, so it is 1 everywhere, as if the loss were the sum of the outputs.",
    loss: "∂L/∂O comes from comparing the output O with the target T through the loss.",
  }[source];
  body.append(paragraph("lead", words));
  if (source === "loss") {
    const names = { mse: "mean squared error", half_sse: "½ Σ (O − T)²", cross_entropy: "cross-entropy of softmax(O)", bce: "binary cross-entropy of σ(O)" };
    body.append(paragraph("note", `Loss: ${names[model.data.loss_name]}, `, mathLine([{ sym: { name: "L" } }, "=", { num: model.data.loss }])));
    for (const co of range(model.cOut))
      grids.append(row(grid("output", [co], 0, `output${channelWords(model, "out", co)}`), "vs", grid("target", [co], 0, `target${channelWords(model, "out", co)}`)));
  }
  const strided = model.stride.some((s) => s > 1);
  // Zeros go between neighbours only along an axis with a stride and more than one output, and
  // at the bottom or right only where the stride-1 size reaches past the last value.
  const inserted = [0, 1].some((axis) => model.stride[axis] > 1 && model.outSize[axis] > 1);
  const filled = [0, 1].some((axis) => model.upsampledSize[axis] > (model.outSize[axis] - 1) * model.stride[axis] + 1);
  const upsampling = [
    inserted ? "s − 1 zeros go between neighbours" : "",
    filled ? `zero rows or columns at the bottom and right bring it to the stride-1 size ${model.upsampledSize.join(" × ")}` : "",
  ].filter(Boolean);
  body.append(
    paragraph(
      "lead",
      strided
        ? `The forward pass skipped positions with stride ${model.stride.join(" × ")}, so ∂L/∂O is upsampled first: ${upsampling.join(", and ") || "here a single value has no neighbours, so nothing changes"}.`
        : "With stride 1 there is nothing to upsample: G↑ is ∂L/∂O.",
    ),
  );
  for (const co of range(model.cOut))
    grids.append(
      row(
        grid("grad_output", [co], 0, `∂L/∂O${channelWords(model, "out", co)}`),
        arrow(strided ? "upsample" : "as is"),
        grid("upsampled_grad", [co], 1, `upsampled${channelWords(model, "out", co)}`),
      ),
    );
  const marks = [];
  if (inserted) marks.push(["is-inserted", "zeros inserted between neighbours"]);
  if (filled) marks.push(["is-fill", "zeros filled in at the bottom/right"]);
  if (marks.length) body.append(legend(...marks));
}

function kernelGradStage(model, kit, body, grids) {
  const { grid, biasGrid, row } = kit;
  body.append(
    paragraph(
      "lead",
      `∂L/∂F = ${model.padded ? "P" : "I"} ∗ G↑: the upsampled gradient slides over the ${model.padded ? "padded " : ""}input like a kernel, and each position gives one cell of ∂L/∂F. Cell by cell this is eq. 9.8: each ∂L/∂O times the input cell it multiplied in the forward pass.`,
    ),
  );
  for (const co of range(model.cOut))
    for (const ci of range(model.cIn))
      grids.append(
        row(
          grid("padded_input", [ci], 0, `${model.padded ? "padded input" : "input"}${channelWords(model, "in", co, ci)}`),
          "∗",
          grid("upsampled_grad", [co], 0, `upsampled ∂L/∂O${channelWords(model, "out", co)}`),
          "=",
          grid("grad_kernel", [co, ci], 0, `kernel gradient${channelWords(model, "k", co, ci)}`),
        ),
      );
  if (model.arrays.grad_bias) {
    body.append(paragraph("note", "The bias adds to every output cell, so ∂L/∂b is the sum of ∂L/∂O over each kernel's output."));
    grids.append(row(biasGrid("grad_bias", 1, "bias gradient")));
  }
  body.append(legend(["is-window", "where G↑ lies"], ["is-source", "cells multiplied"]));
}

function inputGradStage(model, kit, body, grids) {
  const { grid, row, arrow } = kit;
  const kernelField = model.slidesAsTyped ? "kernel" : "sliding_kernel";
  body.append(
    paragraph(
      "lead",
      "∂L/∂I is a full convolution (eq. 9.9, Fig. 9.6–9.7): rotate the kernel by 180°, pad G↑ with k − 1 zeros on every side so the kernel can hang over its edges, slide, then crop the padding of the forward pass.",
    ),
  );
  for (const co of range(model.cOut))
    for (const ci of range(model.cIn))
      grids.append(
        row(
          grid(kernelField, [co, ci], 0, kernelWords(model, co, ci)),
          arrow("rotate 180°"),
          grid("rotated_kernel", [co, ci], 0, `rotated${channelWords(model, "k", co, ci)}`),
        ),
      );
  for (const ci of range(model.cIn)) {
    const parts = [];
    for (const co of range(model.cOut)) {
      if (co) parts.push("+");
      parts.push(grid("padded_upsampled_grad", [co], 1, `G↑ padded with ${padWords(model)}${channelWords(model, "out", co)}`));
      parts.push("⋆");
      parts.push(grid("rotated_kernel", [co, ci], 2, `rotated${channelWords(model, "k", co, ci)}`));
    }
    parts.push("=", grid("grad_padded_input", [ci], 2, `∂L/∂${model.padded ? "P" : "I"}${channelWords(model, "in", 0, ci)}`));
    parts.push(arrow(model.padded ? "crop" : "no padding"));
    parts.push(grid("grad_input", [ci], 3, `input gradient${channelWords(model, "in", 0, ci)}`));
    grids.append(row(...parts));
  }
  const uncovered = uncoveredWords(model);
  if (uncovered)
    body.append(paragraph("note warn", `No window covered ${uncovered} of ${model.padded ? "P" : "I"} (stage 1): nothing flows back there, so their gradient is exactly 0 (striped).`));
  const marks = [["is-window", "where the rotated kernel lies"], ["is-source", "cells multiplied"]];
  if (model.padded) marks.push(["is-cropped", "cropped away (padding)"]);
  if (uncovered) marks.push(["is-uncovered", "never covered: zero gradient"]);
  body.append(legend(...marks));
}

function updateStage(model, kit, body, grids, handlers) {
  const { grid, biasGrid, row } = kit;
  if (!model.arrays.updated_kernel) {
    const ask = document.createElement("button");
    ask.type = "button";
    ask.textContent = "Use α = 0.01";
    ask.addEventListener("click", handlers.onAskLearningRate);
    body.append(paragraph("lead", "With a learning rate α the kernel takes one step of gradient descent: F − α·∂L/∂F. No α is set. ", ask));
    return;
  }
  body.append(paragraph("lead", `One step of gradient descent with learning rate α = ${formatNumber(model.learningRate)}: F − α·∂L/∂F, and the same for the bias.`));
  for (const co of range(model.cOut))
    for (const ci of range(model.cIn))
      grids.append(
        row(
          grid("kernel", [co, ci], 0, kernelWords(model, co, ci)),
          `− ${formatNumber(model.learningRate)} ·`,
          grid("grad_kernel", [co, ci], 0, `kernel gradient${channelWords(model, "k", co, ci)}`),
          "=",
          grid("updated_kernel", [co, ci], 0, `updated kernel${channelWords(model, "k", co, ci)}`),
        ),
      );
  if (model.arrays.updated_bias)
    grids.append(row(biasGrid("bias", 0, "bias"), `− ${formatNumber(model.learningRate)} ·`, biasGrid("grad_bias", 0, "bias gradient"), "=", biasGrid("updated_bias", 0, "updated bias")));
}

/**
 * Put an explanation in a stage's equation panel.
 * @param {StageView} stageView
 * @param {string} title plain text naming the cell
 * @param {Explanation} explanation
 * @param {(() => void) | null} onShowAll offered when the equation was shortened
 */
export function renderExplanation(stageView, title, explanation, onShowAll) {
  const heading = paragraph("equation-title", title);
  if (explanation.cite) heading.append(" ", span("cite", explanation.cite));
  const parts = [heading, equationBlock(explanation.lines)];
  if (explanation.note) parts.push(paragraph("equation-note", explanation.note));
  if (onShowAll) {
    const more = document.createElement("button");
    more.type = "button";
    more.className = "link-button";
    more.textContent = `Write out all ${explanation.count} products`;
    more.addEventListener("click", onShowAll);
    parts.push(more);
  }
  stageView.panel.replaceChildren(...parts);
}

/**
 * Light up a cell, the cells it came from and the window that produced it; clear the last ones.
 * Where a field is drawn in several rows, the copies in the focus's own row are lit; failing
 * that, those in the rows of its first source; failing that, all of them.
 * @param {StageView} stageView
 * @param {[string, number[]] | null} focus
 * @param {Explanation | null} explanation
 * @param {number | null} group the row of the copy of the focus cell that is pointed at
 */
export function highlight(stageView, focus, explanation, group = null) {
  for (const td of stageView.lit) td.classList.remove("is-focus", "is-source", "is-window");
  stageView.lit = [];
  if (!focus) return;
  const entries = (field, index) => stageView.cells.get(cellKey(field, index)) ?? [];
  const own = group ?? entries(...focus)[0]?.group;
  const first = explanation?.sources[0];
  const anchors = new Set(first ? entries(...first).map((e) => e.group) : []);
  const mark = (refs, className) => {
    for (const [field, index] of refs) {
      const all = entries(field, index);
      const near = all.filter((e) => e.group === own);
      const anchored = all.filter((e) => anchors.has(e.group));
      for (const { td } of near.length ? near : anchored.length ? anchored : all) {
        td.classList.add(className);
        stageView.lit.push(td);
      }
    }
  };
  if (explanation) {
    mark(explanation.window, "is-window");
    mark(explanation.sources, "is-source");
  }
  mark([focus], "is-focus");
}
