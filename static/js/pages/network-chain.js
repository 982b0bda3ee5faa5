/**
 * The chain of Fig. 9.2 as boxes: the input, each layer, the loss. Between two boxes a blue
 * arrow carries Oⁿ forward (it is Iⁿ⁺¹) and a red arrow carries ∂L/∂Iⁿ⁺¹ back (it is ∂L/∂Oⁿ).
 * Each box links to its panel; the timeline lights the box and the arrow of the current step.
 */

import { formatNumber } from "../number-format.js";
import { superscript } from "./network-form.js";
import { typeInfo } from "./network-request.js";

const SVG = "http://www.w3.org/2000/svg";

/** @typedef {"future"|"current"|"done"} PartState */

/**
 * An arrow pointing right (forward) or left (backward), drawn in a 48 × 12 box.
 * @param {boolean} forward
 */
function arrowSvg(forward) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 48 12");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", forward ? "M2 6H42M36 1.5L44 6L36 10.5" : "M46 6H6M12 1.5L4 6L12 10.5");
  svg.append(path);
  return svg;
}

/**
 * An arrow with what it carries, e.g. "O¹" forward or "∂L/∂I²" back.
 * @param {boolean} forward
 * @param {string} label
 */
function arrow(forward, label) {
  const element = document.createElement("span");
  element.className = `net-arrow net-arrow-${forward ? "forward" : "backward"}`;
  const text = document.createElement("span");
  text.className = "net-arrow-label";
  text.textContent = label;
  element.append(arrowSvg(forward), text);
  return element;
}

/**
 * @param {string} className
 * @param {...(Node|string)} children
 */
function item(className, ...children) {
  const li = document.createElement("li");
  li.className = className;
  li.append(...children);
  return li;
}

/** @param {number[]} shape */
function shapeText(shape) {
  return shape.join("×");
}

export class ChainView {
  /**
   * @param {Record<string, any>} data the API's answer
   */
  constructor(data) {
    const layers = data.first_step.layers;
    const count = layers.length;
    this.element = document.createElement("nav");
    this.element.className = "net-chain-wrap";
    this.element.setAttribute("aria-label", "The chain of layers, Fig. 9.2");
    const list = document.createElement("ol");
    list.className = "net-chain";
    /** @type {HTMLElement[]} boxes: input, layers 1…N, loss */
    this.boxes = [];
    /** @type {{forward: HTMLElement, backward: HTMLElement}[]} links: after the input, after each layer */
    this.links = [];

    const box = (href, title, detail) => {
      const a = document.createElement("a");
      a.className = "net-box";
      a.setAttribute("href", href);
      const name = document.createElement("span");
      name.className = "net-box-title";
      name.textContent = title;
      const small = document.createElement("span");
      small.className = "net-box-detail";
      small.textContent = detail;
      a.append(name, small);
      this.boxes.push(a);
      return item("net-node", a);
    };
    const link = (k) => {
      // Between box k and k + 1: Oᵏ forward (Iᵏ⁺¹), ∂L/∂Iᵏ⁺¹ backward (∂L/∂Oᵏ).
      const forward = arrow(true, k === 0 ? "I¹" : `O${superscript(k)}`);
      const backward = arrow(false, k === count ? `∂L/∂O${superscript(count)}` : `∂L/∂I${superscript(k + 1)}`);
      this.links.push({ forward, backward });
      const li = item("net-link", forward, backward);
      li.setAttribute("aria-hidden", "true");
      return li;
    };

    list.append(box("#layer-1", "Input I¹", shapeText(layers[0].input_shape)));
    layers.forEach((layer, i) => {
      list.append(link(i));
      list.append(box(`#layer-${i + 1}`, `${i + 1} ${typeInfo(layer.type)?.title ?? layer.type}`, shapeText(layer.output_shape)));
    });
    list.append(link(count), box("#loss", `Loss ${data.loss_name}`, `L = ${formatNumber(data.first_step.loss)}`));
    this.element.append(list);
  }

  /**
   * Light the boxes and arrows for one step.
   * @param {(box: number) => PartState} boxState box 0 is the input, N + 1 the loss
   * @param {(link: number, forward: boolean) => PartState} linkState link k joins box k and k + 1
   */
  draw(boxState, linkState) {
    this.boxes.forEach((box, k) => (box.dataset.state = boxState(k)));
    this.links.forEach(({ forward, backward }, k) => {
      forward.dataset.state = linkState(k, true);
      backward.dataset.state = linkState(k, false);
    });
    // A long chain scrolls sideways: keep the current box in sight.
    const current = this.boxes.find((box) => box.dataset.state === "current");
    const wrap = this.element;
    if (!current || wrap.scrollWidth <= wrap.clientWidth) return;
    const left = current.offsetLeft;
    const right = left + current.offsetWidth;
    if (left < wrap.scrollLeft || right > wrap.scrollLeft + wrap.clientWidth) {
      wrap.scrollLeft = left - (wrap.clientWidth - current.offsetWidth) / 2;
    }
  }
}
