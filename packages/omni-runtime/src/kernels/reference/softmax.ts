import type { Storage } from '../../tensor/storage.js';
import { farr, iarr } from './arrays.js';

/** logsumexp of x[off .. off+cols) * invTemp. */
function rowLse(x: ArrayLike<number>, off: number, cols: number, invTemp: number): number {
  let mx = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < cols; j++) {
    const v = (x[off + j] as number) * invTemp;
    if (v > mx) mx = v;
  }
  if (mx === Number.NEGATIVE_INFINITY) return mx;
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp((x[off + j] as number) * invTemp - mx);
  return mx + Math.log(s);
}

export function softmax(xS: Storage, outS: Storage, rows: number, cols: number, log: boolean): void {
  const x = farr(xS);
  const out = farr(outS);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const lse = rowLse(x, off, cols, 1);
    for (let j = 0; j < cols; j++) {
      const v = (x[off + j] as number) - lse;
      out[off + j] = log ? v : Math.exp(v);
    }
  }
}

export function softmaxBackward(
  yS: Storage,
  gS: Storage,
  dxS: Storage,
  rows: number,
  cols: number,
  log: boolean,
  accumulate: boolean,
): void {
  const y = farr(yS);
  const g = farr(gS);
  const dx = farr(dxS);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let dot = 0;
    if (log) for (let j = 0; j < cols; j++) dot += g[off + j] as number;
    else for (let j = 0; j < cols; j++) dot += (g[off + j] as number) * (y[off + j] as number);
    for (let j = 0; j < cols; j++) {
      const yj = y[off + j] as number;
      const gj = g[off + j] as number;
      const v = log ? gj - Math.exp(yj) * dot : yj * (gj - dot);
      dx[off + j] = accumulate ? (dx[off + j] as number) + v : v;
    }
  }
}

export function logSoftmaxGather(
  xS: Storage,
  targetsS: Storage,
  outS: Storage,
  lseS: Storage,
  rows: number,
  cols: number,
  invTemp: number,
): void {
  const x = farr(xS);
  const targets = iarr(targetsS);
  const out = farr(outS);
  const lse = farr(lseS);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const l = rowLse(x, off, cols, invTemp);
    lse[r] = l;
    out[r] = (x[off + (targets[r] as number)] as number) * invTemp - l;
  }
}

export function logSoftmaxGatherBackward(
  xS: Storage,
  targetsS: Storage,
  lseS: Storage,
  gS: Storage,
  dxS: Storage,
  rows: number,
  cols: number,
  invTemp: number,
  accumulate: boolean,
): void {
  const x = farr(xS);
  const targets = iarr(targetsS);
  const lse = farr(lseS);
  const g = farr(gS);
  const dx = farr(dxS);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const l = lse[r] as number;
    const gr = (g[r] as number) * invTemp;
    const t = targets[r] as number;
    for (let j = 0; j < cols; j++) {
      const p = Math.exp((x[off + j] as number) * invTemp - l);
      const v = gr * ((j === t ? 1 : 0) - p);
      dx[off + j] = accumulate ? (dx[off + j] as number) + v : v;
    }
  }
}

export function entropy(
  xS: Storage,
  outS: Storage,
  lseS: Storage,
  rows: number,
  cols: number,
  invTemp: number,
): void {
  const x = farr(xS);
  const out = farr(outS);
  const lse = farr(lseS);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const l = rowLse(x, off, cols, invTemp);
    lse[r] = l;
    // H = lse - sum p z with z = x * invTemp
    let pz = 0;
    for (let j = 0; j < cols; j++) {
      const z = (x[off + j] as number) * invTemp;
      pz += Math.exp(z - l) * z;
    }
    out[r] = l - pz;
  }
}

export function entropyBackward(
  xS: Storage,
  lseS: Storage,
  hS: Storage,
  gS: Storage,
  dxS: Storage,
  rows: number,
  cols: number,
  invTemp: number,
  accumulate: boolean,
): void {
  const x = farr(xS);
  const lse = farr(lseS);
  const h = farr(hS);
  const g = farr(gS);
  const dx = farr(dxS);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const l = lse[r] as number;
    // dH/dz_j = -p_j (z_j - sum p z) = -p_j (z_j - l + H)
    const shift = (h[r] as number) - l;
    const gr = (g[r] as number) * invTemp;
    for (let j = 0; j < cols; j++) {
      const z = (x[off + j] as number) * invTemp;
      const p = Math.exp(z - l);
      const v = -gr * p * (z + shift);
      dx[off + j] = accumulate ? (dx[off + j] as number) + v : v;
    }
  }
}
