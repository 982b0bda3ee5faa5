/**
 * A function's curve drawn as SVG, node by node (no library, no markup from strings), with the
 * layer's input cells as points on it. Every plotted number comes from the API: the curve from
 * the answer for the sample points, the points from the answer for the input.
 */

import { formatNumber, fullNumber } from "../number-format.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 420;
const HEIGHT = 250;
const MARGIN = { top: 14, right: 14, bottom: 30, left: 46 };

/**
 * @typedef {object} PlotPoint
 * @property {number} x
 * @property {number} y
 * @property {string} key the cell it stands for (`cellKey`)
 * @property {string} index the cell's index in the API's answer, for `data-index`
 *
 * @typedef {object} PlotOptions
 * @property {string} label accessible name, e.g. "ReLU f(x) from −3 to 3"
 * @property {string} yName what the vertical axis shows, e.g. "f(x)"
 * @property {{x: number[], y: number[]}|null} curve samples, in increasing x
 * @property {PlotPoint[]} points
 * @property {{x: number, y: number, open: boolean, words: string}[]} [marks] dots drawn on the
 *   curve with a word, such as ReLU's chosen f′(0) (filled) and the value it did not take (open)
 */

/**
 * @param {string} tag
 * @param {Record<string, string|number>} attributes
 * @param {...Node} children
 * @returns {SVGElement}
 */
function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** @param {number[]} values @returns {[number, number]} a range with a margin, never empty */
function extent(values) {
  const finite = values.filter(Number.isFinite);
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (!finite.length) [lo, hi] = [-1, 1];
  if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

export class Plot {
  /** @param {PlotOptions} options */
  constructor({ label, yName, curve, points, marks = [] }) {
    const xs = [...(curve?.x ?? []), ...points.map((p) => p.x)];
    const ys = [...(curve?.y ?? []), ...points.map((p) => p.y), ...marks.map((m) => m.y)];
    const [x0, x1] = extent(xs);
    const [y0, y1] = extent(ys);
    const sx = (x) => MARGIN.left + ((x - x0) / (x1 - x0)) * (WIDTH - MARGIN.left - MARGIN.right);
    const sy = (y) => HEIGHT - MARGIN.bottom - ((y - y0) / (y1 - y0)) * (HEIGHT - MARGIN.top - MARGIN.bottom);

    this.element = document.createElement("figure");
    this.element.className = "plot";
    const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": label });
    root.append(svg("title", {}, document.createTextNode(label)));

    const axes = svg("g", { class: "plot-axes" });
    const frame = [MARGIN.left, MARGIN.top, WIDTH - MARGIN.right, HEIGHT - MARGIN.bottom];
    axes.append(svg("rect", { x: frame[0], y: frame[1], width: frame[2] - frame[0], height: frame[3] - frame[1], class: "plot-frame" }));
    if (x0 < 0 && x1 > 0) axes.append(svg("line", { x1: sx(0), x2: sx(0), y1: frame[1], y2: frame[3], class: "plot-zero" }));
    if (y0 < 0 && y1 > 0) axes.append(svg("line", { x1: frame[0], x2: frame[2], y1: sy(0), y2: sy(0), class: "plot-zero" }));
    for (const x of ticks(x0, x1)) {
      axes.append(svg("text", { x: sx(x), y: HEIGHT - MARGIN.bottom + 16, "text-anchor": "middle" }, document.createTextNode(formatNumber(x))));
    }
    for (const y of ticks(y0, y1)) {
      axes.append(svg("text", { x: MARGIN.left - 6, y: sy(y) + 4, "text-anchor": "end" }, document.createTextNode(formatNumber(y))));
    }
    axes.append(svg("text", { x: WIDTH - MARGIN.right - 6, y: HEIGHT - MARGIN.bottom - 6, "text-anchor": "end", class: "plot-name" }, document.createTextNode("x")));
    axes.append(svg("text", { x: MARGIN.left + 4, y: MARGIN.top + 12, class: "plot-name" }, document.createTextNode(yName)));
    root.append(axes);

    if (curve) {
      for (const run of pieces(curve, y1 - y0)) {
        const d = run.map((k, n) => `${n ? "L" : "M"}${sx(curve.x[k]).toFixed(2)} ${sy(curve.y[k]).toFixed(2)}`).join(" ");
        root.append(svg("path", { d, class: "plot-curve" }));
      }
    }
    for (const mark of marks) {
      root.append(svg("circle", { cx: sx(mark.x), cy: sy(mark.y), r: 5, class: mark.open ? "plot-mark is-open" : "plot-mark" }));
      root.append(svg("text", { x: sx(mark.x) + 9, y: sy(mark.y) + (mark.open ? -8 : 16), class: "plot-mark-words" }, document.createTextNode(mark.words)));
    }
    /** @type {Map<string, SVGElement>} */
    this.points = new Map();
    const dots = svg("g", { class: "plot-points" });
    for (const point of points) {
      const dot = svg("circle", { cx: sx(point.x), cy: sy(point.y), r: 4.5, class: "plot-point" });
      dot.dataset.index = point.index;
      dot.dataset.x = fullNumber(point.x);
      dot.dataset.y = fullNumber(point.y);
      dots.append(dot);
      this.points.set(point.key, dot);
    }
    root.append(dots);
    this.element.append(root);
    this.lit = /** @type {SVGElement[]} */ ([]);
  }

  /**
   * Ring the points of these cells, clearing the last ones.
   * @param {string[]} keys
   */
  light(keys) {
    for (const dot of this.lit) dot.classList.remove("is-focus");
    this.lit = keys.map((key) => this.points.get(key)).filter((dot) => dot !== undefined);
    for (const dot of this.lit) {
      dot.classList.add("is-focus");
      dot.parentNode?.append(dot); // on top of its neighbours
    }
  }
}

/**
 * Runs of sample indices to join with lines: a jump larger than a quarter of the plot's height
 * between neighbours is a discontinuity (ReLU's f′ at 0), not a steep stretch.
 * @param {{x: number[], y: number[]}} curve
 * @param {number} span the vertical range plotted
 * @returns {number[][]}
 */
function pieces(curve, span) {
  const runs = [[0]];
  for (let k = 1; k < curve.x.length; k += 1) {
    if (Math.abs(curve.y[k] - curve.y[k - 1]) > span / 4) runs.push([]);
    runs[runs.length - 1].push(k);
  }
  return runs;
}

/** Five to eight round numbers inside [lo, hi]. */
function ticks(lo, hi) {
  const raw = (hi - lo) / 6;
  const scale = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((n) => n * scale >= raw) ?? 10) * scale;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(Number(t.toPrecision(10)));
  return out;
}
