/**
 * The loss over the training steps as an SVG line chart, built node by node. Every point is a
 * number of the API's answer: `losses[i]` at step i (the loss before step i's update) and
 * `final_loss` after the last step, each carried in `data-value` as well.
 */

import { formatNumber, fullNumber } from "../number-format.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 480;
const HEIGHT = 228;
const PLOT = { left: 58, right: 14, top: 14, bottom: 46 };

/**
 * @param {string} tag
 * @param {Record<string, string|number>} attributes
 * @param {...(Node|string)} children
 * @returns {SVGElement}
 */
function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** A top for the y axis: the largest value rounded up to 1, 2 or 5 × 10ᵏ. @param {number} max */
function niceTop(max) {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * power).find((top) => top >= max) ?? 10 * power;
}

/**
 * The chart, with a caption saying where the loss started and ended.
 * @param {number[]} losses the loss at the start of each step
 * @param {number} finalLoss the loss after the last step
 * @returns {HTMLElement}
 */
export function lossChart(losses, finalLoss) {
  const points = [...losses, finalLoss];
  const count = points.length;
  const low = Math.min(0, ...points);
  const top = niceTop(Math.max(...points));
  const x = (i) => PLOT.left + (i / Math.max(1, count - 1)) * (WIDTH - PLOT.left - PLOT.right);
  const y = (v) => PLOT.top + ((top - v) / (top - low)) * (HEIGHT - PLOT.top - PLOT.bottom);
  const bottom = HEIGHT - PLOT.bottom;

  const figure = document.createElement("figure");
  figure.className = "net-chart";
  const caption = document.createElement("figcaption");
  caption.id = "loss-chart-caption";
  const steps = losses.length;
  caption.textContent = `The loss over ${steps} step${steps === 1 ? "" : "s"}: ${formatNumber(losses[0])} at the start, ${formatNumber(finalLoss)} after the last step.`;

  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-labelledby": caption.id });
  chart.dataset.chart = "losses";
  const axes = svg("g", { class: "net-chart-axes" });
  axes.append(svg("line", { x1: PLOT.left, y1: PLOT.top, x2: PLOT.left, y2: bottom }), svg("line", { x1: PLOT.left, y1: bottom, x2: WIDTH - PLOT.right, y2: bottom }));
  for (const value of [low, (low + top) / 2, top]) {
    axes.append(
      svg("line", { class: "net-chart-grid", x1: PLOT.left, y1: y(value), x2: WIDTH - PLOT.right, y2: y(value) }),
      svg("text", { x: PLOT.left - 6, y: y(value) + 4, "text-anchor": "end" }, formatNumber(value)),
    );
  }
  const ticks = [...new Set([0, Math.round(steps / 2), steps])];
  for (const i of ticks) axes.append(svg("text", { x: x(i), y: bottom + 16, "text-anchor": "middle" }, String(i)));
  axes.append(svg("text", { x: (PLOT.left + WIDTH - PLOT.right) / 2, y: HEIGHT - 4, "text-anchor": "middle" }, "step"));
  axes.append(svg("text", { x: 12, y: (PLOT.top + bottom) / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${(PLOT.top + bottom) / 2})` }, "loss L"));

  const trained = losses.map((v, i) => `${x(i)},${y(v)}`).join(" ");
  const line = svg("polyline", { class: "net-chart-line", points: trained });
  const after = svg("line", { class: "net-chart-after", x1: x(steps - 1), y1: y(losses[steps - 1]), x2: x(steps), y2: y(finalLoss) });
  const dots = svg("g", { class: "net-chart-points" });
  const dot = (i, value, name, index) => {
    const circle = svg("circle", { cx: x(i), cy: y(value), r: count > 60 ? 2 : 3.5 }, svg("title", {}, `${name} = ${formatNumber(value)}`));
    circle.dataset.index = index;
    circle.dataset.value = fullNumber(value);
    return circle;
  };
  losses.forEach((value, i) => dots.append(dot(i, value, `losses[${i}], step ${i}`, String(i))));
  const last = dot(steps, finalLoss, "final_loss, after the last step", "");
  last.classList.add("is-final");
  dots.append(last);
  chart.append(axes, line, after, dots);
  figure.append(chart, caption);
  return figure;
}
