import { needsGrad, record } from '../autograd/record.js';
import { AutogradError, ShapeError } from '../errors.js';
import type { AttentionPrefix, AttentionShape } from '../kernels/kernels.js';
import { empty } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { KVCache } from './kv-cache.js';
import { checkFloat, kernels } from './util.js';

export interface AttentionOptions {
  /** Causal mask (query at position p sees keys <= p). Required, so that no model forgets it. */
  causal: boolean;
  /** Default 1/sqrt(headDim). */
  scale?: number;
  /**
   * Block-diagonal attention: the lengths of consecutive blocks covering the sequence (the audio
   * encoder's 2-second windows). Queries and keys attend only inside their own block.
   */
  blockLengths?: readonly number[];
  /**
   * With blockLengths: per block, an earlier block whose keys all of this block's queries also see
   * (-1: none). Packs rows that share a prompt into one sequence, the prompt computed once:
   * [prompt][continuation 1][continuation 2]..., each continuation a causal block whose context is the
   * prompt's block.
   */
  contextBlocks?: readonly number[] | Int32Array;
  /**
   * Per batch row, the first non-padding key position (left-padded batches). With a cache that has a
   * prefix, the first non-padding position of the row's prefix.
   */
  keyStart?: readonly number[] | Int32Array;
  /**
   * Append k/v to this cache (layer `layer`) and attend over all cached positions; inference only.
   * A cache with a prefix (see KVCache) also attends over its row's prefix, before its own positions.
   */
  cache?: KVCache;
  layer?: number;
}

/**
 * Fused scaled-dot-product attention with grouped-query heads.
 * q [B, T, Hq, D], k and v [B, S, Hkv, D] (Hq a multiple of Hkv) -> [B, T, Hq, D].
 * The softmax runs in the tensors' dtype with a float-safe max shift; backward recomputes the
 * probabilities from the saved logsumexp (no [T, S] matrix is kept).
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
  checkFloat('attention', q, k, v);
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4)
    throw new ShapeError(
      `attention: q, k, v must be [B, T, H, D]; got ${q.describe()}, ${k.describe()}, ${v.describe()}`,
    );
  const [B, T, H, D] = q.shape as [number, number, number, number];
  const [Bk, Tk, Hkv, Dk] = k.shape as [number, number, number, number];
  if (Bk !== B || Dk !== D || k.shape.some((d, i) => d !== v.shape[i]))
    throw new ShapeError(`attention: k ${k.describe()} / v ${v.describe()} do not match q ${q.describe()}`);
  if (Hkv === 0 || H % Hkv !== 0)
    throw new ShapeError(`attention: ${H} query heads are not a multiple of ${Hkv} kv heads`);
  const kern = kernels(q);
  const scale = opts.scale ?? 1 / Math.sqrt(D);
  const keyStart = opts.keyStart ? Int32Array.from(opts.keyStart) : null;
  if (keyStart && keyStart.length !== B)
    throw new ShapeError(`attention: keyStart has ${keyStart.length} rows for batch ${B}`);

  let keySrc = k;
  let valSrc = v;
  let keyLen = Tk;
  let queryOffset = 0;
  let kvBatchStride = Tk * Hkv * D;
  let keysTransposed = false;
  let keyCapacity = Tk;
  const cache = opts.cache;
  if (cache) {
    if (needsGrad(q, k, v))
      throw new AutogradError('attention with a KV cache is inference-only: run it under noGrad()');
    const layer = opts.layer ?? 0;
    if (!Number.isInteger(layer) || layer < 0 || layer >= cache.layers)
      throw new ShapeError(`attention: cache layer ${layer} outside [0, ${cache.layers})`);
    if (cache.batch !== B || cache.kvHeads !== Hkv || cache.headDim !== D)
      throw new ShapeError(
        `attention: cache [${cache.batch}, *, ${cache.kvHeads}, ${cache.headDim}] does not match k ${k.describe()}`,
      );
    const past = cache.lengths[layer]!;
    if (past + Tk > cache.maxLength)
      throw new ShapeError(
        `attention: cache of ${cache.maxLength} positions is full (${past} cached + ${Tk} new)`,
      );
    if (Tk !== T)
      throw new ShapeError(`attention: with a cache, q and k must cover the same ${T} new positions`);
    const ck = cache.keys[layer]!;
    const cv = cache.values[layer]!;
    const per = cache.maxLength * Hkv * D;
    const n = Tk * Hkv * D;
    kern.writeTransposedKeys(k.storage, ck.storage, B, Tk, Hkv, D, cache.maxLength, past);
    kern.copyBlocks(v.storage, 0, n, cv.storage, past * Hkv * D, per, B, n);
    cache.lengths[layer] = past + Tk;
    keySrc = ck;
    valSrc = cv;
    keyLen = past + Tk;
    queryOffset = past;
    kvBatchStride = per;
    keysTransposed = true;
    keyCapacity = cache.maxLength;
  }
  let prefix: AttentionPrefix | null = null;
  let prefixKeys: Tensor | undefined;
  let prefixValues: Tensor | undefined;
  if (cache?.prefix) {
    const layer = opts.layer ?? 0;
    const p = cache.prefix;
    prefixKeys = p.keys[layer]!;
    prefixValues = p.values[layer]!;
    prefix = {
      rows: cache.prefixRows as Int32Array,
      length: p.lengths[layer]!,
      capacity: p.maxLength,
      batchStride: p.maxLength * Hkv * D,
    };
  }
  let blockEnds: Int32Array | null = null;
  if (opts.blockLengths) {
    blockEnds = new Int32Array(opts.blockLengths.length);
    let at = 0;
    opts.blockLengths.forEach((len, i) => {
      if (!Number.isInteger(len) || len < 0)
        throw new ShapeError(`attention: block length ${len} is not a count`);
      at += len;
      blockEnds![i] = at;
    });
    if (at !== keyLen)
      throw new ShapeError(`attention: block lengths add up to ${at}, the sequence has ${keyLen}`);
  }
  let contextBlocks: Int32Array | null = null;
  if (opts.contextBlocks) {
    if (!blockEnds || opts.contextBlocks.length !== blockEnds.length)
      throw new ShapeError(
        `attention: contextBlocks needs one entry per block of blockLengths (${opts.contextBlocks.length} for ${blockEnds?.length ?? 'no'} blocks)`,
      );
    contextBlocks = Int32Array.from(opts.contextBlocks);
    contextBlocks.forEach((c, i) => {
      if (c !== -1 && !(Number.isInteger(c) && c >= 0 && c < i))
        throw new ShapeError(`attention: context block ${c} of block ${i} is not an earlier block or -1`);
    });
  }
  const shape: AttentionShape = {
    batch: B,
    queryLen: T,
    keyLen,
    heads: H,
    kvHeads: Hkv,
    headDim: D,
    kvBatchStride,
    keysTransposed,
    keyCapacity,
    queryOffset,
    scale,
    causal: opts.causal,
    blockEnds,
    keyStart,
    contextBlocks,
    prefix,
  };
  const out = empty(q.shape, q.dtype, q.device);
  const lse = empty([B, H, T], q.dtype, q.device);
  kern.attention(
    shape,
    q.storage,
    keySrc.storage,
    0,
    valSrc.storage,
    0,
    out.storage,
    lse.storage,
    prefixKeys?.storage,
    prefixValues?.storage,
  );
  if (!cache && needsGrad(q, k, v))
    record(out, 'attention', [q, k, v], [q, k, v, out, lse], (g, [sq, sk, sv, so, sl]) => {
      const dq = empty(q.shape, q.dtype, q.device);
      const dk = empty(k.shape, k.dtype, k.device);
      const dv = empty(v.shape, v.dtype, v.device);
      kern.attentionBackward(
        shape,
        sq!.storage,
        sk!.storage,
        sv!.storage,
        so!.storage,
        sl!.storage,
        g.storage,
        dq.storage,
        dk.storage,
        dv.storage,
      );
      return [dq, dk, dv];
    });
  lse.dispose();
  return out;
}
