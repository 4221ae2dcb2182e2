import { rowSums } from '../tensor/ragged.js';
import { broadcastRows, groupRows } from './groups.js';
import type { AdvantageInput, AdvantageOutput, RowSummary } from './types.js';

/**
 * OPO (spec §3.6): length-weighted baseline b = Σ len_j s_j / Σ len_j over the group; a singleton uses b = 0.
 * A group whose responses are all empty uses b = 0 (verl divides 0 by 0; those rows are masked anyway).
 */
export function opoAdvantage(input: AdvantageInput, rowSummary: RowSummary): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m } = input;
  const s = rowSummary.scores;
  const len = rowSums(m);
  const a = new Float64Array(r.rows);
  for (const rows of groupRows(input.index, r.rows, 'opo')) {
    let b = 0;
    if (rows.length > 1) {
      let num = 0;
      let den = 0;
      for (const i of rows) {
        num += (len[i] as number) * (s[i] as number);
        den += len[i] as number;
      }
      b = den === 0 ? 0 : num / den;
    }
    for (const i of rows) a[i] = (s[i] as number) - b;
  }
  const adv = broadcastRows(a, m, r, rowSummary.rowEnd);
  return { advantages: adv, returns: adv };
}
