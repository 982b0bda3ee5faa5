/**
 * One pooling result as the page uses it: the answer's arrays in canonical shape (C × H × W),
 * the layer's geometry, each window by its output cell, and for every cell of the padded input
 * the windows that send it a share of their gradient. Indices are canonical and 0-based; the
 * API's own nesting (a plain matrix in, a plain matrix out) is kept for `data-index`.
 */

import { cellKey, range } from "./layer-page.js";

/** @param {any} value @returns {number} */
function depthOf(value) {
  let depth = 0;
  for (let v = value; Array.isArray(v); v = v[0]) depth += 1;
  return depth;
}

/**
 * @typedef {object} Window
 * @property {number[]} index canonical [c, i, j]
 * @property {[number, number]} origin top-left cell in padded coordinates
 * @property {number} value
 * @property {number} grad
 * @property {number[][]} weights
 * @property {number[][]} share
 * @property {[number, number][]|null} maxima padded coordinates of every maximum (max only)
 *
 * @typedef {object} Share one window's share of its gradient landing in one cell
 * @property {number[]} window canonical output index
 * @property {number} weight fraction of ∂L/∂O
 * @property {number} amount weight × ∂L/∂O, from the API
 */

export class PoolModel {
  /**
   * @param {Record<string, any>} body the request that was sent
   * @param {Record<string, any>} data the API's answer
   */
  constructor(body, data) {
    this.body = body;
    this.data = data;
    this.plain = depthOf(body.input) === 2;
    const wrap = (value) => (this.plain ? [value] : value);
    /** @type {Record<string, any>} */
    this.arrays = {
      input: wrap(body.input),
      output: wrap(data.output),
      grad_output: wrap(data.grad_output),
      grad_input: wrap(data.grad_input),
      mask: wrap(data.mask),
    };
    if (data.tie_counts) this.arrays.tie_counts = wrap(data.tie_counts);
    this.mode = data.mode;
    this.ties = data.ties;
    this.size = data.size;
    this.stride = data.stride;
    this.padding = data.padding;
    this.channels = this.arrays.input.length;
    this.inputSize = [this.arrays.input[0].length, this.arrays.input[0][0].length];
    this.paddedSize = [
      this.inputSize[0] + this.padding[0] + this.padding[1],
      this.inputSize[1] + this.padding[2] + this.padding[3],
    ];
    this.outSize = [data.output_size.h.out, data.output_size.w.out];
    this.padValue = data.padded_with === "-inf" ? -Infinity : 0;
    this.uncovered = { rows: new Set(data.output_size.h.uncovered), cols: new Set(data.output_size.w.uncovered) };
    this.windowsOmitted = data.windows_omitted;

    /** @type {Window[]} row-major, channel first */
    this.windows = (data.windows ?? []).map((w) => ({
      index: this.plain ? [0, ...w.index] : w.index,
      origin: [w.origin[0] + this.padding[0], w.origin[1] + this.padding[2]],
      value: w.value,
      grad: w.grad,
      weights: w.weights,
      share: w.share,
      maxima: w.maxima && w.maxima.map(([r, c]) => [r + this.padding[0], c + this.padding[2]]),
    }));
    /** @type {Map<string, Window>} */
    this.byOutput = new Map(this.windows.map((w) => [w.index.join(","), w]));
    /** @type {Map<string, Share[]>} shares by padded cell "c,R,C" */
    this.shares = new Map();
    for (const w of this.windows) {
      this.windowCells(w).forEach(([R, C], k) => {
        const [u, v] = [Math.floor(k / this.size[1]), k % this.size[1]];
        if (w.weights[u][v] === 0) return;
        const key = [w.index[0], R, C].join(",");
        const list = this.shares.get(key) ?? [];
        list.push({ window: w.index, weight: w.weights[u][v], amount: w.share[u][v] });
        this.shares.set(key, list);
      });
    }
  }

  /** Whether any side is padded. */
  get padded() {
    return this.padding.some((p) => p > 0);
  }

  /** Whether windows overlap (a stride smaller than the window on some axis). */
  get overlapping() {
    return this.stride[0] < this.size[0] || this.stride[1] < this.size[1];
  }

  /** Whether some window holds its maximum more than once. */
  get hasTies() {
    return Boolean(this.arrays.tie_counts) && this.arrays.tie_counts.flat(2).some((n) => n > 1);
  }

  /**
   * The number in `field` at a canonical index.
   * @param {string} field
   * @param {number[]} index
   */
  value(field, index) {
    return index.reduce((block, i) => block[i], this.arrays[field]);
  }

  /**
   * The API's index of a cell (its own nesting: a plain matrix has a 2-number index).
   * @param {number[]} index canonical
   */
  apiIndex(index) {
    return this.plain ? index.slice(-2) : index;
  }

  /**
   * Whether padded cell (R, C) lies in the padding.
   * @param {number} R
   * @param {number} C
   */
  inPadding(R, C) {
    const [top, , left] = this.padding;
    return R < top || C < left || R >= top + this.inputSize[0] || C >= left + this.inputSize[1];
  }

  /**
   * The value of padded cell (c, R, C): the input, or what the padding holds (−∞ or 0).
   * @param {number[]} index [c, R, C]
   */
  paddedValue([c, R, C]) {
    return this.inPadding(R, C) ? this.padValue : this.arrays.input[c][R - this.padding[0]][C - this.padding[2]];
  }

  /**
   * The input index of padded cell (c, R, C), or null in the padding.
   * @param {number[]} index
   * @returns {number[]|null}
   */
  inputIndex([c, R, C]) {
    return this.inPadding(R, C) ? null : [c, R - this.padding[0], C - this.padding[2]];
  }

  /**
   * The window of output cell `index`, when the answer has the windows.
   * @param {number[]} index canonical [c, i, j]
   * @returns {Window|undefined}
   */
  window(index) {
    return this.byOutput.get(index.join(","));
  }

  /**
   * Every cell of a window in padded coordinates, row-major.
   * @param {Window} w
   * @returns {[number, number][]}
   */
  windowCells(w) {
    return range(this.size[0]).flatMap((u) => range(this.size[1]).map((v) => [w.origin[0] + u, w.origin[1] + v]));
  }

  /**
   * The window of output cell (c, i, j) from the geometry alone, as padded cell refs.
   * @param {number[]} index
   * @returns {[string, number[]][]}
   */
  windowRefs([c, i, j]) {
    const [R, C] = [i * this.stride[0], j * this.stride[1]];
    return range(this.size[0]).flatMap((u) => range(this.size[1]).map((v) => ["input", [c, R + u, C + v]]));
  }

  /**
   * The shares a padded cell receives, in the windows' order.
   * @param {number[]} index [c, R, C]
   * @returns {Share[]}
   */
  sharesOf(index) {
    return this.shares.get(index.join(",")) ?? [];
  }

  /**
   * What each padded cell holds after the first `count` windows have sent their shares: the
   * running sum, and whether more shares are still to come. Keys are `cellKey("grad_input", …)`.
   * @param {number} count
   * @returns {Map<string, {sum: number, started: boolean, done: boolean, added: number|null}>}
   *   every cell that receives shares at all; `added`: the share of window `count − 1`, the one
   *   just routed
   */
  routedAfter(count) {
    const sums = new Map();
    const last = this.windows[count - 1];
    for (const [key, shares] of this.shares) {
      let sum = 0;
      let seen = 0;
      let added = null;
      for (const share of shares) {
        const k = this.order(share.window);
        if (k >= count) continue;
        sum += share.amount;
        seen += 1;
        if (last && share.window === last.index) added = share.amount;
      }
      sums.set(cellKey("grad_input", key.split(",").map(Number)), { sum, started: seen > 0, done: seen === shares.length, added });
    }
    return sums;
  }

  /**
   * A window's place in the routing order (row-major, channel first).
   * @param {number[]} index canonical output index
   */
  order([c, i, j]) {
    return (c * this.outSize[0] + i) * this.outSize[1] + j;
  }
}
