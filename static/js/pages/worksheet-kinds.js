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
import { ConvModel } from "./conv-model.js";
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
 * @typedef {{title: Named|string, cite: string, equations: Token[][][]}} KeyPart equations under one heading
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
 */

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
    key: (problem, data, asks) => {
      const model = new ConvModel(problem, data);
      return asks.map((field) =>
        part(
          CONV_RESULTS[field],
          indicesOf(model.arrays[field]).map((index) => {
            const { lines } = explainConv(model, field, index, { limit: Infinity });
            // Three products fill a printed column; ∂L/∂b adds plain numbers.
            return wrapLines(lines, field === "grad_bias" ? 6 : 3);
          }),
        ),
      );
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
    key: (problem, data, asks) => {
      const model = new PoolModel(problem, data);
      const [top, , left] = model.padding;
      const cells = {
        output: indicesOf(model.arrays.output),
        grad_input: indicesOf(model.arrays.input).map(([c, r, k]) => [c, r + top, k + left]),
      };
      return asks.map((field) =>
        part(POOL_RESULTS[field], cells[field].map((index) => wrapLines(explainPool(model, field, index, 0).lines, 6))),
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
    key: (problem, data, asks) => {
      const model = new ActivationModel(problem, data, { other: null, curve: null });
      return asks.map((field) =>
        part(ACTIVATION_RESULTS[field], model.indices.map((index) => explainActivation(model, field, index).lines)),
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
    key: (problem, data) => {
      const model = new RnnModel({ ...problem, b: problem.b ?? data.h0.map(() => 0) }, data);
      const steps = model.steps.map((_, s) => s);
      const gradients = ["U", "W", "V"].map((name) =>
        part(
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
