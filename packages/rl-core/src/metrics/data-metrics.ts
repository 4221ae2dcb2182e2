import { ShapeMismatchError } from '../errors.js';
import type { VerlVariant } from '../names.js';
import { assertShape, type Matrix } from '../tensor/matrix.js';
import { rowSums } from '../tensor/ragged.js';

/** Inputs of {@link computeDataMetrics}, one training step's batch. */
export interface DataMetricsInput {
  readonly tokenLevelScores: Matrix;
  readonly tokenLevelRewards: Matrix;
  readonly advantages: Matrix;
  readonly returns: Matrix;
  /** Marks the generated tokens (the response attention mask). */
  readonly responseMask: Matrix;
  /** Prompt length of each row (tokens). */
  readonly promptLengths: ArrayLike<number>;
  /** Response limit for `response_length/clip_ratio`; default responseMask.cols [data.max_response_length]. */
  readonly maxResponseLength?: number;
  /** Prompt limit for `prompt_length/clip_ratio`; default the longest prompt [data.max_prompt_length]. */
  readonly maxPromptLength?: number;
  /** soundmind has no aborted-row exclusion and no *_non_aborted metrics. Default 'current'. */
  readonly variant?: VerlVariant;
}

/**
 * verl's compute_data_metrics (spec §8.5): score/reward/advantage/return and length statistics with verl's
 * names. A statistic over an empty set (every row aborted, no valid token) is left out rather than NaN.
 */
export function computeDataMetrics(input: DataMetricsInput): Record<string, number> {
  const m = input.responseMask;
  for (const [name, x] of [
    ['tokenLevelScores', input.tokenLevelScores],
    ['tokenLevelRewards', input.tokenLevelRewards],
    ['advantages', input.advantages],
    ['returns', input.returns],
  ] as const) {
    assertShape(x, m.rows, m.cols, name);
  }
  if (input.promptLengths.length !== m.rows) {
    throw new ShapeMismatchError(
      `promptLengths has ${input.promptLengths.length} entries for ${m.rows} rows`,
    );
  }
  const current = (input.variant ?? 'current') !== 'soundmind';
  const rl = rowSums(m);
  const pl = Float64Array.from(input.promptLengths);
  const L = input.maxResponseLength ?? m.cols;
  const P = input.maxPromptLength ?? Math.max(0, ...pl);
  const seqScore = rowSums(input.tokenLevelScores);
  const seqReward = rowSums(input.tokenLevelRewards);
  const keep = (i: number) => !current || (rl[i] as number) > 0;
  const out: Record<string, number> = {};
  const put = (prefix: string, values: number[], clip?: number) => {
    if (values.length === 0) return;
    let sum = 0;
    let max = Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    let clipped = 0;
    for (const v of values) {
      sum += v;
      if (v > max) max = v;
      if (v < min) min = v;
      if (v === clip) clipped++;
    }
    out[`${prefix}/mean`] = sum / values.length;
    out[`${prefix}/max`] = max;
    out[`${prefix}/min`] = min;
    if (clip !== undefined) out[`${prefix}/clip_ratio`] = clipped / values.length;
  };
  const rows = [...Array(m.rows).keys()];
  const kept = rows.filter(keep);
  put(
    'critic/score',
    kept.map((i) => seqScore[i] as number),
  );
  put(
    'critic/rewards',
    kept.map((i) => seqReward[i] as number),
  );
  const valid: number[] = [];
  for (let k = 0; k < m.data.length; k++) if (m.data[k] !== 0) valid.push(k);
  put(
    'critic/advantages',
    valid.map((k) => input.advantages.data[k] as number),
  );
  put(
    'critic/returns',
    valid.map((k) => input.returns.data[k] as number),
  );
  put('response_length', Array.from(rl), L);
  put('prompt_length', Array.from(pl), P);
  if (current) {
    put(
      'response_length_non_aborted',
      Array.from(rl).filter((v) => v > 0),
      L,
    );
    if (m.rows > 0) out['response/aborted_ratio'] = rl.filter((v) => v === 0).length / m.rows;
  }
  return out;
}
