import { InvalidOptionError } from '../../errors.js';
import { clipMaxGrad, type LossContext, type TokenLoss, tokenWeight } from './types.js';

/**
 * Clip-Cov (spec §4.7): PPO clip (log-ratio not clamped), plus a random subset of at most
 * max(⌊ratio·Σm⌋, 1) unclipped tokens whose covariance (A − Ā)(logp − l̄ogp) lies in (lb, ub) is detached.
 */
export function clipCovLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, rows, cols, scale, grad, input, rowEnd } = ctx;
  const ratio = input.clipCovRatio ?? 0.0002;
  const lb = input.clipCovLb ?? 1;
  const ub = input.clipCovUb ?? 5;
  const lo = 1 - ctx.clipLow;
  const hi = 1 + ctx.clipHigh;
  let sumA = 0;
  let sumLp = 0;
  let total = 0;
  for (let k = 0; k < mask.length; k++) {
    const m = mask[k] as number;
    if (m === 0) continue;
    sumA += (adv[k] as number) * m;
    sumLp += (lp[k] as number) * m;
    total += m;
  }
  const meanA = sumA / (total + 1e-8);
  const meanLp = sumLp / (total + 1e-8);
  const candidates: { k: number; contribution: number }[] = [];
  let loss = 0;
  let kl = 0;
  for (let i = 0; i < rows; i++) {
    const s = scale[i] as number;
    for (let k = i * cols, end = k + (rowEnd[i] as number); k < end; k++) {
      const m = mask[k] as number;
      if (m === 0) continue;
      const a = adv[k] as number;
      const d = (lp[k] as number) - (old[k] as number);
      const r = Math.exp(d);
      const rc = Math.min(Math.max(r, lo), hi);
      const l1 = -a * r;
      const l2 = -a * rc;
      const value = Math.max(l1, l2);
      const dl = -a * clipMaxGrad(l1, l2, rc === r);
      const w = tokenWeight(ctx, s, m, k);
      loss += w * value;
      grad[k] = w * dl * r;
      kl -= d * m;
      if (m > 0 && !(l2 > l1)) {
        const cov = (a - meanA) * ((lp[k] as number) - meanLp);
        if (cov > lb && cov < ub) candidates.push({ k, contribution: w * value });
      }
    }
  }
  const clipNum = Math.max(Math.floor(ratio * total), 1);
  let chosen = candidates;
  if (candidates.length > clipNum) {
    if (!input.rng) {
      throw new InvalidOptionError(
        'rng',
        `clip_cov has ${candidates.length} candidates for ${clipNum} slots and picks them at random: pass an Rng`,
      );
    }
    chosen = input.rng.shuffle(candidates.slice()).slice(0, clipNum);
  }
  let zeroed = 0;
  for (const c of chosen) {
    loss -= c.contribution;
    grad[c.k] = 0;
    zeroed += mask[c.k] as number;
  }
  return { loss, metrics: { pgClipfrac: zeroed / ctx.metricDen, ppoKl: kl / ctx.metricDen } };
}
