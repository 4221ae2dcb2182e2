import { ShapeMismatchError } from '../errors.js';
import { maskedWhiten } from '../stats/masked.js';
import { zeros } from '../tensor/matrix.js';
import { rowSums } from '../tensor/ragged.js';
import { grpoAdvantage } from './grpo.js';
import { maskAfter } from './reinforce-plus-plus.js';
import type { AdvantageInput, AdvantageOutput, RowSummary } from './types.js';

/**
 * GDPO (spec §3.4, current verl only): GRPO-normalise each reward component on its own, sum with float32
 * weights, then whiten over the batch. Without componentScores it uses the single component s_i.
 */
export function gdpoAdvantage(input: AdvantageInput, rowSummary: RowSummary): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m } = input;
  const comps = input.componentScores;
  const total = zeros(r.rows, r.cols, 'float64');
  const parts = comps ?? [null];
  const weights = input.componentWeights ?? parts.map(() => 1);
  if (weights.length !== parts.length) {
    throw new ShapeMismatchError(
      `gdpo: ${weights.length} componentWeights for ${parts.length} componentScores`,
    );
  }
  parts.forEach((scores, c) => {
    let rewards = r;
    let summary = rowSummary;
    if (scores) {
      if (scores.length !== r.rows) {
        throw new ShapeMismatchError(
          `gdpo: componentScores[${c}] has ${scores.length} values for ${r.rows} rows`,
        );
      }
      rewards = zeros(r.rows, Math.max(r.cols, 1), 'float64');
      for (let i = 0; i < r.rows; i++)
        rewards.data[i * rewards.cols + rewards.cols - 1] = scores[i] as number;
      summary = { scores: rowSums(rewards), rowEnd: rowSummary.rowEnd };
    }
    const a = grpoAdvantage({ ...input, tokenLevelRewards: rewards, responseMask: m }, summary).advantages;
    const w = Math.fround(weights[c] as number);
    for (let k = 0; k < total.data.length; k++)
      total.data[k] = (total.data[k] as number) + w * (a.data[k] as number);
  });
  const white = maskAfter(maskedWhiten(total, m), m);
  const adv = zeros(r.rows, r.cols, r.data instanceof Float32Array ? 'float32' : 'float64');
  adv.data.set(white.data);
  return { advantages: adv, returns: adv };
}
