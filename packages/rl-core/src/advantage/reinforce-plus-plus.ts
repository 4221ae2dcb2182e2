import { maskedWhiten } from '../stats/masked.js';
import { type Matrix, zerosLike } from '../tensor/matrix.js';
import { groupMean, groupRows } from './groups.js';
import type { AdvantageInput, AdvantageOutput, RowSummary } from './types.js';

/**
 * REINFORCE++ (spec §3.8): discounted returns backward over t, then batch-global whitening (no grouping).
 * current carries the running return through masked positions (returns 0 there); jan2026/soundmind reset it.
 */
export function reinforcePlusPlusAdvantage(input: AdvantageInput): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m } = input;
  const gamma = input.gamma ?? 1;
  const carry = (input.variant ?? 'current') === 'current';
  const ret = zerosLike(r);
  const { cols } = r;
  for (let i = 0; i < r.rows; i++) {
    let run = 0;
    for (let t = cols - 1; t >= 0; t--) {
      const k = i * cols + t;
      const mt = m.data[k] as number;
      const next = (r.data[k] as number) + gamma * run;
      if (carry) {
        ret.data[k] = next * mt;
        run = next * mt + run * (1 - mt);
      } else {
        ret.data[k] = next;
        run = next * mt;
      }
    }
  }
  return { advantages: maskAfter(maskedWhiten(ret, m), m), returns: ret };
}

/** REINFORCE++ with a group baseline (spec §3.9): c_i = s_i − μ_g (raw s_i for a singleton), tiled and whitened. */
export function reinforcePlusPlusBaselineAdvantage(
  input: AdvantageInput,
  rowSummary: RowSummary,
): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m } = input;
  const s = rowSummary.scores;
  const c = Float64Array.from(s);
  for (const rows of groupRows(input.index, r.rows, 'reinforce_plus_plus_baseline')) {
    if (rows.length > 1) {
      const mu = groupMean(s, rows);
      for (const i of rows) c[i] = (s[i] as number) - mu;
    }
  }
  const tiled = zerosLike(r);
  for (let i = 0; i < r.rows; i++) {
    for (let k = i * r.cols; k < (i + 1) * r.cols; k++)
      tiled.data[k] = (c[i] as number) * (m.data[k] as number);
  }
  const adv = maskAfter(maskedWhiten(tiled, m), m);
  return { advantages: adv, returns: adv };
}

/** x · m elementwise, in place. */
export function maskAfter(x: Matrix, m: Matrix): Matrix {
  for (let k = 0; k < x.data.length; k++) x.data[k] = (x.data[k] as number) * (m.data[k] as number);
  return x;
}
