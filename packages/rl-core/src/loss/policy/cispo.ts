import { type LossContext, type TokenLoss, tokenWeight } from './types.js';

/** CISPO (spec §4.5): ℓ = −sg(clip(r, 1−ε_l, 1+ε_h))·A·logp, the clipped ratio as a detached weight. */
export function cispoLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, rows, cols, scale, grad, rowEnd } = ctx;
  const lo = 1 - ctx.clipLow;
  const hi = 1 + ctx.clipHigh;
  let loss = 0;
  let clipped = 0;
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
      const rc = Math.min(Math.max(r, lo), hi);
      const w = tokenWeight(ctx, s, m, k);
      loss += w * (-rc * a * (lp[k] as number));
      grad[k] = w * (-rc * a);
      if (r !== rc) clipped += m;
      kl -= d * m;
    }
  }
  const den = ctx.metricDen;
  return { loss, metrics: { pgClipfrac: clipped / den, ppoKl: kl / den, pgClipfracLower: 0 } };
}
