import { NonFiniteInputError, ShapeMismatchError } from '../errors.js';

/** Storage of a token matrix. Results are computed in float64 and stored in the input's precision. */
export type FloatArray = Float32Array | Float64Array;

/** Element type of a {@link Matrix}. */
export type DType = 'float32' | 'float64';

/**
 * A row-major token matrix, [batch, response length] in the update loop: element (i, t) is
 * `data[i * cols + t]`. Masks are matrices of the same shape holding 0/1 (fractional values act as weights).
 */
export interface Matrix<T extends FloatArray = FloatArray> {
  readonly data: T;
  readonly rows: number;
  readonly cols: number;
}

/** A zero matrix of the given shape and precision (float64 by default). */
export function zeros(rows: number, cols: number, dtype: DType = 'float64'): Matrix {
  checkDims(rows, cols, 'zeros');
  const n = rows * cols;
  return { data: dtype === 'float32' ? new Float32Array(n) : new Float64Array(n), rows, cols };
}

/** Wraps existing storage as a matrix, checking that it holds exactly rows x cols elements. */
export function matrix<T extends FloatArray>(
  data: T,
  rows: number,
  cols: number,
  name = 'matrix',
): Matrix<T> {
  checkDims(rows, cols, name);
  if (data.length !== rows * cols) {
    throw new ShapeMismatchError(
      `${name}: data has ${data.length} elements, expected ${rows} x ${cols} = ${rows * cols}`,
    );
  }
  return { data, rows, cols };
}

/** Builds a matrix from nested arrays (all rows must have the same length). */
export function fromRows(
  values: readonly (readonly number[])[],
  dtype: DType = 'float64',
  name = 'matrix',
): Matrix {
  const rows = values.length;
  const cols = rows === 0 ? 0 : (values[0] as readonly number[]).length;
  const out = zeros(rows, cols, dtype);
  for (let i = 0; i < rows; i++) {
    const row = values[i] as readonly number[];
    if (row.length !== cols)
      throw new ShapeMismatchError(`${name}: row ${i} has ${row.length} columns, row 0 has ${cols}`);
    out.data.set(row, i * cols);
  }
  return out;
}

/** Nested arrays of a matrix's values (for printing and JSON). */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** The precision of a matrix. */
export function dtypeOf(m: Matrix): DType {
  return m.data instanceof Float32Array ? 'float32' : 'float64';
}

/** A zero matrix of the same shape and precision as `like`. */
export function zerosLike(like: Matrix): Matrix {
  return zeros(like.rows, like.cols, dtypeOf(like));
}

/** Throws {@link ShapeMismatchError} unless `m` is a well-formed matrix of shape rows x cols. */
export function assertShape(
  m: Matrix,
  rows: number,
  cols: number,
  name: string,
  like = 'responseMask',
): void {
  if (!m || !(m.data instanceof Float32Array || m.data instanceof Float64Array)) {
    throw new ShapeMismatchError(
      `${name} must be a matrix { data: Float32Array | Float64Array, rows, cols }`,
    );
  }
  if (m.rows !== rows || m.cols !== cols) {
    throw new ShapeMismatchError(`${name} is [${m.rows}, ${m.cols}] but ${like} is [${rows}, ${cols}]`);
  }
  if (m.data.length !== rows * cols) {
    throw new ShapeMismatchError(`${name}: data has ${m.data.length} elements, expected ${rows} x ${cols}`);
  }
}

/** Throws {@link NonFiniteInputError} at the first non-finite value of `m` where `mask` is non-zero. */
export function assertFiniteWhereMasked(m: Matrix, mask: Matrix, name: string): void {
  const d = m.data;
  const w = mask.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k] as number;
    if (w[k] !== 0 && !Number.isFinite(v))
      throw new NonFiniteInputError(name, Math.floor(k / m.cols), k % m.cols, v);
  }
}

/** Throws unless every mask value is finite and non-negative (0/1 masks, or weights). */
export function assertMask(mask: Matrix, name = 'responseMask'): void {
  assertShape(mask, mask.rows, mask.cols, name);
  const w = mask.data;
  for (let k = 0; k < w.length; k++) {
    const v = w[k] as number;
    if (!(v >= 0) || v === Number.POSITIVE_INFINITY) {
      throw new NonFiniteInputError(
        name,
        Math.floor(k / mask.cols),
        k % mask.cols,
        v,
        '; masks hold 0/1 (or finite weights >= 0)',
      );
    }
  }
}

function checkDims(rows: number, cols: number, name: string): void {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new ShapeMismatchError(
      `${name}: rows and cols must be non-negative integers, got [${rows}, ${cols}]`,
    );
  }
}
