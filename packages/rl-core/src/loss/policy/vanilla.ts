import { clipMaxGrad, type LossContext, type TokenLoss, tokenWeight } from './types.js';

/**
 * PPO clip with DAPO clip-higher and dual-clip (spec §4.1): ℓ = max(−A·r, −A·clip(r, 1−ε_l, 1+ε_h)), and for
 * A < 0 min(that, −A·c). The log-ratio is clamped to ±20 (soundmind: not clamped). Comparisons are made on
 * the products, as torch's max/min do, so ties split the gradient the same way.
 */
export function vanillaLoss(ctx: LossContext, clampLogRatio: boolean): TokenLoss {
  const { old, lp, adv, mask, rows, cols, scale, grad, clipC, rowEnd } = ctx;
  const lo = 1 - ctx.clipLow;
  const hi = 1 + ctx.clipHigh;
  let loss = 0;
  let clipped = 0;
  let kl = 0;
  let lower = 0;
  for (let i = 0; i < rows; i++) {
    const s = scale[i] as number;
    for (let k = i * cols, end = k + (rowEnd[i] as number); k < end; k++) {
      const m = mask[k] as number;
      if (m === 0) continue;
      const a = adv[k] as number;
      let d = (lp[k] as number) - (old[k] as number);
      let pass = 1;
      if (clampLogRatio && d < -20) {
        d = -20;
        pass = 0;
      } else if (clampLogRatio && d > 20) {
        d = 20;
        pass = 0;
      }
      const r = Math.exp(d);
      kl -= d * m;
      let value: number;
      let dl: number;
      if (r >= lo && r <= hi) {
        // inside the clip range both branches are the same product −A·r (most tokens): no tie to break
        value = -a * r;
        dl = -a;
      } else {
        const rc = Math.min(Math.max(r, lo), hi);
        const l1 = -a * r;
        const l2 = -a * rc;
        value = Math.max(l1, l2);
        dl = -a * clipMaxGrad(l1, l2, rc === r);
        if (l2 > l1) clipped += m;
      }
      if (a < 0) {
        const l3 = -a * clipC;
        if (value > l3) {
          value = l3;
          dl = 0;
          lower += m;
        } else if (!(value < l3)) dl = 0.5 * dl;
      }
      const w = tokenWeight(ctx, s, m, k);
      loss += w * value;
      grad[k] = w * pass * dl * r;
    }
  }
  const den = ctx.metricDen;
  return { loss, metrics: { pgClipfrac: clipped / den, ppoKl: kl / den, pgClipfracLower: lower / den } };
}
