/**
 * One convolution result as the page uses it: every array of the API's answer in its canonical
 * shape (C × H × W, kernels C_out × C_in × k_h × k_w, biases as lists), the layer's geometry,
 * and the per-cell expansions keyed by cell. Indices here are canonical and 0-based; the API's
 * own nesting (a plain matrix in, a plain matrix out) is kept for `data-index`.
 */

/** How many axes each field has in canonical form, and whose plainness it follows. */
const KINDS = {
  input: ["input", 3],
  padded_input: ["input", 3],
  grad_padded_input: ["input", 3],
  grad_input: ["input", 3],
  kernel: ["kernel", 4],
  sliding_kernel: ["kernel", 4],
  grad_kernel: ["kernel", 4],
  rotated_kernel: ["kernel", 4],
  updated_kernel: ["kernel", 4],
  output: ["kernel", 3],
  grad_output: ["kernel", 3],
  target: ["kernel", 3],
  upsampled_grad: ["kernel", 3],
  padded_upsampled_grad: ["kernel", 3],
  bias: ["bias", 1],
  grad_bias: ["bias", 1],
  updated_bias: ["bias", 1],
};

/** @param {any} value @returns {number} */
function depthOf(value) {
  let depth = 0;
  for (let v = value; Array.isArray(v); v = v[0]) depth += 1;
  return depth;
}

/**
 * Wrap `value` in leading length-1 axes until it has `depth` axes.
 * @param {any} value
 * @param {number} depth
 */
export function canonical(value, depth) {
  let result = value;
  for (let d = depthOf(value); d < depth; d += 1) result = [result];
  return result;
}

/**
 * The key of one cell: field and canonical index.
 * @param {string} field
 * @param {number[]} index
 */
export function cellKey(field, index) {
  return `${field}:${index.join(",")}`;
}

/** @param {number|number[]|undefined} value @param {number} fallback @returns {[number, number]} */
function asPair(value, fallback) {
  if (value === undefined) return [fallback, fallback];
  return Array.isArray(value) ? [value[0], value[1]] : [value, value];
}

/** @param {number|number[]|undefined} value @returns {[number, number, number, number]} top, bottom, left, right */
function asSides(value) {
  if (value === undefined) return [0, 0, 0, 0];
  if (!Array.isArray(value)) return [value, value, value, value];
  if (value.length === 2) return [value[0], value[0], value[1], value[1]];
  return [value[0], value[1], value[2], value[3]];
}

/**
 * @typedef {{field: string, index: number[], value: number}} Operand
 * @typedef {{value: number, bias: number|null, terms: {left: Operand, right: Operand}[]}} CellTerms
 */

export class ConvModel {
  /**
   * @param {Record<string, any>} body the request that was sent
   * @param {Record<string, any>} data the API's answer
   */
  constructor(body, data) {
    this.body = body;
    this.data = data;
    this.plain = { input: depthOf(body.input) === 2, kernel: depthOf(body.kernel) === 2, bias: !Array.isArray(body.bias) };
    /** @type {Record<string, any>} */
    this.arrays = {};
    const sources = { ...data, input: body.input, kernel: body.kernel, bias: body.bias, target: body.target };
    for (const [field, [, depth]] of Object.entries(KINDS)) {
      const value = sources[field];
      if (value !== undefined && value !== null) this.arrays[field] = canonical(value, depth);
    }
    const [cOut, cIn, kh, kw] = [
      this.arrays.kernel.length,
      this.arrays.kernel[0].length,
      this.arrays.kernel[0][0].length,
      this.arrays.kernel[0][0][0].length,
    ];
    Object.assign(this, { cIn, cOut });
    this.kernelSize = [kh, kw];
    this.span = [data.output_size.h.k_effective, data.output_size.w.k_effective];
    this.stride = asPair(body.stride, 1);
    this.dilation = asPair(body.dilation, 1);
    this.padding = asSides(body.padding);
    this.mode = body.mode ?? "cross_correlation";
    this.learningRate = body.learning_rate ?? null;
    this.outSize = [data.output_size.h.out, data.output_size.w.out];
    this.paddedSize = [this.arrays.padded_input[0].length, this.arrays.padded_input[0][0].length];
    this.upsampledSize = [this.arrays.upsampled_grad[0].length, this.arrays.upsampled_grad[0][0].length];
    this.uncovered = { rows: new Set(data.output_size.h.uncovered), cols: new Set(data.output_size.w.uncovered) };
    this.termsOmitted = data.terms_omitted;
    /** @type {Map<string, CellTerms>} */
    this.terms = new Map();
    this.addTerms(data.terms ?? []);
  }

  /** Whether padding was added on any side. */
  get padded() {
    return this.padding.some((p) => p > 0);
  }

  /** Whether the kernel slides as typed (no flip, no dilation). */
  get slidesAsTyped() {
    return this.mode === "cross_correlation" && this.dilation[0] === 1 && this.dilation[1] === 1;
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
   * The API's index of a cell (its own nesting: a plain matrix has a 2-number index).
   * @param {string} field
   * @param {number[]} index canonical
   */
  apiIndex(field, index) {
    const [kind] = KINDS[field];
    if (kind === "bias") return this.plain.bias ? [] : index;
    return this.plain[kind] ? index.slice(-2) : index;
  }

  /**
   * A canonical index from the API's nesting.
   * @param {string} field
   * @param {number[]} index
   */
  canonicalIndex(field, index) {
    const depth = KINDS[field][1];
    return [...new Array(depth - index.length).fill(0), ...index];
  }

  /**
   * Store expansions from the API (`terms` of an answer), keyed by canonical cell.
   * @param {any[]} cells
   */
  addTerms(cells) {
    const operand = (o) => ({ field: o.field, index: this.canonicalIndex(o.field, o.index), value: o.value });
    for (const cell of cells) {
      this.terms.set(cellKey(cell.result, this.canonicalIndex(cell.result, cell.index)), {
        value: cell.value,
        bias: cell.bias,
        terms: cell.terms.map((t) => ({ left: operand(t.left), right: operand(t.right) })),
      });
    }
  }

  /**
   * How a row (axis 0) or column (axis 1) of the upsampled gradient came about.
   * @param {number} axis
   * @param {number} position
   * @returns {"value"|"inserted"|"fill"}
   */
  upsampledRole(axis, position) {
    const s = this.stride[axis];
    if (position % s !== 0) return position > (this.outSize[axis] - 1) * s ? "fill" : "inserted";
    return position / s < this.outSize[axis] ? "value" : "fill";
  }

  /**
   * Whether a tap of the sliding kernel (axis 0 or 1) is a gap that dilation inserted.
   * @param {number} axis
   * @param {number} position
   */
  isGap(axis, position) {
    return position % this.dilation[axis] !== 0;
  }
}
