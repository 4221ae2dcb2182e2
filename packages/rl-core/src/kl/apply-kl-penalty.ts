import { klPenalty } from '../loss/kl-penalty.js';
import type { KlPenaltyType, VerlVariant } from '../names.js';
import {
  assertFiniteWhereMasked,
  assertMask,
  assertShape,
  type Matrix,
  zerosLike,
} from '../tensor/matrix.js';
import type { KlController } from './controller.js';

/** Inputs of {@link applyKlPenalty}. */
export interface ApplyKlPenaltyInput {
  readonly tokenLevelScores: Matrix;
  /** Log-probs of the behaviour (old) policy: verl uses the old ones here, not the current. */
  readonly oldLogProb: Matrix;
  readonly refLogProb: Matrix;
  readonly responseMask: Matrix;
  /** Updated in place with (current KL, batch rows). */
  readonly klCtrl: KlController;
  /** [algorithm.kl_penalty], default 'kl'. */
  readonly klPenalty?: KlPenaltyType;
  readonly variant?: VerlVariant;
}

/**
 * KL in the reward (spec §6.4): rewards = scores − β·kl(old, ref)·m; logs the batch KL (mean over rows of
 * the per-row masked mean) and β before the controller's update.
 */
export function applyKlPenalty(input: ApplyKlPenaltyInput): {
  tokenLevelRewards: Matrix;
  metrics: { 'actor/reward_kl_penalty': number; 'actor/reward_kl_penalty_coeff': number };
} {
  const { tokenLevelScores: s, responseMask: m } = input;
  assertMask(m);
  assertShape(s, m.rows, m.cols, 'tokenLevelScores');
  assertShape(input.oldLogProb, m.rows, m.cols, 'oldLogProb');
  assertShape(input.refLogProb, m.rows, m.cols, 'refLogProb');
  assertFiniteWhereMasked(input.oldLogProb, m, 'oldLogProb');
  assertFiniteWhereMasked(input.refLogProb, m, 'refLogProb');
  const kld = penaltyKl(input.klPenalty ?? 'kl', input.oldLogProb, input.refLogProb, m, input.variant);
  const beta = input.klCtrl.value;
  const rewards = zerosLike(s);
  let sumRows = 0;
  for (let i = 0; i < m.rows; i++) {
    let num = 0;
    let den = 0;
    for (let k = i * m.cols; k < (i + 1) * m.cols; k++) {
      const v = kld[k] as number;
      rewards.data[k] = (s.data[k] as number) - beta * v;
      num += v;
      den += m.data[k] as number;
    }
    sumRows += num / (den + 1e-8);
  }
  const current = m.rows === 0 ? 0 : sumRows / m.rows;
  input.klCtrl.update(current, m.rows);
  return {
    tokenLevelRewards: rewards,
    metrics: { 'actor/reward_kl_penalty': current, 'actor/reward_kl_penalty_coeff': beta },
  };
}

/** kl_penalty(old, ref)·m as float64, 0 at masked positions whatever the log-probs hold there. */
export function penaltyKl(
  type: KlPenaltyType,
  logProb: Matrix,
  refLogProb: Matrix,
  mask: Matrix,
  variant: VerlVariant | undefined,
): Float64Array {
  const { kl } = klPenalty(type, logProb, refLogProb, { variant });
  const out = new Float64Array(kl.data.length);
  for (let k = 0; k < out.length; k++) {
    const mk = mask.data[k] as number;
    if (mk !== 0) out[k] = (kl.data[k] as number) * mk;
  }
  return out;
}
