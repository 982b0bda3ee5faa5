/**
 * A read-only grid of numbers. Each cell carries the full-precision value in `data-value` and
 * its index in the API's answer in `data-index`; its text may round. A cell that belongs to no
 * array of the answer (the padding drawn around an input) carries neither. The grid is one tab stop:
 * arrow keys, Home and End move between cells, and pointing at or focusing a cell reports it.
 * A small "TeX" button beside the caption copies the numbers as a LaTeX `bmatrix`.
 *
 * A cell whose number is withheld (withhold.js: a quiz, or the result being checked) is drawn
 * blank, without its number anywhere in the document, until it is revealed: a click, Enter or
 * Space on it reveals it.
 */

import { bmatrixLatex, latexButton } from "./latex.js";
import { formatNumber, fullNumber } from "./number-format.js";
import { isWithheld, onWithheldChange, revealCell } from "./withhold.js";

/** Grids that hold withheld cells; they put the numbers back when these are revealed. */
const withholding = new Set();
onWithheldChange(() => {
  for (const view of withholding) view.showRevealed();
});

/**
 * @typedef {object} MatrixViewOptions
 * @property {string} field the API field the numbers come from (`data-matrix`)
 * @property {number[][]} values one matrix, rows of numbers
 * @property {(row: number, col: number) => (number[]|null)} apiIndex the cell's index in the API's
 *   answer, or null for a cell drawn beside the array (such as padding)
 * @property {string} label accessible name of the grid
 * @property {Node|string} [caption] shown above the grid
 * @property {(row: number, col: number) => string[]} [cellClasses] extra classes of a cell
 * @property {(view: MatrixView, row: number, col: number) => void} [onPoint] a cell is hovered or focused
 * @property {(view: MatrixView) => void} [onLeave] the pointer or focus left the grid
 */

export class MatrixView {
  /** @param {MatrixViewOptions} options */
  constructor(options) {
    const { field, values, apiIndex, label, caption, cellClasses, onPoint, onLeave } = options;
    this.field = field;
    this.values = values;
    this.rows = values.length;
    this.cols = values[0].length;
    this.revealed = this.rows * this.cols;
    /** @type {HTMLTableCellElement[][]} */
    this.cells = [];
    this.apiIndex = apiIndex;
    /** @type {HTMLTableCellElement[]} cells drawn without their number */
    this.withheld = [];

    this.element = document.createElement("figure");
    this.element.className = "matrix";
    this.element.dataset.matrix = field;
    const copy = latexButton(label, () =>
      bmatrixLatex(this.values.map((row, r) => row.map((value, c) => (this.isWithheld(r, c) ? null : value)))),
    );
    if (caption) {
      const figcaption = document.createElement("figcaption");
      figcaption.append(caption, copy);
      this.element.append(figcaption);
    }
    const scroller = document.createElement("div");
    scroller.className = "matrix-scroll";
    const table = document.createElement("table");
    table.setAttribute("role", "grid");
    table.setAttribute("aria-label", label);
    table.classList.toggle("is-dense", this.cols > 12 || this.rows > 12);
    const body = document.createElement("tbody");
    values.forEach((row, r) => {
      const tr = document.createElement("tr");
      this.cells.push(
        row.map((value, c) => {
          const td = document.createElement("td");
          const index = apiIndex(r, c);
          td.tabIndex = r === 0 && c === 0 ? 0 : -1;
          if (index) td.dataset.index = index.join(",");
          if (isWithheld(field, index)) withhold(td, this.withheld);
          else showNumber(td, value, Boolean(index));
          if (cellClasses) td.classList.add(...cellClasses(r, c));
          tr.append(td);
          return td;
        }),
      );
      body.append(tr);
    });
    table.append(body);
    scroller.append(table);
    this.element.append(scroller);
    if (!caption) this.element.append(copy);
    this.table = table;

    const cellOf = (event) => {
      const td = event.target.closest?.("td");
      return td && table.contains(td) ? td : null;
    };
    const point = (td) => onPoint?.(this, ...position(td));
    table.addEventListener("pointerover", (event) => {
      const td = cellOf(event);
      if (td) point(td);
    });
    table.addEventListener("pointerleave", () => onLeave?.(this));
    table.addEventListener("focusin", (event) => {
      const td = cellOf(event);
      if (td) point(td);
    });
    table.addEventListener("focusout", (event) => {
      if (!table.contains(event.relatedTarget)) onLeave?.(this);
    });
    table.addEventListener("keydown", (event) => this.#move(event));
    if (this.withheld.length) {
      withholding.add(this);
      table.addEventListener("click", (event) => {
        const td = cellOf(event);
        if (td?.dataset.withheld !== undefined) this.#reveal(td);
      });
    }
  }

  /**
   * Whether the cell is drawn without its number.
   * @param {number} row
   * @param {number} col
   */
  isWithheld(row, col) {
    return this.cells[row][col].dataset.withheld !== undefined;
  }

  /** Put back the numbers that are no longer withheld; a grid taken off the page lets go. */
  showRevealed() {
    if (!this.element.isConnected) {
      withholding.delete(this);
      return;
    }
    this.withheld = this.withheld.filter((td) => {
      const [r, c] = position(td);
      const index = this.apiIndex(r, c);
      if (isWithheld(this.field, index)) return true;
      release(td, this.values[r][c], Boolean(index));
      return false;
    });
    if (!this.withheld.length) withholding.delete(this);
  }

  /** @param {HTMLTableCellElement} td a withheld cell the learner asks to see */
  #reveal(td) {
    const [r, c] = position(td);
    const index = this.apiIndex(r, c);
    if (index) {
      revealCell(this.field, index);
      return;
    }
    release(td, this.values[r][c], false); // drawn beside the array: only this copy
    this.withheld = this.withheld.filter((cell) => cell !== td);
  }

  /**
   * @param {number} row
   * @param {number} col
   * @returns {HTMLTableCellElement}
   */
  cell(row, col) {
    return this.cells[row][col];
  }

  /**
   * Show the first `count` cells in row-major order and mark the rest as not computed yet.
   * Only the cells whose state changes are touched, so stepping through a big grid stays cheap.
   * @param {number} count
   */
  reveal(count) {
    const total = this.rows * this.cols;
    const next = Math.max(0, Math.min(total, count));
    const [from, to] = next < this.revealed ? [next, this.revealed] : [this.revealed, next];
    for (let k = from; k < to; k += 1) {
      this.cells[Math.floor(k / this.cols)][k % this.cols].classList.toggle("is-pending", k >= next);
    }
    this.revealed = next;
  }

  /** @param {KeyboardEvent} event */
  #move(event) {
    const td = event.target.closest("td");
    if (!td) return;
    if ((event.key === "Enter" || event.key === " ") && td.dataset.withheld !== undefined) {
      event.preventDefault();
      this.#reveal(td);
      return;
    }
    let [r, c] = position(td);
    const moves = {
      ArrowUp: () => (r -= 1),
      ArrowDown: () => (r += 1),
      ArrowLeft: () => (c -= 1),
      ArrowRight: () => (c += 1),
      Home: () => (event.ctrlKey ? ((r = 0), (c = 0)) : (c = 0)),
      End: () => (event.ctrlKey ? ((r = this.rows - 1), (c = this.cols - 1)) : (c = this.cols - 1)),
    };
    if (!moves[event.key]) return;
    event.preventDefault();
    moves[event.key]();
    r = Math.max(0, Math.min(this.rows - 1, r));
    c = Math.max(0, Math.min(this.cols - 1, c));
    const target = this.cells[r][c];
    td.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  }
}

/**
 * Write a cell's number: rounded as text, in full in `data-value` (for a cell of the answer's
 * array) and in the title when the text rounds it.
 * @param {HTMLTableCellElement} td
 * @param {number} value
 * @param {boolean} indexed
 */
function showNumber(td, value, indexed) {
  const text = formatNumber(value);
  td.textContent = text;
  if (!indexed) return;
  td.dataset.value = fullNumber(value);
  if (text.replace("\u2212", "-") !== td.dataset.value) td.title = td.dataset.value;
}

/**
 * Draw a cell without its number.
 * @param {HTMLTableCellElement} td
 * @param {HTMLTableCellElement[]} list where the grid keeps its withheld cells
 */
function withhold(td, list) {
  td.textContent = "?";
  td.dataset.withheld = "";
  td.classList.add("is-withheld");
  td.setAttribute("aria-label", "hidden; press Enter to reveal");
  list.push(td);
}

/**
 * Give a withheld cell its number.
 * @param {HTMLTableCellElement} td
 * @param {number} value
 * @param {boolean} indexed
 */
function release(td, value, indexed) {
  delete td.dataset.withheld;
  td.classList.remove("is-withheld");
  td.removeAttribute("aria-label");
  showNumber(td, value, indexed);
}

/** @param {HTMLTableCellElement} td @returns {[number, number]} row and column in its grid */
function position(td) {
  return [/** @type {HTMLTableRowElement} */ (td.parentElement).sectionRowIndex, td.cellIndex];
}
