/**
 * Numbers kept off the page until the learner asks for them: the results a quiz link hides
 * (`&hide=grad_input`) and the result being answered in "Check my answer".
 *
 * Every drawn result's cells carry their full number in `data-value` as soon as the result
 * arrives: that is the pages' DOM contract. A withheld cell is the one deliberate exception. It
 * is drawn, so the grid keeps its shape and the cell can be focused and revealed, but neither its
 * text, its title nor a `data-value` holds the number until it is revealed; `data-withheld` marks
 * it. The number stays in the page's memory (the API's answer), never in the document, so
 * reading the page, selecting all its text or searching it does not give the answer away.
 *
 * Fields are named as `data-matrix` names them (`grad_input`, `steps[2].grad_h`); the pattern
 * `steps[].grad_h` stands for that field of every step. A cell is its field and its `data-index`.
 */

/** @type {Set<string>} patterns of the fields withheld */
const hidden = new Set();
/** @type {Set<string>} patterns revealed whole */
const revealedPatterns = new Set();
/** @type {Set<string>} cells revealed one by one, by `cellName` */
const revealedCells = new Set();
/** @type {Set<() => void>} */
const listeners = new Set();

/**
 * A field's name with every step index left out: `steps[2].grad_h` → `steps[].grad_h`.
 * @param {string} field
 */
export function stepless(field) {
  return field.replace(/\[\d+\]/g, "[]");
}

/**
 * Whether `pattern` names `field`: itself, or the same field of every step.
 * @param {string} pattern
 * @param {string} field
 */
export function namesField(pattern, field) {
  return pattern === field || pattern === stepless(field);
}

/** @param {string} field @param {number[]} index */
function cellName(field, index) {
  return `${field}:${index.join(",")}`;
}

/**
 * Withhold exactly these fields. A field newly listed starts withheld in every cell, even if it
 * was revealed before; one still listed keeps what was revealed of it; one left out is shown.
 * @param {Iterable<string>} patterns
 * @returns {boolean} whether some field is newly withheld (drawn numbers must then be taken away)
 */
export function setHidden(patterns) {
  const next = new Set(patterns);
  let added = false;
  for (const pattern of next) {
    if (hidden.has(pattern)) continue;
    added = true;
    for (const cell of [...revealedCells]) if (namesField(pattern, cell.slice(0, cell.lastIndexOf(":")))) revealedCells.delete(cell);
  }
  for (const pattern of [...hidden]) {
    if (!next.has(pattern)) {
      hidden.delete(pattern);
      revealedPatterns.delete(pattern);
    }
  }
  next.forEach((pattern) => hidden.add(pattern));
  notify();
  return added;
}

/**
 * Whether the numbers of `field` are withheld (single cells of it may have been revealed).
 * @param {string} field a `data-matrix` name
 */
export function isHidden(field) {
  for (const pattern of hidden) if (!revealedPatterns.has(pattern) && namesField(pattern, field)) return true;
  return false;
}

/**
 * Whether some step's `family` field is withheld, e.g. `steps[].grad_h` for any step.
 * @param {string} family a stepless name
 */
export function hidesAnyOf(family) {
  for (const pattern of hidden) if (!revealedPatterns.has(pattern) && stepless(pattern) === family) return true;
  return false;
}

/**
 * Whether one cell's number is withheld. A cell drawn beside the array (padding, no index) is
 * withheld with its field.
 * @param {string} field
 * @param {number[]|null} index its `data-index`
 */
export function isWithheld(field, index) {
  return isHidden(field) && !(index && revealedCells.has(cellName(field, index)));
}

/**
 * Show one cell's number wherever the cell is drawn.
 * @param {string} field
 * @param {number[]} index
 */
export function revealCell(field, index) {
  revealedCells.add(cellName(field, index));
  notify();
}

/**
 * Show the whole of these fields (patterns as given to `setHidden`).
 * @param {Iterable<string>} patterns
 */
export function revealFields(patterns) {
  for (const pattern of patterns) if (hidden.has(pattern)) revealedPatterns.add(pattern);
  notify();
}

/** @returns {string[]} the patterns still withheld, in the order they were listed */
export function stillHidden() {
  return [...hidden].filter((pattern) => !revealedPatterns.has(pattern));
}

/**
 * Be told after every change: grids put back the numbers no longer withheld.
 * @param {() => void} listener
 */
export function onWithheldChange(listener) {
  listeners.add(listener);
}

function notify() {
  listeners.forEach((listener) => listener());
}
