/**
 * What a worksheet shows for each kind of layer: the arrays an exercise gives, the task in words,
 * the symbol of each result to compute, the link that opens the exercise in its explorer, and the
 * answer key's equations. The equations are the explorers' own (their model and explain modules),
 * written from the layer endpoint's answer to the exercise's problem, so the key reads exactly as
 * the pages do.
 */

import { fullNumber } from "../number-format.js";
import { explain as explainActivation, FUNCTION_NAMES } from "./activation-explain.js";
import { ActivationModel } from "./activation-model.js";
import { LINK_SCHEMA as ACTIVATION_LINK } from "./activation-request.js";
import { explain as explainConv } from "./conv-explain.js";
import { cellKey, ConvModel } from "./conv-model.js";
import { LINK_SCHEMA as CONV_LINK } from "./conv-request.js";
import { explain as explainPool } from "./pool-explain.js";
import { PoolModel } from "./pool-model.js";
import { LINK_SCHEMA as POOL_LINK } from "./pool-request.js";
import { backwardStep, explain as explainRnn, forwardStep } from "./rnn-explain.js";
import { RnnModel } from "./rnn-model.js";
import { LINK_SCHEMA as RNN_LINK } from "./rnn-request.js";

/**
 * @typedef {import("../equation.js").Token} Token
 * @typedef {import("../equation.js").SymbolSpec} SymbolSpec
 * @typedef {{symbol: SymbolSpec, words: string}} Named a symbol and what it is in words
 * @typedef {Named & {field: string, value: any}} Given one array of the problem
 * @typedef {{title: Named|string, cite: string, equations: Token[][][], more?: number}} KeyPart equations under one
 *   heading; `more` cells of the result are not written out (they follow the same pattern)
 * @typedef {string | Token[] | {lines: Token[][]}} TaskPart words, math in the text, or equations set apart
 *
 * @typedef {object} Kind
 * @property {string} title
 * @property {string} page the explorer that opens an exercise
 * @property {Record<string, unknown>} link the explorer's share-link fields, in its order
 * @property {(problem: Record<string, any>) => Record<string, any>} request the body that answers with every term
 * @property {(problem: Record<string, any>) => Given[]} given
 * @property {(problem: Record<string, any>) => TaskPart[]} task
 * @property {(field: string) => Named} result what a result to compute is called
 * @property {(problem: Record<string, any>, data: any, asks: string[]) => KeyPart[]} key
 * @property {(exercise: {problem: Record<string, any>, answers: Record<string, any>}) => number} numbers
 *   how many numbers the exercise has a learner work out, the measure of a printed sheet's size
 */

/** @param {any} value @returns {number} the numbers in a nested array */
const cellCount = (value) => (Array.isArray(value) ? value.reduce((sum, item) => sum + cellCount(item), 0) : 1);

/** The numbers of an exercise's answers. @param {{answers: Record<string, any>}} exercise */
const answerCells = ({ answers }) => Object.values(answers).reduce((sum, answer) => sum + cellCount(answer), 0);

/** @param {string} name @param {boolean} [grad] @returns {SymbolSpec} */
const symbol = (name, grad = false) => ({ name, grad });

/** @param {any} value @returns {number} */
function depthOf(value) {
  let depth = 0;
  for (let v = value; Array.isArray(v); v = v[0]) depth += 1;
  return depth;
}

/**
 * Every index of a nested array, in row-major order.
 * @param {any} value
 * @returns {number[][]}
 */
function indicesOf(value) {
  if (!Array.isArray(value)) return [[]];
  return value.flatMap((item, i) => indicesOf(item).map((rest) => [i, ...rest]));
}

/**
 * A line with more than `perLine` products (or terms) broken before a "+", so that a long sum of
 * eq. 9.9 fits a printed column; the continuation lines have no "=" and align after it. A last
 * term left alone (the bias) stays on the line before.
 * @param {Token[][]} lines
 * @param {number} perLine
 * @returns {Token[][]}
 */
function wrapLines(lines, perLine) {
  return lines.flatMap((tokens) => {
    const out = [[]];
    let terms = 1;
    for (const token of tokens) {
      if (token === "+" && terms === perLine) {
        out.push([]);
        terms = 0;
      }
      if (token === "+") terms += 1;
      out[out.length - 1].push(token);
    }
    if (out.length > 1 && terms === 1) out.push([...out.splice(-2, 2).flat()]);
    return out;
  });
}

/** Cells whose equations the key writes out per result, and the symbols and numbers they may hold together. */
const SHOWN_CELLS = 4;
const SHOWN_TOKENS = 320;
/** Products past which a sum is written across the page rather than down a column. */
const LONG_SUM = 12;

/**
 * What an equation looks like apart from its numbers: how many terms, which of them are 0 (a
 * cell no window reaches, a gradient the maximum did not take), and — with `signs` — which
 * numbers are negative (ReLU's branch).
 * @param {Token[][]} lines
 * @param {boolean} signs
 */
function pattern(lines, signs) {
  const shape = (/** @type {Token} */ token) => {
    if (typeof token === "string") return token;
    if ("num" in token) return token.num === 0 ? "0" : signs && token.num < 0 ? "−n" : "n";
    if ("frac" in token) return `(${token.frac.map((row) => row.map(shape).join(" ")).join("/")})`;
    return "sym" in token ? "s" : token.text;
  };
  return lines.map((line) => line.map(shape).join(" ")).join("\n");
}

/**
 * A few cells whose equations show every case of a result: the first, the first of each other
 * case (a window reaching into the padding, a cell the stride's inserted zeros leave fewer
 * products, a gradient that goes nowhere), the last, then — without `cases` — other signs; as
 * many as `SHOWN_CELLS` and `SHOWN_TOKENS` allow (one long sum may be all), in reading order.
 * @param {Token[][][]} equations one per cell, in row-major order
 * @param {string[]} [cases] what sets each cell's equation apart; by default its pattern
 * @returns {number[]} the positions of the chosen cells
 */
function representativeCells(equations, cases) {
  const order = [0];
  const pick = (/** @type {(k: number) => string} */ caseOf) => {
    const seen = new Set(order.map(caseOf));
    for (let k = 1; k < equations.length; k += 1) {
      if (!seen.has(caseOf(k)) && !order.includes(k)) order.push(k);
      seen.add(caseOf(k));
    }
  };
  pick(cases ? (k) => cases[k] : (k) => pattern(equations[k], false));
  if (!order.includes(equations.length - 1)) order.push(equations.length - 1);
  if (!cases) pick((k) => pattern(equations[k], true));
  const chosen = [];
  let tokens = 0;
  for (const k of order) {
    const size = equations[k].reduce((sum, line) => sum + line.length, 0);
    if (chosen.length && (chosen.length === SHOWN_CELLS || tokens + size > SHOWN_TOKENS)) break;
    chosen.push(k);
    tokens += size;
  }
  return chosen.sort((a, b) => a - b);
}

/**
 * What sets a convolution cell's sum apart: how many products it has (fewer at a border, or where
 * the stride's inserted zeros fall), and how many of them take a cell of the padding.
 * @param {ConvModel} model
 * @param {string} field
 * @param {number[]} index
 */
function convCase(model, field, index) {
  const cell = model.terms.get(cellKey(field, index));
  if (!cell) return "";
  const [top, , left] = model.padding;
  const [rows, cols] = [model.paddedSize[0] - model.padding[1], model.paddedSize[1] - model.padding[3]];
  const inPadding = (/** @type {{field: string, index: number[]}} */ o) =>
    o.field === "padded_input" && (o.index.at(-2) < top || o.index.at(-2) >= rows || o.index.at(-1) < left || o.index.at(-1) >= cols);
  return `${cell.terms.length}/${cell.terms.filter((t) => inPadding(t.left) || inPadding(t.right)).length}`;
}

const CONV_RESULTS = {
  output: { symbol: symbol("O"), words: "output", cite: "eq. 9.5" },
  grad_kernel: { symbol: symbol("F", true), words: "kernel gradient", cite: "eq. 9.8" },
  grad_input: { symbol: symbol("I", true), words: "input gradient", cite: "eq. 9.9" },
  grad_bias: { symbol: symbol("b", true), words: "bias gradient", cite: "Fig. 9.2" },
};

const POOL_RESULTS = {
  output: { symbol: symbol("O"), words: "output", cite: "Fig. 9.8–9.9" },
  grad_input: { symbol: symbol("I", true), words: "input gradient", cite: "Fig. 9.9" },
};

const ACTIVATION_RESULTS = {
  output: { symbol: symbol("y"), words: "output", cite: "eq. 9.11" },
  local_derivative: { symbol: symbol("f′"), words: "local derivative", cite: "eq. 9.10" },
  grad_input: { symbol: symbol("x", true), words: "input gradient", cite: "9.2.2" },
};

/** @param {{symbol: SymbolSpec, words: string, cite: string}} result @param {Token[][][]} equations @returns {KeyPart} */
const part = ({ symbol: sym, words, cite }, equations) => ({ title: { symbol: sym, words }, cite, equations });

/**
 * The key's part for one result: the equations of its representative cells, and how many are left out.
 * @param {{symbol: SymbolSpec, words: string, cite: string}} result
 * @param {Token[][][]} equations every cell's, in row-major order
 * @param {string[]} [cases] what sets each cell apart (see `representativeCells`)
 * @returns {KeyPart}
 */
function bounded(result, equations, cases) {
  const shown = representativeCells(equations, cases);
  return { ...part(result, shown.map((k) => equations[k])), more: equations.length - shown.length };
}

/** @type {Record<string, Kind>} */
export const KINDS = {
  conv: {
    title: "Convolution",
    page: "/conv",
    link: CONV_LINK,
    request: (problem) => ({ ...problem, terms: "all" }),
    given: (problem) => [
      { field: "input", symbol: symbol("I"), words: "input", value: problem.input },
      { field: "kernel", symbol: symbol("F"), words: "kernel", value: problem.kernel },
      ...(problem.bias === undefined ? [] : [{ field: "bias", symbol: symbol("b"), words: "bias", value: problem.bias }]),
      { field: "grad_output", symbol: symbol("O", true), words: "upstream gradient", value: problem.grad_output },
    ],
    task: (problem) => {
      const several = depthOf(problem.input) === 3 || depthOf(problem.kernel) === 4;
      return [
        `Stride ${problem.stride}, padding ${problem.padding} on every side; the kernel slides as written, as CNNs compute it (cross-correlation, eq. 9.5)` +
          `${several ? ", and each kernel sums over every input channel" : ""}. Compute the output, then the gradients of eq. 9.8 and 9.9` +
          `${problem.bias === undefined ? "" : " and the bias gradient"}.`,
      ];
    },
    result: (field) => CONV_RESULTS[field],
    numbers: answerCells,
    key: (problem, data, asks) => {
      const model = new ConvModel(problem, data);
      return asks.map((field) => {
        const cells = indicesOf(model.arrays[field]);
        return bounded(
          CONV_RESULTS[field],
          cells.map((index) => {
            const { lines, count } = explainConv(model, field, index, { limit: Infinity });
            // Three products fill a printed column; a long sum takes the page's width, six to a line,
            // rather than a column's length; ∂L/∂b adds plain numbers.
            return wrapLines(lines, field === "grad_bias" || count > LONG_SUM ? 6 : 3);
          }),
          cells.map((index) => convCase(model, field, index)),
        );
      });
    },
  },

  pool: {
    title: "Pooling",
    page: "/pool",
    link: POOL_LINK,
    request: (problem) => problem,
    given: (problem) => [
      { field: "input", symbol: symbol("I"), words: "input", value: problem.input },
      { field: "grad_output", symbol: symbol("O", true), words: "upstream gradient", value: problem.grad_output },
    ],
    task: (problem) => {
      const max = problem.mode === "max";
      const padding = problem.padding
        ? `, padding ${problem.padding} on every side (${max ? "−∞, which never wins" : "zeros, counted in the mean"})`
        : "";
      return [
        `${max ? "Max" : "Average"} pooling over ${problem.size}×${problem.size} windows, stride ${problem.stride}${padding}` +
          `${max ? "; where a window holds its maximum twice, the first in reading order takes the gradient" : ""}. ` +
          "Compute the output, then the input gradient.",
      ];
    },
    result: (field) => POOL_RESULTS[field],
    numbers: answerCells,
    key: (problem, data, asks) => {
      const model = new PoolModel(problem, data);
      const [top, , left] = model.padding;
      const cells = {
        output: indicesOf(model.arrays.output),
        grad_input: indicesOf(model.arrays.input).map(([c, r, k]) => [c, r + top, k + left]),
      };
      return asks.map((field) =>
        bounded(POOL_RESULTS[field], cells[field].map((index) => wrapLines(explainPool(model, field, index, 0).lines, 6))),
      );
    },
  },

  activation: {
    title: "Activation",
    page: "/activation",
    link: ACTIVATION_LINK,
    request: (problem) => problem,
    given: (problem) => [
      { field: "input", symbol: symbol("x"), words: "input", value: problem.input },
      { field: "grad_output", symbol: symbol("y", true), words: "upstream gradient", value: problem.grad_output },
    ],
    task: (problem) => {
      const [x, y, a] = ["x", "y", "a"].map((name) => ({ sym: symbol(name) }));
      const compute = "Compute y, the local derivative f′(x) and the input gradient.";
      if (problem.function === "leaky_relu")
        return [
          `${FUNCTION_NAMES.leaky_relu} with slope a = ${fullNumber(problem.negative_slope)}:`,
          [y, "=", x],
          "where",
          [x, ">", { num: 0 }],
          "and",
          [y, "=", a, "·", x],
          `elsewhere, with f′(0) = a. ${compute}`,
        ];
      return [
        `${FUNCTION_NAMES.relu},`,
        [y, "=", { text: "max" }, "(", { num: 0 }, ",", x, ")"],
        `(eq. 9.11), taking f′(0) = ${problem.relu_grad_at_zero ?? 0}. ${compute}`,
      ];
    },
    result: (field) => ACTIVATION_RESULTS[field],
    numbers: answerCells,
    key: (problem, data, asks) => {
      const model = new ActivationModel(problem, data, { other: null, curve: null });
      return asks.map((field) =>
        bounded(ACTIVATION_RESULTS[field], model.indices.map((index) => explainActivation(model, field, index).lines)),
      );
    },
  },

  rnn: {
    title: "Recurrent network",
    page: "/rnn",
    link: RNN_LINK,
    request: (problem) => problem,
    given: (problem) => [
      { field: "x", symbol: symbol("x"), words: "inputs, a row per step", value: problem.x },
      { field: "y", symbol: symbol("y"), words: "targets, a row per step", value: problem.y },
      { field: "U", symbol: symbol("U"), words: "input weights", value: problem.U },
      { field: "W", symbol: symbol("W"), words: "recurrent weights", value: problem.W },
      { field: "V", symbol: symbol("V"), words: "output weights", value: problem.V },
      ...(problem.b === undefined ? [] : [{ field: "b", symbol: symbol("b"), words: "bias", value: problem.b }]),
    ],
    task: (problem) => {
      const step = (name, t) => ({ sym: { name, sup: t } });
      const [U, W, V, b, L] = ["U", "W", "V", "b", "L"].map((name) => ({ sym: symbol(name) }));
      return [
        "The network of Fig. 9.10 with a ReLU hidden layer, an identity output and h⁰ = 0:",
        {
          lines: [
            [step("a", "t"), "=", U, step("x", "t"), "+", W, step("h", "t−1"), ...(problem.b === undefined ? [] : ["+", b])],
            [step("h", "t"), "=", { text: "max" }, "(", { num: 0 }, ",", step("a", "t"), ")"],
            [step("ỹ", "t"), "=", V, step("h", "t")],
            [L, "=", { frac: [[{ num: 1 }], [{ num: 2 }]] }, "∑", "(", step("ỹ", "t"), "−", step("y", "t"), ")", "²"],
          ],
        },
        "Run the forward pass, then backpropagate through time: compute ∂L/∂hᵗ for every step t, then ∂L/∂U, ∂L/∂W and ∂L/∂V.",
      ];
    },
    result: (field) => {
      const step = /^steps\[(\d+)\]\.grad_h$/.exec(field);
      if (step) return { symbol: { name: "h", sup: String(Number(step[1]) + 1), grad: true }, words: `step ${Number(step[1]) + 1}` };
      return { symbol: symbol(field.slice(-1), true), words: "weight gradient" };
    },
    // The task runs the forward pass and the walk back too; each step: aᵗ, hᵗ, ỹᵗ, Lᵗ, ∂L/∂ỹᵗ, the two
    // terms of ∂L/∂hᵗ and ∂L/∂aᵗ.
    numbers: (exercise) => {
      const { x, W, V } = exercise.problem;
      const [steps, hidden, outputs] = [x.length, W.length, V.length];
      return answerCells(exercise) + steps * (5 * hidden + 2 * outputs + 1);
    },
    key: (problem, data) => {
      const model = new RnnModel({ ...problem, b: problem.b ?? data.h0.map(() => 0) }, data);
      const steps = model.steps.map((_, s) => s);
      const gradients = ["U", "W", "V"].map((name) =>
        bounded(
          { symbol: symbol(name, true), words: "weight gradient", cite: `∂L/∂${name} = Σₜ, one term per step` },
          indicesOf(model.array(`grad_${name}`)).map((index) => explainRnn(model, `grad_${name}`, index).lines),
        ),
      );
      return [
        { title: "Forward, step by step", cite: "Fig. 9.10", equations: steps.map((s) => forwardStep(model, s).lines) },
        {
          title: "Back through time, from the last step",
          cite: "9.3, backpropagation through time",
          // The norm of ∂L/∂hᵗ is for the explorer's chart, not for a hand computation.
          equations: [...steps].reverse().map((s) => backwardStep(model, s).lines.filter((line) => line[0] !== "‖")),
        },
        ...gradients,
      ];
    },
  },
};

/** Separators of the share-link format, innermost axis first (see state.js). */
const SEPARATORS = [",", ";", "|", "/"];

/** @param {any} value a number, a word, or nested lists of numbers @returns {string} */
function linkValue(value) {
  const join = (block, depth) =>
    depth === 0
      ? encodeURIComponent(typeof block === "number" ? fullNumber(block) : String(block))
      : block.map((item) => join(item, depth - 1)).join(SEPARATORS[depth - 1]);
  return join(value, depthOf(value));
}

/**
 * The explorer page that opens an exercise with the same numbers, as its own share link writes it.
 * @param {string} kind
 * @param {Record<string, any>} problem
 * @returns {string}
 */
export function explorerLink(kind, problem) {
  const { page, link } = KINDS[kind];
  const fields = Object.keys(link).filter((name) => problem[name] !== undefined && problem[name] !== null);
  return `${page}?${fields.map((name) => `${name}=${linkValue(problem[name])}`).join("&")}`;
}
