import type { LossContext, TokenLoss } from './types.js';
import { maxGradA } from './types.js';

/**
 * GSPO (spec §4.2): every token of row i uses the sequence ratio r_i = exp(min(s̄_i, 10)), s̄_i the mean
 * log-ratio over the row (not clamped), with the gradient of logp − sg(logp) + sg(s̄_i); no dual clip;
 * aggregation is always seq-mean-token-mean.
 */
export function gspoLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, rows, cols, clipLow, clipHigh } = ctx;
  const loss = new Float64Array(rows * cols);
  const grad = new Float64Array(rows * cols);
  const lo = 1 - clipLow;
  const hi = 1 + clipHigh;
  let clipped = 0;
  let kl = 0;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    let len = 0;
    for (let k = i * cols; k < (i + 1) * cols; k++) {
      const m = mask[k] as number;
      if (m !== 0) sum += ((lp[k] as number) - (old[k] as number)) * m;
      len += m;
    }
    const sBar = sum / Math.max(len, 1);
    const pass = sBar <= 10;
    const r = Math.exp(pass ? sBar : 10);
    const rc = r < lo ? lo : Math.min(r, hi);
    const rPass = r >= lo && r <= hi;
    for (let k = i * cols; k < (i + 1) * cols; k++) {
      const m = mask[k] as number;
      if (m === 0) continue;
      const a = adv[k] as number;
      const l1 = -a * r;
      const l2 = -a * rc;
      const g1 = maxGradA(l1, l2);
      loss[k] = Math.max(l1, l2);
      grad[k] = pass ? (g1 * -a + (1 - g1) * (rPass ? -a : 0)) * r : 0;
      if (l2 > l1) clipped += m;
      kl -= ((lp[k] as number) - (old[k] as number)) * m;
    }
  }
  return {
    loss,
    grad,
    metrics: { pgClipfrac: clipped / ctx.metricDen, ppoKl: kl / ctx.metricDen, pgClipfracLower: 0 },
    aggMode: 'seq-mean-token-mean',
  };
}
