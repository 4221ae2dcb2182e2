// WORKAROUND (TRAINER_NEEDS.md #1): a paired-difference interval belongs in @soundmind/metrics; remove
// this file and import it from there once it lands.
import type { PairedComparison } from './types.js';

/**
 * Paired difference of two 0/1 correctness vectors over the same problems (b minus a): the mean and a
 * 95% interval from the normal approximation of the per-problem differences (Wald on the paired sample).
 */
export function pairedDifference(
  a: readonly (0 | 1)[],
  b: readonly (0 | 1)[],
): Pick<PairedComparison, 'n' | 'diff' | 'ci95' | 'bOnly' | 'aOnly'> {
  if (a.length !== b.length)
    throw new RangeError(`paired vectors differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  let bOnly = 0;
  let aOnly = 0;
  for (let i = 0; i < n; i++) {
    if (b[i] && !a[i]) bOnly++;
    if (a[i] && !b[i]) aOnly++;
  }
  if (n === 0) return { n, diff: 0, ci95: [-1, 1], bOnly, aOnly };
  const diff = (bOnly - aOnly) / n;
  const meanSq = (bOnly + aOnly) / n;
  const variance = n > 1 ? ((meanSq - diff * diff) * n) / (n - 1) : 0;
  const half = 1.959963984540054 * Math.sqrt(variance / n);
  return { n, diff, ci95: [diff - half, diff + half], bOnly, aOnly };
}
