import { InvalidOptionError, UnknownModeError } from '../../errors.js';
import { POLICY_LOSS_MODES, type PolicyLossMode } from '../../names.js';
import { MASK_EPS } from '../../stats/masked.js';
import {
  assertFiniteWhereMasked,
  assertMask,
  assertShape,
  type Matrix,
  zerosLike,
} from '../../tensor/matrix.js';
import { aggWeights } from '../agg-loss.js';
import { cispoLoss } from './cispo.js';
import { clipCovLoss } from './clip-cov.js';
import { dppoLoss } from './dppo.js';
import { droLoss } from './dro.js';
import { geoMeanLoss } from './geo-mean.js';
import { gpgLoss } from './gpg.js';
import { gspoLoss } from './gspo.js';
import { klCovLoss } from './kl-cov.js';
import { sapoLoss } from './sapo.js';
import type { LossContext, PolicyLossInput, PolicyLossOutput, TokenLoss } from './types.js';
import { vanillaLoss } from './vanilla.js';

const TOKEN_LOSSES: Record<Exclude<PolicyLossMode, 'geo_mean'>, (ctx: LossContext) => TokenLoss> = {
  vanilla: (ctx) => vanillaLoss(ctx, (ctx.input.variant ?? 'current') !== 'soundmind'),
  gspo: gspoLoss,
  sapo: sapoLoss,
  gpg: gpgLoss,
  cispo: cispoLoss,
  clip_cov: clipCovLoss,
  kl_cov: klCovLoss,
  dppo_tv: (ctx) => dppoLoss(ctx, 'tv'),
  dppo_kl: (ctx) => dppoLoss(ctx, 'kl'),
  dro: droLoss,
};

const CURRENT_ONLY: readonly PolicyLossMode[] = ['dppo_tv', 'dppo_kl', 'dro'];

/**
 * A policy loss of verl's registry [actor.policy_loss.loss_mode] with its exact gradient d(loss)/d(logProb)
 * (torch's tie-breaking at clip boundaries, spec §9) and verl's metrics. Masked positions never influence
 * the result, so padding may hold anything; non-finite values at kept positions throw unless
 * nonFinite = 'propagate'.
 */
export function computePolicyLoss(mode: PolicyLossMode, input: PolicyLossInput): PolicyLossOutput {
  const variant = input.variant ?? 'current';
  const known =
    variant === 'soundmind'
      ? (['vanilla'] as const)
      : variant === 'jan2026'
        ? POLICY_LOSS_MODES.filter((m) => !CURRENT_ONLY.includes(m))
        : POLICY_LOSS_MODES;
  if (!(known as readonly string[]).includes(mode)) {
    throw new UnknownModeError(`policy loss mode (verl ${variant})`, String(mode), known);
  }
  const { responseMask: m, logProb, oldLogProb, advantages } = input;
  assertMask(m);
  assertShape(logProb, m.rows, m.cols, 'logProb');
  assertShape(oldLogProb, m.rows, m.cols, 'oldLogProb');
  assertShape(advantages, m.rows, m.cols, 'advantages');
  if (input.rolloutIsWeights) assertShape(input.rolloutIsWeights, m.rows, m.cols, 'rolloutIsWeights');
  if ((input.nonFinite ?? 'error') === 'error') {
    assertFiniteWhereMasked(logProb, m, 'logProb');
    assertFiniteWhereMasked(oldLogProb, m, 'oldLogProb');
    assertFiniteWhereMasked(advantages, m, 'advantages');
    if (input.rolloutIsWeights) assertFiniteWhereMasked(input.rolloutIsWeights, m, 'rolloutIsWeights');
  }
  const ctx = context(input);
  const grad = zerosLike(logProb);
  if (mode === 'geo_mean') {
    if (input.rolloutIsWeights) {
      throw new InvalidOptionError(
        'rolloutIsWeights',
        'geo_mean applies them per sequence; not supported here',
      );
    }
    const out = geoMeanLoss(ctx);
    grad.data.set(out.grad);
    return { loss: out.loss, gradLogProb: grad, metrics: out.metrics };
  }
  const token = TOKEN_LOSSES[mode](ctx);
  const w = aggWeights(m, token.aggMode ?? input.lossAggMode ?? 'token-mean', input);
  const is = input.rolloutIsWeights?.data;
  let loss = 0;
  for (let k = 0; k < w.length; k++) {
    let wk = w[k] as number;
    if (wk === 0) continue;
    if (is) wk *= is[k] as number;
    loss += wk * (token.loss[k] as number);
    grad.data[k] = wk * (token.grad[k] as number);
  }
  return { loss, gradLogProb: grad, metrics: token.metrics };
}

function context(input: PolicyLossInput): LossContext {
  const clipRatio = input.clipRatio ?? 0.2;
  const clipLow = input.clipRatioLow ?? clipRatio;
  const clipHigh = input.clipRatioHigh ?? clipRatio;
  const clipC = input.clipRatioC ?? 3;
  for (const [name, v] of [
    ['clipRatio', clipRatio],
    ['clipRatioLow', clipLow],
    ['clipRatioHigh', clipHigh],
  ] as const) {
    if (!(v >= 0) || !Number.isFinite(v))
      throw new InvalidOptionError(name, `must be a finite number >= 0, got ${v}`);
  }
  if (!(clipC > 1))
    throw new InvalidOptionError('clipRatioC', `the dual-clip bound must be > 1, got ${clipC}`);
  const m: Matrix = input.responseMask;
  let total = 0;
  for (let k = 0; k < m.data.length; k++) total += m.data[k] as number;
  return {
    input,
    old: input.oldLogProb.data,
    lp: input.logProb.data,
    adv: input.advantages.data,
    mask: m.data,
    rows: m.rows,
    cols: m.cols,
    metricDen: total + MASK_EPS,
    clipLow,
    clipHigh,
    clipC,
  };
}
