import { InvalidOptionError } from '../../errors.js';
import type { LossContext, TokenLoss } from './types.js';

/** DRO (spec §4.10, current verl): ℓ = −(logp·A − ½β(logp − old)²), β > 0. */
export function droLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask } = ctx;
  const beta = ctx.input.droBeta ?? 0.1;
  if (!(beta > 0) || !Number.isFinite(beta))
    throw new InvalidOptionError('droBeta', `must be > 0, got ${beta}`);
  const n = mask.length;
  const loss = new Float64Array(n);
  const grad = new Float64Array(n);
  let kl = 0;
  for (let k = 0; k < n; k++) {
    const m = mask[k] as number;
    if (m === 0) continue;
    const a = adv[k] as number;
    const x = lp[k] as number;
    const d = x - (old[k] as number);
    loss[k] = -(x * a - 0.5 * beta * d * d);
    grad[k] = -(a - beta * d);
    kl -= d * m;
  }
  return { loss, grad, metrics: { ppoKl: kl / ctx.metricDen } };
}
