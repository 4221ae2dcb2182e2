import { ShapeMismatchError } from '../errors.js';
import type { Matrix } from '../tensor/matrix.js';
import type { GroupLabel } from './types.js';

/** Rows per label, in order of first appearance (verl builds the same {uid -> rows} map). */
export function groupRows(
  index: readonly GroupLabel[] | undefined,
  rows: number,
  estimator: string,
): number[][] {
  if (!index)
    throw new ShapeMismatchError(`${estimator} needs index (one group label per row, ${rows} rows)`);
  if (index.length !== rows) {
    throw new ShapeMismatchError(
      `${estimator}: index has ${index.length} labels but the batch has ${rows} rows`,
    );
  }
  const groups = new Map<GroupLabel, number[]>();
  for (let i = 0; i < rows; i++) {
    const label = index[i] as GroupLabel;
    if (typeof label !== 'string' && !(typeof label === 'number' && Number.isFinite(label))) {
      throw new ShapeMismatchError(
        `${estimator}: index[${i}] must be a string or a finite number, got ${String(label)}`,
      );
    }
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  }
  return [...groups.values()];
}

/** Mean of values at the given rows. */
export function groupMean(s: Float64Array, rows: readonly number[]): number {
  let t = 0;
  for (const i of rows) t += s[i] as number;
  return t / rows.length;
}

/** Unbiased (n − 1) standard deviation at the given rows (n >= 2). */
export function groupStd(s: Float64Array, rows: readonly number[], mean: number): number {
  let t = 0;
  for (const i of rows) {
    const c = (s[i] as number) - mean;
    t += c * c;
  }
  return Math.sqrt(t / (rows.length - 1));
}

/** A[i, t] = a_i · m[i, t], stored in the precision of `like`; row i's mask is zero from rowEnd[i] on. */
export function broadcastRows(a: Float64Array, mask: Matrix, like: Matrix, rowEnd: Int32Array): Matrix {
  const make = like.data instanceof Float32Array ? Float32Array : Float64Array;
  const { rows, cols } = mask;
  const m = mask.data;
  // a fresh array is already 0 where m is: only the kept positions are written
  const data = new make(rows * cols);
  for (let i = 0; i < rows; i++) {
    const v = a[i] as number;
    for (let k = i * cols, end = k + (rowEnd[i] as number); k < end; k++) {
      const w = m[k] as number;
      if (w !== 0) data[k] = v * w;
    }
  }
  return { data, rows, cols };
}
