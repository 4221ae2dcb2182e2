import { Rng } from '@soundmind/rl-core';
import { describe, expect, it } from 'vitest';
import { TinyDecoder } from '../../bench/tiny-decoder.js';
import { backward } from '../../src/autograd/backward.js';
import { noGrad } from '../../src/autograd/mode.js';
import { AutogradError, DTypeError, IndexError, ShapeError, StateDictError } from '../../src/errors.js';
import { setNumThreads } from '../../src/kernels/registry.js';
import { Linear } from '../../src/nn/layers.js';
import { add } from '../../src/ops/arithmetic.js';
import { attention } from '../../src/ops/attention.js';
import { avgPool1d, conv1d } from '../../src/ops/conv.js';
import { embedding } from '../../src/ops/embedding.js';
import { KVCache } from '../../src/ops/kv-cache.js';
import { linear, matmul } from '../../src/ops/matmul.js';
import { rmsNorm } from '../../src/ops/norm.js';
import { mean, sum } from '../../src/ops/reduce.js';
import { RopeTable, rope } from '../../src/ops/rope.js';
import { concat, reshape, slice } from '../../src/ops/shape.js';
import { entropy, gatherLogProbs } from '../../src/ops/softmax.js';
import { AdamW } from '../../src/optim/adamw.js';
import { randn, tensor, zeros } from '../../src/tensor/create.js';
import { tidy } from '../../src/tensor/scope.js';

const rng = new Rng(11);

describe('bad input gets a typed error naming the tensors', () => {
  it('shapes', () => {
    const a = randn([2, 3], rng, { name: 'a' });
    const b = randn([4, 5], rng, { name: 'b' });
    expect(() => matmul(a, b)).toThrow(ShapeError);
    expect(() => matmul(a, b)).toThrow(/'a' \[2, 3\].*'b' \[4, 5\]/);
    expect(() => add(a, b)).toThrow(/do not broadcast/);
    expect(() => linear(a, b)).toThrow(/does not match weight/);
    expect(() => reshape(a, [4, 2])).toThrow(/6 elements/);
    expect(() => slice(a, 1, 2, 5)).toThrow(/outside axis 1/);
    expect(() => concat([a, b], 0)).toThrow(ShapeError);
    expect(() => rmsNorm(a, zeros([4]))).toThrow(/must be \[3\]/);
    expect(() => conv1d(randn([1, 2, 5], rng), randn([3, 4, 3], rng), null)).toThrow(ShapeError);
    expect(() => conv1d(randn([1, 2, 1], rng), randn([3, 2, 3], rng), null)).toThrow(
      /shorter than the kernel/,
    );
    expect(() => avgPool1d(a, 0)).toThrow(ShapeError);
    const q = randn([1, 4, 3, 8], rng);
    const kv = randn([1, 4, 2, 8], rng);
    expect(() => attention(q, kv, kv, { causal: true })).toThrow(/not a multiple/);
    expect(() =>
      attention(q, randn([1, 4, 1, 8], rng), randn([1, 4, 1, 8], rng), { causal: false, blockLengths: [3] }),
    ).toThrow(/add up to 3/);
  });

  it('indices, dtypes and autograd misuse', () => {
    const table = randn([5, 2], rng, { name: 'embed' });
    expect(() => embedding(table, [0, 5])).toThrow(IndexError);
    expect(() => embedding(table, [0, 5])).toThrow(/ids\[1\] = 5 is outside \[0, 5\)/);
    expect(() => gatherLogProbs(randn([2, 4], rng), [1, 4])).toThrow(/targets\[1\] = 4/);
    expect(() => gatherLogProbs(randn([2, 4], rng), [1])).toThrow(ShapeError);
    expect(() => entropy(zeros([3, 0]))).toThrow(/empty vocabulary/);
    expect(() => add(randn([2], rng), randn([2], rng, { dtype: 'float64' }))).toThrow(DTypeError);
    expect(() => embedding(table, tensor([0.5], [1]) as never)).toThrow(/int32/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/do not fill/);
    expect(() => zeros([2], { dtype: 'bfloat16' })).toThrow(DTypeError);
    expect(() => zeros([2], { device: 'cuda:0' })).toThrow(/not implemented/);
    expect(() => tensor([1], [1], { dtype: 'int32', requiresGrad: true })).toThrow(DTypeError);
    const t = new RopeTable({ headDim: 4 });
    expect(() => rope(randn([1, 2, 1, 6], rng), [0, 1], t)).toThrow(/head dim 6/);
    expect(() => new RopeTable({ headDim: 3 })).toThrow(ShapeError);
  });

  it('KV cache: inference only, bounded, shape-checked; cached decoding equals a full pass', () => {
    const cache = new KVCache({ layers: 1, batch: 2, maxLength: 5, kvHeads: 1, headDim: 4 });
    const q = randn([2, 3, 2, 4], rng, { requiresGrad: true });
    const k = randn([2, 3, 1, 4], rng);
    expect(() => attention(q, k, k, { causal: true, cache })).toThrow(AutogradError);
    const full = noGrad(() => attention(q, k, k, { causal: true }));
    const step = noGrad(() => {
      const outs = [0, 1, 2].map((t) =>
        attention(slice(q, 1, t, t + 1), slice(k, 1, t, t + 1), slice(k, 1, t, t + 1), {
          causal: true,
          cache,
        }),
      );
      return concat(outs, 1);
    });
    const a = full.toArray();
    step.toArray().forEach((v, i) => {
      expect(v).toBeCloseTo(a[i]!, 5);
    });
    expect(cache.length).toBe(3);
    expect(() => noGrad(() => attention(randn([2, 3, 2, 4], rng), k, k, { causal: true, cache }))).toThrow(
      /full/,
    );
    const dup = cache.selectRows([1, 1, 0]);
    expect(dup.batch).toBe(3);
    expect(dup.length).toBe(3);
    expect(() => cache.selectRows([2])).toThrow(/row 2/);
    expect(() => new KVCache({ layers: 0, batch: 1, maxLength: 1, kvHeads: 1, headDim: 1 })).toThrow(
      /layers/,
    );
  });
});

describe('modules', () => {
  it('names parameters by dotted path and loads state dicts with checks before any write', () => {
    const m = new TinyDecoder(
      { vocab: 7, dim: 8, layers: 2, heads: 2, kvHeads: 1, ffn: 12, ropeTheta: 1e4, eps: 1e-6 },
      rng,
    );
    const names = m.namedParameters().map(([n]) => n);
    expect(names).toContain('model.layers.1.self_attn.k_proj.bias');
    expect(names).toContain('model.layers.0.mlp.down_proj.weight');
    expect(names[0]).toBe('model.embed_tokens.weight');
    expect(names.at(-1)).toBe('lm_head.weight');
    expect(m.getParameter('model.norm.weight').shape).toEqual([8]);
    expect(() => m.getParameter('model.nope')).toThrow(StateDictError);
    const before = m.getParameter('lm_head.weight').toArray();
    const bad = new Map([
      ['lm_head.weight', zeros([7, 8])],
      ['model.norm.weight', zeros([9])],
    ]);
    expect(() => m.loadStateDict(bad, { strict: false })).toThrow(/'model.norm.weight' has shape \[9\]/);
    expect(m.getParameter('lm_head.weight').toArray()).toEqual(before);
    expect(() => m.loadStateDict(new Map([['lm_head.weight', zeros([7, 8])]]))).toThrow(
      /missing tensor 'model.embed_tokens.weight'/,
    );
    m.loadStateDict(new Map([['lm_head.weight', zeros([7, 8])]]), { strict: false });
    expect(
      m
        .getParameter('lm_head.weight')
        .toList()
        .every((v) => v === 0),
    ).toBe(true);
    expect(m.numParameters()).toBe(m.parameters().reduce((s, p) => s + p.size, 0));
  });

  it('freezing a module stops its gradients', () => {
    const lin = new Linear(3, 2, { rng });
    lin.setRequiresGrad(false);
    const x = randn([4, 3], rng, { requiresGrad: true });
    backward(sum(lin.forward(x)));
    expect(lin.weight.grad).toBeNull();
    expect(x.grad).not.toBeNull();
  });
});

describe('determinism', () => {
  function trainTwoSteps(threads: number): number[] {
    setNumThreads(threads);
    const c = { vocab: 64, dim: 64, layers: 2, heads: 4, kvHeads: 2, ffn: 96, ropeTheta: 1e4, eps: 1e-6 };
    const r = new Rng(42);
    const model = new TinyDecoder(c, r);
    const opt = new AdamW(model.namedParameters(), { lr: 1e-2 });
    const ids = new Int32Array(4 * 48).map(() => r.int(64));
    const losses: number[] = [];
    for (let s = 0; s < 2; s++) {
      losses.push(
        tidy(() => {
          const loss = mean(gatherLogProbs(model.forward(ids, 4, 48), ids));
          backward(loss);
          return loss.item();
        }),
      );
      opt.step({ maxGradNorm: 1 });
      opt.zeroGrad();
    }
    const out = [...losses, ...model.parameters().flatMap((p) => Array.from(p.cpuData().subarray(0, 8)))];
    model.dispose();
    opt.dispose();
    return out;
  }

  it('the same seed gives the same bits, run after run and for 1 or 2 threads', () => {
    const a = trainTwoSteps(1);
    const b = trainTwoSteps(1);
    const c = trainTwoSteps(2);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    setNumThreads(2);
  });
});
