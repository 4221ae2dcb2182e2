import type { LossContext, TokenLoss } from './types.js';
import { maxGradA } from './types.js';

/**
 * PPO clip with DAPO clip-higher and dual-clip (spec §4.1): ℓ = max(−A·r, −A·clip(r, 1−ε_l, 1+ε_h)), and for
 * A < 0 min(that, −A·c). The log-ratio is clamped to ±20 (soundmind: not clamped).
 */
export function vanillaLoss(ctx: LossContext, clampLogRatio: boolean): TokenLoss {
  const { old, lp, adv, mask, clipLow, clipHigh, clipC } = ctx;
  const n = mask.length;
  const loss = new Float64Array(n);
  const grad = new Float64Array(n);
  const lo = 1 - clipLow;
  const hi = 1 + clipHigh;
  let clipped = 0;
  let kl = 0;
  let lower = 0;
  for (let k = 0; k < n; k++) {
    const m = mask[k] as number;
    if (m === 0) continue;
    const a = adv[k] as number;
    const raw = (lp[k] as number) - (old[k] as number);
    const d = clampLogRatio ? (raw < -20 ? -20 : Math.min(raw, 20)) : raw;
    const dPass = !clampLogRatio || (raw >= -20 && raw <= 20);
    const r = Math.exp(d);
    const l1 = -a * r;
    const rc = r < lo ? lo : Math.min(r, hi);
    const l2 = -a * rc;
    const g1 = maxGradA(l1, l2);
    const dC1 = g1 * -a + (1 - g1) * (r >= lo && r <= hi ? -a : 0);
    const c1 = l1 > l2 || Number.isNaN(l1) ? l1 : l2;
    const l3 = -a * clipC;
    let value = c1;
    let dl = dC1;
    if (a < 0) {
      value = Math.min(c1, l3);
      dl = c1 < l3 ? dC1 : c1 > l3 ? 0 : 0.5 * dC1;
      if (c1 > l3) lower += m;
    }
    loss[k] = value;
    grad[k] = dPass ? dl * r : 0;
    if (l2 > l1) clipped += m;
    kl -= d * m;
  }
  return {
    loss,
    grad,
    metrics: {
      pgClipfrac: clipped / ctx.metricDen,
      ppoKl: kl / ctx.metricDen,
      pgClipfracLower: lower / ctx.metricDen,
    },
  };
}
