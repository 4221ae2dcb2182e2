import { CpuStorage, type Storage } from '../../tensor/storage.js';
import type { AttentionShape, Kernels } from '../kernels.js';
import { referenceKernels } from '../reference/index.js';
import type { NativeInfo } from './load.js';

type F = Float32Array;
type I = Int32Array;

/** The functions build/Release/omni_runtime.node exports (float32 only; see native/addon.cc). */
export interface NativeAddon {
  info(): NativeInfo;
  setThreads(n: number): void;
  /** Switches the SIMD build ('generic', 'avx2', 'avx512' or 'auto'); returns the one in use. */
  setIsa(isa: string): string;
  gemm(ta: boolean, tb: boolean, m: number, n: number, k: number, alpha: number, a: F, ao: number, as: number, b: F, bo: number, bs: number, beta: number, c: F, co: number, cs: number, batch: number): void;
  binary(op: number, a: F, aStrides: I, b: F, bStrides: I, out: F, shape: I): void;
  affine(x: F, alpha: number, beta: number, out: F, n: number): void;
  copyBlocks(src: F, so: number, ss: number, dst: F, dO: number, ds: number, outer: number, n: number): void;
  im2col(x: F, cols: F, b: number, c: number, len: number, k: number, stride: number, pad: number, outLen: number): void;
  col2im(dcols: F, dx: F, b: number, c: number, len: number, k: number, stride: number, pad: number, outLen: number): void;
  axpy(alpha: number, x: F, y: F, n: number): void;
  unary(op: number, x: F, out: F, n: number): void;
  unaryBackward(op: number, x: F, g: F, dx: F, n: number, accumulate: boolean): void;
  reduce(op: number, x: F, out: F, outer: number, len: number, inner: number, argmax: I | null): void;
  sumSquares(x: F, n: number): number;
  softmax(x: F, out: F, rows: number, cols: number, log: boolean): void;
  softmaxBackward(y: F, g: F, dx: F, rows: number, cols: number, log: boolean, accumulate: boolean): void;
  logSoftmaxGather(x: F, t: I, out: F, lse: F, rows: number, cols: number, invTemp: number): void;
  logSoftmaxGatherBackward(x: F, t: I, lse: F, g: F, dx: F, rows: number, cols: number, invTemp: number, accumulate: boolean): void;
  entropy(x: F, out: F, lse: F, rows: number, cols: number, invTemp: number): void;
  entropyBackward(x: F, lse: F, h: F, g: F, dx: F, rows: number, cols: number, invTemp: number, accumulate: boolean): void;
  embedding(w: F, ids: I, out: F, n: number, dim: number): void;
  embeddingBackward(g: F, ids: I, dw: F, n: number, dim: number): void;
  rmsNorm(x: F, w: F, out: F, rstd: F, rows: number, cols: number, eps: number): void;
  rmsNormBackward(x: F, w: F, rstd: F, g: F, dx: F, dw: F | null, rows: number, cols: number): void;
  layerNorm(x: F, w: F | null, b: F | null, out: F, mean: F, rstd: F, rows: number, cols: number, eps: number): void;
  layerNormBackward(x: F, w: F | null, mean: F, rstd: F, g: F, dx: F, dw: F | null, db: F | null, rows: number, cols: number): void;
  swiglu(gate: F, up: F, out: F, n: number): void;
  swigluBackward(gate: F, up: F, g: F, dgate: F, dup: F, n: number): void;
  rope(x: F, out: F, cos: F, sin: F, pos: I, b: number, t: number, h: number, d: number, inverse: boolean): void;
  attention(dims: Float64Array, blockEnds: I | null, keyStart: I | null, q: F, k: F, ko: number, v: F, vo: number, out: F, lse: F, contextBlocks: I | null, prefixRows: I | null, prefixK: F | null, prefixV: F | null): void;
  attentionBackward(dims: Float64Array, blockEnds: I | null, keyStart: I | null, q: F, k: F, v: F, out: F, lse: F, g: F, dq: F, dk: F, dv: F, contextBlocks: I | null): void;
  writeTransposedKeys(src: F, dst: F, b: number, t: number, h: number, d: number, cap: number, off: number): void;
  adamw(p: F, g: F, m: F, v: F, n: number, lr: number, b1: number, b2: number, eps: number, wd: number, bias1: number, bias2: number, gradScale: number): void;
}

const UNARY = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'square', 'abs', 'tanh', 'sigmoid', 'relu', 'silu', 'gelu_erf', 'gelu_tanh'];
const BINARY = ['add', 'sub', 'mul', 'div'];

const f = (s: Storage): F => (s as CpuStorage).data as F;
const fo = (s: Storage | null): F | null => (s ? ((s as CpuStorage).data as F) : null);
const i32 = (s: Storage): I => (s as CpuStorage).data as I;
const isF32 = (s: Storage): boolean => (s as CpuStorage).data instanceof Float32Array;

function dims(s: AttentionShape): Float64Array {
  return Float64Array.of(
    s.batch,
    s.queryLen,
    s.keyLen,
    s.heads,
    s.kvHeads,
    s.headDim,
    s.kvBatchStride,
    s.queryOffset,
    s.scale,
    s.causal ? 1 : 0,
    s.keysTransposed ? 1 : 0,
    s.keyCapacity,
    s.prefix?.length ?? 0,
    s.prefix?.capacity ?? 0,
    s.prefix?.batchStride ?? 0,
  );
}

/** float32 kernels backed by the addon; anything else (and any kernel it lacks) uses the reference. */
export function makeNativeKernels(n: NativeAddon): Kernels {
  const r = referenceKernels;
  return {
    ...r,
    name: 'native',
    gemm: (ta, tb, m, nn, k, alpha, a, ao, as, b, bo, bs, beta, c, co, cs, batch) =>
      n.gemm(ta, tb, m, nn, k, alpha, f(a), ao, as, f(b), bo, bs, beta, f(c), co, cs, batch),
    binary: (op, a, as, b, bs, out, shape) =>
      shape.length > 8 || !isF32(out)
        ? r.binary(op, a, as, b, bs, out, shape)
        : n.binary(BINARY.indexOf(op), f(a), Int32Array.from(as), f(b), Int32Array.from(bs), f(out), Int32Array.from(shape)),
    copyBlocks: (src, so, ss, dst, dO, ds, outer, nn) =>
      isF32(dst) ? n.copyBlocks(f(src), so, ss, f(dst), dO, ds, outer, nn) : r.copyBlocks(src, so, ss, dst, dO, ds, outer, nn),
    im2col: (x, cols, b, c, len, k, stride, pad, outLen) => n.im2col(f(x), f(cols), b, c, len, k, stride, pad, outLen),
    col2im: (dcols, dx, b, c, len, k, stride, pad, outLen) => n.col2im(f(dcols), f(dx), b, c, len, k, stride, pad, outLen),
    affine: (x, alpha, beta, out, nn) => (isF32(x) ? n.affine(f(x), alpha, beta, f(out), nn) : r.affine(x, alpha, beta, out, nn)),
    axpy: (alpha, x, y, nn) => (isF32(y) ? n.axpy(alpha, f(x), f(y), nn) : r.axpy(alpha, x, y, nn)),
    unary: (op, x, out, nn) => n.unary(UNARY.indexOf(op), f(x), f(out), nn),
    unaryBackward: (op, x, g, dx, nn, acc) => n.unaryBackward(UNARY.indexOf(op), f(x), f(g), f(dx), nn, acc),
    reduce: (op, x, out, outer, len, inner, argmax) =>
      n.reduce(op === 'sum' ? 0 : 1, f(x), f(out), outer, len, inner, argmax ? i32(argmax) : null),
    sumSquares: (x, nn) => (isF32(x) ? n.sumSquares(f(x), nn) : r.sumSquares(x, nn)),
    softmax: (x, out, rows, cols, log) => n.softmax(f(x), f(out), rows, cols, log),
    softmaxBackward: (y, g, dx, rows, cols, log, acc) => n.softmaxBackward(f(y), f(g), f(dx), rows, cols, log, acc),
    logSoftmaxGather: (x, t, out, lse, rows, cols, it) => n.logSoftmaxGather(f(x), i32(t), f(out), f(lse), rows, cols, it),
    logSoftmaxGatherBackward: (x, t, lse, g, dx, rows, cols, it, acc) =>
      n.logSoftmaxGatherBackward(f(x), i32(t), f(lse), f(g), f(dx), rows, cols, it, acc),
    entropy: (x, out, lse, rows, cols, it) => n.entropy(f(x), f(out), f(lse), rows, cols, it),
    entropyBackward: (x, lse, h, g, dx, rows, cols, it, acc) =>
      n.entropyBackward(f(x), f(lse), f(h), f(g), f(dx), rows, cols, it, acc),
    embedding: (w, ids, out, nn, dim) => n.embedding(f(w), i32(ids), f(out), nn, dim),
    embeddingBackward: (g, ids, dw, nn, dim) => n.embeddingBackward(f(g), i32(ids), f(dw), nn, dim),
    rmsNorm: (x, w, out, rstd, rows, cols, eps) => n.rmsNorm(f(x), f(w), f(out), f(rstd), rows, cols, eps),
    rmsNormBackward: (x, w, rstd, g, dx, dw, rows, cols) =>
      n.rmsNormBackward(f(x), f(w), f(rstd), f(g), f(dx), fo(dw), rows, cols),
    layerNorm: (x, w, b, out, mean, rstd, rows, cols, eps) =>
      n.layerNorm(f(x), fo(w), fo(b), f(out), f(mean), f(rstd), rows, cols, eps),
    layerNormBackward: (x, w, mean, rstd, g, dx, dw, db, rows, cols) =>
      n.layerNormBackward(f(x), fo(w), f(mean), f(rstd), f(g), f(dx), fo(dw), fo(db), rows, cols),
    swiglu: (gate, up, out, nn) => n.swiglu(f(gate), f(up), f(out), nn),
    swigluBackward: (gate, up, g, dgate, dup, nn) => n.swigluBackward(f(gate), f(up), f(g), f(dgate), f(dup), nn),
    rope: (x, out, cos, sin, pos, b, t, h, d, inv) => n.rope(f(x), f(out), f(cos), f(sin), i32(pos), b, t, h, d, inv),
    writeTransposedKeys: (src, dst, b, t, h, d, cap, off) => n.writeTransposedKeys(f(src), f(dst), b, t, h, d, cap, off),
    attention: (s, q, k, ko, v, vo, out, lse, pk, pv) =>
      n.attention(dims(s), s.blockEnds, s.keyStart, f(q), f(k), ko, f(v), vo, f(out), f(lse), s.contextBlocks ?? null,
        s.prefix?.rows ?? null, fo(pk ?? null), fo(pv ?? null)),
    attentionBackward: (s, q, k, v, out, lse, g, dq, dk, dv) =>
      n.attentionBackward(dims(s), s.blockEnds, s.keyStart, f(q), f(k), f(v), f(out), f(lse), f(g), f(dq), f(dk), f(dv),
        s.contextBlocks ?? null),
    adamw: (p, g, m, v, nn, lr, b1, b2, eps, wd, bias1, bias2, gs) =>
      n.adamw(f(p), f(g), f(m), f(v), nn, lr, b1, b2, eps, wd, bias1, bias2, gs),
  };
}

