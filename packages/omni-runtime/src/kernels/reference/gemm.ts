import type { Storage } from '../../tensor/storage.js';
import { farr } from './arrays.js';

/** Plain GEMM in float64 accumulation, row by row (the oracle; not fast). */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  aS: Storage,
  aOffset: number,
  aStride: number,
  bS: Storage,
  bOffset: number,
  bStride: number,
  beta: number,
  cS: Storage,
  cOffset: number,
  cStride: number,
  batch: number,
): void {
  const a = farr(aS);
  const b = farr(bS);
  const c = farr(cS);
  const row = new Float64Array(n);
  for (let bi = 0; bi < batch; bi++) {
    const ao = aOffset + bi * aStride;
    const bo = bOffset + bi * bStride;
    const co = cOffset + bi * cStride;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const aip = transA ? (a[ao + p * m + i] as number) : (a[ao + i * k + p] as number);
        if (transB) {
          for (let j = 0; j < n; j++) row[j]! += aip * (b[bo + j * k + p] as number);
        } else {
          const bRow = bo + p * n;
          for (let j = 0; j < n; j++) row[j]! += aip * (b[bRow + j] as number);
        }
      }
      const cRow = co + i * n;
      for (let j = 0; j < n; j++) {
        c[cRow + j] = beta === 0 ? alpha * row[j]! : alpha * row[j]! + beta * (c[cRow + j] as number);
      }
    }
  }
}
