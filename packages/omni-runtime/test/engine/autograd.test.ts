import { Rng } from '@soundmind/rl-core';
import { describe, expect, it } from 'vitest';
import { backward, releaseGraph } from '../../src/autograd/backward.js';
import { enableGrad, isGradEnabled, noGrad } from '../../src/autograd/mode.js';
import { AutogradError, DisposedTensorError, ShapeError } from '../../src/errors.js';
import { add, mul } from '../../src/ops/arithmetic.js';
import { embedding } from '../../src/ops/embedding.js';
import { linear } from '../../src/ops/matmul.js';
import { layerNorm, rmsNorm } from '../../src/ops/norm.js';
import { sum } from '../../src/ops/reduce.js';
import { gatherLogProbs } from '../../src/ops/softmax.js';
import { randn, tensor } from '../../src/tensor/create.js';
import { keep, tidy } from '../../src/tensor/scope.js';
import { cpuPool } from '../../src/tensor/storage.js';

const rng = new Rng(5);

describe('autograd', () => {
  it('accumulates across backward calls, also through the direct-accumulation paths', () => {
    const w = randn([4, 3], rng, { requiresGrad: true });
    const emb = randn([5, 3], rng, { requiresGrad: true });
    const nw = randn([3], rng, { requiresGrad: true });
    const lw = randn([3], rng, { requiresGrad: true });
    const lb = randn([3], rng, { requiresGrad: true });
    const params = [w, emb, nw, lw, lb];
    const run = () =>
      tidy(() => {
        const h = embedding(emb, [0, 2, 2, 4]);
        const y = linear(layerNorm(rmsNorm(h, nw), lw, lb), w);
        backward(sum(mul(y, y)));
      });
    run();
    const first = params.map((p) => p.grad!.toArray());
    run();
    params.forEach((p, i) => {
      const g = p.grad!.toArray();
      g.forEach((v, j) => {
        expect(v).toBeCloseTo(2 * first[i]![j]!, 4);
      });
    });
  });

  it('backward from a given output gradient (vector-Jacobian product)', () => {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    const y = mul(x, x); // dy/dx = 2x
    backward(y, tensor([1, 0.5, -1]));
    expect(x.grad!.toList()).toEqual([2, 2, -6]);
    expect(() => backward(mul(x, x))).toThrow(AutogradError);
    expect(() => backward(mul(x, x), tensor([1, 2]))).toThrow(ShapeError);
  });

  it('uses a gradient flowing into several consumers correctly (shared buffers are copied)', () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    const y = add(x, x); // pass-through gradient used twice
    const z = add(y, mul(y, 3));
    backward(sum(z));
    expect(x.grad!.toList()).toEqual([8, 8]);
  });

  it('no-grad mode records nothing; enableGrad turns it back on', () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const y = mul(x, 2);
      expect(y.requiresGrad).toBe(false);
      expect(y.node).toBeNull();
      enableGrad(() => expect(mul(x, 2).requiresGrad).toBe(true));
    });
    expect(isGradEnabled()).toBe(true);
    expect(() => backward(noGrad(() => mul(x, 2)))).toThrow(AutogradError);
  });

  it('frees the tape after backward unless retainGraph', () => {
    const x = tensor([3], [1], { requiresGrad: true });
    const y = mul(x, x);
    backward(y, undefined, { retainGraph: true });
    backward(y);
    expect(x.grad!.item()).toBe(12);
    expect(() => backward(y)).toThrow(/already freed/);
    const z = mul(x, x);
    releaseGraph(z);
    expect(() => backward(z)).toThrow(AutogradError);
  });

  it('disposing inputs a recorded backward still needs is safe', () => {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    const h = mul(x, 2);
    const y = sum(mul(h, h));
    h.dispose();
    backward(y);
    expect(x.grad!.toList()).toEqual([8, 16, 24]);
  });

  it('fused log-prob gather keeps only a per-row buffer for backward', () => {
    const logits = randn([6, 1000], rng, { requiresGrad: true });
    const lp = gatherLogProbs(logits, [1, 2, 3, 4, 5, 6]);
    const savedSizes = lp.node!.saved.map((t) => t.size);
    expect(savedSizes).toEqual([6000, 6, 6]); // logits (needed anyway), targets, logsumexp: no [6, 1000] probabilities
  });
});

describe('lifetimes', () => {
  it('tidy disposes what it created except the result, and the pool reuses buffers', () => {
    const kept: unknown[] = [];
    const before = cpuPool.stats().hits;
    for (let i = 0; i < 3; i++) {
      const r = tidy(() => {
        const a = randn([128], rng);
        const b = mul(a, 2);
        kept.push(a);
        return { b, n: 1 };
      });
      expect(r.b.disposed).toBe(false);
      expect((kept[i] as { disposed: boolean }).disposed).toBe(true);
      r.b.dispose();
    }
    expect(cpuPool.stats().hits).toBeGreaterThan(before);
  });

  it('keep() exempts a tensor; using a disposed tensor is a typed error naming it', () => {
    let saved: ReturnType<typeof randn> | undefined;
    tidy(() => {
      saved = keep(randn([2], rng));
      const t = randn([2], rng, { name: 'scratch' });
      return t.size;
    });
    expect(saved!.disposed).toBe(false);
    const t = tensor([1, 2], [2], { name: 'weights' });
    t.dispose();
    expect(() => mul(t, 2)).toThrow(DisposedTensorError);
    expect(() => mul(t, 2)).toThrow(/weights/);
  });

  it('tidy disposes everything when the function throws', () => {
    let inner: ReturnType<typeof randn> | undefined;
    expect(() =>
      tidy(() => {
        inner = randn([3], rng);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(inner!.disposed).toBe(true);
  });
});
