import { broadcastRows, groupRows } from './groups.js';
import type { AdvantageInput, AdvantageOutput, RowSummary } from './types.js';

const f32 = Math.fround;

/**
 * verl's grpo_vectorized (spec §3.2): group moments accumulated in float32 in row order, reproduced
 * bit for bit with Math.fround. current: two-pass variance, no floor; jan2026: one-pass variance floored at ε.
 */
export function grpoVectorizedAdvantage(input: AdvantageInput, rowSummary: RowSummary): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m } = input;
  const s = rowSummary.scores;
  const eps = input.epsilon ?? 1e-6;
  const norm = input.normAdvByStdInGrpo ?? true;
  const onePass = (input.variant ?? 'current') !== 'current';
  const a = new Float64Array(r.rows);
  for (const rows of groupRows(input.index, r.rows, 'grpo_vectorized')) {
    let mean = 0;
    let std = 1;
    if (rows.length > 1) {
      let cnt = 0;
      let s1 = 0;
      let s2 = 0;
      for (const i of rows) {
        const x = f32(s[i] as number);
        cnt = f32(cnt + 1);
        s1 = f32(s1 + x);
        s2 = f32(s2 + f32(x * x));
      }
      mean = f32(s1 / cnt);
      let varNum: number;
      if (onePass) varNum = f32(s2 - f32(f32(s1 * s1) / cnt));
      else {
        varNum = 0;
        for (const i of rows) {
          const c = f32(f32(s[i] as number) - mean);
          varNum = f32(varNum + f32(c * c));
        }
      }
      const variance = f32(varNum / f32(cnt - 1));
      std = f32(Math.sqrt(onePass ? Math.max(variance, f32(eps)) : Math.max(variance, 0)));
    }
    for (const i of rows) a[i] = norm ? ((s[i] as number) - mean) / (std + eps) : (s[i] as number) - mean;
  }
  const adv = broadcastRows(a, m, r, rowSummary.rowEnd);
  return { advantages: adv, returns: adv };
}
