/**
 * The recurrent network page's state: what its share link holds, and the API request it makes.
 * Matrices are kept as the text the user typed (vectors as one-row matrices); turning text into
 * numbers happens here, and anything that is not a plain number is sent as it is, so the API
 * names what is wrong with it.
 *
 * The sizes tie the arrays together (SPEC §5): x is T × d_in, y is T × d_out, U is d_h × d_in,
 * W is d_h × d_h, V is d_out × d_h, b and h⁰ have d_h numbers, c has d_out.
 */

import { fitGrid } from "../matrix-editor.js";
import { choiceCodec, integerCodec, rawQuery, safeDecode, tensorCodec, textCodec } from "../state.js";
import { cellValue, numbers } from "../typed-numbers.js";

export const MAX_STEPS = 64;
export const MAX_SIZE = 16;
export const HIDDEN_ACTIVATIONS = ["tanh", "relu", "sigmoid"];
export const OUTPUT_ACTIVATIONS = ["identity", "softmax", "sigmoid"];
export const LOSSES = ["mse", "half_sse", "cross_entropy", "bce"];

/** The matrices of the request, in the order the link writes them. */
const MATRICES = ["x", "y", "U", "W", "V"];
/** The vectors, each edited as a one-row matrix; absent means zeros. */
const VECTORS = ["b", "c", "h0"];

/** Which size each axis of each array is (a vector's only axis is its columns). */
const AXES = {
  x: ["T", "d_in"],
  y: ["T", "d_out"],
  U: ["d_h", "d_in"],
  W: ["d_h", "d_h"],
  V: ["d_out", "d_h"],
  b: [null, "d_h"],
  c: [null, "d_out"],
  h0: [null, "d_h"],
};

/** The fields of a share link, in the order they are written. */
export const LINK_SCHEMA = {
  x: tensorCodec(2, [MAX_STEPS, MAX_SIZE]),
  y: tensorCodec(2, [MAX_STEPS, MAX_SIZE]),
  U: tensorCodec(2, [MAX_SIZE, MAX_SIZE]),
  W: tensorCodec(2, [MAX_SIZE, MAX_SIZE]),
  V: tensorCodec(2, [MAX_SIZE, MAX_SIZE]),
  b: tensorCodec(2, [1, MAX_SIZE]),
  c: tensorCodec(2, [1, MAX_SIZE]),
  h0: tensorCodec(2, [1, MAX_SIZE]),
  hidden_activation: choiceCodec(HIDDEN_ACTIVATIONS, "tanh"),
  output_activation: choiceCodec(OUTPUT_ACTIVATIONS, "identity"),
  loss: choiceCodec(LOSSES, "mse"),
  truncation: textCodec,
  learning_rate: textCodec,
  step: integerCodec(1, 1e6),
};

/** The choices of the link: the words each takes, what it is called, and what stands in for anything else. */
const CHOICES = {
  hidden_activation: [HIDDEN_ACTIVATIONS, "hidden activation", "tanh"],
  output_activation: [OUTPUT_ACTIVATIONS, "output activation", "identity"],
  loss: [LOSSES, "loss", "mse"],
};

/** What each axis holds, for a note on what a link had too many of. */
const AXIS_WORDS = { T: ["steps", MAX_STEPS], d_in: ["inputs", MAX_SIZE], d_h: ["hidden units", MAX_SIZE], d_out: ["outputs", MAX_SIZE] };

/**
 * @typedef {{T: number, d_in: number, d_h: number, d_out: number}} Sizes
 * @typedef {object} RnnState
 * @property {string[][]} x
 * @property {string[][]} y
 * @property {string[][]} U
 * @property {string[][]} W
 * @property {string[][]} V
 * @property {string[][]} b one row
 * @property {string[][]} c one row
 * @property {string[][]} h0 one row
 * @property {string} hidden_activation
 * @property {string} output_activation
 * @property {string} loss
 * @property {string} truncation k, or empty for the full backward pass
 * @property {string} learning_rate
 * @property {number|null} step 1-based timeline step; null shows everything
 */

/** The API's tiny preset: three steps, one input, two hidden units, one output. */
const TINY = {
  x: [["1"], ["0.5"], ["-1"]],
  y: [["0.5"], ["0.25"], ["-0.5"]],
  U: [["0.5"], ["-0.3"]],
  W: [["0.1", "0.4"], ["-0.2", "0.3"]],
  V: [["1", "-0.5"]],
  b: [["0", "0.1"]],
  hidden_activation: "tanh",
  output_activation: "identity",
  loss: "half_sse",
  learning_rate: "0.1",
};

/**
 * The sizes the arrays of `state` say, read from the first array that has each axis.
 * @param {Partial<RnnState>} state
 * @returns {Partial<Sizes>}
 */
function sizesFrom(state) {
  /** @type {Record<string, number>} */
  const sizes = {};
  for (const field of [...MATRICES, ...VECTORS]) {
    const grid = state[field];
    if (!grid) continue;
    AXES[field].forEach((axis, k) => {
      if (axis && sizes[axis] === undefined) sizes[axis] = k === 0 ? grid.length : grid[0].length;
    });
  }
  return sizes;
}

/**
 * The sizes of `state` (x gives T and d_in, U gives d_h, V gives d_out).
 * @param {RnnState} state
 * @returns {Sizes}
 */
export function sizesOf(state) {
  return { T: state.x.length, d_in: state.x[0].length, d_h: state.U.length, d_out: state.V.length };
}

/**
 * `grid` cut or extended to the shape `field` has at `sizes`, new cells "0".
 * @param {string} field
 * @param {string[][]} grid
 * @param {Sizes} sizes
 */
function fitted(field, grid, sizes) {
  const [rows, cols] = AXES[field];
  return fitGrid(grid, rows ? sizes[rows] : 1, sizes[cols], "0");
}

/**
 * The page state a query string describes. A link without any array opens the tiny preset;
 * arrays a link leaves out are made to fit the ones it gives (zeros where there is nothing).
 * @param {Record<string, any>} query what `readQuery(LINK_SCHEMA, …)` found
 * @returns {RnnState}
 */
export function stateFromQuery(query) {
  const given = [...MATRICES, ...VECTORS].some((field) => query[field]);
  const source = given ? query : { ...structuredClone(TINY), ...query };
  const sizes = { T: 3, d_in: 1, d_h: 2, d_out: 1, ...sizesFrom(source) };
  /** @type {Record<string, any>} */
  const state = {};
  for (const field of [...MATRICES, ...VECTORS]) state[field] = source[field] ?? fitted(field, [], sizes);
  return /** @type {RnnState} */ ({
    ...state,
    hidden_activation: source.hidden_activation ?? "tanh",
    output_activation: source.output_activation ?? "identity",
    loss: source.loss ?? "mse",
    truncation: source.truncation ?? "",
    learning_rate: source.learning_rate ?? "",
    step: query.step ?? null,
  });
}

/**
 * `state` with every array fitted to `sizes`, keeping the numbers that still fit.
 * @param {RnnState} state
 * @param {Sizes} sizes
 * @returns {RnnState}
 */
export function resized(state, sizes) {
  const next = { ...state };
  for (const field of [...MATRICES, ...VECTORS]) next[field] = fitted(field, state[field], sizes);
  return next;
}

/**
 * After `field` changed shape in an editor, fit the other arrays to the sizes it now says:
 * a new row of x is a new step, so y gets one too; a new row of U is a new hidden unit, so W,
 * V, b and h⁰ grow with it.
 * @param {RnnState} before
 * @param {RnnState} after `before` with `field` edited
 * @param {string} field
 * @returns {RnnState}
 */
export function followShape(before, after, field) {
  const [rowAxis, colAxis] = AXES[field];
  const grid = after[field];
  const old = before[field];
  const sizes = sizesOf(before);
  if (rowAxis && grid.length !== old.length) sizes[rowAxis] = grid.length;
  if (grid[0].length !== old[0].length) sizes[colAxis] = grid[0].length;
  if (rowAxis === colAxis && grid.length !== grid[0].length) sizes[colAxis] = grid.length !== old.length ? grid.length : grid[0].length;
  const next = resized(after, sizes);
  next[field] = fitted(field, grid, sizes);
  return next;
}

/**
 * What goes in the share link: vectors of zeros are left out (they are the API's default).
 * @param {RnnState} state
 * @returns {Record<string, any>}
 */
export function linkFields(state) {
  const link = { ...state };
  for (const field of VECTORS) if (state[field][0].every((cell) => cellValue(cell) === 0)) link[field] = null;
  return link;
}

/**
 * The body of `POST /api/v1/rnn` for `state`.
 * @param {RnnState} state
 * @returns {Record<string, any>}
 */
export function requestBody(state) {
  /** @type {Record<string, any>} */
  const body = {};
  for (const field of MATRICES) body[field] = numbers(state[field]);
  for (const field of VECTORS) body[field] = state[field][0].map(cellValue);
  body.hidden_activation = state.hidden_activation;
  body.output_activation = state.output_activation;
  body.loss = state.loss;
  for (const field of ["truncation", "learning_rate"]) {
    if (state[field].trim() !== "") body[field] = cellValue(state[field]);
  }
  return body;
}

/**
 * What the page could not take from a link as written, by field: a word it does not know (the
 * default stands in) or more rows or numbers than the limits (the rest is left out). The link's
 * own text is quoted as text, shortened when long.
 * @param {string} search e.g. `location.search`
 * @returns {Map<string, string>}
 */
export function linkNotes(search) {
  const raw = rawQuery(search);
  /** @type {Map<string, string>} */
  const notes = new Map();
  for (const [field, [known, words, fallback]] of Object.entries(CHOICES)) {
    if (!raw.has(field)) continue;
    const text = safeDecode(/** @type {string} */ (raw.get(field))).trim();
    if (text && !known.includes(text))
      notes.set(field, `The link asks for the ${words} ${quoted(text)}, which this page does not know (${known.join(", ")}): ${fallback} is used instead.`);
  }
  for (const field of [...MATRICES, ...VECTORS]) {
    if (!raw.has(field)) continue;
    const rows = /** @type {string} */ (raw.get(field)).split(";");
    const [rowAxis, colAxis] = AXES[field];
    const found = { rows: rows.length, cols: Math.max(...rows.map((row) => row.split(",").length)) };
    const said = [];
    if (rowAxis && found.rows > AXIS_WORDS[rowAxis][1]) said.push(tooMany(rowAxis, found.rows, "rows", "row", ""));
    if (!rowAxis && found.rows > 1) said.push(`The link gives ${found.rows} rows, but ${field} is one row: only the first was kept.`);
    if (found.cols > AXIS_WORDS[colAxis][1])
      said.push(rowAxis ? tooMany(colAxis, found.cols, "numbers in a row", "number", " of each row") : tooMany(colAxis, found.cols, "numbers", "number", ""));
    if (said.length) notes.set(field, said.join(" "));
  }
  return notes;
}

/**
 * "The link gives 65 rows, but T is at most 64 steps: row 65 was left out."
 * @param {string} axis
 * @param {number} count how many the link gives
 * @param {string} what what it gives that many of
 * @param {string} one one of them
 * @param {string} where
 */
function tooMany(axis, count, what, one, where) {
  const [words, max] = AXIS_WORDS[axis];
  const dropped = count === max + 1 ? `${one} ${count}${where} was` : `${one}s ${max + 1} to ${count}${where} were`;
  return `The link gives ${count} ${what}, but ${axis} is at most ${max} ${words}: ${dropped} left out.`;
}

/** @param {string} text a link's value, quoted and cut short for a message */
function quoted(text) {
  return `“${text.length > 40 ? `${text.slice(0, 40)}…` : text}”`;
}
