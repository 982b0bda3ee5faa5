/**
 * The equation panels of the recurrent network page, and where they sit. A panel stays in view
 * while its part scrolls: beside the content when there is room for both, else under it, stuck
 * to the bottom of the screen. On a phone that would leave little room for the numbers, so
 * there the panel folds to its title line and opens on request.
 */

import { button, element } from "../dom.js";

/** A phone: the panel starts folded. */
const phone = matchMedia("(max-width: 40rem)");

/**
 * @typedef {object} EquationDock
 * @property {HTMLElement} element the panel with its fold button, for the page
 * @property {HTMLElement} region where the equations are written
 */

/**
 * An equation panel: what is pointed at, or what the timeline is at.
 * @param {number} k the part's index
 * @returns {EquationDock}
 */
export function equationDock(k) {
  const region = element("div", "equation-panel rnn-panel");
  region.id = `rnn-panel-${k + 1}`;
  region.setAttribute("aria-live", "polite");
  region.setAttribute("role", "region");
  region.setAttribute("aria-label", `Equation, part ${k + 1}`);
  region.tabIndex = 0; // long equations scroll sideways, also by keyboard
  const dock = element("div", "rnn-panel-dock");
  const fold = button("", () => setFolded(!dock.classList.contains("is-folded")), "rnn-panel-fold");
  fold.setAttribute("aria-controls", region.id);
  const setFolded = (folded) => {
    dock.classList.toggle("is-folded", folded);
    fold.setAttribute("aria-expanded", String(!folded));
    fold.textContent = folded ? "Show the equation ▴" : "Fold the equation ▾";
  };
  setFolded(phone.matches);
  dock.append(fold, region);
  return { element: dock, region };
}

/**
 * Content and its equation panel. The unrolled network takes the width it needs first: its
 * panel goes beside it while there is room and under it otherwise, and is marked `is-beside`
 * to stick to the top of the screen rather than the bottom. The other parts keep a fixed
 * layout: side by side on a wide screen, the panel under the content otherwise.
 * @param {HTMLElement} content
 * @param {EquationDock} dock
 * @param {boolean} [fitsContent] lay out by the content's width (the unrolled network)
 */
export function withPanel(content, dock, fitsContent = false) {
  const wrap = element("div", `rnn-with-panel${fitsContent ? " is-fitted" : ""}`, content, dock.element);
  if (fitsContent) {
    fitted.set(wrap, { content, dock: dock.element });
    layout.observe(wrap);
  }
  return wrap;
}

/** The fitted layouts on the page; one taken off the page is let go when its size drops to nothing. */
const fitted = new Map();
const layout = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const { content, dock } = fitted.get(target);
    if (!target.isConnected) {
      layout.unobserve(target);
      fitted.delete(target);
    } else dock.classList.toggle("is-beside", dock.offsetLeft > content.offsetLeft);
  }
});
