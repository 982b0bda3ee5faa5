/**
 * The network of Fig. 9.10 unrolled in time, as a table: one column per step t (and t = 0 for
 * h⁰), one row per quantity. The forward rows fill in left to right, the backward rows right to
 * left; a column's numbers are in the DOM from the start, whatever the timeline shows.
 */

import { span } from "../dom.js";
import { mathLine } from "../equation.js";
import { stepPath } from "./rnn-model.js";
import { symbolText } from "./rnn-explain.js";

/**
 * @typedef {import("./rnn-model.js").RnnModel} RnnModel
 * @typedef {import("./rnn-cells.js").CellRegistry} CellRegistry
 * @typedef {import("../matrix-view.js").MatrixView} MatrixView
 * @typedef {import("../equation.js").Token} Token
 */

/** @param {string} name @param {string} [sup] @param {boolean} [grad] @returns {Token} */
const sym = (name, sup = "t", grad = false) => ({ sym: { name, sup, grad } });

const SIGMA_1 = { tanh: "tanh", relu: "relu", sigmoid: "σ" };
const SIGMA_2 = { identity: null, sigmoid: "σ", softmax: "softmax" };

/**
 * The rows, top to bottom: the forward pass, then the backward pass.
 * @param {RnnModel} model
 * @returns {{field: string, backward: boolean, label: Token[], words: string}[]}
 */
function rows(model) {
  const output = SIGMA_2[model.output];
  return [
    { field: "x", backward: false, label: [sym("x")], words: "input" },
    { field: "a", backward: false, label: [sym("a"), "=", sym("U", ""), sym("x"), "+", sym("W", ""), sym("h", "t−1"), "+", sym("b", "")], words: "" },
    { field: "h", backward: false, label: [sym("h"), "=", SIGMA_1[model.hidden], "(", sym("a"), ")"], words: "state, carried on →" },
    { field: "o", backward: false, label: [sym("o"), "=", sym("V", ""), sym("h"), "+", sym("c", "")], words: "" },
    { field: "y_hat", backward: false, label: [sym("ỹ"), "=", ...(output ? [output, "(", sym("o"), ")"] : [sym("o")])], words: "prediction" },
    { field: "y", backward: false, label: [sym("y")], words: "target" },
    { field: "loss", backward: false, label: [sym("L")], words: "loss" },
    { field: "grad_o", backward: true, label: [sym("o", "t", true)], words: "" },
    { field: "grad_h_from_output", backward: true, label: [sym("V", "T"), sym("o", "t", true)], words: "from its own output" },
    { field: "grad_h_from_next", backward: true, label: [sym("W", "T"), sym("a", "t+1", true)], words: "← from step t + 1" },
    { field: "grad_h", backward: true, label: [sym("h", "t", true)], words: "the sum of the two" },
    { field: "hidden_derivative", backward: true, label: [{ sym: { name: "σ", sub: "1", sup: "′" } }, "(", sym("a"), ")"], words: "" },
    { field: "grad_a", backward: true, label: [sym("a", "t", true), "=", sym("h", "t", true), "⊙", { sym: { name: "σ", sub: "1", sup: "′" } }], words: "" },
  ];
}

/**
 * @typedef {object} Column
 * @property {HTMLElement[]} cells the column's header and cells
 * @property {MatrixView[]} forward grids of the forward pass
 * @property {MatrixView[]} backward grids of the backward pass
 * @property {{forward: boolean, backward: boolean}} shown
 */

/** The unrolled network of one result; the timeline says how much of it is shown. */
export class UnrolledView {
  /**
   * @param {RnnModel} model
   * @param {CellRegistry} registry
   * @param {(s: number) => void} onJump a step (0-based) was asked for by number: bring it into view
   */
  constructor(model, registry, onJump) {
    this.model = model;
    /** @type {{labelWidth: number, room: number, columns: {left: number, width: number}[]}|null} */
    this.measured = null;
    /** @type {Column[]} column 0 is t = 0 (h⁰), column t is step t */
    this.columns = Array.from({ length: model.T + 1 }, () => ({ cells: [], forward: [], backward: [], shown: { forward: true, backward: true } }));
    /** @type {number|null} the column whose cells the timeline just stepped to */
    this.stepped = null;
    /** @type {{t: number, backward: boolean}|null} the column the timeline is at */
    this.current = null;

    const table = document.createElement("table");
    table.className = "rnn-unrolled";
    const head = document.createElement("thead");
    const headRow = document.createElement("tr");
    const corner = header("th", "col", "");
    corner.append(span("visually-hidden", "Quantity"));
    headRow.append(corner);
    for (let t = 0; t <= model.T; t += 1) {
      const th = header("th", "col", `t = ${t}`);
      th.className = "rnn-step";
      this.columns[t].cells.push(th);
      headRow.append(th);
    }
    head.append(headRow);
    table.append(head);

    const all = rows(model);
    table.append(
      this.#body(all.filter((row) => !row.backward), registry, "Forward pass: left to right, t = 1 … T", "rnn-forward"),
      this.#body(all.filter((row) => row.backward), registry, "Backpropagation through time: right to left, t = T … 1", "rnn-backward"),
    );
    this.table = table;
    this.scroller = document.createElement("div");
    this.scroller.className = "rnn-scroll";
    this.scroller.tabIndex = 0; // scrolls sideways by keyboard too
    this.scroller.setAttribute("role", "region");
    this.scroller.setAttribute("aria-label", `The network unrolled over ${model.T} step${model.T === 1 ? "" : "s"}; scrolls sideways`);
    this.scroller.append(table);
    this.element = document.createElement("div");
    this.element.className = "rnn-unrolled-view";
    if (model.T > 4) this.element.append(this.#jumper(onJump));
    this.element.append(this.scroller);
    // The measures of the columns hold until the table or its box changes size; a view taken
    // off the page lets go.
    const resized = new ResizeObserver(() => {
      this.measured = null;
      if (!this.table.isConnected) resized.disconnect();
    });
    resized.observe(table);
    resized.observe(this.scroller);
  }

  /** "Go to step t": a long sequence scrolls sideways, and this brings one step into view. */
  #jumper(onJump) {
    const { T } = this.model;
    const wrap = document.createElement("p");
    wrap.className = "rnn-jump";
    const input = document.createElement("input");
    input.type = "number";
    input.id = "rnn-go-to-step";
    input.min = "1";
    input.max = String(T);
    input.value = "1";
    input.addEventListener("change", () => {
      const t = Math.max(1, Math.min(T, Math.round(Number(input.value)) || 1));
      input.value = String(t);
      onJump(t - 1);
    });
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = "Go to step t";
    wrap.append(`${T} steps: the table scrolls sideways, and the timeline brings each step into view. `, label, " ", input);
    return wrap;
  }

  /**
   * @param {{field: string, backward: boolean, label: Token[], words: string}[]} list
   * @param {CellRegistry} registry
   * @param {string} title
   * @param {string} className
   */
  #body(list, registry, title, className) {
    const { model } = this;
    const body = document.createElement("tbody");
    body.className = className;
    const band = document.createElement("tr");
    band.className = "rnn-band";
    const bandCell = header("th", "colgroup", "");
    bandCell.colSpan = model.T + 2;
    bandCell.append(span("rnn-band-title", title));
    band.append(bandCell);
    body.append(band);
    for (const row of list) {
      const tr = document.createElement("tr");
      tr.dataset.row = row.field;
      const label = header("th", "row", "");
      // The symbol alone on a narrow screen, with its definition where there is room.
      const at = row.label.indexOf("=");
      if (at > 0) {
        const short = mathLine(row.label.slice(0, at));
        short.classList.add("rnn-row-short");
        label.append(short);
      }
      const full = mathLine(row.label);
      if (at > 0) full.classList.add("rnn-row-full");
      label.append(full);
      if (row.words) label.append(span("rnn-row-words", row.words));
      tr.append(label);
      for (let t = 0; t <= model.T; t += 1) {
        const td = document.createElement("td");
        this.columns[t].cells.push(td);
        const grid = this.#grid(row.field, t, registry);
        if (grid) {
          if (row.field === "h" && t > 0) td.append(this.#carry("→", "carried in from the step before", "is-in"));
          td.append(grid.element);
          this.columns[t][row.backward ? "backward" : "forward"].push(grid);
          if (row.field === "grad_h_from_next" && t > 0) {
            const step = model.steps[t - 1];
            if (t === model.T) td.append(span("rnn-badge", "no step after"));
            else if (step.cut) {
              td.classList.add("is-cut");
              td.append(span("rnn-badge rnn-cut", `cut (k = ${model.truncation})`));
            } else td.append(this.#carry("←", "sent back from the step after", "is-back"));
          }
        }
        tr.append(td);
      }
      body.append(tr);
    }
    return body;
  }

  /** A grid of `field` in column t (t = 0 holds h⁰ and ∂L/∂h⁰ only). */
  #grid(field, t, registry) {
    const { model } = this;
    if (t === 0) {
      if (field === "h") return registry.grid({ path: "h0", values: model.data.h0, label: "h⁰, the initial state", section: "unrolled" });
      if (field === "grad_h") return registry.grid({ path: "grad_h0", values: model.data.grad_h0, label: "∂L/∂h⁰", section: "unrolled" });
      return null;
    }
    const path = stepPath(t - 1, field);
    const values = model.steps[t - 1][field];
    const index = field === "loss" ? [] : [0];
    const name = symbolText(model, path, index).replace(/[₀-₉]+$/, "");
    return registry.grid({ path, values, label: `${name} at step ${t}`, section: "unrolled" });
  }

  /**
   * An arrow on the line between two columns that lights up when the state (or its gradient)
   * crosses it; it sits on the line, so that it takes no width of its own.
   * @param {string} arrow
   * @param {string} words
   * @param {"is-in"|"is-back"} side the column's left line (from step t − 1) or right line (from step t + 1)
   */
  #carry(arrow, words, side) {
    const element = span(`rnn-carry ${side}`, arrow);
    element.title = words;
    element.setAttribute("aria-hidden", "true");
    return element;
  }

  /**
   * Show the forward pass up to step `forward` (0 … T) and the backward pass from step
   * `backward` (1 … T + 1: T + 1 shows none of it, 0 also shows ∂L/∂h⁰); `current` is the column
   * the timeline is at, or null.
   * @param {number} forward
   * @param {number} backward
   * @param {{t: number, backward: boolean} | null} current
   */
  show(forward, backward, current) {
    this.columns.forEach((column, t) => {
      const shown = { forward: t <= forward, backward: t >= backward };
      for (const part of /** @type {const} */ (["forward", "backward"])) {
        if (column.shown[part] === shown[part]) continue;
        for (const view of column[part]) view.reveal(shown[part] ? view.rows * view.cols : 0);
      }
      column.shown = shown;
    });
    // Only the columns that stop or start being current are touched.
    for (const t of new Set([this.current?.t, current?.t])) {
      if (t === undefined) continue;
      const isCurrent = current?.t === t;
      for (const cell of this.columns[t].cells) {
        cell.classList.toggle("is-current", isCurrent);
        cell.classList.toggle("is-going-back", isCurrent && Boolean(current?.backward));
      }
    }
    this.current = current;
  }

  /**
   * Mark the column the timeline was stepped to, or none: its numbers then arrive row after row
   * (rnn.css). Only the cells of the last such column and of this one are touched.
   * @param {number|null} t
   */
  step(t) {
    if (this.stepped !== null) for (const cell of this.columns[this.stepped].cells) cell.classList.remove("is-stepped");
    this.stepped = t;
    if (t !== null) for (const cell of this.columns[t].cells) cell.classList.add("is-stepped");
  }

  /**
   * Scroll the table sideways so that column t is in the middle of what is visible.
   * @param {number} t
   * @param {boolean} smooth
   */
  scrollToColumn(t, smooth) {
    const { labelWidth, room, columns } = this.#geometry();
    const left = columns[t].left - labelWidth - Math.max(0, (room - columns[t].width) / 2);
    if (Math.abs(left - this.scroller.scrollLeft) < 1) return;
    this.scroller.scrollTo({ left: Math.max(0, left), behavior: smooth ? "smooth" : "auto" });
  }

  /**
   * Where the columns are, measured once and again only when the table or its box changes size:
   * stepping then reads no layout (reading it after the step's changes would force the whole
   * table to be laid out before the frame, hundreds of milliseconds for 64 steps of 16).
   */
  #geometry() {
    if (!this.measured) {
      const labelWidth = /** @type {HTMLElement} */ (this.table.querySelector("thead th")).offsetWidth;
      this.measured = {
        labelWidth,
        room: this.scroller.clientWidth - labelWidth,
        columns: this.columns.map(({ cells: [th] }) => ({ left: th.offsetLeft, width: th.offsetWidth })),
      };
    }
    return this.measured;
  }
}

/** @param {"th"} tag @param {string} scope @param {string} text */
function header(tag, scope, text) {
  const th = document.createElement(tag);
  th.scope = scope;
  th.textContent = text;
  return th;
}
