import { type LossContext, type TokenLoss, tokenWeight } from './types.js';

/**
 * SAPO (spec §4.3): a soft gate instead of a hard clip, ℓ = −A·σ(τ(r − 1))·4/τ with τ = tau_pos for A > 0,
 * tau_neg otherwise; log-ratio clamped to ±20; aggregation is always seq-mean-token-mean (the caller's scale).
 */
export function sapoLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, rows, cols, scale, grad, rowEnd } = ctx;
  const tauPos = ctx.input.tauPos ?? 1;
  const tauNeg = ctx.input.tauNeg ?? 1.05;
  let loss = 0;
  let kl = 0;
  for (let i = 0; i < rows; i++) {
    const s = scale[i] as number;
    for (let k = i * cols, end = k + (rowEnd[i] as number); k < end; k++) {
      const m = mask[k] as number;
      if (m === 0) continue;
      const a = adv[k] as number;
      const raw = (lp[k] as number) - (old[k] as number);
      const d = Math.min(Math.max(raw, -20), 20);
      const r = Math.exp(d);
      const tau = a > 0 ? tauPos : tauNeg;
      const g = 1 / (1 + Math.exp(-tau * (r - 1)));
      const w = tokenWeight(ctx, s, m, k);
      loss += w * (-g * (4 / tau) * a);
      grad[k] = d === raw ? w * (-a * (4 / tau) * g * (1 - g) * tau * r) : 0;
      kl -= d * m;
    }
  }
  return { loss, metrics: { pgClipfrac: 0, ppoKl: kl / ctx.metricDen, pgClipfracLower: 0 } };
}
