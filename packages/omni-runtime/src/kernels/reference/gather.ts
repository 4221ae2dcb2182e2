import type { Storage } from '../../tensor/storage.js';
import { farr, iarr } from './arrays.js';

export function embedding(weightS: Storage, idsS: Storage, outS: Storage, n: number, dim: number): void {
  const w = farr(weightS);
  const ids = iarr(idsS);
  const out = farr(outS);
  for (let i = 0; i < n; i++) {
    const row = (ids[i] as number) * dim;
    out.set(w.subarray(row, row + dim) as never, i * dim);
  }
}

export function embeddingBackward(gS: Storage, idsS: Storage, dwS: Storage, n: number, dim: number): void {
  const g = farr(gS);
  const ids = iarr(idsS);
  const dw = farr(dwS);
  for (let i = 0; i < n; i++) {
    const row = (ids[i] as number) * dim;
    const go = i * dim;
    for (let j = 0; j < dim; j++) dw[row + j] = (dw[row + j] as number) + (g[go + j] as number);
  }
}

export function rope(
  xS: Storage,
  outS: Storage,
  cosS: Storage,
  sinS: Storage,
  positionsS: Storage,
  batch: number,
  seq: number,
  heads: number,
  headDim: number,
  inverse: boolean,
): void {
  const x = farr(xS);
  const out = farr(outS);
  const cos = farr(cosS);
  const sin = farr(sinS);
  const pos = iarr(positionsS);
  const half = headDim / 2;
  for (let bt = 0; bt < batch * seq; bt++) {
    const p = (pos[bt] as number) * half;
    for (let h = 0; h < heads; h++) {
      const off = (bt * heads + h) * headDim;
      for (let i = 0; i < half; i++) {
        const c = cos[p + i] as number;
        const s = inverse ? -(sin[p + i] as number) : (sin[p + i] as number);
        const a = x[off + i] as number;
        const b = x[off + i + half] as number;
        out[off + i] = a * c - b * s;
        out[off + i + half] = b * c + a * s;
      }
    }
  }
}

export function avgPool(
  xS: Storage,
  outS: Storage,
  outer: number,
  len: number,
  outLen: number,
  kernel: number,
  stride: number,
): void {
  const x = farr(xS);
  const out = farr(outS);
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < outLen; t++) {
      let s = 0;
      for (let j = 0; j < kernel; j++) s += x[o * len + t * stride + j] as number;
      out[o * outLen + t] = s / kernel;
    }
  }
}

export function avgPoolBackward(
  gS: Storage,
  dxS: Storage,
  outer: number,
  len: number,
  outLen: number,
  kernel: number,
  stride: number,
): void {
  const g = farr(gS);
  const dx = farr(dxS);
  dx.fill(0, 0, outer * len);
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < outLen; t++) {
      const v = (g[o * outLen + t] as number) / kernel;
      for (let j = 0; j < kernel; j++)
        dx[o * len + t * stride + j] = (dx[o * len + t * stride + j] as number) + v;
    }
  }
}

export function im2col(
  xS: Storage,
  colsS: Storage,
  batch: number,
  channels: number,
  len: number,
  kernel: number,
  stride: number,
  padding: number,
  outLen: number,
): void {
  const x = farr(xS);
  const cols = farr(colsS);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      for (let j = 0; j < kernel; j++) {
        const row = ((b * channels + c) * kernel + j) * outLen;
        for (let o = 0; o < outLen; o++) {
          const src = o * stride + j - padding;
          cols[row + o] = src >= 0 && src < len ? (x[(b * channels + c) * len + src] as number) : 0;
        }
      }
    }
  }
}

export function col2im(
  dcolsS: Storage,
  dxS: Storage,
  batch: number,
  channels: number,
  len: number,
  kernel: number,
  stride: number,
  padding: number,
  outLen: number,
): void {
  const dcols = farr(dcolsS);
  const dx = farr(dxS);
  dx.fill(0, 0, batch * channels * len);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      for (let j = 0; j < kernel; j++) {
        const row = ((b * channels + c) * kernel + j) * outLen;
        for (let o = 0; o < outLen; o++) {
          const dst = o * stride + j - padding;
          if (dst >= 0 && dst < len) {
            const i = (b * channels + c) * len + dst;
            dx[i] = (dx[i] as number) + (dcols[row + o] as number);
          }
        }
      }
    }
  }
}

export function adamw(
  pS: Storage,
  gS: Storage,
  mS: Storage,
  vS: Storage,
  n: number,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  weightDecay: number,
  bias1: number,
  bias2: number,
  gradScale: number,
): void {
  const p = farr(pS);
  const g = farr(gS);
  const m = farr(mS);
  const v = farr(vS);
  const decay = 1 - lr * weightDecay;
  const stepSize = lr / bias1;
  const sqrtBias2 = Math.sqrt(bias2);
  for (let i = 0; i < n; i++) {
    const gi = (g[i] as number) * gradScale;
    const mi = beta1 * (m[i] as number) + (1 - beta1) * gi;
    const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const denom = Math.sqrt(vi) / sqrtBias2 + eps;
    p[i] = (p[i] as number) * decay - (stepSize * mi) / denom;
  }
}
