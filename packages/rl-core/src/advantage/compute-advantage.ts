import { NonFiniteInputError, UnknownModeError } from '../errors.js';
import { ADVANTAGE_ESTIMATORS, type AdvantageEstimator } from '../names.js';
import { assertMask, assertShape } from '../tensor/matrix.js';
import { gaeAdvantage } from './gae.js';
import { gdpoAdvantage } from './gdpo.js';
import { gpgAdvantage } from './gpg.js';
import { grpoAdvantage } from './grpo.js';
import { grpoPasskAdvantage } from './grpo-passk.js';
import { grpoVectorizedAdvantage } from './grpo-vectorized.js';
import { opoAdvantage } from './opo.js';
import { reinforcePlusPlusAdvantage, reinforcePlusPlusBaselineAdvantage } from './reinforce-plus-plus.js';
import { remaxAdvantage } from './remax.js';
import { rlooAdvantage, rlooVectorizedAdvantage } from './rloo.js';
import type { AdvantageInput, AdvantageOutput } from './types.js';

const ESTIMATORS: Record<AdvantageEstimator, (input: AdvantageInput) => AdvantageOutput> = {
  grpo: grpoAdvantage,
  grpo_vectorized: grpoVectorizedAdvantage,
  grpo_passk: grpoPasskAdvantage,
  gdpo: gdpoAdvantage,
  rloo: rlooAdvantage,
  rloo_vectorized: rlooVectorizedAdvantage,
  opo: opoAdvantage,
  gpg: gpgAdvantage,
  reinforce_plus_plus: reinforcePlusPlusAdvantage,
  reinforce_plus_plus_baseline: reinforcePlusPlusBaselineAdvantage,
  remax: remaxAdvantage,
  gae: gaeAdvantage,
};

/**
 * Advantages and returns of a batch with one of verl's estimators [algorithm.adv_estimator]. Rewards must
 * be finite everywhere (outcome estimators sum them over all positions, mask or not).
 */
export function computeAdvantage(estimator: AdvantageEstimator, input: AdvantageInput): AdvantageOutput {
  const fn = ESTIMATORS[estimator];
  if (!fn || !Object.hasOwn(ESTIMATORS, estimator)) {
    throw new UnknownModeError('advantage estimator', String(estimator), ADVANTAGE_ESTIMATORS);
  }
  const { tokenLevelRewards: r, responseMask: m } = input;
  assertMask(m, 'responseMask');
  assertShape(r, m.rows, m.cols, 'tokenLevelRewards');
  for (let k = 0; k < r.data.length; k++) {
    const v = r.data[k] as number;
    if (!Number.isFinite(v))
      throw new NonFiniteInputError(
        'tokenLevelRewards',
        Math.floor(k / r.cols),
        k % r.cols,
        v,
        '; rewards must be finite at every position (outcome estimators sum whole rows)',
      );
  }
  return fn(input);
}
