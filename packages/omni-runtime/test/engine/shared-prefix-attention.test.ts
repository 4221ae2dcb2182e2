// Attention over a shared context, the layout GRPO's n samples of a prompt use: context blocks (packed
// sequences, forward and backward) and a prefix KV cache (decoding). Checked against the reference
// kernels, against plain attention over each row's own [prompt; continuation], by finite differences,
// and for the same bits on 1 and 2 threads.
import { Rng } from '@soundmind/rl-core';
import { afterAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../src/autograd/mode.js';
import { ShapeError } from '../../src/errors.js';
import type { AttentionShape } from '../../src/kernels/kernels.js';
import { loadNativeKernels, nativeAddon } from '../../src/kernels/native/load.js';
import { referenceKernels as ref } from '../../src/kernels/reference/index.js';
import { setNumThreads } from '../../src/kernels/registry.js';
import { attention } from '../../src/ops/attention.js';
import { KVCache } from '../../src/ops/kv-cache.js';
import { concat, slice } from '../../src/ops/shape.js';
import { randn } from '../../src/tensor/create.js';
import { CpuStorage } from '../../src/tensor/storage.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck, leaf } from './gradcheck.js';

const native = loadNativeKernels();
const rng = new Rng(2024);
const isas = ['generic', 'avx2', 'avx512'].filter((isa) => nativeAddon()?.setIsa(isa) === isa);
nativeAddon()?.setIsa('auto');
afterAll(() => {
  nativeAddon()?.setIsa('auto');
  setNumThreads(2);
});

const rand = (n: number) =>
  new CpuStorage(
    'float32',
    Float32Array.from({ length: n }, () => rng.normal()),
  );
const f32 = (s: CpuStorage) => s.data as Float32Array;

function worst(a: Float32Array, b: Float32Array, atol = 1e-5, rtol = 1e-4): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++)
    w = Math.max(w, Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!)));
  return w;
}

/** A packed layout: per group a prompt block, then continuation blocks that see it. */
function packed(groups: { prompt: number; continuations: number[] }[]) {
  const blockLengths: number[] = [];
  const contextBlocks: number[] = [];
  for (const g of groups) {
    const p = blockLengths.length;
    blockLengths.push(g.prompt);
    contextBlocks.push(-1);
    for (const c of g.continuations) {
      blockLengths.push(c);
      contextBlocks.push(p);
    }
  }
  const ends = new Int32Array(blockLengths.length);
  blockLengths.reduce((at, len, i) => {
    ends[i] = at + len;
    return at + len;
  }, 0);
  return { blockLengths, contextBlocks, ends, total: blockLengths.reduce((a, b) => a + b, 0) };
}

function shape(
  total: number,
  heads: number,
  kvHeads: number,
  headDim: number,
  extra: Partial<AttentionShape>,
): AttentionShape {
  return {
    batch: 1,
    queryLen: total,
    keyLen: total,
    heads,
    kvHeads,
    headDim,
    kvBatchStride: total * kvHeads * headDim,
    keysTransposed: false,
    keyCapacity: total,
    queryOffset: 0,
    scale: 1 / Math.sqrt(headDim),
    causal: true,
    blockEnds: null,
    keyStart: null,
    ...extra,
  };
}

const layouts = [
  // one prompt, three continuations (one empty); GQA; odd head dim
  { groups: [{ prompt: 5, continuations: [3, 0, 1] }], heads: 4, kvHeads: 2, headDim: 5 },
  // blocks longer than the kernel's 32-row blocks, and a prompt with no continuation
  {
    groups: [
      { prompt: 37, continuations: [33, 2] },
      { prompt: 3, continuations: [] },
      { prompt: 1, continuations: [40, 7, 1] },
    ],
    heads: 2,
    kvHeads: 2,
    headDim: 32,
  },
  // the embedded model's head size, GRPO-like groups
  {
    groups: Array.from({ length: 3 }, (_, i) => ({ prompt: 9 + i, continuations: [4, 6, 1, 5 + i] })),
    heads: 4,
    kvHeads: 4,
    headDim: 32,
  },
];

describe.each(isas.length > 0 ? isas : ['none'])('shared-context attention (%s build)', (isa) => {
  it('context blocks: forward and backward agree with the reference kernels', () => {
    expect(native, 'build the addon: pnpm --filter @soundmind/omni-runtime build').not.toBeNull();
    nativeAddon()!.setIsa(isa);
    for (const l of layouts) {
      const p = packed(l.groups);
      const s = shape(p.total, l.heads, l.kvHeads, l.headDim, {
        blockEnds: p.ends,
        contextBlocks: Int32Array.from(p.contextBlocks),
      });
      const qn = p.total * l.heads * l.headDim;
      const kn = p.total * l.kvHeads * l.headDim;
      const [q, k, v, g] = [rand(qn), rand(kn), rand(kn), rand(qn)];
      const out = [rand(qn), rand(qn)];
      const lse = [rand(p.total * l.heads), rand(p.total * l.heads)];
      native!.attention(s, q, k, 0, v, 0, out[0]!, lse[0]!);
      ref.attention(s, q, k, 0, v, 0, out[1]!, lse[1]!);
      expect(worst(f32(out[0]!), f32(out[1]!)), 'out').toBeLessThanOrEqual(1);
      expect(worst(f32(lse[0]!), f32(lse[1]!)), 'lse').toBeLessThanOrEqual(1);
      const grads = [0, 1].map(() => [rand(qn), rand(kn), rand(kn)]);
      native!.attentionBackward(
        s,
        q,
        k,
        v,
        out[1]!,
        lse[1]!,
        g,
        ...(grads[0] as [CpuStorage, CpuStorage, CpuStorage]),
      );
      ref.attentionBackward(
        s,
        q,
        k,
        v,
        out[1]!,
        lse[1]!,
        g,
        ...(grads[1] as [CpuStorage, CpuStorage, CpuStorage]),
      );
      ['dq', 'dk', 'dv'].forEach((name, i) => {
        expect(worst(f32(grads[0]![i]!), f32(grads[1]![i]!)), name).toBeLessThanOrEqual(1);
      });
    }
  });

  it('a prefix cache: decoding steps agree with the reference kernels', () => {
    nativeAddon()!.setIsa(isa);
    const [H, Hkv, D, cap, P] = [4, 2, 8, 11, 7];
    for (const [T, own] of [
      [1, 0],
      [1, 4],
      [3, 2],
    ] as const) {
      const B = 5;
      const rows = Int32Array.from([0, 0, 2, 1, 2]);
      const keyStart = Int32Array.from([0, 0, 3, 7, 3]); // row 3: an empty prefix
      const s: AttentionShape = {
        batch: B,
        queryLen: T,
        keyLen: own + T,
        heads: H,
        kvHeads: Hkv,
        headDim: D,
        kvBatchStride: 6 * Hkv * D,
        keysTransposed: true,
        keyCapacity: 6,
        queryOffset: own,
        scale: 0.4,
        causal: true,
        blockEnds: null,
        keyStart,
        prefix: { rows, length: P, capacity: cap, batchStride: cap * Hkv * D },
      };
      const q = rand(B * T * H * D);
      const [k, v] = [rand(B * 6 * Hkv * D), rand(B * 6 * Hkv * D)];
      const [pk, pv] = [rand(3 * cap * Hkv * D), rand(3 * cap * Hkv * D)];
      const out = [rand(B * T * H * D), rand(B * T * H * D)];
      const lse = [rand(B * H * T), rand(B * H * T)];
      native!.attention(s, q, k, 0, v, 0, out[0]!, lse[0]!, pk, pv);
      ref.attention(s, q, k, 0, v, 0, out[1]!, lse[1]!, pk, pv);
      expect(worst(f32(out[0]!), f32(out[1]!)), `out T=${T}`).toBeLessThanOrEqual(1);
      expect(worst(f32(lse[0]!), f32(lse[1]!)), `lse T=${T}`).toBeLessThanOrEqual(1);
    }
  });
});

/** Each packed continuation, computed alone: plain causal attention over [prompt; continuation]. */
function perRow(q: Tensor, k: Tensor, v: Tensor, groups: { prompt: number; continuations: number[] }[]) {
  const pieces: Tensor[] = [];
  let at = 0;
  for (const g of groups) {
    const promptAt = at;
    const cut = (x: Tensor, from: number, n: number) => slice(x, 1, from, from + n);
    pieces.push(
      attention(cut(q, at, g.prompt), cut(k, at, g.prompt), cut(v, at, g.prompt), { causal: true }),
    );
    at += g.prompt;
    for (const c of g.continuations) {
      if (c === 0) continue;
      const both = (x: Tensor) => concat([cut(x, promptAt, g.prompt), cut(x, at, c)], 1);
      const full = attention(both(q), both(k), both(v), { causal: true });
      pieces.push(slice(full, 1, g.prompt, g.prompt + c));
      at += c;
    }
  }
  return concat(pieces, 1);
}

describe('the attention op over a shared context', () => {
  const groups = [
    { prompt: 4, continuations: [3, 0, 2] },
    { prompt: 2, continuations: [1, 5] },
  ];
  const p = packed(groups);

  it('equals attention over each row alone (float64 reference and float32 native)', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const [q, k, v] = [4, 2, 2].map((h) => randn([1, p.total, h, 6], rng, { dtype }));
      const got = noGrad(() =>
        attention(q!, k!, v!, { causal: true, blockLengths: p.blockLengths, contextBlocks: p.contextBlocks }),
      );
      const want = noGrad(() => perRow(q!, k!, v!, groups));
      const g = got.toArray();
      want.toArray().forEach((w, i) => {
        expect(g[i]).toBeCloseTo(w, dtype === 'float64' ? 12 : 5);
      });
    }
  });

  it('has gradients that match finite differences (float64)', () => {
    const q = leaf([1, p.total, 4, 3], rng);
    const k = leaf([1, p.total, 2, 3], rng);
    const v = leaf([1, p.total, 2, 3], rng);
    const r = gradcheck(
      ([a, b, c]) =>
        attention(a!, b!, c!, { causal: true, blockLengths: p.blockLengths, contextBlocks: p.contextBlocks }),
      [q, k, v],
    );
    expect(r.worst, r.where).toBeLessThanOrEqual(1);
  });

  it('rejects context blocks that do not fit the blocks', () => {
    const x = randn([1, p.total, 2, 4], rng);
    expect(() => attention(x, x, x, { causal: true, contextBlocks: [-1] })).toThrow(/one entry per block/);
    expect(() =>
      attention(x, x, x, { causal: true, blockLengths: p.blockLengths, contextBlocks: [-1] }),
    ).toThrow(ShapeError);
    const later = p.contextBlocks.map((c, i) => (i === 1 ? 2 : c));
    expect(() =>
      attention(x, x, x, { causal: true, blockLengths: p.blockLengths, contextBlocks: later }),
    ).toThrow(/context block 2 of block 1 is not an earlier block/);
  });
});

describe('a KV cache that reads a prefix cache of shared prompts', () => {
  it('decodes like a cache holding each row whole, also after selectRows', () => {
    const [H, Hkv, D, P] = [2, 1, 4, 3];
    const prompts = randn([2, P, Hkv, D], rng);
    const promptQ = randn([2, P, H, D], rng);
    const rows = [1, 0, 1];
    const prefix = new KVCache({ layers: 1, batch: 2, maxLength: P, kvHeads: Hkv, headDim: D });
    const shared = new KVCache({
      layers: 1,
      batch: 3,
      maxLength: 4,
      kvHeads: Hkv,
      headDim: D,
      prefix: { cache: prefix, rows },
    });
    const whole = new KVCache({ layers: 1, batch: 3, maxLength: P + 4, kvHeads: Hkv, headDim: D });
    noGrad(() => {
      attention(promptQ, prompts, prompts, { causal: true, cache: prefix });
      const pick = (x: Tensor) =>
        concat(
          rows.map((r) => slice(x, 0, r, r + 1)),
          0,
        );
      attention(pick(promptQ), pick(prompts), pick(prompts), { causal: true, cache: whole });
      let a = shared;
      let b = whole;
      for (let step = 0; step < 3; step++) {
        const q = randn([a.batch, 1, H, D], rng);
        const kv = randn([a.batch, 1, Hkv, D], rng);
        const x = attention(q, kv, kv, { causal: true, cache: a }).toArray();
        const y = attention(q, kv, kv, { causal: true, cache: b }).toArray();
        y.forEach((w, i) => {
          expect(x[i]).toBeCloseTo(w, 5);
        });
        if (step === 1) {
          const [a2, b2] = [a.selectRows([2, 0]), b.selectRows([2, 0])];
          expect(a2.prefix).toBe(prefix);
          expect(Array.from(a2.prefixRows!)).toEqual([1, 1]);
          a.dispose();
          b.dispose();
          [a, b] = [a2, b2];
        }
      }
      expect(a.length).toBe(3);
      a.dispose();
      b.dispose();
    });
    prefix.dispose();
  });

  it('rejects a prefix of another shape or rows outside it', () => {
    const prefix = new KVCache({ layers: 2, batch: 2, maxLength: 3, kvHeads: 1, headDim: 4 });
    const opts = { layers: 2, batch: 2, maxLength: 3, kvHeads: 1, headDim: 4 };
    expect(() => new KVCache({ ...opts, headDim: 8, prefix: { cache: prefix, rows: [0, 1] } })).toThrow(
      /prefix cache .* does not match/,
    );
    expect(() => new KVCache({ ...opts, prefix: { cache: prefix, rows: [0] } })).toThrow(
      /1 prefix rows for batch 2/,
    );
    expect(() => new KVCache({ ...opts, prefix: { cache: prefix, rows: [0, 2] } })).toThrow(/prefix row 2/);
    prefix.dispose();
  });
});

describe('shared-context attention is thread-count independent', () => {
  it('gives the same bits with 1 and 2 threads', () => {
    const p = packed(
      Array.from({ length: 6 }, () => ({ prompt: 40, continuations: [20, 17, 25, 9, 30, 12, 22, 15] })),
    );
    const run = (threads: number) => {
      setNumThreads(threads);
      const r = new Rng(3);
      const fill = (n: number) =>
        new CpuStorage(
          'float32',
          Float32Array.from({ length: n }, () => r.normal()),
        );
      const s = shape(p.total, 4, 4, 32, {
        blockEnds: p.ends,
        contextBlocks: Int32Array.from(p.contextBlocks),
      });
      const n = p.total * 4 * 32;
      const [q, k, v, o, l] = [fill(n), fill(n), fill(n), fill(n), fill(p.total * 4)];
      native!.attention(s, q, k, 0, v, 0, o, l);
      const [dq, dk, dv] = [fill(n), fill(n), fill(n)];
      native!.attentionBackward(s, q, k, v, o, l, q, dq, dk, dv);
      return [o, dq, dk, dv].map((x) => f32(x).slice());
    };
    const one = run(1);
    const two = run(2);
    two.forEach((arr, i) => {
      expect(Buffer.from(arr.buffer).equals(Buffer.from(one[i]!.buffer)), `output ${i}`).toBe(true);
    });
  });
});
