import { Rng } from '@soundmind/rl-core';
import { backward } from '../../src/autograd/backward.js';
import { noGrad } from '../../src/autograd/mode.js';
import { randn } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';

/** A float64 leaf with N(0, std) entries. */
export function leaf(shape: number[], rng: Rng, std = 1): Tensor {
  return randn(shape, rng, { dtype: 'float64', std, requiresGrad: true });
}

/**
 * Compares the autograd gradient of sum(fn(inputs) * w) (w random) with central finite differences
 * in float64. Returns the worst |analytic - numeric| / (atol + rtol |numeric|) ratio (<= 1 passes).
 */
export function gradcheck(
  fn: (xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  opts: { eps?: number; atol?: number; rtol?: number; maxChecks?: number; seed?: number } = {},
): { worst: number; where: string } {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-7;
  const rtol = opts.rtol ?? 1e-5;
  const rng = new Rng(opts.seed ?? 7);
  for (const x of inputs) x.grad = null;
  const out = fn(inputs);
  const w = randn(out.shape as number[], rng, { dtype: 'float64' });
  const wd = w.cpuData();
  backward(out, w);
  const loss = (): number =>
    noGrad(() => {
      const o = fn(inputs);
      const d = o.cpuData();
      let s = 0;
      for (let i = 0; i < d.length; i++) s += (d[i] as number) * (wd[i] as number);
      o.dispose();
      return s;
    });
  let worst = 0;
  let where = '';
  inputs.forEach((x, xi) => {
    if (!x.requiresGrad) return;
    const data = x.cpuData();
    const grad = x.grad?.cpuData();
    const n = data.length;
    const checks = Math.min(n, opts.maxChecks ?? 40);
    for (let c = 0; c < checks; c++) {
      const i = checks === n ? c : rng.int(n);
      const orig = data[i] as number;
      data[i] = orig + eps;
      const lp = loss();
      data[i] = orig - eps;
      const lm = loss();
      data[i] = orig;
      const num = (lp - lm) / (2 * eps);
      const ana = grad ? (grad[i] as number) : 0;
      const ratio = Math.abs(ana - num) / (atol + rtol * Math.abs(num));
      if (ratio > worst) {
        worst = ratio;
        where = `input ${xi} element ${i}: analytic ${ana}, numeric ${num}`;
      }
    }
  });
  return { worst, where };
}
