import { Rng } from '@soundmind/rl-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TinyDecoder } from '../../bench/tiny-decoder.js';
import { backward } from '../../src/autograd/backward.js';
import type { AttentionShape, BinaryOp, Kernels, UnaryOp } from '../../src/kernels/kernels.js';
import { loadNativeKernels, nativeAddon } from '../../src/kernels/native/load.js';
import { referenceKernels as ref } from '../../src/kernels/reference/index.js';
import { setKernelPreference, setNumThreads } from '../../src/kernels/registry.js';
import { mean } from '../../src/ops/reduce.js';
import { gatherLogProbs } from '../../src/ops/softmax.js';
import { CpuStorage, type Storage } from '../../src/tensor/storage.js';

const native = loadNativeKernels();
const rng = new Rng(99);

function rand(n: number, scale = 1): CpuStorage {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.normal() * scale;
  return new CpuStorage('float32', d);
}
function ints(n: number, limit: number): CpuStorage {
  const d = new Int32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.int(limit);
  return new CpuStorage('int32', d);
}
function copy(s: CpuStorage): CpuStorage {
  return new CpuStorage(s.dtype, s.data.slice());
}
const data = (s: Storage) => (s as CpuStorage).data as Float32Array;

/** Max of |a - b| / (atol + rtol |b|). */
function closeness(a: Float32Array, b: Float32Array, atol = 1e-5, rtol = 1e-4): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(y) || !Number.isFinite(y)) {
      expect(x).toBe(y);
      continue;
    }
    worst = Math.max(worst, Math.abs(x - y) / (atol + rtol * Math.abs(y)));
  }
  return worst;
}

/** Runs `fn` with both kernel sets on copies of the same inputs and compares the outputs. */
function compare(
  inputs: CpuStorage[],
  outputs: CpuStorage[],
  fn: (k: Kernels, io: CpuStorage[]) => void,
  tol?: [number, number],
) {
  const a = [...inputs.map(copy), ...outputs.map(copy)];
  const b = [...inputs.map(copy), ...outputs.map(copy)];
  fn(native!, a);
  fn(ref, b);
  for (let i = inputs.length; i < a.length; i++) {
    const w = closeness(data(a[i]!), data(b[i]!), tol?.[0], tol?.[1]);
    expect(w, `output ${i - inputs.length}`).toBeLessThanOrEqual(1);
  }
}

const sizes = [0, 1, 3, 17, 64, 257];

const isas = ['generic', 'avx2', 'avx512'].filter((isa) => nativeAddon()?.setIsa(isa) === isa);
nativeAddon()?.setIsa('auto');

describe.each(isas.length > 0 ? isas : ['none'])(
  'native kernels (%s build) agree with the reference kernels',
  (isa) => {
    beforeAll(() => {
      nativeAddon()?.setIsa(isa);
    });
    afterAll(() => {
      nativeAddon()?.setIsa('auto');
    });

    it('the addon is built and loads', () => {
      expect(native, 'build the addon: pnpm --filter @soundmind/omni-runtime build').not.toBeNull();
    });

    it('gemm: transposes, batches, broadcast operands, alpha/beta, odd and empty sizes', () => {
      for (const [m, n, k] of [
        [1, 1, 1],
        [3, 5, 7],
        [17, 33, 9],
        [0, 4, 3],
        [4, 0, 3],
        [5, 4, 0],
        [130, 70, 260],
      ] as const)
        for (const ta of [false, true])
          for (const tb of [false, true]) {
            const batch = 2;
            const A = rand(batch * m * k);
            const Bm = rand(k * n);
            const C = rand(batch * m * n);
            compare([A, Bm], [C], (kk, [a, b, c]) =>
              kk.gemm(ta, tb, m, n, k, 0.5, a!, 0, m * k, b!, 0, 0, 1.5, c!, 0, m * n, batch),
            );
            compare([A, Bm], [C], (kk, [a, b, c]) =>
              kk.gemm(ta, tb, m, n, k, 1, a!, 0, 0, b!, 0, 0, 0, c!, 0, 0, 1),
            );
          }
    });

    it('binary ops with broadcasting, affine, axpy', () => {
      const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div'];
      // [a strides, b strides, output shape]
      const cases: [number[], number[], number[]][] = [
        [
          [4, 1],
          [1, 0],
          [3, 4],
        ],
        [
          [15, 5, 1],
          [0, 5, 1],
          [2, 3, 5],
        ],
        [[1], [0], [7]],
        [
          [3, 1],
          [0, 1],
          [0, 3],
        ],
        [
          [3, 0, 1],
          [0, 3, 1],
          [2, 4, 3],
        ],
        [
          [1, 2],
          [2, 1],
          [2, 2],
        ],
        [[], [], []],
      ];
      for (const op of ops)
        for (const [as, bs, shape] of cases) {
          const n = shape.reduce((x, y) => x * y, 1);
          const A = rand(Math.max(1, n));
          const B = rand(Math.max(1, n));
          compare([A, B], [rand(n)], (k, [a, b, o]) => k.binary(op, a!, as, b!, bs, o!, shape));
        }
      compare([rand(7 * 5)], [rand(9 * 4)], (k, [x, o]) => k.copyBlocks(x!, 2, 5, o!, 1, 4, 6, 3));
      compare([rand(3)], [rand(4 * 3)], (k, [x, o]) => k.copyBlocks(x!, 0, 0, o!, 0, 3, 4, 3));
      for (const n of sizes) {
        compare([rand(n)], [rand(n)], (k, [x, o]) => k.affine(x!, -1.5, 0.25, o!, n));
        compare([rand(n)], [rand(n)], (k, [x, y]) => k.axpy(0.75, x!, y!, n));
        compare([rand(n)], [], (k, [x]) => {
          const s = k.sumSquares(x!, n);
          expect(Math.abs(s - ref.sumSquares(x!, n))).toBeLessThanOrEqual(1e-5 * (1 + s));
        });
      }
    });

    it('unary ops and their derivatives', () => {
      const ops: UnaryOp[] = [
        'neg',
        'exp',
        'log',
        'sqrt',
        'rsqrt',
        'square',
        'abs',
        'tanh',
        'sigmoid',
        'relu',
        'silu',
        'gelu_erf',
        'gelu_tanh',
      ];
      for (const op of ops)
        for (const n of sizes) {
          const x = rand(n, 3);
          if (op === 'log' || op === 'sqrt' || op === 'rsqrt')
            data(x).forEach((v, i, d) => {
              d[i] = 0.05 + Math.abs(v);
            });
          compare([x], [rand(n)], (k, [a, o]) => k.unary(op, a!, o!, n), [1e-6, 2e-5]);
          compare(
            [x, rand(n)],
            [rand(n)],
            (k, [a, g, o]) => k.unaryBackward(op, a!, g!, o!, n, true),
            [1e-5, 1e-4],
          );
        }
      // exp saturates: 0 far below (denormal results flush to 0), Infinity far above, NaN stays NaN
      const x = new CpuStorage(
        'float32',
        Float32Array.from([-1000, -80, 0, 88, 100, Number.NEGATIVE_INFINITY, Number.NaN]),
      );
      const o = new CpuStorage('float32', new Float32Array(7));
      native!.unary('exp', x, o, 7);
      const got = Array.from(data(o));
      expect(got[0]).toBe(0);
      expect(Math.abs(got[1]! / Math.exp(-80) - 1)).toBeLessThan(1e-6);
      expect(got.slice(2, 6)).toEqual([1, Math.fround(Math.exp(88)), Infinity, 0]);
      expect(got[6]).toBeNaN();
    });

    it('reductions over rows, inner axes and few outer blocks', () => {
      for (const [outer, len, inner] of [
        [5, 7, 1],
        [3, 4, 9],
        [1, 300, 130],
        [0, 3, 2],
        [2, 0, 3],
        [4, 5, 0],
      ] as const)
        for (const op of ['sum', 'max'] as const) {
          if (op === 'max' && len === 0) continue;
          const n = outer * len * inner;
          compare([rand(n)], [rand(outer * inner)], (k, [x, o]) =>
            k.reduce(op, x!, o!, outer, len, inner, null),
          );
          if (op === 'max') {
            const am = [
              new CpuStorage('int32', new Int32Array(outer * inner)),
              new CpuStorage('int32', new Int32Array(outer * inner)),
            ];
            const x = rand(n);
            native!.reduce('max', x, rand(outer * inner), outer, len, inner, am[0]!);
            ref.reduce('max', x, rand(outer * inner), outer, len, inner, am[1]!);
            expect(am[0]!.data).toEqual(am[1]!.data);
          }
        }
    });

    it('softmax family, fused log-prob gather and entropy', () => {
      // float32 sums over up to 513 columns against float64: absolute error up to ~1e-5 of O(10) sums
      const cmp: typeof compare = (i, o, f) => compare(i, o, f, [1e-4, 1e-4]);
      for (const [rows, cols] of [
        [1, 1],
        [3, 7],
        [17, 513],
        [0, 5],
        [40, 64],
      ] as const) {
        const n = rows * cols;
        for (const log of [false, true]) {
          cmp([rand(n, 3)], [rand(n)], (k, [x, o]) => k.softmax(x!, o!, rows, cols, log));
          const y = rand(n);
          ref.softmax(rand(n, 3), y, rows, cols, log);
          cmp([y, rand(n)], [rand(n)], (k, [yy, g, d]) =>
            k.softmaxBackward(yy!, g!, d!, rows, cols, log, true),
          );
        }
        const t = ints(rows, cols);
        for (const invTemp of [1, 1 / 0.7]) {
          cmp([rand(n, 3), t], [rand(rows), rand(rows)], (k, [x, tt, o, l]) =>
            k.logSoftmaxGather(x!, tt!, o!, l!, rows, cols, invTemp),
          );
          cmp([rand(n, 3)], [rand(rows), rand(rows)], (k, [x, o, l]) =>
            k.entropy(x!, o!, l!, rows, cols, invTemp),
          );
          const x = rand(n, 3);
          const lse = rand(rows);
          const h = rand(rows);
          ref.entropy(x, h, lse, rows, cols, invTemp);
          cmp([x, t, lse, rand(rows)], [rand(n)], (k, [a, tt, l, g, d]) =>
            k.logSoftmaxGatherBackward(a!, tt!, l!, g!, d!, rows, cols, invTemp, true),
          );
          cmp([x, lse, h, rand(rows)], [rand(n)], (k, [a, l, hh, g, d]) =>
            k.entropyBackward(a!, l!, hh!, g!, d!, rows, cols, invTemp, false),
          );
        }
      }
    });

    it('embedding, norms, SwiGLU, rotary, AdamW', () => {
      for (const [rows, cols] of [
        [1, 1],
        [5, 7],
        [33, 256],
        [0, 8],
      ] as const) {
        const n = rows * cols;
        const ids = ints(rows, 11);
        compare([rand(11 * cols), ids], [rand(n)], (k, [w, i, o]) => k.embedding(w!, i!, o!, rows, cols));
        compare([rand(n), ids], [rand(11 * cols)], (k, [g, i, dw]) =>
          k.embeddingBackward(g!, i!, dw!, rows, cols),
        );
        compare([rand(n), rand(cols)], [rand(n), rand(rows)], (k, [x, w, o, r]) =>
          k.rmsNorm(x!, w!, o!, r!, rows, cols, 1e-6),
        );
        const x = rand(n);
        const w = rand(cols);
        const rstd = rand(rows);
        const mean = rand(rows);
        ref.rmsNorm(x, w, rand(n), rstd, rows, cols, 1e-6);
        compare([x, w, rstd, rand(n)], [rand(n), rand(cols)], (k, [a, b, r, g, dx, dw]) =>
          k.rmsNormBackward(a!, b!, r!, g!, dx!, dw!, rows, cols),
        );
        compare(
          [rand(n), rand(cols), rand(cols)],
          [rand(n), rand(rows), rand(rows)],
          (k, [a, b, c, o, m, r]) => k.layerNorm(a!, b!, c!, o!, m!, r!, rows, cols, 1e-5),
        );
        ref.layerNorm(x, w, null, rand(n), mean, rstd, rows, cols, 1e-5);
        compare(
          [x, w, mean, rstd, rand(n)],
          [rand(n), rand(cols), rand(cols)],
          (k, [a, b, m, r, g, dx, dw, db]) =>
            k.layerNormBackward(a!, b!, m!, r!, g!, dx!, dw!, db!, rows, cols),
        );
        compare([x, mean, rstd, rand(n)], [rand(n)], (k, [a, m, r, g, dx]) =>
          k.layerNormBackward(a!, null, m!, r!, g!, dx!, null, null, rows, cols),
        );
        compare([rand(n, 2), rand(n)], [rand(n)], (k, [a, b, o]) => k.swiglu(a!, b!, o!, n));
        compare([rand(n, 2), rand(n), rand(n)], [rand(n), rand(n)], (k, [a, b, g, d1, d2]) =>
          k.swigluBackward(a!, b!, g!, d1!, d2!, n),
        );
        const v0 = rand(n);
        data(v0).forEach((x, i, d) => {
          d[i] = Math.abs(x) * 0.01;
        });
        compare([rand(n)], [rand(n), rand(n), v0], (k, [g, p, m, v]) => {
          k.adamw(p!, g!, m!, v!, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, 0.1, 0.001, 0.5);
        });
      }
      for (const [B, C, Lx, stride] of [
        [2, 3, 7, 1],
        [1, 4, 10, 2],
        [2, 1, 1, 2],
        [0, 3, 5, 1],
      ] as const) {
        const outLen = Math.floor((Lx + 2 - 3) / stride) + 1;
        const colsN = B * C * 3 * outLen;
        compare([rand(B * C * Lx)], [rand(colsN)], (k, [x, c]) =>
          k.im2col(x!, c!, B, C, Lx, 3, stride, 1, outLen),
        );
        compare([rand(colsN)], [rand(B * C * Lx)], (k, [c, dx]) =>
          k.col2im(c!, dx!, B, C, Lx, 3, stride, 1, outLen),
        );
      }
      for (const [B, T, H, D] of [
        [1, 1, 1, 2],
        [2, 5, 3, 8],
        [0, 4, 2, 4],
        [3, 7, 4, 64],
      ] as const) {
        const cos = rand(16 * (D / 2));
        const sin = rand(16 * (D / 2));
        const pos = ints(B * T, 16);
        for (const inv of [false, true])
          compare([rand(B * T * H * D), cos, sin, pos], [rand(B * T * H * D)], (k, [x, c, s, p, o]) =>
            k.rope(x!, o!, c!, s!, p!, B, T, H, D, inv),
          );
      }
    });

    it('fused attention forward and backward: causal, GQA, block-diagonal, padding, cache offsets', () => {
      const cases: Partial<AttentionShape>[] = [
        { batch: 2, queryLen: 5, keyLen: 5, heads: 4, kvHeads: 2, headDim: 8, causal: true },
        {
          batch: 1,
          queryLen: 7,
          keyLen: 7,
          heads: 2,
          kvHeads: 2,
          headDim: 5,
          causal: false,
          blockEnds: Int32Array.from([3, 7]),
        },
        {
          batch: 3,
          queryLen: 4,
          keyLen: 4,
          heads: 3,
          kvHeads: 1,
          headDim: 16,
          causal: true,
          keyStart: Int32Array.from([0, 2, 1]),
        },
        { batch: 2, queryLen: 1, keyLen: 9, heads: 2, kvHeads: 1, headDim: 4, causal: true, queryOffset: 8 },
        { batch: 2, queryLen: 0, keyLen: 0, heads: 2, kvHeads: 1, headDim: 4, causal: true },
        { batch: 2, queryLen: 3, keyLen: 3, heads: 4, kvHeads: 2, headDim: 24, causal: true },
        {
          batch: 1,
          queryLen: 70,
          keyLen: 70,
          heads: 2,
          kvHeads: 1,
          headDim: 64,
          causal: true,
          keyStart: Int32Array.from([5]),
        },
        { batch: 2, queryLen: 33, keyLen: 33, heads: 4, kvHeads: 4, headDim: 32, causal: true },
      ];
      for (const c of cases) {
        const s: AttentionShape = {
          batch: c.batch!,
          queryLen: c.queryLen!,
          keyLen: c.keyLen!,
          heads: c.heads!,
          kvHeads: c.kvHeads!,
          headDim: c.headDim!,
          kvBatchStride: c.keyLen! * c.kvHeads! * c.headDim!,
          keysTransposed: false,
          keyCapacity: c.keyLen!,
          queryOffset: c.queryOffset ?? 0,
          scale: 1 / Math.sqrt(c.headDim!),
          causal: c.causal!,
          blockEnds: c.blockEnds ?? null,
          keyStart: c.keyStart ?? null,
        };
        const qn = s.batch * s.queryLen * s.heads * s.headDim;
        const kn = s.batch * s.keyLen * s.kvHeads * s.headDim;
        const rows = s.batch * s.heads * s.queryLen;
        const q = rand(qn);
        const k = rand(kn);
        const v = rand(kn);
        compare([q, k, v], [rand(qn), rand(rows)], (kk, [a, b, cc, o, l]) =>
          kk.attention(s, a!, b!, 0, cc!, 0, o!, l!),
        );
        // keys in the KV cache's transposed layout (with spare capacity) give the same result; values
        // are kept at a matching batch stride
        const cap = s.keyLen + 3;
        const kt = rand(s.batch * s.kvHeads * s.headDim * cap);
        const vPadded = rand(s.batch * cap * s.kvHeads * s.headDim);
        for (const kk of [native!, ref])
          kk.writeTransposedKeys(k, kt, s.batch, s.keyLen, s.kvHeads, s.headDim, cap, 0);
        ref.copyBlocks(
          v,
          0,
          kn / Math.max(1, s.batch),
          vPadded,
          0,
          cap * s.kvHeads * s.headDim,
          s.batch,
          kn / Math.max(1, s.batch),
        );
        const st: AttentionShape = {
          ...s,
          keysTransposed: true,
          keyCapacity: cap,
          kvBatchStride: cap * s.kvHeads * s.headDim,
        };
        const want = [rand(qn), rand(rows)];
        ref.attention(s, q, k, 0, v, 0, want[0]!, want[1]!);
        const got = [rand(qn), rand(rows)];
        native!.attention(st, q, kt, 0, vPadded, 0, got[0]!, got[1]!);
        expect(closeness(data(got[0]!), data(want[0]!)), 'transposed keys: output').toBeLessThanOrEqual(1);
        const refT = [rand(qn), rand(rows)];
        ref.attention(st, q, kt, 0, vPadded, 0, refT[0]!, refT[1]!);
        expect(
          closeness(data(refT[0]!), data(want[0]!)),
          'transposed keys (reference): output',
        ).toBeLessThanOrEqual(1);
        if (s.queryOffset > 0) continue;
        const out = rand(qn);
        const lse = rand(rows);
        ref.attention(s, q, k, 0, v, 0, out, lse);
        compare(
          [q, k, v, out, lse, rand(qn)],
          [rand(qn), rand(kn), rand(kn)],
          (kk, [a, b, cc, o, l, g, dq, dk, dv]) =>
            kk.attentionBackward(s, a!, b!, cc!, o!, l!, g!, dq!, dk!, dv!),
        );
      }
    });

    it('gives the same bits with 1 and 2 threads on sizes that are split across threads', () => {
      const runAll = (threads: number) => {
        setNumThreads(threads);
        const r = new Rng(5);
        const fill = (n: number) =>
          new CpuStorage(
            'float32',
            Float32Array.from({ length: n }, () => r.normal()),
          );
        const outs: Float32Array[] = [];
        const a = fill(600 * 200);
        const b = fill(200 * 300);
        const c = fill(600 * 300);
        native!.gemm(false, true, 600, 300, 200, 1, a, 0, 0, b, 0, 0, 0, c, 0, 0, 1);
        native!.gemm(true, false, 200, 200, 600, 1, a, 0, 0, a, 0, 0, 0, c, 0, 0, 1);
        outs.push(data(c).slice());
        const x = fill(1 << 17);
        const y = fill(1 << 17);
        native!.swiglu(x, y, c, 1 << 16);
        native!.reduce('sum', x, y, 1, 512, 256, null);
        outs.push(data(c).slice(0, 1 << 16), data(y).slice(0, 256));
        const s: AttentionShape = {
          batch: 4,
          queryLen: 64,
          keyLen: 64,
          heads: 4,
          kvHeads: 2,
          headDim: 32,
          kvBatchStride: 64 * 2 * 32,
          keysTransposed: false,
          keyCapacity: 64,
          queryOffset: 0,
          scale: 0.2,
          causal: true,
          blockEnds: null,
          keyStart: null,
        };
        const q = fill(4 * 64 * 4 * 32);
        const k = fill(4 * 64 * 2 * 32);
        const o = fill(4 * 64 * 4 * 32);
        const l = fill(4 * 4 * 64);
        native!.attention(s, q, k, 0, k, 0, o, l);
        const dq = fill(q.size);
        const dk = fill(k.size);
        const dv = fill(k.size);
        native!.attentionBackward(s, q, k, k, o, l, q, dq, dk, dv);
        outs.push(data(o).slice(), data(dq).slice(), data(dk).slice(), data(dv).slice());
        return outs;
      };
      const one = runAll(1);
      const two = runAll(2);
      two.forEach((arr, i) => {
        expect(Buffer.from(arr.buffer).equals(Buffer.from(one[i]!.buffer)), `output ${i}`).toBe(true);
      });
    });

    it('a whole float32 training step on the reference kernels (the no-addon fallback) matches native', () => {
      const run = (pref: 'native' | 'reference') => {
        setKernelPreference(pref);
        const c = { vocab: 11, dim: 16, layers: 2, heads: 4, kvHeads: 2, ffn: 24, ropeTheta: 1e4, eps: 1e-6 };
        const m = new TinyDecoder(c, new Rng(8));
        const ids = Int32Array.from({ length: 2 * 9 }, (_, i) => (i * 7) % 11);
        const loss = mean(gatherLogProbs(m.forward(ids, 2, 9), ids));
        backward(loss);
        const out = [loss.item(), ...m.parameters().flatMap((p) => Array.from(p.grad!.cpuData()))];
        setKernelPreference('auto');
        return Float32Array.from(out);
      };
      expect(closeness(run('reference'), run('native'), 1e-5, 1e-3)).toBeLessThanOrEqual(1);
    });
  },
);
