import { describe, expect, it } from 'vitest';
import { DEFAULT_GRPO_OPTIONS, Rng, rowSums, type VerlVariant } from '../src/index.js';
import { updateActor } from '../src/trainer/update-actor.js';
import { FeaturePolicy } from './feature-policy.js';
import { expectClose, type Json, mat, oracle } from './oracle.js';

async function run(entry: Json, variant: VerlVariant) {
  const cfg = entry.config;
  const inp = entry.inputs;
  const X = Float64Array.from((inp.X as number[][][]).flat(2));
  const B = inp.X.length;
  const L = inp.X[0].length;
  const D = inp.X[0][0].length;
  const W0 = (inp.W0 as number[][]).flat();
  const V = inp.W0[0].length;
  const policy = new FeaturePolicy(X, L, D, V, W0, inp.bias0, cfg.lr);
  const mask = mat(inp.response_mask);
  const lens = rowSums(mask);
  const labels = inp.labels as number[][];
  const result = await updateActor(
    policy,
    {
      prompts: [...Array(B).keys()],
      promptIds: Array.from({ length: B }, () => new Int32Array(0)),
      responseIds: labels.map((row, i) => Int32Array.from(row.slice(0, lens[i]))),
      cols: L,
      temperature: cfg.temperature,
      oldLogProb: mat(inp.old_log_probs),
      refLogProb: mat(inp.ref_log_prob),
      advantages: mat(inp.advantages),
      responseMask: mask,
    },
    {
      actor: {
        ...DEFAULT_GRPO_OPTIONS.actor,
        ppoMicroBatchSize: cfg.ppo_micro_batch_size_per_gpu,
        ppoEpochs: cfg.ppo_epochs,
        lossAggMode: cfg.loss_agg_mode,
        clipRatioLow: cfg.clip_ratio_low,
        clipRatioHigh: cfg.clip_ratio_high,
        clipRatioC: cfg.clip_ratio_c,
        entropyCoeff: cfg.entropy_coeff,
        useKlLoss: cfg.use_kl_loss,
        klLossCoef: cfg.kl_loss_coef ?? 0,
        klLossType: cfg.kl_loss_type ?? 'low_var_kl',
        gradClip: cfg.grad_clip,
      },
      miniBatchRows: cfg.ppo_mini_batch_size,
      lossScaleFactor: L,
      variant,
      rng: new Rng(0),
    },
  );
  return { policy, result };
}

describe("updateActor reproduces the oracle's torch run of verl's actor update (toy softmax policy, AdamW)", () => {
  const entries: Json[] = oracle().seeds.flatMap((s: Json) => s.actor_update_toy);
  for (const variant of ['current', 'jan2026', 'soundmind'] as const) {
    it(`final weights, ${variant}, ${entries.length} runs (GRPO, on-policy, multi-epoch, Dr.GRPO, NaN skip)`, async () => {
      for (const entry of entries) {
        const want = entry.results[variant];
        const { policy, result } = await run(entry, variant);
        const what = `${entry.config.name}@${variant}`;
        expectClose(policy.W, want.W, 1e-9, `${what} W`);
        expectClose(policy.bias, want.bias, 1e-9, `${what} bias`);
        expectClose(
          result.metrics['actor/grad_norm'] as number[],
          want.metrics['actor/grad_norm'],
          1e-9,
          `${what} grad_norm`,
        );
        if (variant !== 'current') continue;
        // current verl's metric semantics: every list, mini-batch by mini-batch
        // (the oracle does not log actor/lr, which verl logs and the policy here reports)
        const names = Object.keys(result.metrics).filter((k) => k !== 'actor/lr');
        expect(names.sort(), what).toEqual(Object.keys(want.metrics).sort());
        for (const [k, v] of Object.entries<Json>(want.metrics))
          expectClose(result.metrics[k] as number[], v, 1e-9, `${what} ${k}`);
        if (entry.config.nan_advantage_row !== undefined) expect(result.skippedOptimizerSteps).toBe(1);
      }
    });
  }

  it('is invariant to the micro-batch size (current verl: global normalisers)', async () => {
    for (const entry of entries) {
      if (entry.config.nan_advantage_row !== undefined) continue;
      const runs = [];
      for (const micro of [1, 2, entry.config.ppo_mini_batch_size]) {
        runs.push(
          await run(
            { ...entry, config: { ...entry.config, ppo_micro_batch_size_per_gpu: micro } },
            'current',
          ),
        );
      }
      for (const r of runs.slice(1)) {
        for (let k = 0; k < r.policy.W.length; k++) {
          expect(Math.abs((r.policy.W[k] as number) - (runs[0]?.policy.W[k] as number))).toBeLessThan(1e-13);
        }
      }
    }
  });
});
