import { MetricsInputError } from '../errors.js';
import { zForConfidence } from './accuracy.js';
import { wilsonInterval } from './wilson.js';

export interface PairedComparison {
  /** Items scored by both systems. */
  n: number;
  accuracyA: number;
  accuracyB: number;
  /** accuracyA - accuracyB. */
  difference: number;
  /** Interval for the difference: Newcombe's (1998) method 10, Wilson-based with the pairing correlation. */
  ci: [number, number];
  /** Both right / only A right / only B right / both wrong. */
  bothCorrect: number;
  onlyA: number;
  onlyB: number;
  neither: number;
  /** Exact two-sided McNemar p-value (binomial test on the discordant items). */
  pValue: number;
}

/** Two-sided exact binomial p-value of k successes in n trials at p = 1/2. */
function exactMcNemar(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  const k = Math.min(onlyA, onlyB);
  // Terms C(n, i) / 2^n by recurrence; in log space only where 2^-n would underflow.
  let tail = 0;
  if (n <= 1000) {
    let term = 0.5 ** n;
    tail = term;
    for (let i = 1; i <= k; i++) {
      term *= (n - i + 1) / i;
      tail += term;
    }
  } else {
    let logTerm = -n * Math.LN2;
    tail = Math.exp(logTerm);
    for (let i = 1; i <= k; i++) {
      logTerm += Math.log((n - i + 1) / i);
      tail += Math.exp(logTerm);
    }
  }
  return Math.min(1, 2 * tail);
}

/**
 * Compares two systems scored on the same items (A's and B's outcomes item by item, e.g. a GRPO checkpoint
 * against its SFT start). Uses the pairing: the interval is Newcombe's method 10, which is much narrower
 * than treating the two accuracies as independent when the systems agree on most items.
 */
export function pairedComparison(
  a: readonly boolean[],
  b: readonly boolean[],
  confidence = 0.95,
): PairedComparison {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length || a.length === 0) {
    throw new MetricsInputError(
      `pairedComparison: need two non-empty arrays of the same length (one outcome per item), got ${Array.isArray(a) ? a.length : typeof a} and ${Array.isArray(b) ? b.length : typeof b}`,
    );
  }
  let bothCorrect = 0;
  let onlyA = 0;
  let onlyB = 0;
  let neither = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x !== 'boolean' || typeof y !== 'boolean') {
      throw new MetricsInputError(
        `pairedComparison: outcome ${i} must be booleans, got ${typeof x} and ${typeof y}`,
      );
    }
    if (x && y) bothCorrect++;
    else if (x) onlyA++;
    else if (y) onlyB++;
    else neither++;
  }
  const n = a.length;
  const z = zForConfidence(confidence);
  const p1 = (bothCorrect + onlyA) / n;
  const p2 = (bothCorrect + onlyB) / n;
  const [l1, u1] = wilsonInterval(bothCorrect + onlyA, n, z);
  const [l2, u2] = wilsonInterval(bothCorrect + onlyB, n, z);
  // Correlation of the two outcomes (phi); 0 when a margin is empty.
  const margins = (bothCorrect + onlyA) * (onlyB + neither) * (bothCorrect + onlyB) * (onlyA + neither);
  const phi = margins === 0 ? 0 : (bothCorrect * neither - onlyA * onlyB) / Math.sqrt(margins);
  const d = p1 - p2;
  const lower = d - Math.sqrt(Math.max(0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2));
  const upper = d + Math.sqrt(Math.max(0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2));
  return {
    n,
    accuracyA: p1,
    accuracyB: p2,
    difference: d,
    ci: [Math.max(-1, lower), Math.min(1, upper)],
    bothCorrect,
    onlyA,
    onlyB,
    neither,
    pValue: exactMcNemar(onlyA, onlyB),
  };
}
