/**
 * A chart of positive numbers over the steps t = 1 … T on a log scale, drawn as SVG node by node.
 * Each series is a line through its points; a point carries its step (`data-index`, 0-based as
 * the API's list) and its full number (`data-value`). Zeros, which a log scale cannot place, sit
 * on a line of their own under the axis, labelled 0. Pointing at a step reports it.
 */

import { fullNumber } from "../number-format.js";

const SVG = "http://www.w3.org/2000/svg";
/** Drawing units across: fewer on a phone, so that the labels stay legible when scaled down. */
const narrow = matchMedia("(max-width: 40rem)");
const HEIGHT = 300;
const MARGIN = { left: 58, right: 14, top: 14, bottom: 52 };
const ZERO_LANE = 18;
/** Charts made so far, for unique clip-path ids. */
let charts = 0;

/**
 * @typedef {object} Series
 * @property {string} key the API's name, `data-series`
 * @property {string} name what it is, in the legend
 * @property {string} short its name in a readout
 * @property {string} className its look (colour, dashes)
 * @property {(number|null)[]} values one per step; null where there is nothing to draw
 * @property {boolean} [measured] whether it sets the scale (predictions are clipped to it)
 *
 * @typedef {object} ChartOptions
 * @property {string} label accessible name of the chart
 * @property {string} description what the chart shows, in one or two sentences
 * @property {Series[]} series
 * @property {number} T
 * @property {number[]} [cuts] steps after which a vertical line marks a truncation cut
 * @property {(s: number) => void} onPoint a step (0-based) is pointed at
 */

/**
 * @param {string} tag
 * @param {Record<string, string|number>} [attributes]
 * @returns {SVGElement}
 */
function svg(tag, attributes = {}) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return /** @type {SVGElement} */ (element);
}

/** "10⁻⁸" for the decade −8. */
function decade(power) {
  const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  const sup = String(Math.abs(power)).replace(/\d/g, (d) => digits[Number(d)]);
  return power === 0 ? "1" : power === 1 ? "10" : `10${power < 0 ? "⁻" : ""}${sup}`;
}

/** One chart over t: series of points on a log scale, a marker on the chosen step. */
export class LogChart {
  /** @param {ChartOptions} options */
  constructor({ label, description, series, T, cuts = [], onPoint }) {
    this.T = T;
    this.series = series;
    const width = narrow.matches ? 440 : 720;
    const plot = { x0: MARGIN.left, x1: width - MARGIN.right, y0: MARGIN.top, y1: HEIGHT - MARGIN.bottom - ZERO_LANE };
    const measured = series.filter((s) => s.measured).flatMap((s) => s.values).filter((v) => v !== null && v > 0);
    const scaleValues = measured.length ? measured : series.flatMap((s) => s.values).filter((v) => v !== null && v > 0);
    const lo = scaleValues.length ? Math.floor(Math.log10(Math.min(...scaleValues))) : -1;
    const hi = scaleValues.length ? Math.ceil(Math.log10(Math.max(...scaleValues))) : 1;
    const [bottom, top] = lo === hi ? [lo - 1, hi + 1] : [lo, hi];
    const band = (plot.x1 - plot.x0) / T;
    this.x = (s) => plot.x0 + (s + 0.5) * band;
    const y = (v) => plot.y1 - ((Math.log10(v) - bottom) / (top - bottom)) * (plot.y1 - plot.y0);
    const zeroY = plot.y1 + ZERO_LANE;
    this.plot = plot;

    const root = svg("svg", { viewBox: `0 0 ${width} ${HEIGHT}`, role: "img", class: "rnn-chart-svg" });
    root.setAttribute("aria-label", label);
    const desc = svg("desc");
    desc.textContent = description;
    root.append(desc);
    charts += 1;
    const clipId = `rnn-chart-clip-${charts}`;
    const clip = svg("clipPath", { id: clipId });
    clip.append(svg("rect", { x: plot.x0, y: plot.y0 - 4, width: plot.x1 - plot.x0, height: plot.y1 - plot.y0 + 8 }));
    root.append(clip);

    // Decades: a grid line each, labelled; every few when there are many.
    const every = Math.ceil((top - bottom) / 8);
    const axis = svg("g", { class: "rnn-axis" });
    for (let p = bottom; p <= top; p += 1) {
      axis.append(svg("line", { x1: plot.x0, x2: plot.x1, y1: y(10 ** p), y2: y(10 ** p), class: p % every === 0 ? "rnn-grid" : "rnn-grid rnn-grid-minor" }));
      if ((p - bottom) % every === 0) axis.append(text(decade(p), plot.x0 - 6, y(10 ** p) + 4, "end"));
    }
    axis.append(svg("line", { x1: plot.x0, x2: plot.x1, y1: zeroY, y2: zeroY, class: "rnn-grid rnn-zero-line" }));
    axis.append(text("0", plot.x0 - 6, zeroY + 4, "end"));
    // Steps 1, k, 2k, … with at most 16 labels (8 on a phone), and T unless it would crowd the last one.
    const tickEvery = Math.ceil(T / (narrow.matches ? 8 : 16));
    const ticks = [1];
    for (let t = tickEvery; t <= T; t += tickEvery) if (t > 1) ticks.push(t);
    if (ticks.at(-1) !== T && T - /** @type {number} */ (ticks.at(-1)) >= tickEvery / 2) ticks.push(T);
    for (const t of ticks) axis.append(text(String(t), this.x(t - 1), zeroY + 20, "middle"));
    axis.append(text("t", (plot.x0 + plot.x1) / 2, HEIGHT - 6, "middle"));
    root.append(axis);

    for (const t of cuts) {
      const cx = plot.x0 + t * band;
      root.append(svg("line", { x1: cx, x2: cx, y1: plot.y0, y2: zeroY, class: "rnn-cut-line" }));
    }

    /** @type {SVGElement[][]} points of each series, by step */
    this.points = [];
    for (const item of series) {
      const group = svg("g", { class: `rnn-series ${item.className}`, "data-series": item.key });
      let d = "";
      let pen = false;
      item.values.forEach((v, s) => {
        if (cuts.includes(s)) pen = false; // no line across a cut: nothing flows there, and each block has its own curves
        if (v === null || v <= 0) {
          pen = false;
          return;
        }
        d += `${pen ? "L" : "M"}${this.x(s).toFixed(2)},${y(v).toFixed(2)}`;
        pen = true;
      });
      const line = svg("path", { d: d || "M0,0", class: "rnn-line", "clip-path": `url(#${clipId})` });
      group.append(line);
      const points = item.values.map((v, s) => {
        if (v === null) return null;
        const inRange = v === 0 || (Math.log10(v) >= bottom - 0.05 && Math.log10(v) <= top + 0.05);
        const point = svg("circle", {
          cx: this.x(s).toFixed(2),
          cy: (v === 0 ? zeroY : y(v)).toFixed(2),
          r: 3.5,
          class: v === 0 ? "rnn-point is-zero" : inRange ? "rnn-point" : "rnn-point is-clipped",
          "data-index": s,
          "data-value": fullNumber(v),
        });
        group.append(point);
        return point;
      });
      this.points.push(/** @type {SVGElement[]} */ (points));
      root.append(group);
    }

    this.marker = svg("rect", { x: 0, y: plot.y0, width: band, height: zeroY - plot.y0 + 6, class: "rnn-marker" });
    this.marker.setAttribute("visibility", "hidden");
    root.insertBefore(this.marker, axis.nextSibling);
    const hits = svg("g", { class: "rnn-hits" });
    for (let s = 0; s < T; s += 1) {
      const hit = svg("rect", { x: plot.x0 + s * band, y: plot.y0, width: band, height: zeroY - plot.y0 + 6, class: "rnn-hit" });
      hit.addEventListener("pointerenter", () => onPoint(s));
      hit.addEventListener("click", () => onPoint(s));
      hits.append(hit);
    }
    root.append(hits);
    this.band = band;

    const legend = document.createElement("ul");
    legend.className = "rnn-legend";
    for (const item of series) {
      const entry = document.createElement("li");
      const swatch = svg("svg", { viewBox: "0 0 28 10", class: `rnn-swatch rnn-series ${item.className}`, "aria-hidden": "true" });
      swatch.append(svg("line", { x1: 1, x2: 27, y1: 5, y2: 5, class: "rnn-line" }), svg("circle", { cx: 14, cy: 5, r: 3, class: "rnn-point" }));
      entry.append(swatch, item.name);
      legend.append(entry);
    }
    this.element = document.createElement("div");
    this.element.className = "rnn-chart";
    this.element.append(root, legend);
  }

  /**
   * Mark step s (0-based), or nothing.
   * @param {number|null} s
   */
  mark(s) {
    if (s === null) {
      this.marker.setAttribute("visibility", "hidden");
      return;
    }
    this.marker.setAttribute("x", (this.plot.x0 + s * this.band).toFixed(2));
    this.marker.setAttribute("visibility", "visible");
  }

  /**
   * Show the points of steps `from` … T (0-based) and dim the others, as the backward pass
   * reaches them.
   * @param {number} from
   */
  reveal(from) {
    for (const points of this.points) points.forEach((point, s) => point?.classList.toggle("is-pending", s < from));
    this.element.classList.toggle("is-partial", from > 0);
  }

  /**
   * The value of every series at step s.
   * @param {number} s
   * @returns {{short: string, key: string, value: number|null}[]}
   */
  valuesAt(s) {
    return this.series.map((item) => ({ short: item.short, key: item.key, value: item.values[s] }));
  }
}

/** @param {string} content @param {number} x @param {number} y @param {string} anchor */
function text(content, x, y, anchor) {
  const element = svg("text", { x: x.toFixed(2), y: y.toFixed(2), "text-anchor": anchor, class: "rnn-tick" });
  element.textContent = content;
  return element;
}
