import type { Storage } from '../../tensor/storage.js';
import { farr } from './arrays.js';

export function rmsNorm(
  xS: Storage,
  wS: Storage,
  outS: Storage,
  rstdS: Storage,
  rows: number,
  cols: number,
  eps: number,
): void {
  const x = farr(xS);
  const w = farr(wS);
  const out = farr(outS);
  const rstd = farr(rstdS);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let ss = 0;
    for (let j = 0; j < cols; j++) ss += (x[off + j] as number) * (x[off + j] as number);
    const rs = 1 / Math.sqrt(ss / cols + eps);
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) out[off + j] = (x[off + j] as number) * rs * (w[j] as number);
  }
}

export function rmsNormBackward(
  xS: Storage,
  wS: Storage,
  rstdS: Storage,
  gS: Storage,
  dxS: Storage,
  dwS: Storage | null,
  rows: number,
  cols: number,
): void {
  const x = farr(xS);
  const w = farr(wS);
  const rstd = farr(rstdS);
  const g = farr(gS);
  const dx = farr(dxS);
  const dw = dwS ? farr(dwS) : null;
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const rs = rstd[r] as number;
    // y = x * rs * w; dx = rs * (gw - x * rs^2 * mean(gw * x))
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += (g[off + j] as number) * (w[j] as number) * (x[off + j] as number);
    const c = (dot / cols) * rs * rs;
    for (let j = 0; j < cols; j++) {
      const xj = x[off + j] as number;
      const gj = g[off + j] as number;
      dx[off + j] = rs * (gj * (w[j] as number) - xj * c);
      if (dw) dw[j] = (dw[j] as number) + gj * xj * rs;
    }
  }
}

export function layerNorm(
  xS: Storage,
  wS: Storage | null,
  bS: Storage | null,
  outS: Storage,
  meanS: Storage,
  rstdS: Storage,
  rows: number,
  cols: number,
  eps: number,
): void {
  const x = farr(xS);
  const w = wS ? farr(wS) : null;
  const b = bS ? farr(bS) : null;
  const out = farr(outS);
  const mean = farr(meanS);
  const rstd = farr(rstdS);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[off + j] as number;
    const mu = s / cols;
    let v = 0;
    for (let j = 0; j < cols; j++) {
      const d = (x[off + j] as number) - mu;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) {
      const n = ((x[off + j] as number) - mu) * rs;
      out[off + j] = n * (w ? (w[j] as number) : 1) + (b ? (b[j] as number) : 0);
    }
  }
}

export function layerNormBackward(
  xS: Storage,
  wS: Storage | null,
  meanS: Storage,
  rstdS: Storage,
  gS: Storage,
  dxS: Storage,
  dwS: Storage | null,
  dbS: Storage | null,
  rows: number,
  cols: number,
): void {
  const x = farr(xS);
  const w = wS ? farr(wS) : null;
  const mean = farr(meanS);
  const rstd = farr(rstdS);
  const g = farr(gS);
  const dx = farr(dxS);
  const dw = dwS ? farr(dwS) : null;
  const db = dbS ? farr(dbS) : null;
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const mu = mean[r] as number;
    const rs = rstd[r] as number;
    let sumG = 0;
    let sumGN = 0;
    for (let j = 0; j < cols; j++) {
      const gw = (g[off + j] as number) * (w ? (w[j] as number) : 1);
      const n = ((x[off + j] as number) - mu) * rs;
      sumG += gw;
      sumGN += gw * n;
    }
    const mG = sumG / cols;
    const mGN = sumGN / cols;
    for (let j = 0; j < cols; j++) {
      const gj = g[off + j] as number;
      const n = ((x[off + j] as number) - mu) * rs;
      dx[off + j] = rs * (gj * (w ? (w[j] as number) : 1) - mG - n * mGN);
      if (dw) dw[j] = (dw[j] as number) + gj * n;
      if (db) db[j] = (db[j] as number) + gj;
    }
  }
}
