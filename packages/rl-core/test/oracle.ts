import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { DType, Matrix } from '../src/index.js';

/** Oracle fixtures written by scripts/make-fixtures.py; numbers may be 'nan' / 'inf' / '-inf' strings. */
export type Num = number | string;
export type Nested = Num | Nested[];
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is walked dynamically
export type Json = any;

let cached: Json;
export function oracle(): Json {
  cached ??= JSON.parse(
    gunzipSync(readFileSync(new URL('../fixtures/oracle-vectors.json.gz', import.meta.url))).toString('utf8'),
  );
  return cached;
}

export function num(v: Num): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  throw new Error(`not a number: ${v}`);
}

/** A 2-D fixture array as a Matrix of the given precision. */
export function mat(rows: Nested, dtype: DType = 'float64'): Matrix {
  const r = rows as Num[][];
  const cols = r.length ? (r[0] as Num[]).length : 0;
  const data = dtype === 'float32' ? new Float32Array(r.length * cols) : new Float64Array(r.length * cols);
  r.forEach((row, i) => {
    row.forEach((v, t) => {
      data[i * cols + t] = num(v);
    });
  });
  return { data, rows: r.length, cols };
}

export const DTYPES: readonly { dtype: DType; tol: number }[] = [
  { dtype: 'float64', tol: 1e-9 },
  { dtype: 'float32', tol: 1e-5 },
];

/** |a − b| <= tol·max(1, |b|) elementwise (NaN matches NaN, infinities must be equal). */
export function expectClose(
  actual: ArrayLike<number> | number,
  expected: Nested,
  tol: number,
  what: string,
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = flatten(expected).map(num);
  expect(a.length, `${what}: length`).toBe(e.length);
  for (let k = 0; k < e.length; k++) {
    const x = a[k] as number;
    const y = e[k] as number;
    if (Number.isNaN(y) || !Number.isFinite(y)) {
      expect(x, `${what}[${k}]`).toBe(y);
      continue;
    }
    const err = Math.abs(x - y);
    if (!(err <= tol * Math.max(1, Math.abs(y)))) {
      expect.fail(`${what}[${k}]: got ${x}, expected ${y} (|diff| ${err} > ${tol} scaled)`);
    }
  }
}

function flatten(x: Nested): Num[] {
  return Array.isArray(x) ? x.flatMap(flatten) : [x];
}
