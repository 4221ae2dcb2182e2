import { ShapeMismatchError } from '../errors.js';
import { zerosLike } from '../tensor/matrix.js';
import type { AdvantageInput, AdvantageOutput } from './types.js';

/** ReMax (spec §3.10): returns are the reverse cumsum of r·m; A = returns − b_i·m with b_i a greedy rollout's reward. */
export function remaxAdvantage(input: AdvantageInput): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m, rewardBaselines: b } = input;
  if (!b) throw new ShapeMismatchError('remax needs rewardBaselines (one greedy-rollout reward per row)');
  if (b.length !== r.rows) {
    throw new ShapeMismatchError(
      `remax: rewardBaselines has ${b.length} values but the batch has ${r.rows} rows`,
    );
  }
  const ret = zerosLike(r);
  const adv = zerosLike(r);
  const { cols } = r;
  for (let i = 0; i < r.rows; i++) {
    const base = b[i] as number;
    if (!Number.isFinite(base)) throw new ShapeMismatchError(`remax: rewardBaselines[${i}] is ${base}`);
    let run = 0;
    for (let t = cols - 1; t >= 0; t--) {
      const k = i * cols + t;
      const mt = m.data[k] as number;
      run += (r.data[k] as number) * mt;
      ret.data[k] = run;
      adv.data[k] = run - base * mt;
    }
  }
  return { advantages: adv, returns: ret };
}
