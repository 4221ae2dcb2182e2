import { describe, expect, it } from 'vitest';
import {
  applyKlPenalty,
  computeAdvantage,
  computeDataMetrics,
  DEFAULT_GRPO_OPTIONS,
  FixedKlController,
  fromRagged,
  fromRows,
  GrpoTrainer,
  InvalidOptionError,
  maskFromLengths,
  matrix,
  NonFiniteInputError,
  PolicyContractError,
  Rng,
  ShapeMismatchError,
  toRagged,
  updateActor,
  zeros,
} from '../src/index.js';
import { ScriptedPolicy } from './scripted-policy.js';

describe('bad input gets a typed error that names the problem', () => {
  it('matrix helpers', () => {
    expect(() => matrix(new Float32Array(5), 2, 3, 'logits')).toThrow(
      /logits: data has 5 elements, expected 2 x 3/,
    );
    expect(() => zeros(-1, 2)).toThrow(ShapeMismatchError);
    expect(() => fromRows([[1, 2], [3]])).toThrow(/row 1 has 1 columns, row 0 has 2/);
    expect(() => fromRagged([[1, 2, 3]], { cols: 2 })).toThrow(
      /sequence 0 has 3 elements, more than cols = 2/,
    );
    expect(() => maskFromLengths([1, 4], 3)).toThrow(/length 1 is 4/);
    expect(() => toRagged(zeros(2, 2), zeros(2, 3))).toThrow(ShapeMismatchError);
  });

  it('advantage inputs', () => {
    const m = fromRows([
      [1, 1],
      [1, 0],
    ]);
    const r = fromRows([
      [0, 1],
      [1, 0],
    ]);
    expect(() =>
      computeAdvantage('remax', { tokenLevelRewards: r, responseMask: m, rewardBaselines: [0, Number.NaN] }),
    ).toThrow(/rewardBaselines\[1\] is NaN/);
    expect(() =>
      computeAdvantage('remax', { tokenLevelRewards: r, responseMask: m, rewardBaselines: [0] }),
    ).toThrow(/1 values but the batch has 2 rows/);
    expect(() =>
      computeAdvantage('gdpo', {
        tokenLevelRewards: r,
        responseMask: m,
        index: [0, 0],
        componentScores: [[1]],
      }),
    ).toThrow(/componentScores\[0\] has 1 values for 2 rows/);
    expect(() =>
      computeAdvantage('gdpo', {
        tokenLevelRewards: r,
        responseMask: m,
        index: [0, 0],
        componentWeights: [1, 2],
      }),
    ).toThrow(/2 componentWeights for 1 componentScores/);
    expect(() =>
      computeAdvantage('gae', {
        tokenLevelRewards: r,
        responseMask: m,
        values: fromRows([
          [0, Number.NaN],
          [0, 0],
        ]),
      }),
    ).toThrow(NonFiniteInputError);
  });

  it('KL in reward and data metrics', () => {
    const m = fromRows([[1, 1]]);
    expect(() =>
      applyKlPenalty({
        tokenLevelScores: m,
        oldLogProb: fromRows([[0, Number.NaN]]),
        refLogProb: m,
        responseMask: m,
        klCtrl: new FixedKlController(0.1),
      }),
    ).toThrow(/oldLogProb\[0, 1\] is NaN/);
    expect(() =>
      computeDataMetrics({
        tokenLevelScores: m,
        tokenLevelRewards: m,
        advantages: m,
        returns: m,
        responseMask: m,
        promptLengths: [],
      }),
    ).toThrow(/promptLengths has 0 entries for 1 rows/);
  });

  it('updateActor: a missing reference, a policy without entropy, log-probs of the wrong shape', async () => {
    const policy = new ScriptedPolicy({}, 4);
    const batch = {
      prompts: ['a'],
      promptIds: [Int32Array.of(1)],
      responseIds: [Int32Array.of(1, 2)],
      cols: 2,
      temperature: 1,
      oldLogProb: fromRows([[-1, -1]]),
      advantages: fromRows([[1, 1]]),
      responseMask: fromRows([[1, 1]]),
    };
    const settings = {
      actor: DEFAULT_GRPO_OPTIONS.actor,
      miniBatchRows: 1,
      lossScaleFactor: 2,
      rng: new Rng(0),
    };
    await expect(
      updateActor(policy, batch, { ...settings, actor: { ...settings.actor, useKlLoss: true } }),
    ).rejects.toThrow(/needs batch.refLogProb/);
    await expect(
      updateActor(policy, batch, { ...settings, actor: { ...settings.actor, entropyCoeff: 0.1 } }),
    ).rejects.toThrow(PolicyContractError);
    policy.logProbs = async () => ({ logProbs: zeros(1, 3) });
    await expect(updateActor(policy, batch, settings)).rejects.toThrow(
      /policy.logProbs\(\).logProbs is \[1, 3\]/,
    );
    await expect(updateActor(policy, { ...batch, advantages: zeros(2, 2) }, settings)).rejects.toThrow(
      ShapeMismatchError,
    );
  });

  it('GrpoTrainer: broken sequences, missing reward parts', async () => {
    const script = { a: [[1, 2], [3]] };
    const make = (policy: ScriptedPolicy, extra = {}) =>
      new GrpoTrainer<string, null>({
        policy,
        reward: (reqs) => reqs.map(() => 1),
        options: {
          data: { trainBatchSize: 1, maxResponseLength: 4 },
          rollout: { n: 2 },
          actor: { ppoMiniBatchSize: 1 },
          ...extra,
        },
      });
    const p1 = new ScriptedPolicy(script, 4);
    const gen = p1.generate.bind(p1);
    p1.generate = async (prompts, o) =>
      (await gen(prompts, o)).map((s) => ({ ...s, logProbs: new Float64Array(0) }));
    await expect(make(p1).step([{ prompt: 'a', meta: null }])).rejects.toThrow(/0 log-probs for 2 tokens/);
    const p2 = new ScriptedPolicy(script, 4);
    const gen2 = p2.generate.bind(p2);
    p2.generate = async (prompts, o) =>
      (await gen2(prompts, o)).map((s) => ({ ...s, responseIds: [1] as never }));
    await expect(make(p2).step([{ prompt: 'a', meta: null }])).rejects.toThrow(/must be Int32Array/);
    const acc = make(new ScriptedPolicy(script, 4), {
      algorithm: { filterGroups: { enable: true, metric: 'acc' } },
    });
    await expect(acc.step([{ prompt: 'a', meta: null }])).rejects.toThrow(/needs RewardResult.acc/);
    const gdpo = make(new ScriptedPolicy(script, 4), {
      algorithm: { advEstimator: 'gdpo', gdpoRewardKeys: ['format'] },
    });
    await expect(gdpo.step([{ prompt: 'a', meta: null }])).rejects.toThrow(/'format' is missing/);
    expect(() => make(new ScriptedPolicy(script, 4), { algorithm: { advEstimator: 'gdpo' } })).toThrow(
      InvalidOptionError,
    );
  });
});
