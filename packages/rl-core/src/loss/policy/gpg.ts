import type { LossContext, TokenLoss } from './types.js';

/** GPG loss (spec §4.4): ℓ = −logp·A, plain policy gradient; verl reports no metrics for it. */
export function gpgLoss(ctx: LossContext): TokenLoss {
  const { lp, adv, mask } = ctx;
  const n = mask.length;
  const loss = new Float64Array(n);
  const grad = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (mask[k] === 0) continue;
    const a = adv[k] as number;
    loss[k] = -(lp[k] as number) * a;
    grad[k] = -a;
  }
  return { loss, grad, metrics: {} };
}
