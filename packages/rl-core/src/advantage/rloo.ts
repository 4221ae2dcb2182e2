import { broadcastRows, groupRows } from './groups.js';
import type { AdvantageInput, AdvantageOutput, RowSummary } from './types.js';

/** RLOO (spec §3.5): a_i = n/(n−1)·(s_i − μ_g) = s_i − mean of the others; a singleton keeps its raw score. */
export function rlooAdvantage(input: AdvantageInput, rowSummary: RowSummary): AdvantageOutput {
  return rloo(input, rowSummary, false);
}

/** verl's rloo_vectorized: the same except that a singleton group gets 0. */
export function rlooVectorizedAdvantage(input: AdvantageInput, rowSummary: RowSummary): AdvantageOutput {
  return rloo(input, rowSummary, true);
}

function rloo(input: AdvantageInput, rowSummary: RowSummary, vectorized: boolean): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m } = input;
  const s = rowSummary.scores;
  const a = new Float64Array(r.rows);
  for (const rows of groupRows(input.index, r.rows, vectorized ? 'rloo_vectorized' : 'rloo')) {
    const n = rows.length;
    if (n === 1) {
      a[rows[0] as number] = vectorized ? 0 : (s[rows[0] as number] as number);
      continue;
    }
    let total = 0;
    for (const i of rows) total += s[i] as number;
    const mean = total / n;
    for (const i of rows) {
      const v = s[i] as number;
      a[i] = vectorized ? (n * v - total) / (n - 1) : ((v - mean) * n) / (n - 1);
    }
  }
  const adv = broadcastRows(a, m, r, rowSummary.rowEnd);
  return { advantages: adv, returns: adv };
}
