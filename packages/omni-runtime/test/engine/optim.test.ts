import { Rng } from '@soundmind/rl-core';
import { describe, expect, it } from 'vitest';
import { OptimizerError } from '../../src/errors.js';
import { AdamW } from '../../src/optim/adamw.js';
import { clipGradNorm, gradNorm } from '../../src/optim/clip.js';
import { warmupConstant, warmupCosine } from '../../src/optim/schedule.js';
import { SGD } from '../../src/optim/sgd.js';
import { deserializeOptimizerState, serializeOptimizerState } from '../../src/optim/state-file.js';
import { randn, tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';

function setGrad(p: Tensor, values: number[]): void {
  p.grad?.dispose();
  p.grad = tensor(values, p.shape as number[]);
}

describe('optimisers', () => {
  it('schedules: linear warm-up, then constant or half-cosine down to a floor', () => {
    const c = warmupConstant(4);
    expect([0, 1, 2, 4, 100].map(c)).toEqual([0, 0.25, 0.5, 1, 1]);
    const cos = warmupCosine({ warmupSteps: 2, totalSteps: 12, minLrRatio: 0.1 });
    expect(cos(0)).toBe(0);
    expect(cos(1)).toBe(0.5);
    expect(cos(2)).toBeCloseTo(1, 12);
    expect(cos(7)).toBeCloseTo(0.1 + 0.9 * 0.5, 12);
    expect(cos(12)).toBeCloseTo(0.1, 12);
    expect(cos(50)).toBeCloseTo(0.1, 12);
    expect(() => warmupCosine({ warmupSteps: -1, totalSteps: 3 })).toThrow(OptimizerError);
    expect(() => warmupCosine({ warmupSteps: 1, totalSteps: 3, minLrRatio: 2 })).toThrow(OptimizerError);
  });

  it('the schedule drives the learning rate of each step', () => {
    const p = tensor([1], [1], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.5, schedule: warmupConstant(2) });
    const lrs: number[] = [];
    for (let i = 0; i < 3; i++) {
      setGrad(p, [1]);
      lrs.push(opt.step().lr);
    }
    expect(lrs).toEqual([0, 0.25, 0.5]);
    expect(p.item()).toBeCloseTo(1 - 0.25 - 0.5, 6);
  });

  it('reports the global grad norm, clips it, and skips a non-finite step without touching anything', () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const b = tensor([3], [1], { requiresGrad: true });
    setGrad(a, [3, 0]);
    setGrad(b, [4]);
    expect(gradNorm([a, b])).toBeCloseTo(5, 12);
    const r = clipGradNorm([a, b], 1);
    expect(r).toMatchObject({ finite: true });
    expect(r.norm).toBeCloseTo(5, 12);
    expect(gradNorm([a, b])).toBeCloseTo(1, 5);

    const opt = new AdamW([a, b], { lr: 0.1 });
    setGrad(a, [Number.NaN, 1]);
    const before = [a.toList(), b.toList()];
    const s = opt.step({ maxGradNorm: 1 });
    expect(s.skipped).toBe(true);
    expect(Number.isNaN(s.gradNorm)).toBe(true);
    expect([a.toList(), b.toList()]).toEqual(before);
    expect(opt.stepCount).toBe(0);
    expect(opt.stateDict().buffers.every((x) => Object.keys(x.slots).length === 0)).toBe(true);
    setGrad(a, [Number.POSITIVE_INFINITY, 1]);
    expect(opt.step().skipped).toBe(true);
  });

  it('state save/load resumes exactly (bytes round trip)', () => {
    const rng = new Rng(3);
    const make = () => {
      const w = randn([4, 3], new Rng(1), { requiresGrad: true });
      return { w, opt: new AdamW([['w', w]], { lr: 0.01, weightDecay: 0.1, schedule: warmupConstant(3) }) };
    };
    const grads = Array.from({ length: 6 }, () => Array.from({ length: 12 }, () => rng.normal()));
    const ref = make();
    for (const g of grads) {
      setGrad(ref.w, g);
      ref.opt.step();
    }
    const a = make();
    for (const g of grads.slice(0, 3)) {
      setGrad(a.w, g);
      a.opt.step();
    }
    const bytes = serializeOptimizerState(a.opt.stateDict());
    const savedWeights = a.w.toArray();
    const b = make();
    (b.w.cpuData() as Float32Array).set(savedWeights);
    // Read back as a Node Buffer that is a view into a larger pool at an odd offset, as readFileSync can give.
    const pool = Buffer.alloc(bytes.length + 13, 7);
    pool.set(bytes, 5);
    b.opt.loadStateDict(deserializeOptimizerState(pool.subarray(5, 5 + bytes.length), 'opt.bin'));
    for (const g of grads.slice(3)) {
      setGrad(b.w, g);
      b.opt.step();
    }
    expect(b.w.toList()).toEqual(ref.w.toList());
    expect(b.opt.stepCount).toBe(6);
  });

  it('rejects bad hyper-parameters and mismatched or corrupt state with clear errors', () => {
    const w = tensor([1, 2], [2], { requiresGrad: true });
    expect(() => new AdamW([w], { lr: -1 })).toThrow(OptimizerError);
    expect(() => new AdamW([w], { lr: 1, betas: [1, 0.9] })).toThrow(/beta/);
    expect(
      () =>
        new AdamW(
          [
            ['x', w],
            ['x', w],
          ],
          { lr: 1 },
        ),
    ).toThrow(/twice/);
    const opt = new AdamW([['w', w]], { lr: 0.1 });
    setGrad(w, [1, 1]);
    opt.step();
    const state = opt.stateDict();
    expect(() => new SGD([['w', w]], { lr: 1 }).loadStateDict(state)).toThrow(/adamw/);
    const other = new AdamW([['w', tensor([1, 2, 3], [3], { requiresGrad: true })]], { lr: 0.1 });
    expect(() => other.loadStateDict(state)).toThrow(/'w' has 2 values/);
    expect(() => new AdamW([['v', w]], { lr: 0.1 }).loadStateDict(state)).toThrow(/unknown parameter 'w'/);
    const bytes = serializeOptimizerState(state);
    expect(() => deserializeOptimizerState(bytes.subarray(0, bytes.length - 4), 'ckpt/opt.bin')).toThrow(
      /ckpt\/opt.bin: truncated/,
    );
    expect(() => deserializeOptimizerState(new Uint8Array(20), 'ckpt/opt.bin')).toThrow(/bad magic/);
  });

  it('AdamW noDecay exempts parameters by name', () => {
    const a = tensor([1], [1], { requiresGrad: true });
    const b = tensor([1], [1], { requiresGrad: true });
    const opt = new AdamW(
      [
        ['layer.weight', a],
        ['layer.bias', b],
      ],
      { lr: 0.1, weightDecay: 0.5, noDecay: (n) => n.endsWith('bias') },
    );
    setGrad(a, [0]);
    setGrad(b, [0]);
    opt.step();
    expect(a.item()).toBeCloseTo(1 - 0.1 * 0.5, 6);
    expect(b.item()).toBe(1);
  });
});
