/**
 * What each cell of the activation page is, as an equation with its numbers and the cells it
 * came from. Symbols are 1-based, as the chapter writes them; a single row is a vector with one
 * subscript, numbered as the softmax Jacobian numbers its rows and columns.
 */

import { sumOfProducts } from "../equation.js";
import { formatNumber } from "../number-format.js";
import { symbolPlain, subscript } from "./layer-page.js";

/**
 * @typedef {import("./activation-model.js").ActivationModel} ActivationModel
 * @typedef {import("./layer-page.js").Explanation} Explanation
 * @typedef {import("./layer-page.js").CellRef} CellRef
 * @typedef {import("../equation.js").Token} Token
 */

/** Names of the functions as the page writes them. */
export const FUNCTION_NAMES = {
  relu: "ReLU",
  leaky_relu: "Leaky ReLU",
  sigmoid: "Sigmoid",
  tanh: "Tanh",
  softmax: "Softmax",
};

/** Where each function stands in the chapter. */
export const CITES = {
  relu: "eq. 9.10–9.11",
  leaky_relu: "beyond the chapter",
  sigmoid: "beyond the chapter",
  tanh: "beyond the chapter",
  softmax: "beyond the chapter",
};

const NAMES = { input: "x", output: "y", grad_output: "y", grad_input: "x", local_derivative: "f′" };

/** Products written out in full up to this many; longer sums show the first and last. */
const LIMIT = 12;

/**
 * The subscript of a cell: one number for a vector, row and column otherwise.
 * @param {ActivationModel} model
 * @param {number[]} index canonical
 */
function sub(model, [c, r, k]) {
  return model.vector ? String(k + 1) : subscript(r, k);
}

/**
 * The symbol of a cell, e.g. x₁₂, ∂L/∂y₃ or x⁽²⁾₁₁ (channel 2).
 * @param {ActivationModel} model
 * @param {string} field
 * @param {number[]} index canonical
 * @returns {import("../equation.js").SymbolSpec}
 */
export function symbolOf(model, field, index) {
  return {
    name: NAMES[field],
    sub: sub(model, index),
    sup: model.shape[0] > 1 ? `(${index[0] + 1})` : undefined,
    grad: field === "grad_output" || field === "grad_input",
  };
}

/**
 * A cell's symbol as plain text; f′ is written with its argument, f′(x₁₂).
 * @param {ActivationModel} model
 * @param {string} field
 * @param {number[]} index
 */
export function symbolText(model, field, index) {
  if (field === "local_derivative") return `f′(${symbolPlain(symbolOf(model, "input", index))})`;
  if (field === "jacobian") return symbolPlain(jacobianSymbol(index[0], index[1]));
  return symbolPlain(symbolOf(model, field, index));
}

/**
 * The Jacobian's entry (i, j), 0-based, as a symbol: J₁₂, or J₁₀,₃ once a number has two digits.
 * @param {number} i
 * @param {number} j
 * @returns {import("../equation.js").SymbolSpec}
 */
function jacobianSymbol(i, j) {
  return { name: "J", sub: subscript(i, j) };
}

/** @param {ActivationModel} model @param {string} field @param {number[]} index @returns {Token} */
const sym = (model, field, index) => ({ sym: symbolOf(model, field, index) });

/** @param {number} x @returns {Token} */
const num = (x) => ({ num: x, paren: true });

/** f′(xᵢ) as tokens. */
const derivative = (model, index) => [{ sym: { name: "f′" } }, "(", sym(model, "input", index), ")"];

/** eᵃ with a symbol or number in the exponent. */
const exp = (power) => ({ sym: { name: "e", sup: power } });

/** @param {Partial<Explanation>} parts @returns {Explanation} */
function explanation(parts) {
  return { title: "", lines: [], note: "", cite: "", sources: [], window: [], ...parts };
}

/**
 * Explain one cell.
 * @param {ActivationModel} model
 * @param {string} field
 * @param {number[]} index canonical ([i, j] for the Jacobian)
 * @returns {Explanation}
 */
export function explain(model, field, index) {
  return EXPLAINERS[field](model, index);
}

/** The symbol of the n-th cell in row-major order (the Jacobian's numbering). */
function nth(model, field, n) {
  return sym(model, field, model.unflat(n));
}

const EXPLAINERS = {
  input(model, index) {
    return explanation({
      title: symbolText(model, "input", index),
      lines: [[sym(model, "input", index), "=", { num: model.value("input", index) }]],
      note: "The layer's input, e.g. what a convolution handed on.",
      sources: [["output", index]],
    });
  },

  output(model, index) {
    const x = sym(model, "input", index);
    const y = sym(model, "output", index);
    const xv = model.value("input", index);
    const yv = model.value("output", index);
    const base = { title: symbolText(model, "output", index), sources: /** @type {CellRef[]} */ ([["input", index]]) };
    const result = ["=", { num: yv }];
    switch (model.function) {
      case "relu":
        return explanation({
          ...base,
          lines: [[y, "=", { text: "max" }, "(", { num: 0 }, ",", x, ")"], ["=", { text: "max" }, "(", { num: 0 }, ",", num(xv), ")"], result],
          note: xv > 0 ? "A positive input passes through unchanged." : "A negative input, or 0, becomes 0 (eq. 9.10).",
          cite: "eq. 9.11",
        });
      case "leaky_relu":
        if (xv > 0) return explanation({ ...base, lines: [[y, "=", x, "=", { num: yv }]], note: "A positive input passes through unchanged." });
        return explanation({
          ...base,
          lines: [[y, "=", { sym: { name: "a" } }, "·", x], ["=", num(model.slope), "·", num(xv)], result],
          note: `Not positive: scaled by the slope a = ${formatNumber(model.slope)}, so a little gradient still flows.`,
        });
      case "sigmoid":
        return explanation({
          ...base,
          lines: [
            [y, "=", { frac: [[{ num: 1 }], [{ num: 1 }, "+", exp(`−${symbolPlain(symbolOf(model, "input", index))}`)]] }],
            ["=", { frac: [[{ num: 1 }], [{ num: 1 }, "+", exp(formatNumber(-xv))]] }],
            result,
          ],
          note: "The sigmoid squeezes any number into (0, 1).",
        });
      case "tanh":
        return explanation({
          ...base,
          lines: [[y, "=", { text: "tanh" }, "(", x, ")"], ["=", { text: "tanh" }, "(", num(xv), ")"], result],
          note: "tanh squeezes any number into (−1, 1).",
        });
      default: {
        const all = model.indices;
        const terms = (value) => all.map((cell) => exp(value ? formatNumber(model.value("input", cell)) : symbolPlain(symbolOf(model, "input", cell))));
        const shorten = (tokens) => (tokens.length <= LIMIT ? tokens : [...tokens.slice(0, LIMIT - 2), "…", tokens[tokens.length - 1]]);
        const plus = (tokens) => shorten(tokens).flatMap((t, k) => (k ? ["+", t] : [t]));
        return explanation({
          ...base,
          lines: [
            [y, "=", { frac: [[exp(symbolPlain(symbolOf(model, "input", index)))], plus(terms(false))] }],
            ["=", { frac: [[exp(formatNumber(xv))], plus(terms(true))] }],
            result,
          ],
          note: "Softmax takes every element into account: the outputs are positive and add up to 1.",
          sources: all.map((cell) => ["input", cell]),
        });
      }
    }
  },

  local_derivative(model, index) {
    const lhs = derivative(model, index);
    const xv = model.value("input", index);
    const yv = model.value("output", index);
    const dv = model.value("local_derivative", index);
    const y = sym(model, "output", index);
    const base = { title: symbolText(model, "local_derivative", index), sources: /** @type {CellRef[]} */ ([["input", index]]) };
    switch (model.function) {
      case "relu": {
        if (xv !== 0)
          return explanation({ ...base, lines: [[...lhs, "=", { num: dv }]], note: xv > 0 ? "x > 0: the slope of ReLU is 1." : "x < 0: ReLU is flat, its slope is 0.", cite: "eq. 9.10" });
        return explanation({
          ...base,
          lines: [[...lhs, "=", { sym: { name: "f′" } }, "(", { num: 0 }, ")", "=", { num: dv }]],
          note: `ReLU has a corner at 0 and no derivative there (eq. 9.10); here f′(0) = ${formatNumber(dv)}. Stage 5 shows both choices side by side.`,
          cite: "9.2.2",
        });
      }
      case "leaky_relu":
        return explanation({
          ...base,
          lines: [[...lhs, "=", { num: dv }]],
          note: xv > 0 ? "x > 0: slope 1." : `x ≤ 0: the slope a = ${formatNumber(model.slope)} (PyTorch takes it at 0 as well).`,
        });
      case "sigmoid":
        return explanation({
          ...base,
          lines: [[...lhs, "=", y, "(", { num: 1 }, "−", y, ")"], ["=", num(yv), "·", "(", { num: 1 }, "−", num(yv), ")"], ["=", { num: dv }]],
          note: "The sigmoid's slope, written with its own output: σ′ = σ(1 − σ), at most ¼.",
          sources: [["output", index]],
        });
      case "tanh":
        return explanation({
          ...base,
          lines: [[...lhs, "=", { num: 1 }, "−", y, "²"], ["=", { num: 1 }, "−", num(yv), "²"], ["=", { num: dv }]],
          note: "tanh′ = 1 − tanh², at most 1 (at x = 0).",
          sources: [["output", index]],
        });
      default: {
        const n = model.flat(index);
        return explanation({
          ...base,
          lines: [[...lhs, "=", y, "(", { num: 1 }, "−", y, ")"], ["=", num(yv), "·", "(", { num: 1 }, "−", num(yv), ")"], ["=", { num: dv }]],
          note: `Only the diagonal ${symbolPlain(jacobianSymbol(n, n))} of the Jacobian: softmax also mixes elements, so ∂L/∂x needs the whole of it.`,
          sources: [["output", index], ["jacobian", [n, n]]],
        });
      }
    }
  },

  jacobian(model, [i, j]) {
    const [si, sj] = [model.unflat(i), model.unflat(j)];
    const [yi, yj] = [model.value("output", si), model.value("output", sj)];
    const value = model.jacobian[i][j];
    const lhs = { sym: jacobianSymbol(i, j) };
    const lines =
      i === j
        ? [[lhs, "=", nth(model, "output", i), "(", { num: 1 }, "−", nth(model, "output", j), ")"], ["=", num(yi), "·", "(", { num: 1 }, "−", num(yj), ")"], ["=", { num: value }]]
        : [[lhs, "=", "−", nth(model, "output", i), "·", nth(model, "output", j)], ["=", "−", num(yi), "·", num(yj)], ["=", { num: value }]];
    return explanation({
      title: `${symbolText(model, "jacobian", [i, j])} = ∂${symbolText(model, "output", si)}/∂${symbolText(model, "input", sj)}`,
      lines,
      note: i === j ? "How an output moves with its own input: s(1 − s)." : "How one output moves when another element's input grows: −sᵢ·sⱼ, always negative, since the outputs share a total of 1.",
      cite: "Jᵢⱼ = sᵢ(δᵢⱼ − sⱼ)",
      sources: [["output", si], ["output", sj]],
    });
  },

  grad_output(model, index) {
    const given = model.data.grad_output_source === "given";
    return explanation({
      title: symbolText(model, "grad_output", index),
      lines: [[sym(model, "grad_output", index), "=", { num: model.value("grad_output", index) }]],
      note: given ? "Given: in a network it is the ∂L/∂I of the next layer (Fig. 9.2)." : "Not given, so 1 everywhere: as if L were the sum of the outputs.",
    });
  },

  grad_input(model, index) {
    const lhs = sym(model, "grad_input", index);
    const value = model.value("grad_input", index);
    const title = symbolText(model, "grad_input", index);
    if (model.function !== "softmax") {
      const g = model.value("grad_output", index);
      const d = model.value("local_derivative", index);
      return explanation({
        title,
        lines: [[lhs, "=", sym(model, "grad_output", index), "·", ...derivative(model, index)], ["=", num(g), "·", num(d)], ["=", { num: value }]],
        note: "The chain rule, element by element: the gradient from above times the local slope.",
        cite: model.function === "relu" ? "9.2.2" : "",
        sources: [["grad_output", index], ["local_derivative", index]],
      });
    }
    const i = model.flat(index);
    const all = model.indices;
    if (!model.jacobian)
      return explanation({ title, lines: [[lhs, "=", { num: value }]], note: `Jᵀ·∂L/∂y; the Jacobian was left out: ${model.jacobianOmitted}.` });
    const products = all.map((cell, j) => [
      [{ sym: jacobianSymbol(j, i) }, { sym: symbolOf(model, "grad_output", cell) }],
      [num(model.jacobian[j][i]), num(model.value("grad_output", cell))],
    ]);
    return explanation({
      title,
      lines: [
        [lhs, "=", ...sumOfProducts(products.map((p) => /** @type {[Token, Token]} */ (p[0])), LIMIT)],
        ["=", ...sumOfProducts(products.map((p) => /** @type {[Token, Token]} */ (p[1])), LIMIT)],
        ["=", { num: value }],
      ],
      note: "Every output depends on this input, so ∂L/∂x sums over all of them: column i of the Jacobian times ∂L/∂y (Jᵀ·∂L/∂y).",
      sources: [...all.map((cell) => /** @type {CellRef} */ (["grad_output", cell])), ...all.map((_, j) => /** @type {CellRef} */ (["jacobian", [j, i]]))],
    });
  },
};

/**
 * Explain a cell of one column of the f′(0) comparison, with that choice's numbers.
 * @param {ActivationModel} model
 * @param {string} field `local_derivative@relu_grad_at_zero=1` and the like
 * @param {number[]} index canonical
 * @returns {Explanation}
 */
export function explainChoice(model, field, index) {
  const [base, setting] = field.split("@");
  const value = Number(setting.split("=")[1]);
  const answer = value === model.atZero ? model.arrays : /** @type {NonNullable<ActivationModel["other"]>} */ (model.other);
  const seen = Object.create(model);
  seen.arrays = { ...model.arrays, local_derivative: answer.local_derivative, grad_input: answer.grad_input };
  const found = EXPLAINERS[base](seen, index);
  return { ...found, title: `${found.title} with f′(0) = ${value}`, sources: found.sources.map(([f, i]) => [f === "input" || f === "grad_output" ? f : `${f}@${setting}`, i]) };
}
