/**
 * What each number of a recurrent-network result is: its equation written with the numbers that
 * made it, and the cells it came from. Symbols follow Fig. 9.10 and SPEC §5: the step t is a
 * superscript (1-based), the unit a subscript (left out when a vector has one number).
 */

import { sumOfProducts } from "../equation.js";
import { formatNumber, subscriptText } from "../number-format.js";
import { isHidden } from "../withhold.js";
import { parsePath, stepPath } from "./rnn-model.js";

/**
 * @typedef {import("../equation.js").Token} Token
 * @typedef {import("./rnn-model.js").RnnModel} RnnModel
 * @typedef {[string, number[]]} CellRef path and index
 * @typedef {object} Explanation
 * @property {string} title plain text naming the number
 * @property {string} cite where the chapter shows it (9.3 has one figure and no numbered equations)
 * @property {Token[][]} lines the equation, one line per row
 * @property {CellRef[]} sources cells the value was computed from
 * @property {string} note one sentence in words
 * @property {CellRef[]} [shows] the cells whose numbers the equation writes out, besides its sources
 */

/** Sums longer than this are written with "…". */
const LIMIT = 12;
const CITE_FORWARD = "Fig. 9.10";
const CITE_BACKWARD = "9.3, backpropagation through time";
const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

/** @param {number} n @returns {string} n in superscript digits */
export function superscript(n) {
  return String(n).replace(/\d/g, (d) => SUPERSCRIPTS[Number(d)]);
}

/** @param {number} n @returns {string} n in subscript digits */
function subscriptDigits(n) {
  return String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]);
}

/** A weight's subscript from 0-based row and column: its 1-based indices, written "12", or "1,12" past 9. */
function pairSub(r, c) {
  return [r + 1, c + 1];
}

/** @param {number} x @returns {Token} */
const num = (x) => ({ num: x, paren: true });

/** Letters of the step fields, as Fig. 9.10 writes them. */
const LETTERS = { x: "x", a: "a", h: "h", o: "o", y_hat: "ỹ", y: "y", loss: "L", grad_o: "o", grad_h: "h", grad_a: "a" };

/**
 * The symbol of one number of step t (1-based), e.g. h³₂ or ∂L/∂a³₁.
 * @param {RnnModel} model
 * @param {string} letter
 * @param {number} t
 * @param {number|null} unit 0-based, or null for the whole vector
 * @param {{grad?: boolean, size?: number}} [options] size of the vector (no subscript when 1)
 * @returns {Token}
 */
function stepSym(model, letter, t, unit, { grad = false, size = model.dH } = {}) {
  const sub = unit === null || size === 1 ? undefined : String(unit + 1);
  return { sym: { name: letter, sup: String(t), sub, grad } };
}

/**
 * The symbol of a weight or one of its cells: U, W₁₂, ∂L/∂V₂₁, b₁.
 * @param {RnnModel} model
 * @param {string} name
 * @param {number[]} index [] for the whole array
 * @param {{grad?: boolean, sup?: string}} [options]
 * @returns {Token}
 */
function weightSym(model, name, index, { grad = false, sup } = {}) {
  let sub;
  if (index.length === 2) sub = pairSub(index[0], index[1]);
  else if (index.length === 1 && model.weights[name].length > 1) sub = String(index[0] + 1);
  return { sym: { name, sub, sup, grad } };
}

/** @param {string} name @returns {Token} a transposed weight, Wᵀ */
const transposed = (name) => ({ sym: { name, sup: "T" } });

/**
 * The plain-text name of a number, for titles and labels: "h³₂", "∂L/∂W₁₂", "L²".
 * @param {RnnModel} model
 * @param {string} path
 * @param {number[]} index
 */
export function symbolText(model, path, index) {
  const { s, field } = parsePath(path);
  const unit = (size) => (index.length && size > 1 ? subscriptDigits(index[0] + 1) : "");
  if (s !== null) {
    const t = superscript(s + 1);
    const names = {
      grad_h_from_output: `(Vᵀ∂L/∂o${t})`,
      grad_h_from_next: `(Wᵀ∂L/∂a${superscript(s + 2)})`,
      hidden_derivative: `σ₁′(a${t})`,
      loss: `L${t}`,
    };
    const size = model.sizeOf(field);
    if (names[field]) return `${names[field]}${field === "loss" ? "" : unit(size)}`;
    const grad = field.startsWith("grad_");
    return `${grad ? "∂L/∂" : ""}${LETTERS[field]}${t}${unit(size)}`;
  }
  if (field === "h0") return `h⁰${unit(model.dH)}`;
  if (field === "grad_h0") return `∂L/∂h⁰${unit(model.dH)}`;
  const updated = /^updated\.(.)$/.exec(field);
  if (updated) return `${updated[1]}′${weightSub(model, updated[1], index)}`;
  const grad = /^grad_(.)$/.exec(field);
  if (grad) return `∂L/∂${grad[1]}${weightSub(model, grad[1], index)}`;
  return `${field}${weightSub(model, field, index)}`;
}

/** @param {RnnModel} model @param {string} name @param {number[]} index */
function weightSub(model, name, index) {
  if (index.length === 2) return subscriptDigits(subscriptText(pairSub(index[0], index[1])));
  if (index.length === 1 && model.weights[name].length > 1) return subscriptDigits(index[0] + 1);
  return "";
}

/**
 * Values as a row vector of tokens, "[0.5, −0.2]", with "…" past `limit` entries.
 * @param {number[]} values
 * @param {number} [limit]
 * @returns {Token[]}
 */
function vectorTokens(values, limit = 6) {
  const shown = values.length <= limit ? values : [...values.slice(0, limit - 1), null, values[values.length - 1]];
  return ["[", ...shown.flatMap((v, i) => [...(i ? [","] : []), v === null ? "…" : { num: v }]), "]"];
}

/**
 * Terms joined by "+", with "…" in place of the middle ones past `limit`.
 * @param {Token[][]} terms
 * @param {number} [limit]
 * @returns {Token[]}
 */
function joinTerms(terms, limit = LIMIT) {
  const shown = terms.length <= limit ? terms : [...terms.slice(0, limit - 2), null, terms[terms.length - 1]];
  return shown.flatMap((term, i) => [...(i ? ["+"] : []), ...(term ?? ["…"])]);
}

/** @param {number} n @returns {number[]} 0 … n−1 */
const range = (n) => Array.from({ length: n }, (_, i) => i);

/** @param {Partial<Explanation>} parts @returns {Explanation} */
function explanation(parts) {
  return { title: "", cite: "", lines: [], sources: [], note: "", ...parts };
}

/** σ₁ by name, applied to the tokens inside. */
function hiddenApplied(model, inside) {
  if (model.hidden === "relu") return ["max", "(", { num: 0 }, ",", ...inside, ")"];
  return [model.hidden === "tanh" ? "tanh" : "σ", "(", ...inside, ")"];
}

/** The source refs of every unit of a vector field of step s. */
function wholeVector(model, s, field) {
  return range(model.sizeOf(field)).map((i) => /** @type {CellRef} */ ([stepPath(s, field), [i]]));
}

/** hᵗ⁻¹ of step s (0-based): h⁰ at the first step. */
function previousState(model, s) {
  return range(model.dH).map((j) => /** @type {CellRef} */ (s === 0 ? ["h0", [j]] : [stepPath(s - 1, "h"), [j]]));
}

/** The words of the loss, for notes. */
const LOSS_WORDS = {
  mse: "the mean of the step's squared errors",
  half_sse: "½ Σ (ỹᵗ − yᵗ)²",
  cross_entropy: "cross-entropy −Σ y log ỹ on a softmax output",
  bce: "binary cross-entropy on a sigmoid output, the mean over the outputs",
};

/** Explainers of the fields of a step, by field; each gets the model, the step s (0-based), the unit. */
const STEP_EXPLAINERS = {
  x(model, s, [j]) {
    const t = s + 1;
    return explanation({
      title: `${symbolText(model, stepPath(s, "x"), [j])}, the input at step ${t}`,
      cite: CITE_FORWARD,
      lines: [[stepSym(model, "x", t, j, { size: model.dIn }), "=", { num: model.steps[s].x[j] }]],
      note: "Given: row t of x.",
    });
  },

  a(model, s, [i]) {
    const t = s + 1;
    const step = model.steps[s];
    const { U, W, b } = model.weights;
    const fromInput = range(model.dIn).map((j) => [weightSym(model, "U", [i, j]), stepSym(model, "x", t, j, { size: model.dIn })]);
    const fromState = range(model.dH).map((j) => [weightSym(model, "W", [i, j]), stepSym(model, "h", t - 1, j)]);
    const inputNumbers = range(model.dIn).map((j) => [num(U[i][j]), num(step.x[j])]);
    const stateNumbers = range(model.dH).map((j) => [num(W[i][j]), num(step.h_prev[j])]);
    return explanation({
      title: `${symbolText(model, stepPath(s, "a"), [i])}: step ${t}'s input and the state carried in from step ${t - 1}`,
      cite: `${CITE_FORWARD}, aᵗ = U xᵗ + W hᵗ⁻¹ + b`,
      lines: [
        [stepSym(model, "a", t, i), "=", ...sumOfProducts(fromInput, LIMIT), "+", ...sumOfProducts(fromState, LIMIT), "+", weightSym(model, "b", [i])],
        ["=", ...sumOfProducts(inputNumbers, LIMIT), "+", ...sumOfProducts(stateNumbers, LIMIT), "+", num(b[i])],
        ["=", { num: step.a_from_input[i] }, "+", num(step.a_from_state[i]), "+", num(b[i])],
        ["=", { num: step.a[i] }],
      ],
      sources: [...wholeVector(model, s, "x"), ...previousState(model, s)],
      note: `U xᵗ is what step ${t}'s input gives; W hᵗ⁻¹ = ${formatNumber(step.a_from_state[i])} is what the state of step ${t - 1} carries in.`,
    });
  },

  h(model, s, [i]) {
    const t = s + 1;
    const step = model.steps[s];
    return explanation({
      title: `${symbolText(model, stepPath(s, "h"), [i])}, the state after step ${t}`,
      cite: `${CITE_FORWARD}, hᵗ = σ₁(aᵗ)`,
      lines: [
        [stepSym(model, "h", t, i), "=", ...hiddenApplied(model, [stepSym(model, "a", t, i)])],
        ["=", ...hiddenApplied(model, [{ num: step.a[i] }])],
        ["=", { num: step.h[i] }],
      ],
      sources: [[stepPath(s, "a"), [i]]],
      note: t < model.T ? `Step ${t + 1} takes it in through W.` : "The last state.",
    });
  },

  o(model, s, [k]) {
    const t = s + 1;
    const step = model.steps[s];
    const { V, c } = model.weights;
    const products = range(model.dH).map((i) => [weightSym(model, "V", [k, i]), stepSym(model, "h", t, i)]);
    const numbers = range(model.dH).map((i) => [num(V[k][i]), num(step.h[i])]);
    return explanation({
      title: `${symbolText(model, stepPath(s, "o"), [k])}, the output's score at step ${t}`,
      cite: `${CITE_FORWARD}, oᵗ = V hᵗ + c`,
      lines: [
        [stepSym(model, "o", t, k, { size: model.dOut }), "=", ...sumOfProducts(products, LIMIT), "+", weightSym(model, "c", [k])],
        ["=", ...sumOfProducts(numbers, LIMIT), "+", num(c[k])],
        ["=", { num: step.o[k] }],
      ],
      sources: wholeVector(model, s, "h"),
    });
  },

  y_hat(model, s, [k]) {
    const t = s + 1;
    const step = model.steps[s];
    const o = (j) => stepSym(model, "o", t, j, { size: model.dOut });
    const lhs = stepSym(model, "ỹ", t, k, { size: model.dOut });
    let lines;
    let sources = [[stepPath(s, "o"), [k]]];
    if (model.output === "identity") lines = [[lhs, "=", o(k)], ["=", { num: step.y_hat[k] }]];
    else if (model.output === "sigmoid")
      lines = [
        [lhs, "=", "σ", "(", o(k), ")", "=", { frac: [[{ num: 1 }], [{ num: 1 }, "+", { sym: { name: "e", sup: formatNumber(-step.o[k]) } }]] }],
        ["=", { num: step.y_hat[k] }],
      ];
    else {
      const exps = range(model.dOut).map((j) => [{ sym: { name: "e", sup: formatNumber(step.o[j]) } }]);
      lines = [
        [lhs, "=", { frac: [[{ sym: { name: "e", sup: `o${superscript(t)}${subscriptDigits(k + 1)}` } }], [{ sym: { name: "Σ", sub: "j" } }, { sym: { name: "e", sup: `o${superscript(t)}ⱼ` } }]] }],
        ["=", { frac: [exps[k], joinTerms(exps)] }],
        ["=", { num: step.y_hat[k] }],
      ];
      sources = wholeVector(model, s, "o");
    }
    return explanation({
      title: `${symbolText(model, stepPath(s, "y_hat"), [k])}, the prediction at step ${t}`,
      cite: `${CITE_FORWARD}, ỹᵗ = σ₂(oᵗ), σ₂ = ${model.output}`,
      lines,
      sources,
    });
  },

  y(model, s, [k]) {
    const t = s + 1;
    return explanation({
      title: `${symbolText(model, stepPath(s, "y"), [k])}, the target at step ${t}`,
      cite: CITE_FORWARD,
      lines: [[stepSym(model, "y", t, k, { size: model.dOut }), "=", { num: model.steps[s].y[k] }]],
      note: "Given: row t of y, what ỹᵗ should be.",
    });
  },

  loss(model, s) {
    const t = s + 1;
    const step = model.steps[s];
    const yHat = (k) => stepSym(model, "ỹ", t, k, { size: model.dOut });
    const y = (k) => stepSym(model, "y", t, k, { size: model.dOut });
    const units = range(model.dOut);
    const mean = [{ frac: [[{ num: 1 }], [{ num: model.dOut }]] }];
    let symbols;
    let numbers;
    if (model.loss === "half_sse" || model.loss === "mse") {
      const front = model.loss === "half_sse" ? [{ frac: [[{ num: 1 }], [{ num: 2 }]] }] : mean;
      symbols = [...front, "(", ...joinTerms(units.map((k) => ["(", yHat(k), "−", y(k), ")", "²"])), ")"];
      numbers = [...front, "(", ...joinTerms(units.map((k) => ["(", { num: step.y_hat[k] }, "−", num(step.y[k]), ")", "²"])), ")"];
    } else if (model.loss === "cross_entropy") {
      symbols = ["−", "(", ...joinTerms(units.map((k) => [y(k), "·", "log", yHat(k)])), ")"];
      numbers = ["−", "(", ...joinTerms(units.map((k) => [num(step.y[k]), "·", "log", { num: step.y_hat[k] }])), ")"];
    } else {
      const term = (yk, pk) => [yk, "·", "log", pk, "+", "(", { num: 1 }, "−", yk, ")", "·", "log", "(", { num: 1 }, "−", pk, ")"];
      symbols = ["−", ...mean, "(", ...joinTerms(units.map((k) => term(y(k), yHat(k))), 4), ")"];
      numbers = ["−", ...mean, "(", ...joinTerms(units.map((k) => term(num(step.y[k]), { num: step.y_hat[k] })), 4), ")"];
    }
    return explanation({
      title: `L${superscript(t)}, the loss at step ${t}`,
      cite: "Fig. 9.10, Lᵗ = loss(ỹᵗ, yᵗ), L = Σₜ Lᵗ",
      lines: [[{ sym: { name: "L", sup: String(t) } }, "=", ...symbols], ["=", ...numbers], ["=", { num: step.loss }]],
      sources: [...wholeVector(model, s, "y_hat"), ...wholeVector(model, s, "y")],
      note: `Lᵗ is ${LOSS_WORDS[model.loss]}; the total L = Σₜ Lᵗ${isHidden("loss") ? " is yours to work out" : ` = ${formatNumber(model.data.loss)}`}.`,
    });
  },

  grad_o(model, s, [k]) {
    const t = s + 1;
    const step = model.steps[s];
    const size = model.dOut;
    const lhs = stepSym(model, "o", t, k, { grad: true, size });
    const yHat = (j) => stepSym(model, "ỹ", t, j, { size });
    const y = stepSym(model, "y", t, k, { size });
    const g = (j) => stepSym(model, "ỹ", t, j, { grad: true, size });
    const value = ["=", { num: step.grad_o[k] }];
    let lines;
    let note = "";
    let sources = [[stepPath(s, "y_hat"), [k]], [stepPath(s, "y"), [k]]];
    if (model.combined) {
      const scale = model.loss === "bce" ? [{ frac: [[{ num: 1 }], [{ num: size }]] }] : [];
      lines = [
        [lhs, "=", ...scale, "(", yHat(k), "−", y, ")"],
        ["=", ...scale, "(", { num: step.y_hat[k] }, "−", num(step.y[k]), ")"],
        value,
      ];
      note = `${model.loss === "bce" ? "Binary cross-entropy on a sigmoid" : "Cross-entropy on a softmax"} output: σ₂ and the loss together give this simple form.`;
    } else {
      const grad = step.grad_y_hat;
      const fromLoss = model.loss === "half_sse" ? ["(", yHat(k), "−", y, ")"] : [{ frac: [[{ num: 2 }], [{ num: size }]] }, "(", yHat(k), "−", y, ")"];
      const fromLossNumbers = model.loss === "half_sse"
        ? ["(", { num: step.y_hat[k] }, "−", num(step.y[k]), ")"]
        : [{ frac: [[{ num: 2 }], [{ num: size }]] }, "(", { num: step.y_hat[k] }, "−", num(step.y[k]), ")"];
      const lossLine = [g(k), "=", ...fromLoss, "=", ...fromLossNumbers, "=", { num: grad[k] }];
      if (model.output === "identity") {
        lines = [[lhs, "=", g(k)], lossLine, value];
        note = "σ₂ is the identity, so ∂Lᵗ/∂oᵗ is ∂Lᵗ/∂ỹᵗ.";
      } else if (model.output === "sigmoid") {
        lines = [
          [lhs, "=", g(k), "·", yHat(k), "(", { num: 1 }, "−", yHat(k), ")"],
          lossLine,
          ["=", num(grad[k]), "·", num(step.y_hat[k]), "·", "(", { num: 1 }, "−", num(step.y_hat[k]), ")"],
          value,
        ];
        note = "The sigmoid's derivative is ỹ(1 − ỹ).";
      } else {
        const dot = step.y_hat.reduce((sum, p, j) => sum + p * grad[j], 0);
        lines = [
          [lhs, "=", yHat(k), "(", g(k), "−", { sym: { name: "Σ", sub: "j" } }, { sym: { name: "ỹ", sup: String(t), sub: "j" } }, { sym: { name: "ỹ", sup: String(t), sub: "j", grad: true } }, ")"],
          lossLine,
          ["=", num(step.y_hat[k]), "·", "(", num(grad[k]), "−", num(dot), ")"],
          value,
        ];
        note = "Softmax ties every output to every score: its Jacobian is diag(ỹ) − ỹỹᵀ.";
        sources = [...wholeVector(model, s, "y_hat"), [stepPath(s, "y"), [k]]];
      }
    }
    return explanation({
      title: `${symbolText(model, stepPath(s, "grad_o"), [k])}: where step ${t}'s loss enters the backward pass`,
      cite: `${CITE_BACKWARD}, ∂L/∂oᵗ = ∂Lᵗ/∂oᵗ`,
      lines,
      sources,
      note,
    });
  },

  grad_h_from_output(model, s, [i]) {
    const t = s + 1;
    const step = model.steps[s];
    const { V } = model.weights;
    const products = range(model.dOut).map((k) => [weightSym(model, "V", [k, i]), stepSym(model, "o", t, k, { grad: true, size: model.dOut })]);
    const numbers = range(model.dOut).map((k) => [num(V[k][i]), num(step.grad_o[k])]);
    return explanation({
      title: `${symbolText(model, stepPath(s, "grad_h_from_output"), [i])}: what step ${t}'s own output says about h${superscript(t)}`,
      cite: `${CITE_BACKWARD}, ∂L/∂hᵗ = Vᵀ∂L/∂oᵗ + Wᵀ∂L/∂aᵗ⁺¹`,
      lines: [
        [...partSymbol(model, "V", "o", t, i), "=", ...sumOfProducts(products, LIMIT)],
        ["=", ...sumOfProducts(numbers, LIMIT)],
        ["=", { num: step.grad_h_from_output[i] }],
      ],
      sources: wholeVector(model, s, "grad_o"),
      note: `Column ${i + 1} of V, the weights hᵗ${model.dH > 1 ? subscriptDigits(i + 1) : ""} feeds the outputs with, times ∂L/∂oᵗ.`,
    });
  },

  grad_h_from_next(model, s, [i]) {
    const t = s + 1;
    const step = model.steps[s];
    const lhs = partSymbol(model, "W", "a", t + 1, i);
    const base = {
      title: `${symbolText(model, stepPath(s, "grad_h_from_next"), [i])}: what step ${t + 1} sends back to h${superscript(t)}`,
      cite: `${CITE_BACKWARD}, ∂L/∂hᵗ = Vᵀ∂L/∂oᵗ + Wᵀ∂L/∂aᵗ⁺¹`,
    };
    if (t === model.T) return explanation({ ...base, lines: [[...lhs, "=", { num: 0 }]], note: `There is no step ${t + 1}: ∂L/∂a${superscript(t + 1)} = 0.` });
    if (step.cut)
      return explanation({
        ...base,
        lines: [[...lhs, "=", { num: 0 }]],
        note: `Truncated BPTT (k = ${model.truncation}) cuts here: h${superscript(t)} is handed to step ${t + 1} as a constant, so nothing flows back across the cut.`,
      });
    const next = model.steps[s + 1];
    const { W } = model.weights;
    const products = range(model.dH).map((j) => [weightSym(model, "W", [j, i]), stepSym(model, "a", t + 1, j, { grad: true })]);
    const numbers = range(model.dH).map((j) => [num(W[j][i]), num(next.grad_a[j])]);
    return explanation({
      ...base,
      lines: [[...lhs, "=", ...sumOfProducts(products, LIMIT)], ["=", ...sumOfProducts(numbers, LIMIT)], ["=", { num: step.grad_h_from_next[i] }]],
      sources: wholeVector(model, s + 1, "grad_a"),
      note: `Column ${i + 1} of W carried h${superscript(t)}${model.dH > 1 ? subscriptDigits(i + 1) : ""} into every unit of step ${t + 1}; the gradient goes back the same way.`,
    });
  },

  grad_h(model, s, [i]) {
    const t = s + 1;
    const step = model.steps[s];
    return explanation({
      title: `${symbolText(model, stepPath(s, "grad_h"), [i])}: two paths meet`,
      cite: `${CITE_BACKWARD}, ∂L/∂hᵗ = Vᵀ∂L/∂oᵗ + Wᵀ∂L/∂aᵗ⁺¹`,
      lines: [
        [stepSym(model, "h", t, i, { grad: true }), "=", ...partSymbol(model, "V", "o", t, i), "+", ...partSymbol(model, "W", "a", t + 1, i)],
        ["=", { num: step.grad_h_from_output[i] }, "+", num(step.grad_h_from_next[i])],
        ["=", { num: step.grad_h[i] }],
      ],
      sources: [[stepPath(s, "grad_h_from_output"), [i]], [stepPath(s, "grad_h_from_next"), [i]]],
      note: `hᵗ reaches the loss through its own output oᵗ and through every later step. Of this, the last loss alone gives ∂L${superscript(model.T)}/∂h${superscript(t)} = ${formatNumber(step.last_loss_grad_h[i])}.`,
    });
  },

  hidden_derivative(model, s, [i]) {
    const t = s + 1;
    const step = model.steps[s];
    const lhs = [{ sym: { name: "σ", sub: "1", sup: "′" } }, "(", stepSym(model, "a", t, i), ")"];
    const h = stepSym(model, "h", t, i);
    let lines;
    if (model.hidden === "tanh")
      lines = [[...lhs, "=", { num: 1 }, "−", "(", h, ")", "²"], ["=", { num: 1 }, "−", "(", { num: step.h[i] }, ")", "²"], ["=", { num: step.hidden_derivative[i] }]];
    else if (model.hidden === "sigmoid")
      lines = [[...lhs, "=", h, "(", { num: 1 }, "−", h, ")"], ["=", num(step.h[i]), "·", "(", { num: 1 }, "−", num(step.h[i]), ")"], ["=", { num: step.hidden_derivative[i] }]];
    else lines = [[...lhs, "=", { num: step.hidden_derivative[i] }]];
    const saturated = model.hidden !== "relu" && step.hidden_derivative[i] < 0.1 * model.spectrum.derivative_bound;
    const reluWords = `a${superscript(t)} = ${formatNumber(step.a[i])} ${step.a[i] > 0 ? "> 0: relu passes the gradient back unchanged" : "≤ 0: the unit is off and passes nothing back"}.`;
    return explanation({
      title: `${symbolText(model, stepPath(s, "hidden_derivative"), [i])}: how steep σ₁ is where step ${t} works`,
      cite: `${CITE_BACKWARD}, ∂L/∂aᵗ = ∂L/∂hᵗ ⊙ σ₁′(aᵗ)`,
      lines,
      sources: [[stepPath(s, model.hidden === "relu" ? "a" : "h"), [i]]],
      note: model.hidden === "relu" ? reluWords : saturated ? "The unit is saturated: almost nothing passes back through it." : `At most ${formatNumber(model.spectrum.derivative_bound)} for ${model.hidden}.`,
    });
  },

  grad_a(model, s, [i]) {
    const t = s + 1;
    const step = model.steps[s];
    const derivative = [{ sym: { name: "σ", sub: "1", sup: "′" } }, "(", stepSym(model, "a", t, i), ")"];
    return explanation({
      title: `${symbolText(model, stepPath(s, "grad_a"), [i])}: back through σ₁`,
      cite: `${CITE_BACKWARD}, ∂L/∂aᵗ = ∂L/∂hᵗ ⊙ σ₁′(aᵗ)`,
      lines: [
        [stepSym(model, "a", t, i, { grad: true }), "=", stepSym(model, "h", t, i, { grad: true }), "·", ...derivative],
        ["=", num(step.grad_h[i]), "·", num(step.hidden_derivative[i])],
        ["=", { num: step.grad_a[i] }],
      ],
      sources: [[stepPath(s, "grad_h"), [i]], [stepPath(s, "hidden_derivative"), [i]]],
      note: t > 1 ? `Step ${t - 1} receives it through Wᵀ; U and b collect it in their gradients.` : "∂L/∂h⁰ receives it through Wᵀ; U and b collect it in their gradients.",
    });
  },
};

/** (Vᵀ∂L/∂oᵗ)ᵢ or (Wᵀ∂L/∂aᵗ⁺¹)ᵢ as tokens. */
function partSymbol(model, weight, letter, t, i) {
  const size = letter === "o" ? model.dOut : model.dH;
  const parts = ["(", transposed(weight), stepSym(model, letter, t, null, { grad: true, size }), ")"];
  if (model.dH > 1) parts.push({ text: subscriptDigits(i + 1) });
  return parts;
}

/** The terms of each weight gradient: ∂L/∂W = Σₜ left(t)ᵢ · right(t)ⱼ. */
const TERMS = {
  U: { left: "grad_a", right: "x", words: "∂L/∂aᵗ (xᵗ)ᵀ" },
  W: { left: "grad_a", right: "h_prev", words: "∂L/∂aᵗ (hᵗ⁻¹)ᵀ" },
  V: { left: "grad_o", right: "h", words: "∂L/∂oᵗ (hᵗ)ᵀ" },
  b: { left: "grad_a", right: null, words: "∂L/∂aᵗ" },
  c: { left: "grad_o", right: null, words: "∂L/∂oᵗ" },
};

/** Every weight gradient's cell as Σₜ of its per-step terms. */
function weightGradient(model, name, index) {
  const { left, right } = TERMS[name];
  const [i, j] = index;
  const leftLetter = left === "grad_a" ? "a" : "o";
  const leftSize = left === "grad_a" ? model.dH : model.dOut;
  const rightSym = (t) =>
    right === "x" ? stepSym(model, "x", t, j, { size: model.dIn }) : stepSym(model, "h", right === "h_prev" ? t - 1 : t, j);
  const steps = range(model.T);
  const symbols = steps.map((s) => [stepSym(model, leftLetter, s + 1, i, { grad: true, size: leftSize }), ...(right ? ["·", rightSym(s + 1)] : [])]);
  const numbers = steps.map((s) => [num(model.steps[s][left][i]), ...(right ? ["·", num(model.steps[s][right][j])] : [])]);
  const path = `grad_${name}`;
  return explanation({
    title: `${symbolText(model, path, index)}: one term per step, because every step uses the same ${name}`,
    cite: `${CITE_BACKWARD}, ∂L/∂${name} = Σₜ ${TERMS[name].words}`,
    lines: [[weightSym(model, name, index, { grad: true }), "=", ...joinTerms(symbols, 6)], ["=", ...joinTerms(numbers, 6)], ["=", { num: model.value(path, index) }]],
    sources: steps.map((s) => /** @type {CellRef} */ ([stepPath(s, `contribution.${path}`), index])),
    note: model.truncation ? "Truncation changes the terms ∂L/∂aᵗ, not the sum." : "",
  });
}

/** Step s's term of one weight gradient's cell. */
function contribution(model, s, name, index) {
  const { left, right } = TERMS[name];
  const [i, j] = index;
  const t = s + 1;
  const step = model.steps[s];
  const leftLetter = left === "grad_a" ? "a" : "o";
  const leftSize = left === "grad_a" ? model.dH : model.dOut;
  const leftSym = stepSym(model, leftLetter, t, i, { grad: true, size: leftSize });
  const rightSym = right === "x" ? stepSym(model, "x", t, j, { size: model.dIn }) : stepSym(model, "h", right === "h_prev" ? t - 1 : t, j);
  const value = model.value(stepPath(s, `contribution.grad_${name}`), index);
  const rightSource = right === "h_prev" ? (s === 0 ? ["h0", [j]] : [stepPath(s - 1, "h"), [j]]) : [stepPath(s, right ?? ""), [j]];
  return explanation({
    title: `Step ${t}'s term of ${symbolText(model, `grad_${name}`, index)}`,
    cite: `${CITE_BACKWARD}, ∂L/∂${name} = Σₜ ${TERMS[name].words}`,
    lines: right
      ? [[leftSym, "·", rightSym], ["=", num(step[left][i]), "·", num(step[right][j])], ["=", { num: value }]]
      : [[leftSym, "=", { num: value }]],
    sources: [[stepPath(s, left), [i]], ...(right ? [rightSource] : [])],
  });
}

/**
 * The equation of one number of the result, with the cells it came from.
 * @param {RnnModel} model
 * @param {string} path
 * @param {number[]} index
 * @returns {Explanation}
 */
export function explain(model, path, index) {
  return { ...explainCell(model, path, index), shows: [[path, index]] };
}

/**
 * @param {RnnModel} model
 * @param {string} path
 * @param {number[]} index
 * @returns {Explanation}
 */
function explainCell(model, path, index) {
  const { s, field } = parsePath(path);
  if (s !== null) {
    const term = /^contribution\.grad_(.)$/.exec(field);
    if (term) return contribution(model, s, term[1], index);
    return STEP_EXPLAINERS[field](model, s, index);
  }
  const [i] = index;
  if (field === "h0")
    return explanation({
      title: `${symbolText(model, "h0", index)}, the state before step 1`,
      cite: CITE_FORWARD,
      lines: [[stepSym(model, "h", 0, i), "=", { num: model.data.h0[i] }]],
      note: "Zeros unless given; step 1 takes it in through W.",
    });
  if (field === "grad_h0") {
    const { W } = model.weights;
    const first = model.steps[0];
    const products = range(model.dH).map((j) => [weightSym(model, "W", [j, i]), stepSym(model, "a", 1, j, { grad: true })]);
    const numbers = range(model.dH).map((j) => [num(W[j][i]), num(first.grad_a[j])]);
    return explanation({
      title: `${symbolText(model, "grad_h0", index)}: what the whole sequence says about the starting state`,
      cite: `${CITE_BACKWARD}, ∂L/∂h⁰ = Wᵀ∂L/∂a¹`,
      lines: [[stepSym(model, "h", 0, i, { grad: true }), "=", ...sumOfProducts(products, LIMIT)], ["=", ...sumOfProducts(numbers, LIMIT)], ["=", { num: model.data.grad_h0[i] }]],
      sources: wholeVector(model, 0, "grad_a"),
    });
  }
  const grad = /^grad_(.)$/.exec(field);
  if (grad) return weightGradient(model, grad[1], index);
  const updated = /^updated\.(.)$/.exec(field);
  if (updated) {
    const name = updated[1];
    const alpha = /** @type {number} */ (model.learningRate);
    return explanation({
      title: `${symbolText(model, path, index)}: one step of gradient descent`,
      cite: `Fig. 9.2, ${name} − α·∂L/∂${name}`,
      lines: [
        [weightSym(model, name, index, { sup: "′" }), "=", weightSym(model, name, index), "−", { sym: { name: "α" } }, "·", weightSym(model, name, index, { grad: true })],
        ["=", { num: model.value(name, index) }, "−", num(alpha), "·", num(model.value(`grad_${name}`, index))],
        ["=", { num: model.value(path, index) }],
      ],
      sources: [[name, index], [`grad_${name}`, index]],
    });
  }
  return explanation({
    title: `${symbolText(model, field, index)}, a weight`,
    cite: CITE_FORWARD,
    lines: [[weightSym(model, field, index), "=", { num: model.value(field, index) }]],
    note: "Every step uses the same weights: that is what makes the network recurrent.",
  });
}

/**
 * The equations of forward step s (0-based) in vector form, with its numbers.
 * @param {RnnModel} model
 * @param {number} s
 * @returns {Explanation}
 */
export function forwardStep(model, s) {
  const t = s + 1;
  const step = model.steps[s];
  const v = (field) => stepSym(model, LETTERS[field], t, null);
  const outputs = { identity: [stepSym(model, "o", t, null)], sigmoid: ["σ", "(", stepSym(model, "o", t, null), ")"], softmax: ["softmax", "(", stepSym(model, "o", t, null), ")"] };
  return explanation({
    title: `Step ${t}: the state h${superscript(t - 1)} comes in, h${superscript(t)} goes on`,
    cite: CITE_FORWARD,
    lines: [
      [v("a"), "=", { sym: { name: "U" } }, v("x"), "+", { sym: { name: "W" } }, stepSym(model, "h", t - 1, null), "+", { sym: { name: "b" } }],
      ["=", ...vectorTokens(step.a_from_input), "+", ...vectorTokens(step.a_from_state), "+", ...vectorTokens(model.weights.b)],
      ["=", ...vectorTokens(step.a)],
      [v("h"), "=", ...hiddenApplied(model, [v("a")]), "=", ...vectorTokens(step.h)],
      [v("o"), "=", { sym: { name: "V" } }, v("h"), "+", { sym: { name: "c" } }, "=", ...vectorTokens(step.o)],
      [stepSym(model, "ỹ", t, null), "=", ...outputs[model.output], "=", ...vectorTokens(step.y_hat)],
      [{ sym: { name: "L", sup: String(t) } }, "=", { text: "loss" }, "(", stepSym(model, "ỹ", t, null), ",", stepSym(model, "y", t, null), ")", "=", { num: step.loss }],
    ],
    sources: [...wholeVector(model, s, "x"), ...previousState(model, s)],
    shows: ["a", "h", "o", "y_hat", "loss"].flatMap((field) => (field === "loss" ? [[stepPath(s, "loss"), []]] : wholeVector(model, s, field))),
    note: `Lᵗ is ${LOSS_WORDS[model.loss]}. Point at any number for its own equation.`,
  });
}

/**
 * The equations of backward step s (0-based) in vector form, with its numbers.
 * @param {RnnModel} model
 * @param {number} s
 * @returns {Explanation}
 */
export function backwardStep(model, s) {
  const t = s + 1;
  const step = model.steps[s];
  const grad = (letter, tt, size = model.dH) => stepSym(model, letter, tt, null, { grad: true, size });
  const fromNext = t === model.T ? `nothing comes from step ${t + 1}` : step.cut ? `truncation cuts the flow from step ${t + 1}` : "";
  const derivative = [{ sym: { name: "σ", sub: "1", sup: "′" } }, "(", stepSym(model, "a", t, null), ")"];
  return explanation({
    title: `Step ${t} backward: ∂L/∂h${superscript(t)} from its output and from step ${t + 1}`,
    cite: CITE_BACKWARD,
    lines: [
      [grad("o", t, model.dOut), "=", { frac: [[{ text: "∂" }, { sym: { name: "L", sup: String(t) } }], [{ text: "∂" }, stepSym(model, "o", t, null)]] }, "=", ...vectorTokens(step.grad_o)],
      [grad("h", t), "=", transposed("V"), grad("o", t, model.dOut), "+", transposed("W"), grad("a", t + 1)],
      ["=", ...vectorTokens(step.grad_h_from_output), "+", ...vectorTokens(step.grad_h_from_next)],
      ["=", ...vectorTokens(step.grad_h)],
      [grad("a", t), "=", grad("h", t), "⊙", ...derivative],
      ["=", ...vectorTokens(step.grad_h), "⊙", ...vectorTokens(step.hidden_derivative)],
      ["=", ...vectorTokens(step.grad_a)],
      ["‖", grad("h", t), "‖", "=", { num: step.grad_h_norm }],
    ],
    sources: [...wholeVector(model, s, "grad_o"), ...(t < model.T && !step.cut ? wholeVector(model, s + 1, "grad_a") : [])],
    shows: ["grad_h_from_output", "grad_h_from_next", "grad_h", "hidden_derivative", "grad_a"].flatMap((field) => wholeVector(model, s, field)),
    note: fromNext ? `Wᵀ∂L/∂a${superscript(t + 1)} is 0: ${fromNext}.` : "",
  });
}
