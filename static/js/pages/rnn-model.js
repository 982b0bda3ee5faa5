/**
 * One recurrent-network result as the page uses it: the API's answer, the weights that were sent,
 * and the names of its arrays. An array is named by its path in the answer, as its grid's
 * `data-matrix` says: `grad_W`, `steps[2].h` (step t = 3: the list is 0-based, t is 1-based as
 * the chapter writes it), `steps[2].contribution.grad_U`, `updated.W`; the weights `U`, `W`, `V`,
 * `b`, `c` are the request's.
 */

/** The weights and their gradients, in the order of Fig. 9.10's cell. */
export const WEIGHTS = ["U", "W", "V", "b", "c"];

/**
 * The key of one cell: its array's path and its index in that array.
 * @param {string} path
 * @param {number[]} index
 */
export function cellKey(path, index) {
  return `${path}:${index.join(",")}`;
}

/**
 * The path of a field of step `s` (0-based).
 * @param {number} s
 * @param {string} field
 */
export function stepPath(s, field) {
  return `steps[${s}].${field}`;
}

/**
 * A path split into its step (0-based, or null) and the field within.
 * @param {string} path
 * @returns {{s: number|null, field: string}}
 */
export function parsePath(path) {
  const match = /^steps\[(\d+)\]\.(.+)$/.exec(path);
  return match ? { s: Number(match[1]), field: match[2] } : { s: null, field: path };
}

/** One answer of the API with the request behind it; arrays are looked up by path. */
export class RnnModel {
  /**
   * @param {Record<string, any>} body the request that was sent
   * @param {Record<string, any>} data the API's answer
   */
  constructor(body, data) {
    this.body = body;
    this.data = data;
    const { T, d_in, d_h, d_out } = data.sizes;
    Object.assign(this, { T, dIn: d_in, dH: d_h, dOut: d_out });
    /** @type {any[]} */
    this.steps = data.steps;
    this.weights = { U: body.U, W: body.W, V: body.V, b: body.b, c: body.c };
    this.hidden = data.hidden_activation;
    this.output = data.output_activation;
    this.loss = data.loss_name;
    /** @type {number|null} */
    this.truncation = data.truncation;
    /** @type {number|null} */
    this.learningRate = data.learning_rate;
    this.spectrum = data.spectrum;
  }

  /** Whether the loss is taken on the scores oᵗ with σ₂ folded in (its gradient is ỹᵗ − yᵗ). */
  get combined() {
    return this.loss === "cross_entropy" || this.loss === "bce";
  }

  /**
   * The array at `path`: a number, a vector or a matrix.
   * @param {string} path
   * @returns {any}
   */
  array(path) {
    const { s, field } = parsePath(path);
    if (s !== null) return field.split(".").reduce((value, key) => value[key], this.steps[s]);
    if (field in this.weights) return this.weights[field];
    return field.split(".").reduce((value, key) => value[key], this.data);
  }

  /**
   * The number at `index` of the array at `path`.
   * @param {string} path
   * @param {number[]} index
   * @returns {number}
   */
  value(path, index) {
    return index.reduce((value, i) => value[i], this.array(path));
  }

  /**
   * The size of a vector field of a step: d_in, d_h or d_out.
   * @param {string} field
   */
  sizeOf(field) {
    if (field === "x") return this.dIn;
    if (["o", "y_hat", "y", "grad_o", "grad_y_hat"].includes(field)) return this.dOut;
    return this.dH;
  }

  /** Steps (1-based) where truncation cuts the flow from step t+1 into hᵗ. */
  get cuts() {
    return this.steps.filter((step) => step.cut).map((step) => step.t);
  }
}
