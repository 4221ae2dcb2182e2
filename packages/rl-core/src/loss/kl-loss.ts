import type { KlPenaltyType, LossAggMode } from '../names.js';
import {
  assertFiniteWhereMasked,
  assertMask,
  assertShape,
  type Matrix,
  zerosLike,
} from '../tensor/matrix.js';
import { type AggLossOptions, aggRowScales } from './agg-loss.js';
import { klPenalty } from './kl-penalty.js';

/** Inputs of {@link computeKlLoss}. */
export interface KlLossInput extends AggLossOptions {
  readonly logProb: Matrix;
  readonly refLogProb: Matrix;
  readonly responseMask: Matrix;
  /** [actor.kl_loss_type], default 'low_var_kl'. */
  readonly klLossType?: KlPenaltyType;
  /** [actor.loss_agg_mode], default 'token-mean'. */
  readonly lossAggMode?: LossAggMode;
  /** 'error' (default): non-finite inputs at kept positions throw; 'propagate': they flow into the result. */
  readonly nonFinite?: 'error' | 'propagate';
}

/** The KL loss term agg(kl_penalty(logp, ref)) (spec §6.2; the trainer adds kl_loss_coef times it). */
export function computeKlLoss(input: KlLossInput): { loss: number; gradLogProb: Matrix } {
  const { logProb, refLogProb, responseMask: m } = input;
  assertMask(m);
  assertShape(logProb, m.rows, m.cols, 'logProb');
  assertShape(refLogProb, m.rows, m.cols, 'refLogProb');
  if ((input.nonFinite ?? 'error') === 'error') {
    assertFiniteWhereMasked(logProb, m, 'logProb');
    assertFiniteWhereMasked(refLogProb, m, 'refLogProb');
  }
  const { kl, gradLogProb: dk } = klPenalty(input.klLossType ?? 'low_var_kl', logProb, refLogProb, input);
  const scale = aggRowScales(m, input.lossAggMode ?? 'token-mean', input);
  const grad = zerosLike(logProb);
  let loss = 0;
  for (let i = 0; i < m.rows; i++) {
    const a = scale[i] as number;
    if (a === 0) continue;
    for (let k = i * m.cols; k < (i + 1) * m.cols; k++) {
      const mk = m.data[k] as number;
      if (mk === 0) continue;
      const w = a * mk;
      loss += w * (kl.data[k] as number);
      grad.data[k] = w * (dk.data[k] as number);
    }
  }
  return { loss, gradLogProb: grad };
}
