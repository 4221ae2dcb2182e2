import type { Storage } from '../../tensor/storage.js';
import type { AttentionShape } from '../kernels.js';
import { farr } from './arrays.js';

/** Block index of a position (blockEnds ascending exclusive ends); -1 past the last block. */
export function blockOf(blockEnds: Int32Array, pos: number): number {
  let lo = 0;
  let hi = blockEnds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pos < (blockEnds[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo < blockEnds.length ? lo : -1;
}

/** Visible range [lo, hi) of query t of batch row b among its own keys. */
export function visibleRange(s: AttentionShape, b: number, t: number): [number, number] {
  const qpos = s.queryOffset + t;
  let lo = s.keyStart && !s.prefix ? (s.keyStart[b] as number) : 0;
  let hi = s.causal ? Math.min(s.keyLen, qpos + 1) : s.keyLen;
  if (s.blockEnds) {
    const blk = blockOf(s.blockEnds, qpos);
    if (blk < 0) return [0, 0];
    lo = Math.max(lo, blk === 0 ? 0 : (s.blockEnds[blk - 1] as number));
    hi = Math.min(hi, s.blockEnds[blk] as number);
  }
  return [lo, Math.max(lo, hi)];
}

/** Context range [lo, hi) of query t of batch row b: a context block's keys, or prefix positions. */
export function contextRange(s: AttentionShape, b: number, t: number): [number, number] {
  if (s.prefix) {
    const lo = s.keyStart ? (s.keyStart[b] as number) : 0;
    return [lo, Math.max(lo, s.prefix.length)];
  }
  if (!s.contextBlocks || !s.blockEnds) return [0, 0];
  const blk = blockOf(s.blockEnds, s.queryOffset + t);
  const c = blk < 0 ? -1 : (s.contextBlocks[blk] as number);
  if (c < 0) return [0, 0];
  return [c === 0 ? 0 : (s.blockEnds[c - 1] as number), s.blockEnds[c] as number];
}

/** Element (j, d) of the keys / values seen by batch row b, kv head kvh: context part or own part. */
interface KeySource {
  key(j: number, d: number): number;
  value(j: number, d: number): number;
}

function sources(
  s: AttentionShape,
  k: ArrayLike<number>,
  kOffset: number,
  v: ArrayLike<number>,
  vOffset: number,
  pk: ArrayLike<number> | null,
  pv: ArrayLike<number> | null,
): (b: number, kvh: number) => { own: KeySource; context: KeySource } {
  const { kvHeads: Hkv, headDim: D, kvBatchStride } = s;
  return (b, kvh) => {
    const kb = kOffset + b * kvBatchStride;
    const vb = vOffset + b * kvBatchStride;
    const own: KeySource = {
      key: s.keysTransposed
        ? (j, d) => k[kb + (kvh * D + d) * s.keyCapacity + j] as number
        : (j, d) => k[kb + (j * Hkv + kvh) * D + d] as number,
      value: (j, d) => v[vb + (j * Hkv + kvh) * D + d] as number,
    };
    if (!s.prefix || !pk || !pv) return { own, context: own };
    const { capacity, batchStride } = s.prefix;
    const pb = (s.prefix.rows[b] as number) * batchStride;
    return {
      own,
      context: {
        key: (j, d) => pk[pb + (kvh * D + d) * capacity + j] as number,
        value: (j, d) => pv[pb + (j * Hkv + kvh) * D + d] as number,
      },
    };
  };
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
  prefixKeys?: Storage,
  prefixValues?: Storage,
): void {
  const q = farr(qS);
  const out = farr(outS);
  const lse = farr(lseS);
  const { batch, queryLen: T, heads: H, kvHeads: Hkv, headDim: D, scale } = s;
  const group = H / Hkv;
  const src = sources(
    s,
    farr(kS),
    kOffset,
    farr(vS),
    vOffset,
    prefixKeys ? farr(prefixKeys) : null,
    prefixValues ? farr(prefixValues) : null,
  );
  const capacity = s.keyLen + (s.prefix ? s.prefix.length : s.keyLen);
  const scores = new Float64Array(capacity);
  const keys = new Array<[KeySource, number]>(capacity);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const { own, context } = src(b, Math.floor(h / group));
      for (let t = 0; t < T; t++) {
        const qo = ((b * T + t) * H + h) * D;
        // context keys first, then own keys
        let n = 0;
        const [clo, chi] = contextRange(s, b, t);
        for (let j = clo; j < chi; j++) keys[n++] = [context, j];
        const [lo, hi] = visibleRange(s, b, t);
        for (let j = lo; j < hi; j++) keys[n++] = [own, j];
        let mx = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < n; i++) {
          const [kk, j] = keys[i]!;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += (q[qo + d] as number) * kk.key(j, d);
          scores[i] = dot * scale;
          if (scores[i]! > mx) mx = scores[i]!;
        }
        let sum = 0;
        for (let i = 0; i < n; i++) {
          scores[i] = Math.exp(scores[i]! - mx);
          sum += scores[i]!;
        }
        for (let d = 0; d < D; d++) out[qo + d] = 0;
        if (n === 0) {
          lse[(b * H + h) * T + t] = Number.NEGATIVE_INFINITY;
          continue;
        }
        lse[(b * H + h) * T + t] = mx + Math.log(sum);
        for (let i = 0; i < n; i++) {
          const [kk, j] = keys[i]!;
          const p = scores[i]! / sum;
          for (let d = 0; d < D; d++) out[qo + d] = (out[qo + d] as number) + p * kk.value(j, d);
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
        const l = lse[(b * H + h) * T + t] as number;
        let rowDot = 0;
        for (let d = 0; d < D; d++) rowDot += (g[qo + d] as number) * (out[qo + d] as number);
        // context keys (same buffers: a context block) and own keys
        for (const [lo, hi] of [contextRange(s, b, t), visibleRange(s, b, t)]) {
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
