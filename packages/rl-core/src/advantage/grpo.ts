import { broadcastRows, groupMean, groupRows, groupStd } from './groups.js';
import type { AdvantageInput, AdvantageOutput, RowSummary } from './types.js';

/**
 * GRPO (spec §3.1): a_i = (s_i − μ_g)/(σ_g + ε), or s_i − μ_g for Dr.GRPO; σ unbiased. A singleton group
 * uses μ = 0, σ = 1 (the raw score / (1 + ε), not 0); an all-equal group gives exactly 0.
 */
export function grpoAdvantage(input: AdvantageInput, rowSummary: RowSummary): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m } = input;
  const s = rowSummary.scores;
  const eps = input.epsilon ?? 1e-6;
  const norm = input.normAdvByStdInGrpo ?? true;
  const a = new Float64Array(r.rows);
  for (const rows of groupRows(input.index, r.rows, 'grpo')) {
    const single = rows.length === 1;
    const mu = single ? 0 : groupMean(s, rows);
    const sd = single ? 1 : groupStd(s, rows, mu);
    for (const i of rows) a[i] = norm ? ((s[i] as number) - mu) / (sd + eps) : (s[i] as number) - mu;
  }
  const adv = broadcastRows(a, m, r, rowSummary.rowEnd);
  return { advantages: adv, returns: adv };
}
