import { clampLogRatio20, type LossContext, type TokenLoss } from './types.js';

/** CISPO (spec §4.5): ℓ = −sg(clip(r, 1−ε_l, 1+ε_h))·A·logp, the clipped ratio as a detached weight. */
export function cispoLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, clipLow, clipHigh } = ctx;
  const lo = 1 - clipLow;
  const hi = 1 + clipHigh;
  const n = mask.length;
  const loss = new Float64Array(n);
  const grad = new Float64Array(n);
  let clipped = 0;
  let kl = 0;
  for (let k = 0; k < n; k++) {
    const m = mask[k] as number;
    if (m === 0) continue;
    const a = adv[k] as number;
    const { d } = clampLogRatio20((lp[k] as number) - (old[k] as number));
    const r = Math.exp(d);
    const rc = r < lo ? lo : Math.min(r, hi);
    loss[k] = -rc * a * (lp[k] as number);
    grad[k] = -rc * a;
    if (r !== rc) clipped += m;
    kl -= d * m;
  }
  return {
    loss,
    grad,
    metrics: { pgClipfrac: clipped / ctx.metricDen, ppoKl: kl / ctx.metricDen, pgClipfracLower: 0 },
  };
}
