import { InvalidOptionError } from '../errors.js';
import { broadcastRows, groupMean, groupRows, groupStd } from './groups.js';
import type { AdvantageInput, AdvantageOutput, RowSummary } from './types.js';

/**
 * Pass@k GRPO (spec §3.3): only the best row of each group gets s_max − s_second (over σ + ε when
 * normalising); every group needs at least two rows.
 */
export function grpoPasskAdvantage(input: AdvantageInput, rowSummary: RowSummary): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m } = input;
  const s = rowSummary.scores;
  const eps = input.epsilon ?? 1e-6;
  const norm = input.normAdvByStdInGrpo ?? true;
  const a = new Float64Array(r.rows);
  for (const rows of groupRows(input.index, r.rows, 'grpo_passk')) {
    if (rows.length < 2) {
      throw new InvalidOptionError(
        'index',
        `grpo_passk needs >= 2 responses per group; the group of row ${rows[0]} has 1 (use rollout.n >= 2)`,
      );
    }
    // Stable descending order: the first row holding the maximum wins, ties at the top give 0.
    const order = [...rows].sort((x, y) => (s[y] as number) - (s[x] as number));
    const top = order[0] as number;
    let val = (s[top] as number) - (s[order[1] as number] as number);
    if (norm) val /= groupStd(s, rows, groupMean(s, rows)) + eps;
    a[top] = val;
  }
  const adv = broadcastRows(a, m, r, rowSummary.rowEnd);
  return { advantages: adv, returns: adv };
}
