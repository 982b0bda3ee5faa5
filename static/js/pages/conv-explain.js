/**
 * What each cell of each array is, as an equation with its numbers and the cells it came from.
 * Sums of products (output, ∂L/∂F, ∂L/∂I) come from the API's per-cell expansions; the arrays the
 * chapter builds along the way (padding, upsampling, rotation, full convolution, update) are
 * explained from their construction. Symbols are 1-based, as the chapter writes them.
 */

import { sumOfProducts } from "../equation.js";
import { cellKey } from "./conv-model.js";
import { subscript, symbolPlain } from "./layer-page.js";

/**
 * @typedef {import("../equation.js").Token} Token
 * @typedef {import("./conv-model.js").ConvModel} ConvModel
 * @typedef {[string, number[]]} CellRef field and canonical index
 * @typedef {object} Explanation
 * @property {Token[][]} lines the equation, one line per row
 * @property {CellRef[]} sources cells the value was computed from
 * @property {CellRef[]} window the whole window that slid there, when one did
 * @property {string} note one sentence in words
 * @property {string} cite where the chapter shows it
 * @property {number} count how many products the sum has (the lines may shorten it)
 * @property {boolean} [missing] the expansion is not loaded yet (big inputs fetch it per cell)
 */

/** Fields whose cells are sums the API expands (with `terms` or `terms_at`). */
export const EXPANDED = ["output", "grad_kernel", "grad_input"];

/** "row 2" or "rows 2–3": `length` positions from 0-based `start`, 1-based in words. */
function spanWords(noun, start, length) {
  return length === 1 ? `${noun} ${start + 1}` : `${noun}s ${start + 1}–${start + length}`;
}

const NAMES = {
  input: ["I", false],
  grad_input: ["I", true],
  kernel: ["F", false],
  grad_kernel: ["F", true],
  sliding_kernel: ["F̂", false],
  rotated_kernel: ["F", false],
  updated_kernel: ["F", false],
  output: ["O", false],
  grad_output: ["O", true],
  target: ["T", false],
  upsampled_grad: ["G", false],
  padded_upsampled_grad: ["G̃", false],
  bias: ["b", false],
  grad_bias: ["b", true],
  updated_bias: ["b", false],
};

/** Fields with the input's channels; the others have one grid per kernel. */
const INPUT_LIKE = new Set(["input", "grad_input", "padded_input", "grad_padded_input"]);

/** Superscripts that name a field apart from its channel. */
const MARKS = { rotated_kernel: "180°", updated_kernel: "′", updated_bias: "′", upsampled_grad: "↑" };

/**
 * The symbol of one cell, e.g. O₁₁, ∂L/∂F₁₂, F¹⁸⁰₂₁ or P⁽²⁾₃₃ (channel 2).
 * @param {ConvModel} model
 * @param {string} field
 * @param {number[]} index canonical
 * @returns {Token}
 */
export function symbolOf(model, field, index) {
  const paddedName = model.padded ? "P" : "I";
  const [name, grad] =
    field === "padded_input" ? [paddedName, false] : field === "grad_padded_input" ? [paddedName, true] : NAMES[field];
  let channel = "";
  let sub;
  if (index.length === 1) {
    sub = model.cOut > 1 ? String(index[0] + 1) : undefined;
  } else {
    sub = subscript(index.at(-2), index.at(-1));
    const several = index.length === 4 ? model.cOut > 1 || model.cIn > 1 : INPUT_LIKE.has(field) ? model.cIn > 1 : model.cOut > 1;
    if (several) channel = index.length === 4 ? `(${index[0] + 1},${index[1] + 1})` : `(${index[0] + 1})`;
  }
  const sup = `${MARKS[field] ?? ""}${channel}` || undefined;
  return { sym: { name, sub, sup, grad } };
}

/** @param {number} x */
const num = (x) => ({ num: x, paren: true });

/**
 * @param {ConvModel} model
 * @param {string} field
 * @param {number[]} index canonical
 * @param {{limit?: number}} [options] at most `limit` products per channel group are written out
 * @returns {Explanation}
 */
export function explain(model, field, index, { limit = 12 } = {}) {
  const explainer = EXPLAINERS[field];
  return explainer(model, index, limit);
}

/** @param {Partial<Explanation>} parts @returns {Explanation} */
function explanation(parts) {
  return { lines: [], sources: [], window: [], note: "", cite: "", count: 0, ...parts };
}

/**
 * `lhs = Σ symbols (+ extra) = Σ numbers (+ extra) = value`, products grouped by channel in
 * parentheses when `groupOf` tells groups apart.
 * @param {Token} lhs
 * @param {{left: Token, right: Token, leftValue: number, rightValue: number, group: number}[]} products
 * @param {number} value
 * @param {number} limit
 * @param {{symbol: Token, value: number}|null} extra a term added at the end (the bias)
 */
function sumLines(lhs, products, value, limit, extra = null) {
  const groups = [...new Set(products.map((p) => p.group))];
  const grouped = groups.length > 1;
  const side = (pick) =>
    groups.flatMap((group, g) => {
      const pairs = products.filter((p) => p.group === group).map(pick);
      const sum = sumOfProducts(pairs, limit);
      return [...(g ? ["+"] : []), ...(grouped ? ["(", ...sum, ")"] : sum)];
    });
  const symbols = side((p) => [p.left, p.right]);
  const numbers = side((p) => [num(p.leftValue), num(p.rightValue)]);
  if (extra) {
    symbols.push("+", extra.symbol);
    numbers.push("+", num(extra.value));
  }
  if (!products.length) return [[lhs, "=", { num: value }]];
  return [[lhs, "=", ...symbols], ["=", ...numbers], ["=", { num: value }]];
}

/** The chapter's letter for cell `k` of its Fig. 9.4 equations (9.5a–d, 9.8a–b, 9.9a–i). */
function fig94Letter(model, count, k) {
  const fig94 =
    model.cIn === 1 && model.cOut === 1 && !model.padded && model.stride.join() === "1,1" && model.slidesAsTyped &&
    model.kernelSize.join() === "2,2" && model.paddedSize.join() === "3,3";
  return fig94 && k < count ? "abcdefghi"[k] : "";
}

/**
 * Products from the API's expansion of one cell, or null while it is not loaded.
 * @param {ConvModel} model
 * @param {string} field
 * @param {number[]} index
 * @param {(o: import("./conv-model.js").Operand) => number} groupOf
 */
function apiProducts(model, field, index, groupOf) {
  const cell = model.terms.get(cellKey(field, index));
  if (!cell) return null;
  return {
    cell,
    products: cell.terms.map(({ left, right }) => ({
      left: symbolOf(model, left.field, left.index),
      right: symbolOf(model, right.field, right.index),
      leftValue: left.value,
      rightValue: right.value,
      group: groupOf(left) * 100 + groupOf(right),
    })),
  };
}

/** @param {ConvModel} model @param {string} field @param {number[]} index */
function loading(model, field, index) {
  return explanation({
    lines: [[symbolOf(model, field, index), "=", { num: model.value(field, index) }]],
    note: "Fetching this cell's products…",
    missing: true,
  });
}

/** The window of the padded input under output cell (co, i, j): every channel. */
function forwardWindow(model, i, j) {
  const cells = [];
  for (let ci = 0; ci < model.cIn; ci += 1)
    for (let u = 0; u < model.span[0]; u += 1)
      for (let v = 0; v < model.span[1]; v += 1)
        cells.push(["padded_input", [ci, i * model.stride[0] + u, j * model.stride[1] + v]]);
  return cells;
}

/** ∂L/∂O cell (co, i, j) as a cell of the upsampled gradient. */
function upsampledOf(model, [co, i, j]) {
  return [co, i * model.stride[0], j * model.stride[1]];
}

const EXPLAINERS = {
  output(model, index, limit) {
    const [co, i, j] = index;
    const found = apiProducts(model, "output", index, (o) => (o.field === "padded_input" ? o.index[0] : 0));
    if (!found) return loading(model, "output", index);
    const { cell, products } = found;
    const bias = cell.bias === null ? null : { symbol: symbolOf(model, "bias", [co]), value: cell.bias };
    const letter = fig94Letter(model, 4, i * 2 + j);
    return explanation({
      lines: sumLines(symbolOf(model, "output", index), products, cell.value, limit, bias),
      sources: cell.terms.flatMap((t) => [[t.left.field, t.left.index], [t.right.field, t.right.index]]),
      window: forwardWindow(model, i, j),
      note:
        `The window at ${spanWords("row", i * model.stride[0], model.span[0])}, ` +
        `${spanWords("column", j * model.stride[1], model.span[1])} of the ${model.padded ? "padded " : ""}input, ` +
        `times the kernel cell by cell, summed${model.cIn > 1 ? " over every channel" : ""}${bias ? ", plus the bias" : ""}.`,
      cite: `eq. 9.5${letter}`,
      count: products.length,
    });
  },

  grad_kernel(model, index, limit) {
    const [co, ci, u, v] = index;
    const found = apiProducts(model, "grad_kernel", index, () => 0);
    if (!found) return loading(model, "grad_kernel", index);
    const { cell, products } = found;
    const [r0, c0] = [u * model.dilation[0], v * model.dilation[1]];
    const window = [];
    for (let a = 0; a < model.upsampledSize[0]; a += 1)
      for (let b = 0; b < model.upsampledSize[1]; b += 1) window.push(["padded_input", [ci, r0 + a, c0 + b]]);
    const letter = fig94Letter(model, 2, u * 2 + v);
    return explanation({
      lines: sumLines(symbolOf(model, "grad_kernel", index), products, cell.value, limit),
      sources: cell.terms.flatMap((t) => [
        ["upsampled_grad", upsampledOf(model, t.left.index)],
        [t.right.field, t.right.index],
      ]),
      window,
      note:
        `G↑ laid over the ${model.padded ? "padded " : ""}input at row ${r0 + 1}, column ${c0 + 1}: ` +
        `each ∂L/∂O times the input cell it multiplied in the forward pass.`,
      cite: `eq. 9.8${letter}`,
      count: products.length,
    });
  },

  grad_input(model, index, limit) {
    const [ci, r, c] = index;
    const inP = [ci, r + model.padding[0], c + model.padding[2]];
    const found = apiProducts(model, "grad_input", index, (o) => (o.field === "grad_output" ? o.index[0] : 0));
    if (!found) return loading(model, "grad_input", index);
    const { cell, products } = found;
    const lhs = symbolOf(model, "grad_input", index);
    const lines = sumLines(lhs, products, cell.value, limit);
    // With padding, ∂L/∂I is ∂L/∂P with the border cropped: say which cell of ∂L/∂P it is first.
    if (model.padded) lines.splice(0, 1, [lhs, "=", symbolOf(model, "grad_padded_input", inP)], ["=", ...lines[0].slice(2)]);
    const viaP = EXPLAINERS.grad_padded_input(model, inP, limit);
    const letter = fig94Letter(model, 9, r * 3 + c);
    return explanation({
      lines,
      sources: [["grad_padded_input", inP], ...viaP.sources],
      window: viaP.window,
      note: products.length
        ? `Every ∂L/∂O whose window covered this cell, times the kernel cell that touched it${model.padded ? "; the padding around it is cropped away" : ""}.`
        : "No window ever covered this cell, so no gradient flows back to it: it is 0.",
      cite: `eq. 9.9${letter}`,
      count: products.length,
    });
  },

  grad_padded_input(model, index, limit) {
    const [ci, R, C] = index;
    const [Kh, Kw] = model.span;
    const products = [];
    const window = [];
    for (let co = 0; co < model.cOut; co += 1) {
      for (let u = 0; u < Kh; u += 1) {
        for (let v = 0; v < Kw; v += 1) {
          const g = [co, R + u, C + v];
          window.push(["padded_upsampled_grad", g]);
          const [gi, gj] = [R + u - (Kh - 1), C + v - (Kw - 1)];
          const inside = gi >= 0 && gj >= 0 && gi < model.upsampledSize[0] && gj < model.upsampledSize[1];
          const real = inside && model.upsampledRole(0, gi) === "value" && model.upsampledRole(1, gj) === "value";
          const tap = !model.isGap(0, Kh - 1 - u) && !model.isGap(1, Kw - 1 - v);
          if (!real || !tap) continue;
          const o = [co, gi / model.stride[0], gj / model.stride[1]];
          products.push({
            left: symbolOf(model, "grad_output", o),
            right: symbolOf(model, "rotated_kernel", [co, ci, u, v]),
            leftValue: model.value("padded_upsampled_grad", g),
            rightValue: model.value("rotated_kernel", [co, ci, u, v]),
            group: co,
            refs: [["padded_upsampled_grad", g], ["rotated_kernel", [co, ci, u, v]]],
          });
        }
      }
    }
    const value = model.value("grad_padded_input", index);
    const cropped =
      R < model.padding[0] || C < model.padding[2] ||
      R >= model.paddedSize[0] - model.padding[1] || C >= model.paddedSize[1] - model.padding[3];
    const uncovered = model.uncovered.rows.has(R) || model.uncovered.cols.has(C);
    let note = `The rotated kernel over G̃ at row ${R + 1}, column ${C + 1}: every product whose G̃ cell is a ∂L/∂O, summed${model.cOut > 1 ? " over the kernels" : ""}.`;
    if (!products.length && uncovered) note = "No window ever covered this cell (the stride left it out): its gradient is 0.";
    if (cropped) note += " It lies in the padding, so it is cropped away and passed to no one.";
    return explanation({
      lines: sumLines(symbolOf(model, "grad_padded_input", index), products, value, limit),
      sources: products.flatMap((p) => p.refs),
      window,
      note,
      cite: "eq. 9.9, Fig. 9.7",
      count: products.length,
    });
  },

  padded_input(model, index) {
    const [ci, R, C] = index;
    const [r, c] = [R - model.padding[0], C - model.padding[2]];
    const inside = r >= 0 && c >= 0 && r < model.arrays.input[0].length && c < model.arrays.input[0][0].length;
    const value = model.value("padded_input", index);
    const lhs = symbolOf(model, "padded_input", index);
    const uncovered = model.uncovered.rows.has(R) || model.uncovered.cols.has(C);
    const coverage = uncovered ? " No window ever covers it: its gradient will be 0." : "";
    if (!inside) return explanation({ lines: [[lhs, "=", { num: 0 }]], note: `A zero of the padding.${coverage}` });
    const lines = model.padded
      ? [[lhs, "=", symbolOf(model, "input", [ci, r, c]), "=", { num: value }]]
      : [[lhs, "=", { num: value }]];
    return explanation({ lines, note: `${model.padded ? "The input, moved in by the padding." : "The input as typed."}${coverage}` });
  },

  kernel(model, index) {
    return explanation({ lines: [[symbolOf(model, "kernel", index), "=", { num: model.value("kernel", index) }]], note: "The kernel as typed." });
  },

  sliding_kernel(model, index) {
    const [co, ci, u, v] = index;
    const lhs = symbolOf(model, "sliding_kernel", index);
    const value = model.value("sliding_kernel", index);
    if (model.isGap(0, u) || model.isGap(1, v))
      return explanation({ lines: [[lhs, "=", { num: 0 }]], note: `A gap between taps: dilation ${model.dilation.join("×")} spreads the kernel out.` });
    let [a, b] = [u / model.dilation[0], v / model.dilation[1]];
    const flipped = model.mode === "convolution";
    if (flipped) [a, b] = [model.kernelSize[0] - 1 - a, model.kernelSize[1] - 1 - b];
    return explanation({
      lines: [[lhs, "=", symbolOf(model, "kernel", [co, ci, a, b]), "=", { num: value }]],
      sources: [["kernel", [co, ci, a, b]]],
      note: flipped ? "Convolution flips the kernel by 180° before it slides (eq. 9.4)." : "The kernel's tap, spread out by the dilation.",
      cite: flipped ? "eq. 9.4" : "",
    });
  },

  rotated_kernel(model, index) {
    const [co, ci, u, v] = index;
    const from = [co, ci, model.span[0] - 1 - u, model.span[1] - 1 - v];
    const field = model.slidesAsTyped ? "kernel" : "sliding_kernel";
    return explanation({
      lines: [[symbolOf(model, "rotated_kernel", index), "=", symbolOf(model, field, from), "=", { num: model.value("rotated_kernel", index) }]],
      sources: [[field, from]],
      note: "Rotating by 180° reads the kernel from its bottom-right corner: entry (i, j) of F¹⁸⁰ is entry (k_h + 1 − i, k_w + 1 − j) of the kernel.",
      cite: "Fig. 9.6",
    });
  },

  grad_output(model, index) {
    const lhs = symbolOf(model, "grad_output", index);
    const value = model.value("grad_output", index);
    const source = model.data.grad_output_source;
    if (source !== "loss") {
      return explanation({
        lines: [[lhs, "=", { num: value }]],
        note: source === "given" ? "Given: it comes from the next layer, whose ∂L/∂I it is (Fig. 9.2)." : "Not given, so 1 everywhere: as if L were the sum of the outputs.",
        cite: "eq. 9.6",
      });
    }
    const o = symbolOf(model, "output", index);
    const t = symbolOf(model, "target", index);
    const [ov, tv] = [model.value("output", index), model.value("target", index)];
    const n = model.cOut * model.outSize[0] * model.outSize[1];
    const sources = [["output", index], ["target", index]];
    const forms = {
      mse: [[{ frac: [["2", "(", o, "−", t, ")"], [{ text: "N" }]] }], [{ frac: [["2", "(", num(ov), "−", num(tv), ")"], [{ num: n }]] }], "L = mean of (O − T)²: the gradient is 2(O − T)/N."],
      half_sse: [[o, "−", t], [num(ov), "−", num(tv)], "L = ½Σ(O − T)²: the gradient is O − T."],
      cross_entropy: [[{ sym: { name: "ŷ", sub: symbolOf(model, "output", index).sym.sub } }, "−", t], null, "ŷ = softmax over every output cell; with a target that sums to 1 the gradient is ŷ − T."],
      bce: [[{ frac: [[{ text: "σ" }, "(", o, ")", "−", t], [{ text: "N" }]] }], null, "σ is the sigmoid; binary cross-entropy averages over the N cells."],
    }[model.data.loss_name];
    const lines = [[lhs, "=", ...forms[0]]];
    if (forms[1]) lines.push(["=", ...forms[1]]);
    lines.push(["=", { num: value }]);
    return explanation({ lines, sources, note: forms[2], cite: "Fig. 9.2" });
  },

  target(model, index) {
    return explanation({ lines: [[symbolOf(model, "target", index), "=", { num: model.value("target", index) }]], note: "The target the output is compared with." });
  },

  upsampled_grad(model, index) {
    const [co, r, c] = index;
    const lhs = symbolOf(model, "upsampled_grad", index);
    const roles = [model.upsampledRole(0, r), model.upsampledRole(1, c)];
    if (roles.every((role) => role === "value")) {
      const o = [co, r / model.stride[0], c / model.stride[1]];
      return explanation({
        lines: [[lhs, "=", symbolOf(model, "grad_output", o), "=", { num: model.value("upsampled_grad", index) }]],
        sources: [["grad_output", o]],
        note: "A ∂L/∂O value, moved apart from its neighbours by the stride.",
      });
    }
    const note = roles.includes("fill")
      ? `A zero filled in at the bottom or right, so that G↑ has the size a stride of 1 would give (${model.upsampledSize.join("×")}).`
      : `A zero inserted between neighbours: stride ${model.stride.join("×")} puts s − 1 zeros between them.`;
    return explanation({ lines: [[lhs, "=", { num: 0 }]], note });
  },

  padded_upsampled_grad(model, index) {
    const [co, R, C] = index;
    const [r, c] = [R - (model.span[0] - 1), C - (model.span[1] - 1)];
    const lhs = symbolOf(model, "padded_upsampled_grad", index);
    if (r < 0 || c < 0 || r >= model.upsampledSize[0] || c >= model.upsampledSize[1])
      return explanation({ lines: [[lhs, "=", { num: 0 }]], note: `Padding of k − 1 zeros on every side, so the rotated kernel can hang over the edge: the full convolution.` });
    const inner = EXPLAINERS.upsampled_grad(model, [co, r, c]);
    return explanation({
      lines: [[lhs, "=", symbolOf(model, "upsampled_grad", [co, r, c]), "=", { num: model.value("padded_upsampled_grad", index) }]],
      sources: [["upsampled_grad", [co, r, c]]],
      note: inner.note,
    });
  },

  grad_bias(model, index, limit) {
    const [co] = index;
    const values = model.arrays.grad_output[co].flat();
    const cells = model.arrays.grad_output[co].flatMap((row, i) => row.map((_, j) => [co, i, j]));
    const shown = values.length <= limit ? values.map(num) : [...values.slice(0, limit - 1).map(num), "…", num(values.at(-1))];
    return explanation({
      lines: [
        [symbolOf(model, "grad_bias", index), "=", "∑", { sym: { name: "O", grad: true, sup: model.cOut > 1 ? `(${co + 1})` : undefined } }],
        ["=", ...shown.flatMap((token, k) => (k ? ["+", token] : [token]))],
        ["=", { num: model.value("grad_bias", index) }],
      ],
      sources: cells.map((cell) => ["upsampled_grad", upsampledOf(model, cell)]),
      note: "The bias adds to every output cell, so its gradient is the sum of ∂L/∂O.",
      cite: "Fig. 9.2",
      count: values.length,
    });
  },

  bias(model, index) {
    return explanation({ lines: [[symbolOf(model, "bias", index), "=", { num: model.value("bias", index) }]], note: "The bias as typed." });
  },

  updated_kernel(model, index) {
    return update(model, index, "kernel", "grad_kernel", "updated_kernel");
  },

  updated_bias(model, index) {
    return update(model, index, "bias", "grad_bias", "updated_bias");
  },
};

/** `F′ = F − α·∂L/∂F` with numbers (Fig. 9.2). */
function update(model, index, field, gradField, updatedField) {
  const alpha = { sym: { name: "α" } };
  return explanation({
    lines: [
      [symbolOf(model, updatedField, index), "=", symbolOf(model, field, index), "−", alpha, "·", symbolOf(model, gradField, index)],
      ["=", num(model.value(field, index)), "−", num(model.learningRate), "·", num(model.value(gradField, index))],
      ["=", { num: model.value(updatedField, index) }],
    ],
    sources: [[field, index], [gradField, index]],
    note: "One step of gradient descent against the gradient, scaled by the learning rate α.",
    cite: "Fig. 9.2",
  });
}

/**
 * A cell's symbol as plain text with Unicode sub- and superscripts, e.g. `∂L/∂F₁₂` or `O⁽²⁾₁₁`.
 * @param {ConvModel} model
 * @param {string} field
 * @param {number[]} index canonical
 */
export function symbolText(model, field, index) {
  return symbolPlain(/** @type {{sym: import("../equation.js").SymbolSpec}} */ (symbolOf(model, field, index)).sym);
}
