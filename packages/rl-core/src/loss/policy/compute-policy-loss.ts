import { InvalidOptionError, UnknownModeError } from '../../errors.js';
import { type LossAggMode, POLICY_LOSS_MODES, type PolicyLossMode } from '../../names.js';
import { MASK_EPS } from '../../stats/masked.js';
import {
  assertFiniteWhereMasked,
  assertMask,
  assertShape,
  type Matrix,
  zerosLike,
} from '../../tensor/matrix.js';
import { aggRowScales } from '../agg-loss.js';
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

/** Losses that aggregate with a fixed mode whatever loss_agg_mode says. */
const FORCED_AGG: Partial<Record<PolicyLossMode, LossAggMode>> = {
  gspo: 'seq-mean-token-mean',
  sapo: 'seq-mean-token-mean',
};

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
  assertShape(m, m.rows, m.cols, 'responseMask');
  assertShape(logProb, m.rows, m.cols, 'logProb');
  assertShape(oldLogProb, m.rows, m.cols, 'oldLogProb');
  assertShape(advantages, m.rows, m.cols, 'advantages');
  if (input.rolloutIsWeights) assertShape(input.rolloutIsWeights, m.rows, m.cols, 'rolloutIsWeights');
  const { total, rowTokens, rowEnd } = validate(input);
  const grad = zerosLike(logProb);
  if (mode === 'geo_mean' && input.rolloutIsWeights) {
    throw new InvalidOptionError(
      'rolloutIsWeights',
      'geo_mean applies them per sequence; not supported here',
    );
  }
  const aggMode = FORCED_AGG[mode] ?? input.lossAggMode ?? 'token-mean';
  const scale = mode === 'geo_mean' ? new Float64Array(0) : aggRowScales(m, aggMode, input, rowTokens);
  const ctx = context(input, total, scale, rowEnd, grad);
  const out = mode === 'geo_mean' ? geoMeanLoss(ctx) : TOKEN_LOSSES[mode](ctx);
  return { loss: out.loss, gradLogProb: grad, metrics: out.metrics };
}

/**
 * One pass over the inputs: the mask must hold finite weights >= 0, and (unless nonFinite = 'propagate')
 * the tensors must be finite wherever the mask keeps a position. Returns Σ mask, overall and per row, and
 * where each row's kept positions end.
 */
function validate(input: PolicyLossInput): { total: number; rowTokens: Float64Array; rowEnd: Int32Array } {
  const { rows, cols, data: m } = input.responseMask;
  const lp = input.logProb.data;
  const old = input.oldLogProb.data;
  const adv = input.advantages.data;
  const check = (input.nonFinite ?? 'error') === 'error';
  const rowTokens = new Float64Array(rows);
  const rowEnd = new Int32Array(rows);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    let row = 0;
    let probe = 0;
    let last = i * cols - 1;
    for (let k = i * cols, end = k + cols; k < end; k++) {
      const w = m[k] as number;
      if (w === 0) continue;
      last = k;
      if (!(w > 0)) assertMask(input.responseMask);
      row += w;
      // x − x is 0 for a finite x and NaN otherwise: one sum tests the three tensors
      probe += (lp[k] as number) - (lp[k] as number) + (old[k] as number) - (old[k] as number);
      probe += (adv[k] as number) - (adv[k] as number);
    }
    if (!(row < Number.POSITIVE_INFINITY)) assertMask(input.responseMask);
    if (check && Number.isNaN(probe)) {
      for (const [name, t] of [
        ['logProb', input.logProb],
        ['oldLogProb', input.oldLogProb],
        ['advantages', input.advantages],
      ] as const) {
        assertFiniteWhereMasked(t, input.responseMask, name);
      }
    }
    rowTokens[i] = row;
    rowEnd[i] = last + 1 - i * cols; // 0 for an empty row
    total += row;
  }
  if (check && input.rolloutIsWeights)
    assertFiniteWhereMasked(input.rolloutIsWeights, input.responseMask, 'rolloutIsWeights');
  return { total, rowTokens, rowEnd };
}

function context(
  input: PolicyLossInput,
  maskTotal: number,
  scale: Float64Array,
  rowEnd: Int32Array,
  grad: Matrix,
): LossContext {
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
  return {
    input,
    old: input.oldLogProb.data,
    lp: input.logProb.data,
    adv: input.advantages.data,
    mask: m.data,
    rows: m.rows,
    cols: m.cols,
    metricDen: maskTotal + MASK_EPS,
    clipLow,
    clipHigh,
    clipC,
    scale,
    rowEnd,
    isWeights: input.rolloutIsWeights?.data,
    grad: grad.data,
  };
}
