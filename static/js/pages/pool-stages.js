/**
 * The four stages of the pooling page, drawn from one result: the forward pass with the window
 * sliding over the (padded) input, the upstream gradient, the routing of each window's gradient
 * into ∂L/∂I (shares adding up where windows overlap), and the total gradient.
 */

import { element, paragraph } from "../dom.js";
import { mathLine } from "../equation.js";
import { MatrixView } from "../matrix-view.js";
import { formatNumber, fullNumber } from "../number-format.js";
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
import { gradientSums, symbolOf, symbolText, totals } from "./pool-explain.js";

/**
 * @typedef {import("./pool-model.js").PoolModel} PoolModel
 * @typedef {import("./layer-page.js").StageView} StageView
 * @typedef {StageView & {routed: {view: MatrixView, channel: number}[], shown: Map<HTMLElement, string>}} PoolStageView
 *
 * @typedef {object} StageHandlers
 * @property {(stage: number, field: string, index: number[]) => void} onPoint
 * @property {(stage: number) => void} onLeave
 */

/**
 * Build every stage for `model`.
 * @param {PoolModel} model
 * @param {StageHandlers} handlers
 * @returns {PoolStageView[]}
 */
export function buildStages(model, handlers) {
  const fig = model.mode === "max" ? "Fig. 9.9" : "Fig. 9.8";
  const heads = [
    ["Forward pass", `9.2.3, ${fig}`],
    ["The upstream gradient ∂L/∂O", "9.2.3"],
    [model.mode === "max" ? "Route each gradient to its maximum" : "Share each gradient evenly", fig],
    ["The total gradient", "9.2.3"],
  ];
  const builders = [forwardStage, upstreamStage, routeStage, totalStage];
  return builders.map((build, stage) => {
    const view = /** @type {PoolStageView} */ ({ ...stageSection(stage, ...heads[stage]), routed: [], shown: new Map() });
    build(model, toolkit(model, view, stage, handlers), view);
    finishStage(view);
    return view;
  });
}

/**
 * Grids registered in one stage, each cell under its field and canonical index.
 * @param {PoolModel} model
 * @param {PoolStageView} stageView
 * @param {number} stage
 * @param {StageHandlers} handlers
 */
function toolkit(model, stageView, stage, handlers) {
  /**
   * @param {string} field
   * @param {number} channel
   * @param {number} phase
   * @param {string} words caption after the symbol
   * @param {{padded?: boolean, values?: number[][]}} [options] padded: drawn over the padded
   *   input's coordinates, padding included
   */
  const grid = (field, channel, phase, words, { padded = false, values } = {}) => {
    const inputShaped = ["input", "grad_input", "mask"].includes(field);
    const [top, , left] = model.padding;
    const shift = inputShaped && !padded ? [top, left] : [0, 0];
    const data = values ?? model.arrays[field][channel];
    const canonical = (r, c) => [channel, r + shift[0], c + shift[1]];
    const apiIndex = (r, c) => {
      const index = canonical(r, c);
      if (!inputShaped) return model.apiIndex(index);
      const inside = model.inputIndex(index);
      return inside && model.apiIndex(inside);
    };
    const caption = element("span", "", symbolMath({ ...symbolOf(model, field, [channel, 0, 0]), sub: undefined }), ` ${words}`);
    const view = new MatrixView({
      field,
      values: data,
      apiIndex,
      label: `${symbolText(model, field, [channel, 0, 0]).replace(/[₀-₉,]+$/, "")} ${words}`,
      caption,
      cellClasses: (r, c) => cellClasses(model, field, canonical(r, c)),
      onPoint: (_, r, c) => handlers.onPoint(stage, field, canonical(r, c)),
      onLeave: () => handlers.onLeave(stage),
    });
    view.cells.forEach((row, r) => row.forEach((td, c) => addCell(stageView, cellKey(field, canonical(r, c)), td)));
    stageView.views.push({ view, field, phase, channel });
    return view;
  };
  return { grid };
}

/**
 * Classes that show what a cell is: padding, cropped padding, never covered.
 * @param {PoolModel} model
 * @param {string} field
 * @param {number[]} index canonical
 */
function cellClasses(model, field, [, R, C]) {
  if (!["input", "grad_input"].includes(field)) return [];
  const classes = [];
  if (model.inPadding(R, C)) classes.push(field === "input" ? "is-padding" : "is-cropped");
  if (model.uncovered.rows.has(R) || model.uncovered.cols.has(C)) classes.push("is-uncovered");
  return classes;
}

/** "channel 2" words when there are several channels. */
function channelWords(model, c) {
  return model.channels > 1 ? `, channel ${c + 1}` : "";
}

/** The padded input as numbers, the padding holding −∞ or 0. */
function paddedValues(model, c) {
  return range(model.paddedSize[0]).map((R) => range(model.paddedSize[1]).map((C) => model.paddedValue([c, R, C])));
}

/** "2 × 2" or "2" for a pair. */
const pairWords = (pair) => (pair[0] === pair[1] ? String(pair[0]) : pair.join(" × "));

/** The output-size formula with this layer's numbers, for one axis. */
function sizeLine(model, axis) {
  const size = model.data.output_size[axis];
  const s = (name) => ({ sym: { name, sub: axis } });
  return mathLine([
    s("out"), "=", "⌊",
    { frac: [[s("n"), "−", s("k"), "+", s("p"), "+", s("s")], [s("s")]] }, "⌋", "=", "⌊",
    { frac: [[{ num: size.n }, "−", { num: size.k }, "+", { num: size.p }, "+", { num: size.s }], [{ num: size.s }]] }, "⌋",
    "=", { num: size.out },
  ]);
}

/** Words for the rows and columns of the padded input no window reaches, or "". */
function uncoveredWords(model) {
  const list = (set, noun) => (set.size ? `${noun}${set.size > 1 ? "s" : ""} ${[...set].map((p) => p + 1).join(", ")}` : "");
  return [list(model.uncovered.rows, "row"), list(model.uncovered.cols, "column")].filter(Boolean).join(" and ");
}

/**
 * @param {PoolModel} model
 * @param {ReturnType<typeof toolkit>} kit
 * @param {PoolStageView} view
 */
function forwardStage(model, { grid }, view) {
  const isMax = model.mode === "max";
  const window = model.size.join(" × ");
  view.body.append(
    paragraph(
      "lead",
      isMax
        ? `Max pooling keeps the largest number of each ${window} window. The place of each maximum is recorded, so that the backward pass can send the gradient there (Fig. 9.9).`
        : `Average pooling replaces each ${window} window by the mean of its cells (Fig. 9.8).`,
      ` The window moves ${pairWords(model.stride)} cell${model.stride.join() === "1,1" ? "" : "s"} at a time (the stride).`,
    ),
  );
  const size = element("div", "size-formula");
  size.setAttribute("role", "group");
  size.setAttribute("aria-label", "Output size");
  size.tabIndex = 0; // scrolls sideways on a narrow screen
  size.append(paragraph("size-title", "Output size, as for a convolution (9.2.1):"), sizeLine(model, "h"), sizeLine(model, "w"));
  if (model.padded)
    size.append(
      paragraph(
        "note",
        isMax
          ? "The padding holds −∞, so it can never be a window's maximum (as PyTorch pads)."
          : "The padding holds zeros, and they count in the divisor (PyTorch's count_include_pad): a border window averages in zeros.",
      ),
    );
  if (model.overlapping)
    size.append(paragraph("note", `The stride is smaller than the window, so neighbouring windows overlap: a cell can belong to several of them.`));
  const uncovered = uncoveredWords(model);
  if (uncovered)
    size.append(paragraph("note warn", `(H_p − k) is not a multiple of the stride, so no window covers ${uncovered} (striped): their gradient will be zero.`));
  view.body.append(size);

  const how = `${isMax ? "max" : "mean"} ${window}, stride ${pairWords(model.stride)}`;
  for (const c of range(model.channels)) {
    const input = grid("input", c, 0, `${model.padded ? "padded input" : "input"}${channelWords(model, c)}`, {
      padded: true,
      values: paddedValues(model, c),
    });
    const output = grid("output", c, 1, `output${channelWords(model, c)}`);
    const parts = [input.element, arrow(how), output.element];
    if (model.hasTies) parts.push(grid("tie_counts", c, 1, `cells holding the maximum${channelWords(model, c)}`).element);
    const mask = grid("mask", c, 2, isMax ? `mask: windows routing here${channelWords(model, c)}` : `windows covering each cell${channelWords(model, c)}`);
    parts.push(arrow(isMax ? "record" : "count"), mask.element);
    view.grids.append(gridRow(...parts));
  }
  if (isMax)
    view.body.append(
      paragraph(
        "note",
        model.hasTies
          ? `Some windows hold their maximum more than once (n > 1). Tie rule: ${model.ties} — frameworks differ here.`
          : "No window holds its maximum twice, so the tie rule changes nothing here.",
      ),
    );
  const marks = [["is-window", "the window"], ["is-source", isMax ? "its maximum" : "cells averaged"]];
  if (model.padded) marks.unshift(["is-padding", isMax ? "padding (−∞)" : "padding (0)", isMax ? "−∞" : "0"]);
  if (uncovered) marks.push(["is-uncovered", "never covered"]);
  view.body.append(legend(...marks));
}

/**
 * @param {PoolModel} model
 * @param {ReturnType<typeof toolkit>} kit
 * @param {PoolStageView} view
 */
function upstreamStage(model, { grid }, view) {
  const given = model.data.grad_output_source === "given";
  view.body.append(
    paragraph(
      "lead",
      given
        ? "∂L/∂O is given: in a network it is the ∂L/∂I of the next layer (Fig. 9.2). It has the output's shape."
        : "No ∂L/∂O was given, so it is 1 everywhere, as if the loss were the sum of the outputs.",
    ),
  );
  const same = JSON.stringify(model.arrays.grad_output) === JSON.stringify(model.arrays.output);
  if (same)
    view.body.append(
      paragraph("note", "Here ∂L/∂O holds the same numbers as O, as in Fig. 9.8–9.9, which draw one map for both passes. In a network the two differ."),
    );
  for (const c of range(model.channels)) view.grids.append(gridRow(grid("grad_output", c, 0, `upstream gradient${channelWords(model, c)}`).element));
}

/**
 * @param {PoolModel} model
 * @param {ReturnType<typeof toolkit>} kit
 * @param {PoolStageView} view
 */
function routeStage(model, { grid }, view) {
  const isMax = model.mode === "max";
  const k = model.size[0] * model.size[1];
  const words = isMax
    ? "Each ∂L/∂O goes back whole to the cell that held its window's maximum; every other cell of the window gets 0 (Fig. 9.9)."
    : `Each ∂L/∂O is divided evenly among the ${k} cells of its window (Fig. 9.8: 4 ÷ 4 = 1).`;
  const tieWords = isMax && model.hasTies
    ? { first: " Where a window holds its maximum twice, ties = first sends it to the first in row-major order.", all: " Where a window holds its maximum twice, ties = all sends the whole gradient to each.", split: " Where a window holds its maximum twice, ties = split shares it among them." }[model.ties]
    : "";
  view.body.append(
    paragraph("lead", words, tieWords, model.overlapping ? " The windows overlap, so a cell's shares add up: watch the numbers grow as each window sends its share." : ""),
  );
  if (model.windowsOmitted) view.body.append(paragraph("note", `This layer is too big to send window by window (${model.windowsOmitted}); ∂L/∂I is shown whole.`));
  for (const c of range(model.channels)) {
    const routed = grid("grad_input", c, 0, `${model.padded ? "gradient on the padded input" : "input gradient"}${channelWords(model, c)}`, {
      padded: true,
      values: routedValues(model, c),
    });
    view.routed.push({ view: routed, channel: c });
    const parts = [grid("grad_output", c, 0, `upstream gradient${channelWords(model, c)}`).element, arrow(isMax ? "to the maximum" : `÷ ${k} each`), routed.element];
    if (model.padded) parts.push(arrow("crop"), grid("grad_input", c, 1, `input gradient${channelWords(model, c)}`).element);
    view.grids.append(gridRow(...parts));
  }
  const marks = [["is-window", "the window"], ["is-source", "cells receiving a share"], ["is-partial", "more shares still to come", "+"]];
  if (model.padded) marks.push(["is-cropped", "padding, cropped away"]);
  view.body.append(legend(...marks));
}

/** ∂L/∂I over the padded coordinates: the API's numbers inside, the lost shares on the padding. */
function routedValues(model, c) {
  return range(model.paddedSize[0]).map((R) =>
    range(model.paddedSize[1]).map((C) => {
      const inside = model.inputIndex([c, R, C]);
      if (inside) return model.value("grad_input", inside);
      return model.sharesOf([c, R, C]).reduce((sum, share) => sum + share.amount, 0);
    }),
  );
}

/**
 * @param {PoolModel} model
 * @param {ReturnType<typeof toolkit>} kit
 * @param {PoolStageView} view
 */
function totalStage(model, _kit, view) {
  view.body.append(
    paragraph(
      "lead",
      "Chapter 9.2.3: every output passes its gradient back to the cells that made it, so the total gradient stays the same, which keeps it from exploding or vanishing. Here are both sums.",
    ),
  );
  const sums = gradientSums(model);
  const list = element("dl", "pool-sums");
  const entry = (name, words, value) => {
    const number = element("dd", "", formatNumber(value));
    number.dataset.sum = name;
    number.dataset.value = fullNumber(value);
    list.append(element("div", "", element("dt", "", words), number));
  };
  entry("grad_output", "Σ ∂L/∂O, into the layer", sums.out);
  entry("grad_input", "Σ ∂L/∂I, out of the layer", sums.back);
  if (sums.lost !== 0) entry("padding", "lost on the padding", sums.lost);
  const { verdict, holds } = totals(model);
  view.body.append(list, paragraph(`verdict ${holds ? "is-ok" : "warn"}`, verdict));
}

/**
 * Show the routing after the first `count` windows: each cell of ∂L/∂I holds its running sum,
 * marked while more shares are still to come, and stays blank until its first share arrives
 * (a cell no window sends anything shows its 0 throughout); the share just added shows in its
 * corner. `null` shows nothing yet, Infinity everything. Only cells whose text or state changes are touched.
 * @param {PoolStageView} view
 * @param {PoolModel} model
 * @param {number|null} count
 */
export function drawRouting(view, model, count) {
  const sums = count === null || count === Infinity ? null : model.routedAfter(count);
  for (const { view: grid, channel } of view.routed) {
    grid.cells.forEach((row, R) =>
      row.forEach((td, C) => {
        if (grid.isWithheld(R, C)) return; // no running sum either: it would give the number away
        const state = sums?.get(cellKey("grad_input", [channel, R, C]));
        let text = formatNumber(grid.values[R][C]);
        let partial = false;
        let added = "";
        const pending = count === null || (state !== undefined && !state.started);
        if (state?.started && !state.done) {
          text = formatNumber(state.sum);
          partial = true;
        }
        if (state && state.added !== null) added = `${state.added < 0 ? "" : "+"}${formatNumber(state.added)}`;
        const key = `${pending}|${text}|${added}`;
        if (view.shown.get(td) === key) return;
        view.shown.set(td, key);
        td.textContent = text;
        td.classList.toggle("is-pending", pending);
        td.classList.toggle("is-partial", partial);
        td.classList.toggle("is-added", Boolean(added));
        if (added) td.dataset.added = added;
        else delete td.dataset.added;
      }),
    );
  }
}
