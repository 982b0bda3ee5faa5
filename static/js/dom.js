/**
 * Small builders for the DOM the views draw: an element with its class and children, and the
 * few kinds every view uses. Text goes in as text nodes, never as markup.
 */

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
