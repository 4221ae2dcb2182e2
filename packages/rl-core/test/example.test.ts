import { describe, expect, it } from 'vitest';
import { trainToyTask } from '../examples/train-toy.js';

describe('README example: GRPO trains a pure-TypeScript softmax policy', () => {
  for (const seed of [1, 2, 3]) {
    it(`learns the toy task from rewards alone (seed ${seed})`, async () => {
      const run = await trainToyTask({ steps: 60, seed });
      // the untrained policy is uniform: greedy decoding gets no digit right, sampled ones 1 in 9
      expect(run.accuracyBefore).toBe(0);
      expect(run.accuracyAfter).toBe(1);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(run.scores.slice(0, 5))).toBeLessThan(0.3);
      expect(mean(run.scores.slice(-5))).toBeGreaterThan(0.8);
    });
  }

  it('does not learn when the reward carries no signal (control)', async () => {
    // same run, but every response scores the same: GRPO advantages are exactly 0, nothing moves
    const run = await trainToyTask({ steps: 10, seed: 1, constantReward: true });
    expect(run.accuracyAfter).toBe(run.accuracyBefore);
  });
});
