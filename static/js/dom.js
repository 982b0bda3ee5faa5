/**
 * Small helpers for the DOM the views draw: an element with its class and children, the few
 * kinds every view uses, and scrolling that heeds a wish for reduced motion. Text goes in as
 * text nodes, never as markup.
 */

const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");

/**
 * @param {string} tag
 * @param {string} className none when empty
 * @param {...(Node|string)} children
 * @returns {HTMLElement}
 */
export function element(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

/** @param {string} className @param {...(Node|string)} children */
export const span = (className, ...children) => element("span", className, ...children);

/** @param {string} className @param {...(Node|string)} children */
export const paragraph = (className, ...children) => element("p", className, ...children);

/**
 * A button that does `action` when clicked (never a form's submit button).
 * @param {string} text
 * @param {() => void} action
 * @param {string} [className]
 * @returns {HTMLButtonElement}
 */
export function button(text, action, className = "") {
  const node = /** @type {HTMLButtonElement} */ (element("button", className, text));
  node.type = "button";
  node.addEventListener("click", action);
  return node;
}

/** Whether motion is welcome: the learner has not asked the system to reduce it. */
export const smoothMotion = () => !reducedMotion.matches;

/**
 * Scroll `target` into view, smoothly unless the learner asked for reduced motion.
 * @param {Element} target
 * @param {ScrollIntoViewOptions} where `block` and `inline`
 */
export function bringIntoView(target, where) {
  target.scrollIntoView({ ...where, behavior: smoothMotion() ? "smooth" : "auto" });
}
