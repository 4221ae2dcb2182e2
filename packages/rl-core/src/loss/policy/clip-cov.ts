import { InvalidOptionError } from '../../errors.js';
import type { LossContext, TokenLoss } from './types.js';
import { maxGradA } from './types.js';

/**
 * Clip-Cov (spec §4.7): PPO clip (log-ratio not clamped), plus a random subset of at most
 * max(⌊ratio·Σm⌋, 1) unclipped tokens whose covariance (A − Ā)(logp − l̄ogp) lies in (lb, ub) is detached.
 */
export function clipCovLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, clipLow, clipHigh, input } = ctx;
  const ratio = input.clipCovRatio ?? 0.0002;
  const lb = input.clipCovLb ?? 1;
  const ub = input.clipCovUb ?? 5;
  const n = mask.length;
  const lo = 1 - clipLow;
  const hi = 1 + clipHigh;
  let sumA = 0;
  let sumLp = 0;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const m = mask[k] as number;
    if (m === 0) continue;
    sumA += (adv[k] as number) * m;
    sumLp += (lp[k] as number) * m;
    total += m;
  }
  const meanA = sumA / (total + 1e-8);
  const meanLp = sumLp / (total + 1e-8);
  const loss = new Float64Array(n);
  const grad = new Float64Array(n);
  const candidates: number[] = [];
  let kl = 0;
  for (let k = 0; k < n; k++) {
    const m = mask[k] as number;
    if (m === 0) continue;
    const a = adv[k] as number;
    const d = (lp[k] as number) - (old[k] as number);
    const r = Math.exp(d);
    const l1 = -a * r;
    const l2 = -a * (r < lo ? lo : Math.min(r, hi));
    const g1 = maxGradA(l1, l2);
    loss[k] = Math.max(l1, l2);
    grad[k] = (g1 * -a + (1 - g1) * (r >= lo && r <= hi ? -a : 0)) * r;
    kl -= d * m;
    if (m > 0 && !(l2 > l1)) {
      const cov = (a - meanA) * ((lp[k] as number) - meanLp);
      if (cov > lb && cov < ub) candidates.push(k);
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
  for (const k of chosen) {
    loss[k] = 0;
    grad[k] = 0;
    zeroed += mask[k] as number;
  }
  return { loss, grad, metrics: { pgClipfrac: zeroed / ctx.metricDen, ppoKl: kl / ctx.metricDen } };
}
