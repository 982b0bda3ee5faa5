/**
 * A page's state in its URL query, so that a link reproduces the same view, and the "Copy link"
 * button that hands the link on.
 *
 * The share-link format: a matrix is written with rows separated by `;` and cells by `,`
 * (`1,2,3;4,5,6`), channels of a 3-D array by `|`, kernels of a 4-D array by `/`; a list such
 * as `[a,b]` is `a,b`; every other field is its text. The separators are written raw; anything
 * inside a cell is percent-encoded, so a cell never splits into two on the way back.
 * Decoding yields plain strings and arrays of strings: a link is data, never markup.
 */

/** Separators from the innermost axis outwards. */
const SEPARATORS = [",", ";", "|", "/"];

/**
 * @typedef {object} Codec
 * @property {(raw: string) => any} decode  raw (still percent-encoded) query value → page value
 * @property {(value: any) => (string|null)} encode  page value → raw query value; null leaves it out
 */

/**
 * `decodeURIComponent` that keeps malformed escapes as they are instead of throwing.
 * @param {string} raw
 * @returns {string}
 */
export function safeDecode(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** @param {string} text */
function encodeCell(text) {
  return encodeURIComponent(text);
}

/**
 * A nested array of strings with exactly `depth` levels, rectangular, clipped to `maxShape`.
 * Short rows (or channels) are filled with empty cells, which the API then names.
 * @param {number} depth 2 (matrix), 3 (channels of matrices) or 4 (kernels of channels)
 * @param {number[]} maxShape the largest length of each axis, outermost first
 * @returns {Codec}
 */
export function tensorCodec(depth, maxShape) {
  const split = (raw, level) => {
    if (level === 0) return safeDecode(raw).trim();
    return raw
      .split(SEPARATORS[level - 1])
      .slice(0, maxShape[depth - level])
      .map((part) => split(part, level - 1));
  };
  return {
    decode: (raw) => rectangular(split(raw, depth), depth),
    encode: (value) => (value == null ? null : join(value, depth)),
  };
}

/** @param {any} value @param {number} level */
function join(value, level) {
  if (level === 0) return encodeCell(String(value));
  return value.map((item) => join(item, level - 1)).join(SEPARATORS[level - 1]);
}

/**
 * Pad every axis of a ragged nested array to its longest length with empty cells.
 * @param {any[]} value
 * @param {number} depth
 * @returns {any[]}
 */
export function rectangular(value, depth) {
  const shape = new Array(depth).fill(0);
  const measure = (v, axis) => {
    shape[axis] = Math.max(shape[axis], v.length);
    if (axis < depth - 1) v.forEach((item) => measure(item, axis + 1));
  };
  measure(value, 0);
  const fill = (v, axis) =>
    Array.from({ length: shape[axis] }, (_, i) => {
      const item = v?.[i];
      return axis === depth - 1 ? (typeof item === "string" ? item : "") : fill(item, axis + 1);
    });
  return fill(value, 0);
}

/** Free text (a number, or a list written `a,b`), trimmed; empty means absent. */
export const textCodec = {
  decode: (raw) => safeDecode(raw).trim(),
  encode: (value) => (value == null || value === "" ? null : encodeText(value)),
};

/** @param {string} text keep the list separator `,` readable */
function encodeText(text) {
  return encodeURIComponent(text).replace(/%2C/g, ",");
}

/**
 * One of a fixed set of words; anything else reads as `fallback`, which is left out of the link.
 * @param {string[]} values
 * @param {string} fallback
 * @returns {Codec}
 */
export function choiceCodec(values, fallback) {
  return {
    decode: (raw) => {
      const text = safeDecode(raw).trim();
      return values.includes(text) ? text : fallback;
    },
    encode: (value) => (value === fallback || !values.includes(value) ? null : value),
  };
}

/**
 * A whole number in [min, max]; anything else reads as null (absent).
 * @param {number} min
 * @param {number} max
 * @returns {Codec}
 */
export function integerCodec(min, max) {
  return {
    decode: (raw) => {
      const text = safeDecode(raw).trim();
      const n = Number(text);
      return /^\d+$/.test(text) && n >= min && n <= max ? n : null;
    },
    encode: (value) => (value == null ? null : String(value)),
  };
}

/**
 * The raw (still percent-encoded) values of a query string, first occurrence of each name.
 * `+` stays a plus sign, so `1e+21` survives a hand-typed link.
 * @param {string} search e.g. `location.search`
 * @returns {Map<string, string>}
 */
export function rawQuery(search) {
  const values = new Map();
  for (const pair of search.replace(/^\?/, "").split("&")) {
    if (!pair) continue;
    const at = pair.indexOf("=");
    const name = safeDecode(at < 0 ? pair : pair.slice(0, at));
    if (!values.has(name)) values.set(name, at < 0 ? "" : pair.slice(at + 1));
  }
  return values;
}

/**
 * Read the fields of `schema` from a query string; absent fields are undefined.
 * @param {Record<string, Codec>} schema field name → codec
 * @param {string} search
 * @returns {Record<string, any>}
 */
export function readQuery(schema, search) {
  const raw = rawQuery(search);
  const state = {};
  for (const [name, codec] of Object.entries(schema)) {
    if (raw.has(name)) state[name] = codec.decode(raw.get(name));
  }
  return state;
}

/**
 * The query string (without `?`) for `state`, fields in the schema's order.
 * @param {Record<string, Codec>} schema
 * @param {Record<string, any>} state
 * @returns {string}
 */
export function toQuery(schema, state) {
  const parts = [];
  for (const [name, codec] of Object.entries(schema)) {
    const encoded = codec.encode(state[name]);
    if (encoded != null) parts.push(`${name}=${encoded}`);
  }
  return parts.join("&");
}

/**
 * Put `state` in the address bar without reloading or adding a history entry.
 * @param {Record<string, Codec>} schema
 * @param {Record<string, any>} state
 * @returns {string} the new URL
 */
export function writeQuery(schema, state) {
  const query = toQuery(schema, state);
  const url = `${location.pathname}${query ? `?${query}` : ""}`;
  if (url !== `${location.pathname}${location.search}`) history.replaceState(null, "", url);
  return location.href;
}

/**
 * Show the "Copy link" button: it puts the page's current link on the clipboard.
 * @param {() => void} writeLink brings the address bar up to date first
 */
export function setUpCopyLink(writeLink) {
  const button = document.getElementById("copy-link");
  const said = document.getElementById("copy-status");
  if (!button || !said) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    writeLink();
    try {
      await navigator.clipboard.writeText(location.href);
      said.textContent = "Link copied: it opens this exact view.";
    } catch {
      said.textContent = `Copy this link: ${location.href}`;
    }
  });
}
