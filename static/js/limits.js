/**
 * The API's documented limits (app/api/limits.py), for the pages' own geometry: an editor is
 * resized to follow the settings only while the settings are ones the API accepts, so a typo
 * such as padding 1000 never builds a grid of a million inputs. Refusing stays the API's job.
 */

export const MAX_SIDE = 64; // rows or columns of an input, gradient or target
export const MAX_CHANNELS = 8;
export const MAX_KERNELS = 8;
export const MAX_KERNEL_SIDE = 7;
export const MAX_STRIDE = 16;
export const MAX_PADDING = 16; // per side
export const MAX_DILATION = 8;
export const MAX_POOL_SIDE = 64; // rows or columns of a pooling window
export const MAX_VECTOR = 4096; // elements of a vector

/**
 * @typedef {object} Window the settings of a sliding window, as whole numbers per axis
 * @property {[number, number]} size the window's (or kernel's) rows and columns
 * @property {[number, number]} [stride] default the window's size (pooling's default), which is
 *   not held to MAX_STRIDE: only a stride that was typed is
 * @property {[number, number, number, number]} sides padding: top, bottom, left, right
 * @property {[number, number]} [dilation] default 1, 1
 * @property {number} [maxSize] the largest side a window may have, default MAX_KERNEL_SIDE
 */

const within = (values, lo, hi) => values.every((n) => Number.isInteger(n) && n >= lo && n <= hi);

/**
 * The output's [rows, columns] when a window slides over a `rows` × `cols` map: the chapter's
 * ⌊(n − k + p + s)/s⌋ with the dilated span d·(k − 1) + 1. Null when a setting is outside what
 * the API accepts, or when the output would be empty or larger than MAX_SIDE on a side.
 * @param {number} rows
 * @param {number} cols
 * @param {Window} window
 * @returns {[number, number]|null}
 */
export function slidingOutput(rows, cols, { size, stride: typed, sides, dilation = [1, 1], maxSize = MAX_KERNEL_SIDE }) {
  if (!within(size, 1, maxSize) || (typed && !within(typed, 1, MAX_STRIDE)) || !within(sides, 0, MAX_PADDING) || !within(dilation, 1, MAX_DILATION))
    return null;
  const stride = typed ?? size;
  const padding = [sides[0] + sides[1], sides[2] + sides[3]];
  const out = [rows, cols].map((n, axis) => {
    const span = dilation[axis] * (size[axis] - 1) + 1;
    return Math.floor((n - span + padding[axis] + stride[axis]) / stride[axis]);
  });
  return out.every((n) => n >= 1 && n <= MAX_SIDE) ? /** @type {[number, number]} */ (out) : null;
}
