import { clampLogRatio20, type LossContext, type TokenLoss } from './types.js';

/**
 * SAPO (spec §4.3): a soft gate instead of a hard clip, ℓ = −A·σ(τ(r − 1))·4/τ with τ = tau_pos for A > 0,
 * tau_neg otherwise; log-ratio clamped to ±20; aggregation is always seq-mean-token-mean.
 */
export function sapoLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask } = ctx;
  const tauPos = ctx.input.tauPos ?? 1;
  const tauNeg = ctx.input.tauNeg ?? 1.05;
  const n = mask.length;
  const loss = new Float64Array(n);
  const grad = new Float64Array(n);
  let kl = 0;
  for (let k = 0; k < n; k++) {
    const m = mask[k] as number;
    if (m === 0) continue;
    const a = adv[k] as number;
    const { d, pass } = clampLogRatio20((lp[k] as number) - (old[k] as number));
    const r = Math.exp(d);
    const tau = a > 0 ? tauPos : tauNeg;
    const s = 1 / (1 + Math.exp(-tau * (r - 1)));
    loss[k] = -s * (4 / tau) * a;
    grad[k] = pass ? -a * (4 / tau) * s * (1 - s) * tau * r : 0;
    kl -= d * m;
  }
  return {
    loss,
    grad,
    metrics: { pgClipfrac: 0, ppoKl: kl / ctx.metricDen, pgClipfracLower: 0 },
    aggMode: 'seq-mean-token-mean',
  };
}
