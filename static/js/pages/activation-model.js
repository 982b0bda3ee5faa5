/**
 * One activation result as the page uses it: the answer's arrays in canonical shape (C × H × W),
 * ReLU's other choice at 0 from a second answer, and the sampled curve from a third. Indices are
 * canonical and 0-based; the API's own nesting is kept for `data-index`.
 */

/** @param {any} value @returns {number} */
function depthOf(value) {
  let depth = 0;
  for (let v = value; Array.isArray(v); v = v[0]) depth += 1;
  return depth;
}

const FIELDS = ["output", "local_derivative", "grad_output", "grad_input"];

export class ActivationModel {
  /**
   * @param {Record<string, any>} body the request that was sent
   * @param {Record<string, any>} data the API's answer
   * @param {{other: Record<string, any>|null, curve: {x: number[], y: number[], d: number[]}|null}} extra
   *   the answer for ReLU's other f′(0) (relu only), and the function sampled for the curves
   */
  constructor(body, data, { other, curve }) {
    this.body = body;
    this.data = data;
    this.plain = depthOf(body.input) === 2;
    const wrap = (value) => (this.plain ? [value] : value);
    /** @type {Record<string, any>} */
    this.arrays = { input: wrap(body.input) };
    for (const field of FIELDS) this.arrays[field] = wrap(data[field]);
    this.function = data.function;
    this.slope = body.negative_slope ?? 0.01;
    this.atZero = body.relu_grad_at_zero ?? 0;
    this.jacobian = data.jacobian;
    this.jacobianOmitted = data.jacobian_omitted;
    this.shape = [this.arrays.input.length, this.arrays.input[0].length, this.arrays.input[0][0].length];
    /** A single row is a vector: its cells get one subscript, as the Jacobian's do. */
    this.vector = this.shape[0] === 1 && this.shape[1] === 1;
    this.other = other && {
      atZero: other.relu_grad_at_zero ?? 1 - this.atZero,
      local_derivative: wrap(other.local_derivative),
      grad_input: wrap(other.grad_input),
    };
    this.curve = curve;
  }

  /** Every canonical index, row-major. */
  get indices() {
    const [C, H, W] = this.shape;
    const all = [];
    for (let c = 0; c < C; c += 1) for (let r = 0; r < H; r += 1) for (let k = 0; k < W; k += 1) all.push([c, r, k]);
    return all;
  }

  /** The cells whose input is exactly 0, where ReLU's choice matters. */
  get zeros() {
    return this.indices.filter((index) => this.value("input", index) === 0);
  }

  /**
   * The number in `field` at a canonical index.
   * @param {string} field
   * @param {number[]} index
   */
  value(field, index) {
    return index.reduce((block, i) => block[i], this.arrays[field]);
  }

  /**
   * The API's index of a cell (a plain matrix has a 2-number index).
   * @param {number[]} index canonical
   */
  apiIndex(index) {
    return this.plain ? index.slice(-2) : index;
  }

  /**
   * The row-major position of a cell among all of them: its row and column in the Jacobian.
   * @param {number[]} index canonical
   */
  flat([c, r, k]) {
    return (c * this.shape[1] + r) * this.shape[2] + k;
  }

  /**
   * The canonical index of the `n`-th cell in row-major order.
   * @param {number} n
   */
  unflat(n) {
    const [, H, W] = this.shape;
    return [Math.floor(n / (H * W)), Math.floor(n / W) % H, n % W];
  }
}
