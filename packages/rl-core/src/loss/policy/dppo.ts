import { clampLogRatio20, type LossContext, type TokenLoss } from './types.js';

/**
 * DPPO binary-TV / binary-KL (spec §4.9, current verl): ℓ = −A·sg(min(r, c))·logp on tokens whose
 * probability moved less than the trust region (TV: p − p₀; KL: the binary KL), 0 elsewhere.
 */
export function dppoLoss(ctx: LossContext, divergence: 'tv' | 'kl'): TokenLoss {
  const { old, lp, adv, mask, clipLow, clipHigh, clipC } = ctx;
  const n = mask.length;
  const loss = new Float64Array(n);
  const grad = new Float64Array(n);
  let invalid = 0;
  let kl = 0;
  let lower = 0;
  for (let k = 0; k < n; k++) {
    const m = mask[k] as number;
    if (m === 0) continue;
    const a = adv[k] as number;
    const x = lp[k] as number;
    const o = old[k] as number;
    const { d } = clampLogRatio20(x - o);
    const r = Math.exp(d);
    const rt = Math.min(r, clipC);
    const p = Math.exp(x);
    const p0 = Math.exp(o);
    let valid: boolean;
    if (divergence === 'tv') valid = a > 0 ? p - p0 <= clipHigh : p - p0 >= -clipLow;
    else {
      const b = p0 * (o - x) + (1 - p0) * Math.log((1 - p0 + 1e-8) / (1 - p + 1e-8));
      valid = a > 0 ? b <= clipHigh || p <= p0 : b <= clipLow || p >= p0;
    }
    const v = valid ? 1 : 0;
    loss[k] = -a * rt * x * v;
    grad[k] = -a * rt * v;
    invalid += (1 - v) * m;
    kl -= d * m;
    if (r > clipC) lower += v * m;
  }
  return {
    loss,
    grad,
    metrics: {
      pgClipfrac: invalid / ctx.metricDen,
      ppoKl: kl / ctx.metricDen,
      pgClipfracLower: lower / ctx.metricDen,
    },
  };
}
