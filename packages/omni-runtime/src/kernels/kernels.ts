import type { Storage } from '../tensor/storage.js';

/** Elementwise binary ops. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';
/** Elementwise unary ops; each has a derivative kernel. */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'abs'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'silu'
  | 'gelu_erf'
  | 'gelu_tanh';

/**
 * Attention problem description. q is [B, T, Hq, D], k and v are [B, S, Hkv, D] read with batch stride
 * `kvBatchStride` elements (a KV cache is [B, maxLen, Hkv, D]); out is [B, T, Hq, D]; lse [B, Hq, T].
 * Query t sits at absolute position `queryOffset + t`. Masks: `causal` (key s <= query position),
 * `blockEnds` (block-diagonal: ascending exclusive ends, query and key must share a block; applies
 * with queryOffset 0), `keyStart` (per batch row, keys before it are padding). A query with no visible
 * key outputs zeros.
 *
 * Besides its own keys, a query may see a shared context (rows that share a prompt compute it once):
 * `contextBlocks` (with blockEnds: per block, an earlier block whose keys its queries all see) or
 * `prefix` (a KV cache of prompts in separate buffers). Scores are laid out context first, then own
 * keys, as if the context preceded them on the key axis.
 */
export interface AttentionShape {
  batch: number;
  queryLen: number;
  keyLen: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  kvBatchStride: number;
  /**
   * Keys stored transposed, [B, Hkv, D, keyCapacity] (the KV cache's layout, so decoding reads keys
   * contiguously); values keep [B, S, Hkv, D]. Forward only.
   */
  keysTransposed: boolean;
  keyCapacity: number;
  queryOffset: number;
  scale: number;
  causal: boolean;
  blockEnds: Int32Array | null;
  keyStart: Int32Array | null;
  /** Per block of blockEnds, an earlier block (index) whose keys the block's queries also see; -1 none. */
  contextBlocks?: Int32Array | null;
  /**
   * A shared prefix (forward only): batch row b also sees row `rows[b]` of the prefix buffers, keys
   * [U, Hkv, D, capacity] (transposed) and values [U, capacity, Hkv, D], positions
   * [keyStart[b], length); keyStart then applies to the prefix, and the own keys start at 0.
   */
  prefix?: AttentionPrefix | null;
}

/** See AttentionShape.prefix. */
export interface AttentionPrefix {
  rows: Int32Array;
  length: number;
  capacity: number;
  batchStride: number;
}

/**
 * The kernel set of one backend. Every buffer argument is a Storage of the backend's device; sizes are
 * element counts. Outputs are fully written unless the parameter says `accumulate` (then out += ...).
 * The CPU has two implementations: the pure-TypeScript reference (float32 and float64, the test
 * oracle and fallback) and the native addon (float32, SIMD + threads). A CUDA backend implements the
 * same interface over device buffers.
 */
export interface Kernels {
  readonly name: string;

  fill(out: Storage, value: number, offset: number, n: number): void;
  copy(src: Storage, srcOffset: number, dst: Storage, dstOffset: number, n: number): void;
  /** Strided block copy: for each of `outer` blocks copy `n` elements (used by slice/concat). */
  copyBlocks(
    src: Storage,
    srcOffset: number,
    srcStride: number,
    dst: Storage,
    dstOffset: number,
    dstStride: number,
    outer: number,
    n: number,
  ): void;
  /** out = x with its axes permuted: out.shape[i] = shape[perm[i]]. */
  permute(x: Storage, out: Storage, shape: readonly number[], perm: readonly number[]): void;

  /**
   * Batched GEMM: C_b = alpha * op(A_b) op(B_b) + beta * C_b for b < batch, with op(A) [m, k] and
   * op(B) [k, n]; A is stored [m, k] ([k, m] when transA), B [k, n] ([n, k] when transB), C [m, n].
   * Batch strides may be 0 (broadcast A or B).
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Storage,
    aOffset: number,
    aStride: number,
    b: Storage,
    bOffset: number,
    bStride: number,
    beta: number,
    c: Storage,
    cOffset: number,
    cStride: number,
    batch: number,
  ): void;

  /** out[i] = a[ai] op b[bi] over `outShape`, with element strides (0 = broadcast) for a and b. */
  binary(
    op: BinaryOp,
    a: Storage,
    aStrides: readonly number[],
    b: Storage,
    bStrides: readonly number[],
    out: Storage,
    outShape: readonly number[],
  ): void;
  /** out[i] = alpha * x[i] + beta (in place allowed). */
  affine(x: Storage, alpha: number, beta: number, out: Storage, n: number): void;
  /** y[i] += alpha * x[i]. */
  axpy(alpha: number, x: Storage, y: Storage, n: number): void;
  unary(op: UnaryOp, x: Storage, out: Storage, n: number): void;
  /** dx = g * f'(x) (accumulate: dx += ...). */
  unaryBackward(op: UnaryOp, x: Storage, g: Storage, dx: Storage, n: number, accumulate: boolean): void;

  /** x viewed as [outer, len, inner]: out[outer, inner] = sum / max over len (argmax: index of max). */
  reduce(
    op: 'sum' | 'max',
    x: Storage,
    out: Storage,
    outer: number,
    len: number,
    inner: number,
    argmax: Storage | null,
  ): void;
  /** Sum of squares of x (accumulated in float64, fixed order). */
  sumSquares(x: Storage, n: number): number;

  /** Row-wise (log-)softmax of [rows, cols]. */
  softmax(x: Storage, out: Storage, rows: number, cols: number, log: boolean): void;
  /** dx from y (the forward output) and g (accumulate: dx += ...). */
  softmaxBackward(
    y: Storage,
    g: Storage,
    dx: Storage,
    rows: number,
    cols: number,
    log: boolean,
    accumulate: boolean,
  ): void;
  /** out[r] = log softmax(x[r] * invTemp)[target[r]]; lse[r] = logsumexp(x[r] * invTemp). */
  logSoftmaxGather(
    x: Storage,
    targets: Storage,
    out: Storage,
    lse: Storage,
    rows: number,
    cols: number,
    invTemp: number,
  ): void;
  /** dx[r] (+)= g[r] * invTemp * (onehot(target) - softmax(x[r] * invTemp)). */
  logSoftmaxGatherBackward(
    x: Storage,
    targets: Storage,
    lse: Storage,
    g: Storage,
    dx: Storage,
    rows: number,
    cols: number,
    invTemp: number,
    accumulate: boolean,
  ): void;
  /** out[r] = entropy of softmax(x[r] * invTemp); lse as above. */
  entropy(x: Storage, out: Storage, lse: Storage, rows: number, cols: number, invTemp: number): void;
  entropyBackward(
    x: Storage,
    lse: Storage,
    h: Storage,
    g: Storage,
    dx: Storage,
    rows: number,
    cols: number,
    invTemp: number,
    accumulate: boolean,
  ): void;

  /** out[i, :] = weight[ids[i], :]. */
  embedding(weight: Storage, ids: Storage, out: Storage, n: number, dim: number): void;
  /** dweight[ids[i], :] += g[i, :], in index order (deterministic). */
  embeddingBackward(g: Storage, ids: Storage, dweight: Storage, n: number, dim: number): void;

  /** out = x * rsqrt(mean(x^2) + eps) * w over rows; rstd[r] saved. */
  rmsNorm(x: Storage, w: Storage, out: Storage, rstd: Storage, rows: number, cols: number, eps: number): void;
  /** dx (written) and dw (accumulated). */
  rmsNormBackward(
    x: Storage,
    w: Storage,
    rstd: Storage,
    g: Storage,
    dx: Storage,
    dw: Storage | null,
    rows: number,
    cols: number,
  ): void;
  layerNorm(
    x: Storage,
    w: Storage | null,
    b: Storage | null,
    out: Storage,
    mean: Storage,
    rstd: Storage,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  layerNormBackward(
    x: Storage,
    w: Storage | null,
    mean: Storage,
    rstd: Storage,
    g: Storage,
    dx: Storage,
    dw: Storage | null,
    db: Storage | null,
    rows: number,
    cols: number,
  ): void;

  /** out = silu(gate) * up. */
  swiglu(gate: Storage, up: Storage, out: Storage, n: number): void;
  swigluBackward(gate: Storage, up: Storage, g: Storage, dgate: Storage, dup: Storage, n: number): void;

  /**
   * Rotate-half rotary embedding on x [B, T, H, D]: for i < D/2 with angle p * invFreq[i],
   * y_i = x_i cos - x_{i+D/2} sin, y_{i+D/2} = x_{i+D/2} cos + x_i sin. `positions` has B*T entries.
   * `cos`/`sin` are tables [maxPos, D/2]. inverse = rotate by -angle (the backward).
   */
  rope(
    x: Storage,
    out: Storage,
    cos: Storage,
    sin: Storage,
    positions: Storage,
    batch: number,
    seq: number,
    heads: number,
    headDim: number,
    inverse: boolean,
  ): void;

  /** dst[b, h, d, offset + t] = src[b, t, h, d]: appends keys [B, T, H, D] to a transposed cache. */
  writeTransposedKeys(
    src: Storage,
    dst: Storage,
    batch: number,
    seq: number,
    heads: number,
    dim: number,
    capacity: number,
    offset: number,
  ): void;

  /**
   * Fused attention forward; see AttentionShape. k and v are read at kOffset / vOffset; prefixKeys /
   * prefixValues are the buffers of `s.prefix`.
   */
  attention(
    s: AttentionShape,
    q: Storage,
    k: Storage,
    kOffset: number,
    v: Storage,
    vOffset: number,
    out: Storage,
    lse: Storage,
    prefixKeys?: Storage,
    prefixValues?: Storage,
  ): void;
  /**
   * dq written; dk, dv (same layout as k/v with kvBatchStride = keyLen*kvHeads*headDim) written.
   * Context blocks are supported, a prefix is not.
   */
  attentionBackward(
    s: AttentionShape,
    q: Storage,
    k: Storage,
    v: Storage,
    out: Storage,
    lse: Storage,
    g: Storage,
    dq: Storage,
    dk: Storage,
    dv: Storage,
  ): void;

  /** x [B, C, L] -> cols [B, C*K, Lout] (zero padding): cols[b, c*K + j, o] = x[b, c, o*stride + j - padding]. */
  im2col(
    x: Storage,
    cols: Storage,
    batch: number,
    channels: number,
    len: number,
    kernel: number,
    stride: number,
    padding: number,
    outLen: number,
  ): void;
  /** Adjoint of im2col: dx [B, C, L] (written) from dcols. */
  col2im(
    dcols: Storage,
    dx: Storage,
    batch: number,
    channels: number,
    len: number,
    kernel: number,
    stride: number,
    padding: number,
    outLen: number,
  ): void;

  /** x [outer, len] -> out [outer, outLen], mean over windows of `kernel` with `stride` (no padding). */
  avgPool(
    x: Storage,
    out: Storage,
    outer: number,
    len: number,
    outLen: number,
    kernel: number,
    stride: number,
  ): void;
  avgPoolBackward(
    g: Storage,
    dx: Storage,
    outer: number,
    len: number,
    outLen: number,
    kernel: number,
    stride: number,
  ): void;

  /** Fused AdamW step on one tensor (decoupled decay: p -= lr*wd*p before the Adam update). */
  adamw(
    p: Storage,
    g: Storage,
    m: Storage,
    v: Storage,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    bias1: number,
    bias2: number,
    gradScale: number,
  ): void;
}
