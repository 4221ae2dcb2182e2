import { describe, expect, it } from 'vitest';
import {
  type AdvantageEstimator,
  computeAdvantage,
  fromRows,
  InvalidOptionError,
  NonFiniteInputError,
  ShapeMismatchError,
  UnknownModeError,
  type VerlVariant,
  zeros,
} from '../src/index.js';
import { DTYPES, expectClose, type Json, mat, oracle } from './oracle.js';

/** Fixture key -> estimator call. */
function parseKey(key: string): {
  estimator: AdvantageEstimator;
  variant: VerlVariant;
  norm: boolean;
  gamma?: number;
  lam?: number;
} {
  const [base = '', variant = 'current'] = key.split('@') as [string, VerlVariant?];
  const norm = !base.endsWith('_no_std');
  const name = base.replace(/_no_std$/, '');
  let m = /^reinforce_plus_plus_gamma([\d.]+)$/.exec(name);
  if (m)
    return { estimator: 'reinforce_plus_plus', variant: variant as VerlVariant, norm, gamma: Number(m[1]) };
  m = /^gae_g([\d.]+)_l([\d.]+)$/.exec(name);
  if (m)
    return {
      estimator: 'gae',
      variant: variant as VerlVariant,
      norm,
      gamma: Number(m[1]),
      lam: Number(m[2]),
    };
  return { estimator: name as AdvantageEstimator, variant: variant as VerlVariant, norm };
}

function check(c: Json, key: string, out: Json, dtype: 'float32' | 'float64', tol: number) {
  const p = parseKey(key);
  const res = computeAdvantage(p.estimator, {
    tokenLevelRewards: mat(c.token_level_rewards, dtype),
    responseMask: mat(c.response_mask, dtype),
    index: c.index,
    normAdvByStdInGrpo: p.norm,
    gamma: p.gamma,
    lam: p.lam,
    variant: p.variant,
    values: out.values ? mat(out.values, dtype) : undefined,
    rewardBaselines: out.reward_baselines,
    componentScores: out.component_scores,
    componentWeights: out.weights,
  });
  expect(res.advantages.data instanceof (dtype === 'float32' ? Float32Array : Float64Array)).toBe(true);
  expectClose(res.advantages.data, out.advantages, tol, `${key} advantages`);
  expectClose(res.returns.data, out.returns, tol, `${key} returns`);
}

describe('computeAdvantage matches the verl oracle', () => {
  for (const { dtype, tol } of DTYPES) {
    it(`every estimator, ${oracle().seeds.length} seeds (${dtype}, tol ${tol})`, () => {
      let n = 0;
      for (const seed of oracle().seeds) {
        for (const c of seed.advantages) {
          for (const [key, out] of Object.entries<Json>(c.outputs)) {
            // gdpo's oracle rounds its component weights to float32 but keeps scores float64: same here.
            check(c, key, out, dtype, key.startsWith('gdpo') && dtype === 'float32' ? 1e-4 : tol);
            n++;
          }
        }
      }
      expect(n).toBeGreaterThan(1000);
    });

    it(`string uids, empty rows, all-equal and singleton groups (${dtype})`, () => {
      for (const c of oracle().extra.advantages) {
        for (const [key, out] of Object.entries<Json>(c.outputs)) {
          if (out.error) {
            expect(() => check(c, key, { advantages: [], returns: [] }, dtype, tol)).toThrow(
              InvalidOptionError,
            );
          } else if (key === 'opo') {
            // verl divides 0 by 0 for a group whose responses are all empty (NaN on masked positions);
            // rl-core uses a zero baseline there, so those fully masked rows get 0.
            const fix = (x: Json[][]) => x.map((row) => row.map((v) => (v === 'nan' ? 0 : v)));
            check(c, key, { advantages: fix(out.advantages), returns: fix(out.returns) }, dtype, tol);
          } else check(c, key, out, dtype, tol);
        }
      }
    });
  }
});

describe('computeAdvantage semantics', () => {
  const mask = fromRows([
    [1, 1, 0],
    [1, 0, 0],
    [1, 1, 1],
    [1, 1, 1],
    [1, 1, 0],
  ]);
  const rewards = (s: number[]) => {
    const r = zeros(5, 3);
    s.forEach((v, i) => {
      let last = 0;
      for (let t = 0; t < 3; t++) if (mask.data[i * 3 + t] !== 0) last = t;
      r.data[i * 3 + last] = v;
    });
    return r;
  };

  it('groups by label, not by position', () => {
    const r = rewards([1, 0, 0, 1, 0.5]);
    const a = computeAdvantage('grpo', {
      tokenLevelRewards: r,
      responseMask: mask,
      index: ['x', 'y', 'x', 'y', 'z'],
    });
    // n = 2 groups give ±1/√2 whatever the scores; the singleton keeps its raw score / (1 + ε).
    expect(a.advantages.data[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(a.advantages.data[6]).toBeCloseTo(-Math.SQRT1_2, 5);
    expect(a.advantages.data[3]).toBeCloseTo(-Math.SQRT1_2, 5);
    expect(a.advantages.data[12]).toBeCloseTo(0.5 / (1 + 1e-6), 12);
    expect(a.advantages.data[2]).toBe(0); // masked
  });

  it('the worked example of spec §3.1: scores [1,0,0,0,0] -> [1.78885, -0.44721 x4]', () => {
    const r = rewards([1, 0, 0, 0, 0]);
    const a = computeAdvantage('grpo', { tokenLevelRewards: r, responseMask: mask, index: [0, 0, 0, 0, 0] });
    expect(a.advantages.data[0]).toBeCloseTo(1.78885, 4);
    expect(a.advantages.data[3]).toBeCloseTo(-0.44721, 4);
  });

  it('an all-equal group gives exactly 0', () => {
    const r = rewards([2, 2, 2, 2, 2]);
    const a = computeAdvantage('grpo', { tokenLevelRewards: r, responseMask: mask, index: [1, 1, 1, 1, 1] });
    expect(Array.from(a.advantages.data).every((v) => v === 0)).toBe(true);
  });

  it('an empty batch gives empty results', () => {
    const a = computeAdvantage('grpo', {
      tokenLevelRewards: zeros(0, 4),
      responseMask: zeros(0, 4),
      index: [],
    });
    expect(a.advantages.rows).toBe(0);
  });

  it('checks the mask before the rewards, and finds a non-finite reward behind rows whose sums overflow', () => {
    const badMask = fromRows([
      [1, 1, 0],
      [1, -1, 0],
    ]);
    // a bad mask value is reported first, even when the rewards have the wrong shape as well
    expect(() =>
      computeAdvantage('grpo', { tokenLevelRewards: zeros(2, 4), responseMask: badMask, index: [0, 0] }),
    ).toThrow(/responseMask\[1, 1\] is -1/);
    const m = fromRows([
      [1, 1, 1],
      [1, 1, 0],
      [1, 0, 0],
    ]);
    const big = fromRows([
      [1e308, 1e308, 0], // finite rewards whose sum overflows: not an error
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const out = computeAdvantage('rloo', { tokenLevelRewards: big, responseMask: m, index: [0, 1, 1] });
    expect(out.advantages.data[3]).toBe(1 - 1);
    big.data[8] = Number.NEGATIVE_INFINITY;
    expect(() =>
      computeAdvantage('rloo', { tokenLevelRewards: big, responseMask: m, index: [0, 1, 1] }),
    ).toThrow(/tokenLevelRewards\[2, 2\] is -Infinity/);
  });

  it('rejects unknown estimators, shape mismatches, bad labels and non-finite rewards', () => {
    const r = rewards([1, 0, 0, 1, 0]);
    expect(() =>
      computeAdvantage('ppo' as AdvantageEstimator, { tokenLevelRewards: r, responseMask: mask }),
    ).toThrow(UnknownModeError);
    expect(() =>
      computeAdvantage('grpo', {
        tokenLevelRewards: zeros(5, 2),
        responseMask: mask,
        index: [1, 1, 1, 1, 1],
      }),
    ).toThrow(/tokenLevelRewards is \[5, 2\] but responseMask is \[5, 3\]/);
    expect(() =>
      computeAdvantage('grpo', { tokenLevelRewards: r, responseMask: mask, index: [1, 1] }),
    ).toThrow(ShapeMismatchError);
    expect(() => computeAdvantage('grpo', { tokenLevelRewards: r, responseMask: mask })).toThrow(
      /needs index/,
    );
    expect(() =>
      computeAdvantage('grpo', { tokenLevelRewards: r, responseMask: mask, index: [1, 1, Number.NaN, 1, 1] }),
    ).toThrow(/index\[2\]/);
    const bad = rewards([1, 0, 0, 1, 0]);
    bad.data[5] = Number.NaN; // a padding position: rewards are summed over every position, so it is an error
    expect(() =>
      computeAdvantage('grpo', { tokenLevelRewards: bad, responseMask: mask, index: [1, 1, 1, 1, 1] }),
    ).toThrow(NonFiniteInputError);
    expect(() => computeAdvantage('gae', { tokenLevelRewards: r, responseMask: mask })).toThrow(
      /needs values/,
    );
    expect(() => computeAdvantage('remax', { tokenLevelRewards: r, responseMask: mask })).toThrow(
      /rewardBaselines/,
    );
    expect(() =>
      computeAdvantage('grpo_passk', { tokenLevelRewards: r, responseMask: mask, index: [1, 1, 2, 2, 3] }),
    ).toThrow(/grpo_passk needs >= 2/);
    expect(() =>
      computeAdvantage('reinforce_plus_plus', {
        tokenLevelRewards: zeros(1, 3),
        responseMask: fromRows([[1, 0, 0]]),
      }),
    ).toThrow(/single valid token/);
  });
});
