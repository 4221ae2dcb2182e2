import { NonFiniteInputError, UnknownModeError } from '../errors.js';
import { ADVANTAGE_ESTIMATORS, type AdvantageEstimator } from '../names.js';
import { assertMask, assertShape, type Matrix } from '../tensor/matrix.js';
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
import type { AdvantageInput, AdvantageOutput, RowSummary } from './types.js';

/** An estimator; the outcome ones start from the row summary's scores s_i (summed once, checked finite). */
type Estimator = (input: AdvantageInput, rowSummary: RowSummary) => AdvantageOutput;

const ESTIMATORS: Record<AdvantageEstimator, Estimator> = {
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
  assertShape(m, m.rows, m.cols, 'responseMask');
  try {
    assertShape(r, m.rows, m.cols, 'tokenLevelRewards');
  } catch (e) {
    assertMask(m, 'responseMask'); // a bad mask value is reported first
    throw e;
  }
  return fn(input, summarizeRows(r, m));
}

/**
 * One pass over rewards and mask: checks the mask as assertMask does, sums each row's rewards into s_i and
 * finds where its kept positions end. A non-finite reward makes its row's sum non-finite, so only such rows
 * are searched for it (a finite row can also overflow, so the search may find nothing).
 */
function summarizeRows(r: Matrix, m: Matrix): RowSummary {
  const { rows, cols } = m;
  const rd = r.data;
  const md = m.data;
  const scores = new Float64Array(rows);
  const rowEnd = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    let end = 0;
    for (let t = 0, k = i * cols; t < cols; t++, k++) {
      s += rd[k] as number;
      const w = md[k] as number;
      if (w !== 0) {
        if (!(w > 0 && w < Number.POSITIVE_INFINITY)) assertMask(m, 'responseMask');
        end = t + 1;
      }
    }
    scores[i] = s;
    rowEnd[i] = end;
  }
  for (let i = 0; i < rows; i++) {
    if (Number.isFinite(scores[i] as number)) continue;
    for (let t = 0; t < cols; t++) {
      const v = rd[i * cols + t] as number;
      if (!Number.isFinite(v))
        throw new NonFiniteInputError(
          'tokenLevelRewards',
          i,
          t,
          v,
          '; rewards must be finite at every position (outcome estimators sum whole rows)',
        );
    }
  }
  return { scores, rowEnd };
}
