import { EmptyBatchError } from '../../errors.js';
import type { LossContext, TokenLoss } from './types.js';

/**
 * GMPO / geo_mean (spec §4.6): per row, ratio_i = exp(mean_t of the sign-aware clipped log-ratio) and
 * Ā_i = mean_t A; loss = mean_i(−Ā_i·ratio_i) over all rows. ε bounds the log-ratio here. This loss is not
 * per-token and ignores loss_agg_mode and the global normalisers, as verl does.
 */
export function geoMeanLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, rows, cols, clipLow, clipHigh, grad, rowEnd } = ctx;
  if (rows === 0)
    throw new EmptyBatchError('geo_mean: the batch has no rows (verl returns the mean of nothing, NaN)');
  const dMin = new Float64Array(cols);
  const dGrad = new Float64Array(cols);
  let loss = 0;
  let kl = 0;
  let clipPos = 0;
  let clipNeg = 0;
  for (let i = 0; i < rows; i++) {
    let len = 0;
    let sumD = 0;
    let sumA = 0;
    for (let t = 0, end = rowEnd[i] as number; t < end; t++) {
      const k = i * cols + t;
      const m = mask[k] as number;
      len += m;
      if (m === 0) continue;
      const a = adv[k] as number;
      const d = (lp[k] as number) - (old[k] as number);
      const dc = d < -clipLow ? -clipLow : Math.min(d, clipHigh);
      const sg = a > 0 ? 1 : a < 0 ? -1 : 0;
      const u = sg * d;
      const v = sg * dc;
      dMin[t] = sg * Math.min(u, v);
      const pass = d >= -clipLow && d <= clipHigh ? 1 : 0;
      dGrad[t] = sg * sg * (u < v ? 1 : u > v ? pass : 0.5 + 0.5 * pass);
      sumD += (dMin[t] as number) * m;
      sumA += a * m;
      kl -= d * m;
      if (d !== dc) {
        if (a > 0) clipPos += m;
        if (a < 0) clipNeg += m;
      }
    }
    const den = len + 1e-8;
    const ratio = Math.exp(sumD / den);
    const aSeq = sumA / den;
    loss += -aSeq * ratio;
    const scale = (-aSeq * ratio) / den / rows;
    for (let t = 0, end = rowEnd[i] as number; t < end; t++) {
      const k = i * cols + t;
      const m = mask[k] as number;
      if (m !== 0) grad[k] = scale * m * (dGrad[t] as number);
    }
  }
  return {
    loss: loss / rows,
    metrics: {
      pgClipfrac: clipPos / ctx.metricDen,
      ppoKl: kl / ctx.metricDen,
      pgClipfracLower: clipNeg / ctx.metricDen,
    },
  };
}
