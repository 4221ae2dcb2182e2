import { ShapeMismatchError } from '../errors.js';
import { assertShape, type DType, type FloatArray, type Matrix, zeros } from './matrix.js';

/** A padded matrix and its 0/1 mask, built from ragged per-sequence arrays. */
export interface Padded {
  readonly values: Matrix;
  readonly mask: Matrix;
}

/**
 * Right-pads ragged per-sequence arrays (one per row) into a [rows, cols] matrix and its 0/1 mask.
 * `cols` defaults to the longest sequence; a longer sequence is an error, not a silent truncation.
 */
export function fromRagged(
  sequences: readonly ArrayLike<number>[],
  options: { cols?: number; dtype?: DType; padValue?: number } = {},
): Padded {
  let longest = 0;
  for (const s of sequences) longest = Math.max(longest, s.length);
  const cols = options.cols ?? longest;
  if (longest > cols) {
    const i = sequences.findIndex((s) => s.length > cols);
    throw new ShapeMismatchError(
      `fromRagged: sequence ${i} has ${sequences[i]?.length} elements, more than cols = ${cols}`,
    );
  }
  const values = zeros(sequences.length, cols, options.dtype);
  const mask = zeros(sequences.length, cols, options.dtype);
  const pad = options.padValue ?? 0;
  for (let i = 0; i < sequences.length; i++) {
    const s = sequences[i] as ArrayLike<number>;
    const base = i * cols;
    for (let t = 0; t < cols; t++) {
      if (t < s.length) {
        values.data[base + t] = s[t] as number;
        mask.data[base + t] = 1;
      } else values.data[base + t] = pad;
    }
  }
  return { values, mask };
}

/** The values of each row where the mask is non-zero, in order: the inverse of {@link fromRagged}. */
export function toRagged(values: Matrix, mask: Matrix): FloatArray[] {
  assertShape(values, mask.rows, mask.cols, 'values');
  const out: FloatArray[] = [];
  const make = values.data instanceof Float32Array ? Float32Array : Float64Array;
  for (let i = 0; i < values.rows; i++) {
    const row: number[] = [];
    for (let t = 0; t < values.cols; t++) {
      const k = i * values.cols + t;
      if (mask.data[k] !== 0) row.push(values.data[k] as number);
    }
    out.push(make.from(row));
  }
  return out;
}

/** A [lengths.length, cols] 0/1 mask with ones on the first `lengths[i]` positions of row i. */
export function maskFromLengths(lengths: ArrayLike<number>, cols: number, dtype: DType = 'float64'): Matrix {
  const m = zeros(lengths.length, cols, dtype);
  for (let i = 0; i < lengths.length; i++) {
    const n = lengths[i] as number;
    if (!Number.isInteger(n) || n < 0 || n > cols) {
      throw new ShapeMismatchError(
        `maskFromLengths: length ${i} is ${n}, expected an integer in [0, ${cols}]`,
      );
    }
    m.data.fill(1, i * cols, i * cols + n);
  }
  return m;
}

/** Per-row sums: of a mask, the response lengths len_i; of token rewards, the sequence scores s_i (all positions). */
export function rowSums(mask: Matrix): Float64Array {
  const { rows, cols, data } = mask;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = i * cols, end = k + cols; k < end; k++) s += data[k] as number;
    out[i] = s;
  }
  return out;
}
