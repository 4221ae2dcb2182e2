import { describe, expect, it } from 'vitest';
import {
  computeDataMetrics,
  entropyFromLogits,
  entropyFromLogitsBackward,
  fromRows,
  InvalidOptionError,
  logProbsFromLogits,
  logProbsFromLogitsBackward,
  maskedMean,
  maskedVar,
  maskedWhiten,
  rowSums,
  ShapeMismatchError,
} from '../src/index.js';
import { DTYPES, expectClose, type Json, mat, oracle } from './oracle.js';

/** [B, L, V] fixture logits as a [B*L, V] matrix. */
function flatLogits(z: Json, dtype: 'float32' | 'float64') {
  return mat((z as Json[][]).flat(), dtype);
}

describe('entropy and log-probs from logits match the verl oracle (values and gradients)', () => {
  for (const { dtype, tol } of DTYPES) {
    it(`with temperature and large logits (${dtype})`, () => {
      for (const seed of oracle().seeds) {
        for (const c of seed.logits) {
          const z = flatLogits(c.logits, dtype);
          const labels = (c.labels as number[][]).flat();
          const T = c.temperature;
          expectClose(entropyFromLogits(z, T), c.entropy, tol, 'entropy');
          expectClose(logProbsFromLogits(z, labels, T), c.log_probs, tol, 'log_probs');
          const ones = new Float64Array(z.rows).fill(1);
          expectClose(
            entropyFromLogitsBackward(z, ones, T).data,
            c.grad_logits_of_sum_entropy,
            tol,
            'd entropy',
          );
          expectClose(
            logProbsFromLogitsBackward(z, labels, ones, T).data,
            c.grad_logits_of_sum_log_probs,
            tol,
            'd logp',
          );
        }
      }
    });
  }

  it('rejects bad labels and temperatures', () => {
    const z = fromRows([[0, 1, 2]]);
    expect(() => logProbsFromLogits(z, [3])).toThrow(ShapeMismatchError);
    expect(() => logProbsFromLogits(z, [0, 1])).toThrow(/labels has 2 entries/);
    expect(() => entropyFromLogits(z, 0)).toThrow(InvalidOptionError);
  });
});

describe('masked statistics match the verl oracle', () => {
  it('mean, variance, whitening', () => {
    for (const seed of oracle().seeds) {
      for (const c of seed.masked_stats) {
        const x = mat(c.values);
        const m = mat(c.mask);
        expectClose(maskedMean(x, m), c.masked_mean, 1e-9, 'mean');
        expectClose(maskedVar(x, m), c.masked_var_unbiased, 1e-9, 'var');
        expectClose(maskedVar(x, m, false), c.masked_var_biased, 1e-9, 'biased var');
        expectClose(maskedWhiten(x, m).data, c.masked_whiten, 1e-9, 'whiten');
        expectClose(maskedWhiten(x, m, false).data, c.masked_whiten_no_shift, 1e-9, 'whiten no shift');
      }
    }
  });
});

describe('computeDataMetrics matches the verl oracle', () => {
  it('current and soundmind', () => {
    for (const seed of oracle().seeds) {
      for (const c of seed.data_metrics) {
        const pm = mat(c.prompt_mask);
        const out = computeDataMetrics({
          tokenLevelScores: mat(c.token_level_scores),
          tokenLevelRewards: mat(c.token_level_rewards),
          advantages: mat(c.advantages),
          returns: mat(c.returns),
          responseMask: mat(c.response_mask),
          promptLengths: rowSums(pm),
          maxPromptLength: pm.cols,
          variant: c.variant,
        });
        expect(Object.keys(out).sort()).toEqual(Object.keys(c.metrics).sort());
        for (const [k, v] of Object.entries<Json>(c.metrics)) expectClose(out[k] as number, v, 1e-9, k);
      }
    }
  });

  it('leaves out statistics over empty sets instead of NaN', () => {
    const z = fromRows([[0, 0]]);
    const out = computeDataMetrics({
      tokenLevelScores: z,
      tokenLevelRewards: z,
      advantages: z,
      returns: z,
      responseMask: z,
      promptLengths: [3],
    });
    expect(out['critic/score/mean']).toBeUndefined();
    expect(out['response/aborted_ratio']).toBe(1);
    expect(Object.values(out).every(Number.isFinite)).toBe(true);
  });
});
