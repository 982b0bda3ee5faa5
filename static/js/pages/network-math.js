/**
 * The network page's equations as tokens for equation.js: each layer type's forward and
 * backward rule (Fig. 9.2, eq. 9.5–9.11, SPEC §4) and each loss with its gradient. Layer
 * numbers are 1-based superscripts, as the chapter writes Iⁿ, Oⁿ and ∂L/∂Iⁿ = ∂L/∂Oⁿ⁻¹.
 */

/** @typedef {import("../equation.js").Token} Token */

/** @param {string} name @param {number|string} n @returns {Token} */
export const sym = (name, n) => ({ sym: { name, sup: String(n) } });
/** @param {string} name @param {number|string} n @returns {Token} ∂L/∂nameⁿ */
export const grad = (name, n) => ({ sym: { name, sup: String(n), grad: true } });
/** @type {Token} O_true, the target */
export const TARGET = { sym: { name: "O", sub: "true" } };
/** Words inside an equation; their edge spaces kept (MathML would drop plain ones). @param {string} text @returns {Token} */
const word = (text) => ({ text: text.replace(/^ | $/g, "\u00a0") });
const num = (x) => ({ num: x });

/** The chapter's citation for each layer type. */
export const CITES = {
  conv2d: "eq. 9.5, 9.8, 9.9",
  relu: "eq. 9.10–9.11",
  leaky_relu: "beyond the chapter: 9.2.2",
  sigmoid: "9.2.2",
  tanh: "9.2.2",
  softmax: "9.2.2",
  maxpool: "Fig. 9.9",
  avgpool: "Fig. 9.8",
  flatten: "9.2",
  dense: "9.2, fully connected",
};

/**
 * The forward rule of layer `n` and the lines of its backward rule.
 * @param {string} type
 * @param {number} n 1-based
 * @param {{hasBias: boolean}} options
 * @returns {{forward: Token[], backward: Token[][]}}
 */
export function layerRules(type, n, { hasBias }) {
  const I = sym("I", n);
  const O = sym("O", n);
  const dI = grad("I", n);
  const dO = grad("O", n);
  const plusBias = hasBias ? ["+", sym("b", n)] : [];
  const elementwise = (derivative) => ({
    forward: [O, "=", ...derivative.f],
    backward: [[dI, "=", dO, "⊙", ...derivative.d]],
  });
  switch (type) {
    case "conv2d":
      return {
        forward: [O, "=", I, "⋆", sym("F", n), ...plusBias],
        backward: [
          [grad("F", n), "=", I, "⋆", dO],
          ...(hasBias ? [[grad("b", n), "=", "∑", dO]] : []),
          [dI, "=", word("full convolution of "), dO, word(" with "), sym("F", n), word(" turned 180°")],
        ],
      };
    case "relu":
      return elementwise({ f: [word("max"), "(", num(0), ",", I, ")"], d: ["[", I, ">", num(0), "]"] });
    case "leaky_relu":
      return elementwise({ f: [word("max"), "(", word("a"), I, ",", I, ")"], d: [word("(1 where "), I, ">", num(0), word(", else a)")] });
    case "sigmoid":
      return elementwise({ f: ["σ", "(", I, ")"], d: [O, "⊙", "(", num(1), "−", O, ")"] });
    case "tanh":
      return elementwise({ f: [word("tanh"), "(", I, ")"], d: ["(", num(1), "−", O, "⊙", O, ")"] });
    case "softmax":
      return {
        forward: [O, "=", word("softmax"), "(", I, ")"],
        backward: [[dI, "=", O, "⊙", "(", dO, "−", "∑", O, "⊙", dO, ")"]],
      };
    case "maxpool":
      return {
        forward: [O, "=", word("the maximum of each window of "), I],
        backward: [[dI, ":", word(" each cell of "), dO, word(" goes to its window's maximum")]],
      };
    case "avgpool":
      return {
        forward: [O, "=", word("the mean of each window of "), I],
        backward: [[dI, ":", word(" each cell of "), dO, word(" is split evenly over its window")]],
      };
    case "flatten":
      return {
        forward: [O, "=", I, word(" read channel by channel, row by row")],
        backward: [[dI, "=", dO, word(" put back in "), I, word("'s shape")]],
      };
    case "dense":
      return {
        forward: [O, "=", sym("W", n), I, ...plusBias],
        backward: [
          [grad("W", n), "=", dO, { sym: { name: "I", sup: `${n}⊤` } }],
          ...(hasBias ? [[grad("b", n), "=", dO]] : []),
          [dI, "=", { sym: { name: "W", sup: `${n}⊤` } }, dO],
        ],
      };
    default:
      return { forward: [], backward: [] };
  }
}

/**
 * The loss over the prediction Oᴺ and its gradient ∂L/∂Oᴺ, where the backward pass starts (SPEC §4).
 * @param {string} loss
 * @param {number} last N, the last layer's number
 * @param {number} value L
 * @returns {{value: Token[], grad: Token[]}}
 */
export function lossRules(loss, last, value) {
  const O = sym("O", last);
  const T = TARGET;
  const count = word("N");
  switch (loss) {
    case "half_sse":
      return {
        value: ["L", "=", { frac: [[num(1)], [num(2)]] }, "∑", "(", O, "−", T, ")", "²", "=", num(value)],
        grad: [grad("O", last), "=", O, "−", T],
      };
    case "cross_entropy":
      return {
        value: ["L", "=", "−", "∑", T, word(" log "), word("softmax"), "(", O, ")", "=", num(value)],
        grad: [grad("O", last), "=", word("softmax"), "(", O, ")", "−", T],
      };
    case "bce":
      return {
        value: ["L", "=", word("mean of "), "−", "[", T, word(" log "), "σ", "(", O, ")", "+", "(", num(1), "−", T, ")", word(" log "), "(", num(1), "−", "σ", "(", O, ")", ")", "]", "=", num(value)],
        grad: [grad("O", last), "=", { frac: [["σ", "(", O, ")", "−", T], [count]] }],
      };
    default:
      return {
        value: ["L", "=", { frac: [[num(1)], [count]] }, "∑", "(", O, "−", T, ")", "²", "=", num(value)],
        grad: [grad("O", last), "=", { frac: [[num(2), "(", O, "−", T, ")"], [count]] }],
      };
  }
}
