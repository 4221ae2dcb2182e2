import { clipMaxGrad, type LossContext, type TokenLoss, tokenWeight } from './types.js';

/**
 * GSPO (spec §4.2): every token of row i uses the sequence ratio r_i = exp(min(s̄_i, 10)), s̄_i the mean
 * log-ratio over the row (not clamped), with the gradient of logp − sg(logp) + sg(s̄_i); no dual clip;
 * aggregation is always seq-mean-token-mean (the caller's scale).
 */
export function gspoLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, rows, cols, scale, grad, rowEnd } = ctx;
  const lo = 1 - ctx.clipLow;
  const hi = 1 + ctx.clipHigh;
  let loss = 0;
  let clipped = 0;
  let kl = 0;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    let len = 0;
    for (let k = i * cols, end = k + (rowEnd[i] as number); k < end; k++) {
      const m = mask[k] as number;
      if (m !== 0) sum += ((lp[k] as number) - (old[k] as number)) * m;
      len += m;
    }
    const sBar = sum / Math.max(len, 1);
    const pass = sBar <= 10 ? 1 : 0;
    const r = Math.exp(pass ? sBar : 10);
    const rc = Math.min(Math.max(r, lo), hi);
    const s = scale[i] as number;
    for (let k = i * cols, end = k + (rowEnd[i] as number); k < end; k++) {
      const m = mask[k] as number;
      if (m === 0) continue;
      const a = adv[k] as number;
      const l1 = -a * r;
      const l2 = -a * rc;
      const value = Math.max(l1, l2);
      const dl = -a * clipMaxGrad(l1, l2, rc === r);
      if (l2 > l1) clipped += m;
      const w = tokenWeight(ctx, s, m, k);
      loss += w * value;
      grad[k] = w * pass * dl * r;
      kl -= ((lp[k] as number) - (old[k] as number)) * m;
    }
  }
  const den = ctx.metricDen;
  return { loss, metrics: { pgClipfrac: clipped / den, ppoKl: kl / den, pgClipfracLower: 0 } };
}
