import { type LossContext, type TokenLoss, tokenWeight } from './types.js';

/** GPG loss (spec §4.4): ℓ = −logp·A, plain policy gradient; verl reports no metrics for it. */
export function gpgLoss(ctx: LossContext): TokenLoss {
  const { lp, adv, mask, rows, cols, scale, grad, rowEnd } = ctx;
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const s = scale[i] as number;
    for (let k = i * cols, end = k + (rowEnd[i] as number); k < end; k++) {
      const m = mask[k] as number;
      if (m === 0) continue;
      const a = adv[k] as number;
      const w = tokenWeight(ctx, s, m, k);
      loss += w * (-(lp[k] as number) * a);
      grad[k] = w * -a;
    }
  }
  return { loss, metrics: {} };
}
