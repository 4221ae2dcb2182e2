import { describe, expect, it } from 'vitest';
import {
  GrpoTrainer,
  type GrpoTrainerConfig,
  InvalidOptionError,
  PolicyContractError,
  type PromptItem,
  type RewardFn,
  TrainerStateError,
  UnknownModeError,
} from '../src/index.js';
import { ScriptedPolicy } from './scripted-policy.js';

const EOS = 9;
const script = {
  a: [
    [1, 2, EOS],
    [1, EOS],
    [3, 3, 3, EOS],
  ],
  b: [
    [2, EOS],
    [2, EOS],
    [4, EOS],
  ],
  c: [
    [5, EOS],
    [5, 5, EOS],
    [6, EOS],
  ], // every response scores 0: a zero-variance group
  d: [
    [2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    [7, EOS],
    [2, EOS],
  ], // the first response runs past maxResponseLength
};
const items = (...ps: string[]): PromptItem<string, null>[] =>
  ps.map((p) => ({ prompt: p, meta: null, id: p }));
const hasTwo: RewardFn<string, null> = (reqs) =>
  reqs.map((r) => (r.sequence.responseIds.includes(2) ? 1 : 0));

function trainer(policy: ScriptedPolicy, options: GrpoTrainerConfig = {}, reward = hasTwo) {
  return new GrpoTrainer<string, null>({
    policy,
    reward,
    options: {
      ...options,
      data: { trainBatchSize: 2, maxResponseLength: 8, ...options.data },
      rollout: { n: 3, ...options.rollout },
      actor: { ppoMiniBatchSize: 2, ppoMicroBatchSize: 6, ...options.actor },
    },
  });
}

/** GRPO advantages of one group, straight from the formula (n >= 2). */
function grpo(scores: number[]): number[] {
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (scores.length - 1));
  return scores.map((s) => (s - mean) / (std + 1e-6));
}

describe('GrpoTrainer.step follows verl', () => {
  it('repeat-interleaves n samples per prompt and gives each prompt a fresh uid', async () => {
    const policy = new ScriptedPolicy(script, 10);
    const seen: string[] = [];
    const t = trainer(policy, {}, (reqs) => {
      seen.push(...reqs.map((r) => r.uid));
      return hasTwo(reqs);
    });
    const res = await t.step(items('a', 'b'));
    expect(policy.log.generate[0]).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    expect(new Set(seen.slice(0, 3)).size).toBe(1);
    expect(seen[0]).not.toBe(seen[3]);
    const res2 = await t.step(items('a', 'b'));
    expect(res2.samples[0]?.uid).not.toBe(res.samples[0]?.uid); // fresh every step
    expect(res.step).toBe(1);
    expect(res2.step).toBe(2);
  });

  it('hands the policy the exact gradient of the token-mean PPO loss (checked by hand)', async () => {
    const policy = new ScriptedPolicy(script, 10);
    const res = await trainer(policy).step(items('a', 'b'));
    const responses = [...script.a, ...script.b];
    const adv = [...grpo([1, 0, 0]), ...grpo([1, 1, 0])];
    const tokens = responses.reduce((a, r) => a + r.length, 0);
    // old == current (recomputed, no update yet) so r = 1, inside the clip range: d loss/d logp = -A / N
    const expected = new Float64Array(10);
    responses.forEach((r, i) => {
      for (const y of r) expected[y] = (expected[y] as number) - (adv[i] as number) / tokens;
    });
    expect(policy.log.steps).toHaveLength(1);
    const got = policy.log.steps[0] as Float64Array;
    for (let y = 0; y < 10; y++) expect(got[y]).toBeCloseTo(expected[y] as number, 14);
    expect(res.samples.map((s) => s.advantage)).toEqual(adv.map((a) => expect.closeTo(a, 12)));
    expect(res.metrics['critic/score/mean']).toBeCloseTo(0.5, 12);
    expect(res.metrics['response_length/mean']).toBeCloseTo(tokens / 6, 12);
    expect(res.metrics['actor/pg_clipfrac']).toBe(0);
    expect(res.metrics['actor/ppo_kl']).toBe(0);
    expect(res.metrics['actor/grad_norm']).toBeCloseTo(Math.hypot(...expected), 12);
    expect(res.metrics['actor/pg_loss']).toBeCloseTo(
      -responses.reduce((a, r, i) => a + r.length * (adv[i] as number), 0) / tokens,
      12,
    );
  });

  it('splits into mini-batches of ppoMiniBatchSize x n rows and micro-batches of ppoMicroBatchSize rows', async () => {
    const policy = new ScriptedPolicy(script, 10);
    const res = await trainer(policy, {
      actor: { ppoMiniBatchSize: 1, ppoMicroBatchSize: 2, ppoEpochs: 2 },
    }).step(items('a', 'b'));
    const train = policy.log.logProbs.filter((c) => c.requiresGrad).map((c) => c.rows);
    expect(train).toEqual([2, 1, 2, 1, 2, 1, 2, 1]);
    expect(policy.log.logProbs.filter((c) => !c.requiresGrad).map((c) => c.rows)).toEqual([2, 2, 2]);
    expect(res.optimizerSteps).toBe(4);
    expect(policy.log.zeroGrad).toBe(4);
    // mini-batch 1 holds prompt a only: its own token count normalises it, whatever the micro split
    const first = policy.log.steps[0] as Float64Array;
    const adv = grpo([1, 0, 0]);
    expect(first[3]).toBeCloseTo((-(adv[2] as number) * 3) / 9, 14);
    expect(first[4]).toBe(0);
  });

  it('DAPO dynamic sampling drops zero-variance groups and refills from the source', async () => {
    const policy = new ScriptedPolicy(script, 10);
    const queue = ['c', 'a', 'c', 'b', 'a'];
    const asked: number[] = [];
    const t = trainer(policy, {
      algorithm: { filterGroups: { enable: true, metric: 'score' } },
      data: { genBatchSize: 2 },
    });
    const res = await t.step((k) => {
      asked.push(k);
      return items(...queue.splice(0, k));
    });
    expect(asked).toEqual([2, 2]);
    expect(res.metrics['train/num_gen_batches']).toBe(2);
    expect(res.metrics['train/kept_group_ratio']).toBe(0.5);
    expect(res.samples.map((s) => s.item.prompt)).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    expect(res.exhausted).toBe(false);
  });

  it('dynamic sampling stops at maxNumGenBatches and reports a short batch', async () => {
    const policy = new ScriptedPolicy(script, 10);
    const t = trainer(policy, {
      algorithm: { filterGroups: { enable: true, metric: 'score', maxNumGenBatches: 2 } },
      data: { genBatchSize: 1 },
    });
    const res = await t.step(() => items('c'));
    expect(res.exhausted).toBe(true);
    expect(res.samples).toHaveLength(0);
    expect(res.optimizerSteps).toBe(0);
    expect(res.metrics['train/num_gen_batches']).toBe(2);
  });

  it('overlong filtering removes truncated responses from the loss; the overlong buffer shapes their reward', async () => {
    const policy = new ScriptedPolicy(script, 10);
    const res = await trainer(policy, {
      overlongFilter: true,
      overlongBuffer: { enable: true, len: 4, penaltyFactor: 1 },
    }).step(items('d', 'b'));
    const d0 = res.samples[0];
    expect(d0?.sequence.finishReason).toBe('length');
    expect(d0?.filtered).toBe(true);
    // length 8 with max 8 and buffer 4: penalty -(8 - 4)/4 = -1 on top of score 1; length 2 is unpenalised
    expect(d0?.score).toBe(0);
    expect(res.samples[1]?.score).toBe(0);
    expect(res.samples[2]?.score).toBe(1);
    expect(res.metrics['response_length/overlong_filtered_ratio']).toBeCloseTo(1 / 6, 12);
    // token 2 appears 8 times in the filtered row and once in row d2 and twice in b: only the latter count
    const steps = policy.log.steps[0] as Float64Array;
    const adv = [...grpo([0, 0, 1]), ...grpo([1, 1, 0])];
    const tokens = 2 + 2 + 2 + 2 + 2;
    expect(steps[2]).toBeCloseTo(
      -((adv[2] as number) + (adv[3] as number) + (adv[4] as number)) / tokens,
      14,
    );
  });

  it('is deterministic under a seed and resumes exactly from getState()', async () => {
    const source = () => items('a', 'b');
    const options: GrpoTrainerConfig = {
      actor: { shuffle: true, ppoMiniBatchSize: 1, ppoMicroBatchSize: 1 },
      seed: 7,
    };
    const run = async (
      policy: ScriptedPolicy,
      steps: number,
      state?: ReturnType<GrpoTrainer<string, null>['getState']>,
    ) => {
      const t = trainer(policy, options);
      if (state) t.setState(state);
      const losses = [];
      for (let i = 0; i < steps; i++) losses.push((await t.step(source)).metrics['actor/pg_loss']);
      return { losses, state: t.getState() };
    };
    const a = await run(new ScriptedPolicy(script, 10, 0.5), 3);
    const b = await run(new ScriptedPolicy(script, 10, 0.5), 3);
    expect(a.losses).toEqual(b.losses);
    // stop after one step, "checkpoint" (policy copy + JSON trainer state), resume in a new trainer
    const first = new ScriptedPolicy(script, 10, 0.5);
    const head = await run(first, 1);
    const saved = JSON.parse(JSON.stringify(head.state));
    const tail = await run(first.clone(), 2, saved);
    expect([...head.losses, ...tail.losses]).toEqual(a.losses);
    expect(tail.state).toEqual(a.state);
    // without the saved Rng state the shuffles differ, and so do the losses
    const cold = await run(first.clone(), 2, { ...saved, rng: [1, 2, 3, 4] });
    expect(cold.losses).not.toEqual(tail.losses);
  });
});

describe('GrpoTrainer errors', () => {
  it('rejects unknown and invalid options with the option named', () => {
    const p = new ScriptedPolicy(script, 10);
    expect(() => trainer(p, { actor: { clipRatioHihg: 0.3 } as never })).toThrow(
      /actor\.clipRatioHihg: unknown option/,
    );
    expect(() => trainer(p, { rollout: { n: 0 } })).toThrow(InvalidOptionError);
    expect(() => trainer(p, { data: { trainBatchSize: 3 } })).toThrow(/multiple/);
    expect(() => trainer(p, { actor: { lossAggMode: 'mean' as never } })).toThrow(UnknownModeError);
    expect(() => trainer(p, { algorithm: { advEstimator: 'gae' } })).toThrow(/critic/);
    expect(() => trainer(p, { actor: { useKlLoss: true } })).toThrow(PolicyContractError);
    expect(() => trainer(p, { actor: { entropyCoeff: 0.01 } })).toThrow(/supportsEntropy/);
    expect(() => trainer(p, { rollout: { temperature: '1' as never } })).toThrow(
      /rollout\.temperature: expected a number/,
    );
  });

  it('reports a broken policy or reward function', async () => {
    const p = new ScriptedPolicy(script, 10);
    await expect(trainer(p, {}, () => [1]).step(items('a', 'b'))).rejects.toThrow(/returned 1 results for 6/);
    await expect(trainer(p, {}, (r) => r.map(() => Number.NaN)).step(items('a', 'b'))).rejects.toThrow(
      /score NaN/,
    );
    const short = new ScriptedPolicy(script, 10);
    short.generate = async () => [];
    await expect(trainer(short).step(items('a'))).rejects.toThrow(/returned 0 sequences for 3/);
  });

  it('rejects a malformed saved state', () => {
    const t = trainer(new ScriptedPolicy(script, 10));
    const good = t.getState();
    expect(() => t.setState({ ...good, version: 2 as 1 })).toThrow(TrainerStateError);
    expect(() => t.setState({ ...good, rng: [0, 0, 0, 0] })).toThrow(/rng/);
    expect(() => t.setState({ ...good, klCtrl: { type: 'adaptive', value: 1 } })).toThrow(TrainerStateError);
  });
});
