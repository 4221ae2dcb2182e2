import type { Matrix } from '../tensor/matrix.js';

/** The rows `rows` of a matrix, in that order, as a new matrix of the same precision. */
export function takeRows(m: Matrix, rows: readonly number[]): Matrix {
  const make = m.data instanceof Float32Array ? Float32Array : Float64Array;
  const data = new make(rows.length * m.cols);
  rows.forEach((r, i) => {
    data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
  });
  return { data, rows: rows.length, cols: m.cols };
}

/** Consecutive chunks of at most `size` elements. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** verl's reduce_metrics: the mean of each list (max / min for keys that name them). */
export function reduceMetrics(lists: Readonly<Record<string, readonly number[]>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(lists)) {
    if (v.length === 0) continue;
    if (k.includes('max')) out[k] = Math.max(...v);
    else if (k.includes('min')) out[k] = Math.min(...v);
    else out[k] = v.reduce((a, b) => a + b, 0) / v.length;
  }
  return out;
}
