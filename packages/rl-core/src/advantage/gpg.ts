import { broadcastRows, groupMean, groupRows } from './groups.js';
import type { AdvantageInput, AdvantageOutput, RowSummary } from './types.js';

/** GPG (spec §3.7): a_i = α·(s_i − μ_g) with α = B / max(#{s_i ≠ 0}, 1) over the whole batch; no std. */
export function gpgAdvantage(input: AdvantageInput, rowSummary: RowSummary): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m } = input;
  const s = rowSummary.scores;
  let nonZero = 0;
  for (const v of s) if (v !== 0) nonZero++;
  const alpha = r.rows / Math.max(nonZero, 1);
  const a = new Float64Array(r.rows);
  for (const rows of groupRows(input.index, r.rows, 'gpg')) {
    const mu = rows.length === 1 ? 0 : groupMean(s, rows);
    for (const i of rows) a[i] = alpha * ((s[i] as number) - mu);
  }
  const adv = broadcastRows(a, m, r, rowSummary.rowEnd);
  return { advantages: adv, returns: adv };
}
