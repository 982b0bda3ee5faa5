/**
 * The weight gradients as sums over the steps, and the update. Every step uses the same U, W,
 * V, b and c, so each gradient is one term per step added up: the page shows the term of the
 * chosen step beside the total, and, with a learning rate, one step of gradient descent.
 */

import { paragraph, span } from "../dom.js";
import { mathLine } from "../equation.js";
import { formatNumber } from "../number-format.js";
import { WEIGHTS, stepPath } from "./rnn-model.js";
import { superscript } from "./rnn-explain.js";

/**
 * @typedef {import("./rnn-model.js").RnnModel} RnnModel
 * @typedef {import("./rnn-cells.js").CellRegistry} CellRegistry
 * @typedef {import("../matrix-view.js").MatrixView} MatrixView
 */

/** Each weight's gradient as a sum over t, in words for captions and as the term's factors. */
const SUMS = {
  U: { term: (t) => `∂L/∂a${superscript(t)} (x${superscript(t)})ᵀ`, math: ["a", "x", "t"] },
  W: { term: (t) => `∂L/∂a${superscript(t)} (h${superscript(t - 1)})ᵀ`, math: ["a", "h", "t−1"] },
  V: { term: (t) => `∂L/∂o${superscript(t)} (h${superscript(t)})ᵀ`, math: ["o", "h", "t"] },
  b: { term: (t) => `∂L/∂a${superscript(t)}`, math: ["a", null, ""] },
  c: { term: (t) => `∂L/∂o${superscript(t)}`, math: ["o", null, ""] },
};

/** A row of grids and operators, laid out as on the convolution page. */
function gridRow(...parts) {
  const row = document.createElement("div");
  row.className = "grid-row";
  for (const part of parts) row.append(typeof part === "string" ? span(/^[−+=·\d. ]+$/.test(part) ? "op" : "op rnn-op-words", part) : part);
  return row;
}

/** ∂L/∂U = Σₜ ∂L/∂aᵗ (xᵗ)ᵀ as MathML. */
function sumMath(name) {
  const [left, right, sup] = SUMS[name].math;
  const tokens = [{ sym: { name, grad: true } }, "=", { sym: { name: "Σ", sub: "t" } }, { sym: { name: left, sup: "t", grad: true } }];
  if (right) tokens.push("(", { sym: { name: right, sup } }, ")", { text: "ᵀ" });
  return mathLine(tokens);
}

/** Each weight gradient: the chosen step's term beside the sum over all steps. */
export class GradientsView {
  /**
   * @param {RnnModel} model
   * @param {CellRegistry} registry
   */
  constructor(model, registry) {
    this.model = model;
    this.registry = registry;
    /** @type {Map<string, {slot: HTMLElement, view: MatrixView|null, block: HTMLElement}>} */
    this.blocks = new Map();
    /** @type {number|null} the step whose terms are shown */
    this.step = null;
    /** The drawing of the terms that waits for the browser to be idle. */
    this.idle = 0;
    this.element = document.createElement("div");
    this.element.className = "rnn-gradients";
    this.element.append(
      paragraph(
        "lead",
        `Every step uses the same weights, so each weight's gradient adds one term per step: ${model.T} terms here. Each term is the step's ∂L/∂aᵗ or ∂L/∂oᵗ times what the weight multiplied in the forward pass.`,
      ),
    );
    for (const name of WEIGHTS) {
      const block = document.createElement("section");
      block.className = "rnn-weight";
      block.dataset.weight = name;
      const heading = document.createElement("h3");
      heading.append(sumMath(name));
      const slot = span("term", "");
      const total = registry.grid({
        path: `grad_${name}`,
        values: model.data[`grad_${name}`],
        label: `∂L/∂${name}`,
        caption: `∂L/∂${name}, the sum over t = 1 … ${model.T}`,
        section: "gradients",
      });
      block.append(heading, gridRow(slot, `+ the other ${Math.max(0, model.T - 1)} term${model.T === 2 ? "" : "s"} =`, total.element));
      this.element.append(block);
      this.blocks.set(name, { slot, view: null, block });
    }
  }

  /**
   * Show step s's (0-based) term of every gradient: at once when asked for by name (`now`) or
   * not drawn yet, else once the browser is idle. The timeline moves s at every step of the
   * forward and backward passes, and drawing these grids (800 numbers at d = 16) before the
   * step could be shown made every step wait for them; a key held down draws only the last.
   * @param {number} s
   * @param {boolean} [now]
   */
  setStep(s, now = false) {
    cancelIdleCallback(this.idle);
    if (now || this.step === null) this.#draw(s);
    else this.idle = requestIdleCallback(() => this.element.isConnected && this.#draw(s), { timeout: 500 });
  }

  /** @param {number} s */
  #draw(s) {
    if (this.step === s) return;
    this.step = s;
    for (const [name, entry] of this.blocks) {
      if (entry.view) this.registry.forget(entry.view);
      const path = stepPath(s, `contribution.grad_${name}`);
      entry.view = this.registry.grid({
        path,
        values: this.model.steps[s].contribution[`grad_${name}`],
        label: `step ${s + 1}'s term of ∂L/∂${name}`,
        caption: `step ${s + 1}: ${SUMS[name].term(s + 1)}`,
        section: "gradients",
      });
      entry.slot.replaceChildren(entry.view.element);
    }
  }

  /**
   * Mark the block of one weight as the one the timeline is at, or none.
   * @param {string|null} name
   */
  focus(name) {
    for (const [weight, { block }] of this.blocks) block.classList.toggle("is-current", weight === name);
  }
}

/**
 * The update U − α·∂L/∂U, … when a learning rate was given; else a way to give one.
 * @param {RnnModel} model
 * @param {CellRegistry} registry
 * @param {() => void} onAskLearningRate
 * @returns {HTMLElement}
 */
export function updateView(model, registry, onAskLearningRate) {
  const element = document.createElement("div");
  element.className = "rnn-update";
  if (model.learningRate === null) {
    const ask = document.createElement("button");
    ask.type = "button";
    ask.textContent = "Use α = 0.1";
    ask.addEventListener("click", onAskLearningRate);
    element.append(paragraph("lead", "With a learning rate α every weight takes one step of gradient descent, U − α·∂L/∂U and so on. No α is set. ", ask));
    return element;
  }
  const alpha = formatNumber(model.learningRate);
  element.append(paragraph("lead", `One step of gradient descent with learning rate α = ${alpha}: each weight minus α times its gradient. h⁰ is the given start, not a weight, so it stays.`));
  for (const name of WEIGHTS) {
    const grid = (path, values, caption) => registry.grid({ path, values, label: caption, caption, section: "update" }).element;
    element.append(
      gridRow(
        grid(name, model.weights[name], name),
        `− ${alpha} ·`,
        grid(`grad_${name}`, model.data[`grad_${name}`], `∂L/∂${name}`),
        "=",
        grid(`updated.${name}`, model.data.updated[name], `${name}′, updated`),
      ),
    );
  }
  return element;
}
