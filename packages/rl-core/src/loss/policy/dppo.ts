import { type LossContext, type TokenLoss, tokenWeight } from './types.js';

/**
 * DPPO binary-TV / binary-KL (spec §4.9, current verl): ℓ = −A·sg(min(r, c))·logp on tokens whose
 * probability moved less than the trust region (TV: p − p₀; KL: the binary KL), 0 elsewhere.
 */
export function dppoLoss(ctx: LossContext, divergence: 'tv' | 'kl'): TokenLoss {
  const { old, lp, adv, mask, rows, cols, scale, grad, clipLow, clipHigh, clipC, rowEnd } = ctx;
  let loss = 0;
  let invalid = 0;
  let kl = 0;
  let lower = 0;
  for (let i = 0; i < rows; i++) {
    const s = scale[i] as number;
    for (let k = i * cols, end = k + (rowEnd[i] as number); k < end; k++) {
      const m = mask[k] as number;
      if (m === 0) continue;
      const a = adv[k] as number;
      const x = lp[k] as number;
      const o = old[k] as number;
      const raw = x - o;
      const d = Math.min(Math.max(raw, -20), 20);
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
      const w = tokenWeight(ctx, s, m, k);
      loss += w * (-a * rt * x * v);
      grad[k] = w * (-a * rt * v);
      invalid += (1 - v) * m;
      kl -= d * m;
      if (r > clipC) lower += v * m;
    }
  }
  const den = ctx.metricDen;
  return { loss, metrics: { pgClipfrac: invalid / den, ppoKl: kl / den, pgClipfracLower: lower / den } };
}
