import type { Storage } from '../../tensor/storage.js';
import type { AttentionShape } from '../kernels.js';
import { farr } from './arrays.js';

/** Block index of a position (blockEnds ascending exclusive ends); -1 past the last block. */
export function blockOf(blockEnds: Int32Array, pos: number): number {
  for (let i = 0; i < blockEnds.length; i++) if (pos < (blockEnds[i] as number)) return i;
  return -1;
}

/** Visible key range [lo, hi) and an extra per-key predicate for query t of batch row b. */
export function visibleRange(s: AttentionShape, b: number, t: number): [number, number] {
  const qpos = s.queryOffset + t;
  let lo = s.keyStart ? (s.keyStart[b] as number) : 0;
  let hi = s.causal ? Math.min(s.keyLen, qpos + 1) : s.keyLen;
  if (s.blockEnds) {
    const blk = blockOf(s.blockEnds, qpos);
    if (blk < 0) return [0, 0];
    lo = Math.max(lo, blk === 0 ? 0 : (s.blockEnds[blk - 1] as number));
    hi = Math.min(hi, s.blockEnds[blk] as number);
  }
  return [lo, Math.max(lo, hi)];
}

export function attention(
  s: AttentionShape,
  qS: Storage,
  kS: Storage,
  kOffset: number,
  vS: Storage,
  vOffset: number,
  outS: Storage,
  lseS: Storage,
): void {
  const q = farr(qS);
  const k = farr(kS);
  const v = farr(vS);
  const out = farr(outS);
  const lse = farr(lseS);
  const { batch, queryLen: T, heads: H, kvHeads: Hkv, headDim: D, kvBatchStride, scale } = s;
  const group = H / Hkv;
  const scores = new Float64Array(s.keyLen);
  // element (b, j, kvh, d) of the keys, in either layout
  const keyAt = s.keysTransposed
    ? (b: number, j: number, kvh: number, d: number) =>
        k[kOffset + b * kvBatchStride + (kvh * D + d) * s.keyCapacity + j] as number
    : (b: number, j: number, kvh: number, d: number) =>
        k[kOffset + b * kvBatchStride + (j * Hkv + kvh) * D + d] as number;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = ((b * T + t) * H + h) * D;
        const [lo, hi] = visibleRange(s, b, t);
        let mx = Number.NEGATIVE_INFINITY;
        for (let j = lo; j < hi; j++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += (q[qo + d] as number) * keyAt(b, j, kvh, d);
          scores[j] = dot * scale;
          if (scores[j]! > mx) mx = scores[j]!;
        }
        let sum = 0;
        for (let j = lo; j < hi; j++) {
          scores[j] = Math.exp(scores[j]! - mx);
          sum += scores[j]!;
        }
        for (let d = 0; d < D; d++) out[qo + d] = 0;
        if (hi <= lo) {
          lse[(b * H + h) * T + t] = Number.NEGATIVE_INFINITY;
          continue;
        }
        lse[(b * H + h) * T + t] = mx + Math.log(sum);
        for (let j = lo; j < hi; j++) {
          const p = scores[j]! / sum;
          const vo = vOffset + b * kvBatchStride + (j * Hkv + kvh) * D;
          for (let d = 0; d < D; d++) out[qo + d] = (out[qo + d] as number) + p * (v[vo + d] as number);
        }
      }
    }
  }
}

export function attentionBackward(
  s: AttentionShape,
  qS: Storage,
  kS: Storage,
  vS: Storage,
  outS: Storage,
  lseS: Storage,
  gS: Storage,
  dqS: Storage,
  dkS: Storage,
  dvS: Storage,
): void {
  const q = farr(qS);
  const k = farr(kS);
  const v = farr(vS);
  const out = farr(outS);
  const lse = farr(lseS);
  const g = farr(gS);
  const dq = farr(dqS);
  const dk = farr(dkS);
  const dv = farr(dvS);
  const { batch, queryLen: T, keyLen: S, heads: H, kvHeads: Hkv, headDim: D, kvBatchStride, scale } = s;
  const group = H / Hkv;
  dq.fill(0, 0, batch * T * H * D);
  dk.fill(0, 0, batch * S * Hkv * D);
  dv.fill(0, 0, batch * S * Hkv * D);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = ((b * T + t) * H + h) * D;
        const [lo, hi] = visibleRange(s, b, t);
        if (hi <= lo) continue;
        const l = lse[(b * H + h) * T + t] as number;
        let rowDot = 0;
        for (let d = 0; d < D; d++) rowDot += (g[qo + d] as number) * (out[qo + d] as number);
        for (let j = lo; j < hi; j++) {
          const ko = b * kvBatchStride + (j * Hkv + kvh) * D;
          const kgo = (b * S + j) * Hkv * D + kvh * D;
          let dot = 0;
          let dp = 0;
          for (let d = 0; d < D; d++) {
            dot += (q[qo + d] as number) * (k[ko + d] as number);
            dp += (g[qo + d] as number) * (v[ko + d] as number);
          }
          const p = Math.exp(dot * scale - l);
          const ds = p * (dp - rowDot) * scale;
          for (let d = 0; d < D; d++) {
            dv[kgo + d] = (dv[kgo + d] as number) + p * (g[qo + d] as number);
            dq[qo + d] = (dq[qo + d] as number) + ds * (k[ko + d] as number);
            dk[kgo + d] = (dk[kgo + d] as number) + ds * (q[qo + d] as number);
          }
        }
      }
    }
  }
}

export function writeTransposedKeys(
  srcS: Storage,
  dstS: Storage,
  batch: number,
  seq: number,
  heads: number,
  dim: number,
  capacity: number,
  offset: number,
): void {
  const src = farr(srcS);
  const dst = farr(dstS);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < seq; t++)
      for (let h = 0; h < heads; h++)
        for (let d = 0; d < dim; d++)
          dst[((b * heads + h) * dim + d) * capacity + offset + t] = src[
            ((b * seq + t) * heads + h) * dim + d
          ] as number;
}
