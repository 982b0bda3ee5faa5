/**
 * The grids of the recurrent network page and the index of their cells. Every number on the page
 * sits in a grid whose `data-matrix` is its path in the API's answer and whose cells carry their
 * index there (`data-index`) and the full number (`data-value`); the index lets a pointed-at cell
 * light up the cells it came from, wherever on the page they are drawn.
 */

import { MatrixView } from "../matrix-view.js";
import { cellKey } from "./rnn-model.js";

/**
 * @typedef {object} GridOptions
 * @property {string} path the array's path in the answer (`data-matrix`)
 * @property {number|number[]|number[][]} values a number, a vector (drawn as a row) or a matrix
 * @property {string} label accessible name of the grid
 * @property {Node|string} [caption] shown above the grid
 * @property {string} section which part of the page the grid is in, for the pointer handlers
 */

/** Builds the grids of one result and knows where each of their cells is drawn. */
export class CellRegistry {
  /**
   * @param {{onPoint: (section: string, path: string, index: number[]) => void, onLeave: (section: string) => void}} handlers
   */
  constructor(handlers) {
    this.handlers = handlers;
    /** @type {Map<string, HTMLElement[]>} */
    this.cells = new Map();
    /** @type {HTMLElement[]} */
    this.lit = [];
    /** @type {WeakMap<MatrixView, string[]>} */
    this.keysOf = new WeakMap();
  }

  /**
   * A read-only grid of `values`, its cells indexed.
   * @param {GridOptions} options
   * @returns {MatrixView}
   */
  grid({ path, values, label, caption, section }) {
    const depth = Array.isArray(values) ? (Array.isArray(values[0]) ? 2 : 1) : 0;
    const rows = depth === 2 ? /** @type {number[][]} */ (values) : [depth === 1 ? /** @type {number[]} */ (values) : [/** @type {number} */ (values)]];
    const indexOf = (r, c) => (depth === 2 ? [r, c] : depth === 1 ? [c] : []);
    const view = new MatrixView({
      field: path,
      values: rows,
      apiIndex: indexOf,
      label,
      caption,
      onPoint: (_, r, c) => this.handlers.onPoint(section, path, indexOf(r, c)),
      onLeave: () => this.handlers.onLeave(section),
    });
    const keys = [];
    view.cells.forEach((row, r) =>
      row.forEach((td, c) => {
        const key = cellKey(path, indexOf(r, c));
        keys.push(key);
        this.#add(key, td);
      }),
    );
    this.keysOf.set(view, keys);
    return view;
  }

  /** Forget every grid, before a new result is drawn. */
  clear() {
    this.cells.clear();
    this.lit = [];
  }

  /**
   * Forget the cells of a grid that is taken off the page.
   * @param {MatrixView} view
   */
  forget(view) {
    for (const key of this.keysOf.get(view) ?? []) {
      const kept = (this.cells.get(key) ?? []).filter((td) => !view.element.contains(td));
      if (kept.length) this.cells.set(key, kept);
      else this.cells.delete(key);
    }
  }

  /** @param {string} key @param {HTMLElement} td */
  #add(key, td) {
    const list = this.cells.get(key);
    if (list) list.push(td);
    else this.cells.set(key, [td]);
  }

  /**
   * Light up a cell and the cells it came from; clear the last ones.
   * @param {[string, number[]] | null} focus
   * @param {[string, number[]][]} sources
   */
  highlight(focus, sources) {
    for (const td of this.lit) td.classList.remove("is-focus", "is-source");
    this.lit = [];
    const mark = (refs, className) => {
      for (const [path, index] of refs)
        for (const td of this.cells.get(cellKey(path, index)) ?? []) {
          td.classList.add(className);
          this.lit.push(td);
        }
    };
    mark(sources, "is-source");
    if (focus) mark([focus], "is-focus");
  }
}
