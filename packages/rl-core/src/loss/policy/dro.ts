import { InvalidOptionError } from '../../errors.js';
import { type LossContext, type TokenLoss, tokenWeight } from './types.js';

/** DRO (spec §4.10, current verl): ℓ = −(logp·A − ½β(logp − old)²), β > 0. */
export function droLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, rows, cols, scale, grad, rowEnd } = ctx;
  const beta = ctx.input.droBeta ?? 0.1;
  if (!(beta > 0) || !Number.isFinite(beta))
    throw new InvalidOptionError('droBeta', `must be > 0, got ${beta}`);
  let loss = 0;
  let kl = 0;
  for (let i = 0; i < rows; i++) {
    const s = scale[i] as number;
    for (let k = i * cols, end = k + (rowEnd[i] as number); k < end; k++) {
      const m = mask[k] as number;
      if (m === 0) continue;
      const a = adv[k] as number;
      const x = lp[k] as number;
      const d = x - (old[k] as number);
      const w = tokenWeight(ctx, s, m, k);
      loss += w * -(x * a - 0.5 * beta * d * d);
      grad[k] = w * -(a - beta * d);
      kl -= d * m;
    }
  }
  return { loss, metrics: { ppoKl: kl / ctx.metricDen } };
}
