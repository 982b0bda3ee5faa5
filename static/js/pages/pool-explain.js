/**
 * What each cell of the pooling page is, as an equation with its numbers and the cells it came
 * from (or goes to). Input-shaped fields (input, mask, grad_input) are indexed in the padded
 * input's coordinates, so the padding drawn around them has indices too; symbols are 1-based in
 * the input's own coordinates, as the chapter writes them.
 */

import { formatNumber } from "../number-format.js";
import { symbolPlain, subscript } from "./layer-page.js";

/**
 * @typedef {import("./pool-model.js").PoolModel} PoolModel
 * @typedef {import("./layer-page.js").Explanation} Explanation
 * @typedef {import("./layer-page.js").CellRef} CellRef
 * @typedef {import("../equation.js").Token} Token
 */

/** Window cells written out in full up to this many; longer windows show the first and last. */
const LIMIT = 12;

const NAMES = { input: "I", output: "O", grad_output: "O", grad_input: "I", mask: "M", tie_counts: "n" };
const GRADS = new Set(["grad_output", "grad_input"]);
const INPUT_SHAPED = new Set(["input", "grad_input", "mask"]);

/**
 * The symbol of a cell, e.g. I₂₁, ∂L/∂O₁₁ or O⁽²⁾₁₁ (channel 2).
 * @param {PoolModel} model
 * @param {string} field
 * @param {number[]} index canonical (padded coordinates for input-shaped fields)
 * @returns {import("../equation.js").SymbolSpec}
 */
export function symbolOf(model, field, index) {
  const [c, r, col] = index;
  const [R, C] = INPUT_SHAPED.has(field) ? [r - model.padding[0], col - model.padding[2]] : [r, col];
  return {
    name: NAMES[field],
    sub: subscript(R, C),
    sup: model.channels > 1 ? `(${c + 1})` : undefined,
    grad: GRADS.has(field),
  };
}

/**
 * A cell's symbol as plain text.
 * @param {PoolModel} model
 * @param {string} field
 * @param {number[]} index
 */
export function symbolText(model, field, index) {
  return symbolPlain(symbolOf(model, field, index));
}

/** @param {PoolModel} model @param {string} field @param {number[]} index @returns {Token} */
const sym = (model, field, index) => ({ sym: symbolOf(model, field, index) });

/** @param {number} x @returns {Token} */
const num = (x) => ({ num: x, paren: true });

/**
 * `items` joined by `separator`, shortened to the first ones, "…" and the last past LIMIT.
 * @param {Token[]} items
 * @param {string} separator
 * @returns {Token[]}
 */
function joined(items, separator) {
  const shown = items.length <= LIMIT ? items : [...items.slice(0, LIMIT - 2), "…", items[items.length - 1]];
  return shown.flatMap((item, k) => (k ? [separator, item] : [item]));
}

/** "I₁₂", "I₁₂ and I₂₂", "I₁₁, I₁₂ and I₂₁". */
function listWords(words) {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/**
 * A window cell as a symbol (the input) or as the number the padding holds.
 * @param {PoolModel} model
 * @param {number[]} padded [c, R, C]
 * @returns {Token}
 */
function windowSymbol(model, padded) {
  return model.inputIndex(padded) ? sym(model, "input", padded) : { num: model.padValue };
}

/** @param {Partial<Explanation>} parts @returns {Explanation} */
function explanation(parts) {
  return { title: "", lines: [], note: "", cite: "", sources: [], window: [], ...parts };
}

/**
 * Explain one cell, as the stage it is drawn in sees it: ∂L/∂O in the routing stage explains
 * where its gradient goes.
 * @param {PoolModel} model
 * @param {string} field
 * @param {number[]} index canonical
 * @param {number} stage
 * @returns {Explanation}
 */
export function explain(model, field, index, stage) {
  if (field === "grad_output" && stage === 2) return route(model, index);
  if (model.windowsOmitted && ["input", "mask", "grad_input"].includes(field)) return valueOnly(model, field, index);
  return EXPLAINERS[field](model, index);
}

/**
 * A cell of an input-shaped field when the answer left the windows out (a big layer): its
 * number, without the windows it came from.
 * @param {PoolModel} model
 * @param {string} field
 * @param {number[]} index
 * @returns {Explanation}
 */
function valueOnly(model, field, index) {
  const inside = model.inputIndex(index);
  const value = field === "input" ? model.paddedValue(index) : inside ? model.value(field, inside) : null;
  const name = inside ? symbolText(model, field === "mask" ? "input" : field, index) : "Padding";
  const title = field === "mask" ? `Mask at ${name}` : name;
  return explanation({
    title,
    lines: value === null ? [] : [[inside ? sym(model, field, index) : { text: "padding" }, "=", { num: value }]],
    note: `The windows of so big a layer are not sent one by one (${model.windowsOmitted}).`,
  });
}

/** The windows (output cells) that send a share of their gradient to padded cell `index`. */
function sendersOf(model, index) {
  return model.sharesOf(index).map((share) => share.window);
}

/** The cells of a window as refs into `field`, from the geometry. */
function windowOf(model, field, outputIndex) {
  return model.windowRefs(outputIndex).map(([, index]) => /** @type {CellRef} */ ([field, index]));
}

/** Where the gradient of window `index` goes: its maxima (as routed), or every cell. */
function receivers(model, index) {
  const w = model.window(index);
  if (w) {
    return model
      .windowCells(w)
      .filter((_, k) => w.weights[Math.floor(k / model.size[1])][k % model.size[1]] !== 0)
      .map(([R, C]) => [index[0], R, C]);
  }
  if (model.mode === "avg") return model.windowRefs(index).map(([, cell]) => cell);
  const [r, c] = model.plain ? model.data.argmax[index[1]][index[2]] : model.data.argmax[index[0]][index[1]][index[2]];
  return [[index[0], r + model.padding[0], c + model.padding[2]]];
}

const TIE_WORDS = {
  first: "with ties = first only the first of them in row-major order receives the gradient, as PyTorch on the CPU",
  all: "with ties = all each of them receives the whole gradient, so it is counted more than once",
  split: "with ties = split they share the gradient evenly",
};

const EXPLAINERS = {
  /** O = max or mean of the window (Fig. 9.8–9.9). */
  output(model, index) {
    const cells = model.windowRefs(index).map(([, cell]) => cell);
    const symbols = cells.map((cell) => windowSymbol(model, cell));
    const values = cells.map((cell) => num(model.paddedValue(cell)));
    const lhs = sym(model, "output", index);
    const value = model.value("output", index);
    const title = symbolText(model, "output", index);
    const window = cells.map((cell) => /** @type {CellRef} */ (["input", cell]));
    const padCount = cells.filter((cell) => !model.inputIndex(cell)).length;
    if (model.mode === "avg") {
      const k = cells.length;
      return explanation({
        title,
        lines: [
          [lhs, "=", { frac: [joined(symbols, "+"), [{ num: k }]] }],
          ["=", { frac: [joined(values, "+"), [{ num: k }]] }],
          ["=", { num: value }],
        ],
        note:
          `The mean of the ${k} cells of its window.` +
          (padCount ? ` ${padCount} of them are padding: their zeros count in the divisor ${k}, as PyTorch does.` : ""),
        cite: "Fig. 9.8",
        sources: window,
        window,
      });
    }
    const maxima = receivers(model, index);
    const w = model.window(index);
    const tied = w?.maxima ?? maxima;
    const tiedWords = tied.map((cell) => symbolText(model, "input", [index[0], ...cell.slice(-2)]));
    let note = `The largest of the ${cells.length} cells of its window. Its place, ${listWords(tiedWords)}, is recorded for the backward pass (the mask of Fig. 9.9).`;
    if (tied.length > 1) note = `${listWords(tiedWords)} all hold the maximum ${formatNumber(value)}: ${TIE_WORDS[model.ties]}.`;
    if (padCount) note += " The padding holds −∞, which never wins.";
    return explanation({
      title,
      lines: [
        [lhs, "=", { text: "max" }, "(", ...joined(symbols, ","), ")"],
        ["=", { text: "max" }, "(", ...joined(values, ","), ")"],
        ["=", { num: value }],
      ],
      note,
      cite: "Fig. 9.9",
      sources: tied.map((cell) => /** @type {CellRef} */ (["input", [index[0], ...cell.slice(-2)]])),
      window,
    });
  },

  /** A cell of the (padded) input. */
  input(model, index) {
    const title = model.inputIndex(index) ? symbolText(model, "input", index) : "Padding";
    const lhs = model.inputIndex(index) ? sym(model, "input", index) : { text: "padding" };
    const value = model.paddedValue(index);
    const senders = sendersOf(model, index);
    const names = senders.map((o) => symbolText(model, "output", o));
    let note;
    if (!model.inputIndex(index))
      note = model.mode === "max" ? "Padding holds −∞ in max pooling, so it is never a maximum." : "Padding holds zeros; average pooling counts them in the divisor.";
    else if (model.mode === "max")
      note = senders.length
        ? `The maximum that receives the gradient of ${listWords(names)}: the mask sends ∂L/∂O back here.`
        : "Not the routed maximum of any window: no gradient comes back here.";
    else note = senders.length ? `Averaged into ${listWords(names)}, each of which sends back a share.` : "No window covers this cell.";
    return explanation({ title, lines: [[lhs, "=", { num: value }]], note, sources: senders.map((o) => ["output", o]) });
  },

  /** How many windows route (a share of) their gradient to a cell. */
  mask(model, index) {
    const senders = sendersOf(model, index);
    const names = senders.map((o) => symbolText(model, "output", o));
    const count = model.value("mask", model.inputIndex(index) ?? index);
    const note =
      model.mode === "max"
        ? count
          ? `${count === 1 ? "One window routes" : `${count} windows route`} its gradient here: ${listWords(names)}.`
          : "No window's gradient comes here: 0 in the mask."
        : count
          ? `Covered by ${count === 1 ? "one window" : `${count} windows`}: ${listWords(names)}; each sends back its share.`
          : "No window covers this cell.";
    return explanation({
      title: `Mask at ${symbolText(model, "input", index)}`,
      lines: [[{ sym: symbolOf(model, "mask", index) }, "=", { num: count }]],
      note,
      cite: model.mode === "max" ? "Fig. 9.9" : "Fig. 9.8",
      sources: senders.map((o) => ["output", o]),
    });
  },

  /** How many cells hold a window's maximum. */
  tie_counts(model, index) {
    const tied = model.window(index)?.maxima ?? [];
    const words = tied.map((cell) => symbolText(model, "input", [index[0], ...cell]));
    const count = model.value("tie_counts", index);
    return explanation({
      title: `Maxima of the window of ${symbolText(model, "output", index)}`,
      lines: [[{ sym: symbolOf(model, "tie_counts", index) }, "=", { num: count }]],
      note: count > 1 ? `${listWords(words)} hold the maximum: ${TIE_WORDS[model.ties]}.` : "One cell holds the maximum: the tie rule does not matter here.",
      sources: tied.map((cell) => ["input", [index[0], ...cell]]),
      window: windowOf(model, "input", index),
    });
  },

  /** ∂L/∂O as given (or ones). */
  grad_output(model, index) {
    const given = model.data.grad_output_source === "given";
    return explanation({
      title: symbolText(model, "grad_output", index),
      lines: [[sym(model, "grad_output", index), "=", { num: model.value("grad_output", index) }]],
      note: given
        ? "Given: in a network it is the ∂L/∂I of the next layer (Fig. 9.2)."
        : "Not given, so 1 everywhere: as if L were the sum of the outputs.",
      cite: "9.2.3",
    });
  },

  /** ∂L/∂I: the shares every window sent to this cell, added up. */
  grad_input(model, index) {
    const shares = model.sharesOf(index);
    const inside = model.inputIndex(index);
    const title = inside ? symbolText(model, "grad_input", index) : "Padding: gradient cropped away";
    const lhs = inside ? sym(model, "grad_input", index) : { text: "padding" };
    const total = inside ? model.value("grad_input", inside) : shares.reduce((sum, s) => sum + s.amount, 0);
    const window = shares.flatMap((s) => windowOf(model, "grad_input", s.window));
    const sources = shares.map((s) => /** @type {CellRef} */ (["grad_output", s.window]));
    if (!shares.length) {
      const uncovered = model.uncovered.rows.has(index[1]) || model.uncovered.cols.has(index[2]);
      const why = uncovered
        ? "No window ever covers this cell (the stride leaves it out), so no gradient flows back: it is 0."
        : model.mode === "max"
          ? "It was not the routed maximum of any window, so it gets nothing back: 0 (Fig. 9.9)."
          : "No window sends it a share: 0.";
      return explanation({ title, lines: [[lhs, "=", { num: 0 }]], note: why, cite: "Fig. 9.9" });
    }
    const term = (s, value) => {
      const grad = value ? num(model.value("grad_output", s.window)) : sym(model, "grad_output", s.window);
      const divisor = Math.round(1 / s.weight);
      return s.weight === 1 ? [grad] : [{ frac: [[grad], [{ num: divisor }]] }];
    };
    const symbolsLine = shares.flatMap((s, k) => [...(k ? ["+"] : []), ...term(s, false)]);
    const numbersLine = shares.flatMap((s, k) => [...(k ? ["+"] : []), ...term(s, true)]);
    const lines = [[lhs, "=", ...symbolsLine], ["=", ...numbersLine], ["=", { num: total }]];
    const names = shares.map((s) => symbolText(model, "grad_output", s.window));
    let note =
      shares.length > 1
        ? `The windows overlap here: the shares of ${listWords(names)} add up.`
        : `The share of ${names[0]}.`;
    if (!inside) note += " This cell is padding, so its share is cropped away with it and reaches no input.";
    return explanation({ title, lines, note, cite: model.mode === "max" ? "Fig. 9.9" : "Fig. 9.8", sources, window });
  },
};

/**
 * Where the gradient of output cell `index` goes in the backward pass (Fig. 9.8–9.9).
 * @param {PoolModel} model
 * @param {number[]} index
 * @returns {Explanation}
 */
function route(model, index) {
  const grad = model.value("grad_output", index);
  const lhs = sym(model, "grad_output", index);
  const to = receivers(model, index);
  const names = to.map((cell) => (model.inputIndex(cell) ? symbolText(model, "input", cell) : "padding"));
  const title = `${symbolText(model, "grad_output", index)} goes back`;
  const sources = to.map((cell) => /** @type {CellRef} */ (["grad_input", cell]));
  const window = windowOf(model, "grad_input", index);
  const w = model.window(index);
  // What the first receiving cell gets, as the API computed it.
  const share = w ? w.share[to[0][1] - w.origin[0]][to[0][2] - w.origin[1]] : null;
  if (model.mode === "avg") {
    const k = model.size[0] * model.size[1];
    const lost = to.filter((cell) => !model.inputIndex(cell)).length;
    const lines = [[lhs, "÷", { num: k }, "=", num(grad), "÷", { num: k }]];
    if (share !== null) lines.push(["=", { num: share }]);
    if (model.overlapping) lines.push(...accumulation(model, index, to));
    return explanation({
      title,
      lines,
      note:
        `Each of the ${k} cells of the window gets an even share (Fig. 9.8: 4 ÷ 4 = 1).` +
        (lost ? ` ${lost} of them lie in the padding: their shares are cropped away with it.` : ""),
      cite: "Fig. 9.8",
      sources,
      window,
    });
  }
  const n = to.length;
  const split = model.ties === "split" && n > 1;
  const lines = split
    ? [[lhs, "÷", { num: n }, "=", num(grad), "÷", { num: n }], ...(share !== null ? [["=", { num: share }]] : [])]
    : [[lhs, "=", { num: grad }]];
  lines.push(...accumulation(model, index, to));
  let note = `The whole gradient goes to ${names[0]}, where the window's maximum was (Fig. 9.9); the other cells of the window get 0.`;
  if (n > 1 && model.ties === "all") note = `${listWords(names)} tie for the maximum and each gets the whole ${formatNumber(grad)}: the gradient is counted ${n} times.`;
  if (split) note = `${listWords(names)} tie for the maximum and share the gradient: each gets 1/${n} of it.`;
  const tiedHere = w?.maxima && w.maxima.length > 1 && model.ties === "first";
  if (tiedHere) note += ` ${w.maxima.length} cells hold the maximum; ties = first picks the first in row-major order.`;
  return explanation({ title, lines, note, cite: "Fig. 9.9", sources, window });
}

/** Receiving cells whose running sum is written out, one line each, in the routing equation. */
const ACCUMULATION_LINES = 4;

/**
 * How the share of window `index` adds to each receiving cell's running sum, one line per cell
 * (`∂L/∂I₂₂ = 2 + 1 = 3`), in the order the windows are routed; none past ACCUMULATION_LINES.
 * @param {PoolModel} model
 * @param {number[]} index the window's output cell
 * @param {number[][]} cells the receiving cells, padded coordinates
 * @returns {Token[][]}
 */
function accumulation(model, index, cells) {
  if (cells.length > ACCUMULATION_LINES) return [];
  const order = model.order(index);
  return cells.flatMap((cell) => {
    if (!model.inputIndex(cell)) return [];
    const shares = model.sharesOf(cell);
    const own = shares.find((share) => model.order(share.window) === order);
    if (!own) return [];
    const before = shares.filter((share) => model.order(share.window) < order).reduce((sum, share) => sum + share.amount, 0);
    const lhs = sym(model, "grad_input", cell);
    if (before === 0 && shares.length === 1) return [[lhs, "=", { num: own.amount }]];
    const more = shares.some((share) => model.order(share.window) > order);
    return [[lhs, "=", num(before), "+", num(own.amount), "=", { num: before + own.amount }, ...(more ? [{ text: "\u2002so far" }] : [])]];
  });
}

/**
 * The sums of 9.2.3 as the page shows them: what is lost on the padding counts as 0 when it is
 * float dust, |lost| ≤ 1e-9·max(1, |Σ∂L/∂O|), such as the −8.9e−16 that Σ∂L/∂P − Σ∂L/∂I leaves
 * where max pooling routed nothing to the padding.
 * @param {PoolModel} model
 * @returns {{out: number, back: number, lost: number, tolerance: number}}
 */
export function gradientSums(model) {
  const { grad_output: out, grad_input: back, padding } = model.data.sums;
  const tolerance = 1e-9 * Math.max(1, Math.abs(out));
  return { out, back, lost: Math.abs(padding) <= tolerance ? 0 : padding, tolerance };
}

/**
 * The total gradient before and after the layer (9.2.3), and why they differ when they do.
 * @param {PoolModel} model
 * @returns {Explanation & {verdict: string, holds: boolean}}
 */
export function totals(model) {
  const { out, back, lost, tolerance } = gradientSums(model);
  const sumO = { sym: { name: "O", grad: true } };
  const sumI = { sym: { name: "I", grad: true } };
  const exact = out === back;
  const more = back - out > tolerance && model.ties === "all";
  let lines;
  let verdict;
  if (lost !== 0) {
    lines = [
      ["∑", sumI, "=", "∑", sumO, "−", { text: "(shares on the padding)" }],
      ["=", num(out), "−", num(lost)],
      ["=", { num: back }],
    ];
    verdict =
      "Not preserved: average pooling counts the padding's zeros in its divisor, so part of every border window's gradient lands on the padding and is cropped away with it.";
  } else if (more) {
    lines = [["∑", sumI, "=", { num: back }, ">", "∑", sumO, "=", { num: out }]];
    verdict = "Not preserved: with ties = all every tied maximum receives the whole gradient, so tied windows hand back more than they got. Use first or split to keep the total.";
  } else {
    lines = [["∑", sumI, "=", { num: back }, exact ? "=" : "≈", "∑", sumO, "=", { num: out }]];
    verdict = exact
      ? "Preserved: every window hands back exactly the gradient it received (chapter 9.2.3)."
      : "Preserved up to float64 rounding in the last digits.";
  }
  const preserved = lost === 0 && !more;
  return { ...explanation({ title: "The total gradient", lines, cite: "9.2.3" }), verdict, holds: preserved };
}

/**
 * The cells an explanation lights up, as `[class, refs]` pairs for `light()`.
 * @param {[string, number[]]} focus
 * @param {Explanation} explanation
 * @returns {[string, CellRef[]][]}
 */
export function marks(focus, explanation) {
  return [
    ["is-window", explanation.window],
    ["is-source", explanation.sources],
    ["is-focus", [focus]],
  ];
}
