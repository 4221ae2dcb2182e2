import type { OmniPrompt } from '@soundmind/omni-runtime';
import {
  GrpoTrainer,
  type GrpoTrainerConfig,
  type GrpoTrainerState,
  type PromptItem,
  type RewardFn,
} from '@soundmind/rl-core';
import type { TrainerConfig } from '../config/schema.js';
import { alrReward } from '../eval/evaluate.js';
import { ModelHost } from '../model/host.js';
import type { RunContext } from '../pipeline/context.js';
import { type EpochCursor, EpochStream } from '../pipeline/epoch-order.js';
import { type LoopState, runLoop } from '../pipeline/loop.js';
import { fmtNum } from '../progress/bar.js';
import { checkpointFault, interruptFault } from '../run/fault.js';
import { type SftSource, sftExampleEncoder } from '../train/sft-examples.js';
import { sftStep } from '../train/sft-step.js';

/** What the reward needs about a prompt. */
export interface RlMeta {
  readonly label: 0 | 1;
  readonly family: string;
}

interface GrpoCursor {
  readonly data: EpochCursor;
  /** Position in the rehearsal examples, when there are any. */
  readonly rehearsal?: EpochCursor;
  readonly trainer: GrpoTrainerState;
  readonly schedulerSteps: number;
}

/** rl-core's options from the config's verl keys. */
export function grpoOptions(config: TrainerConfig): GrpoTrainerConfig {
  const a = config.actor_rollout_ref.actor;
  const r = config.actor_rollout_ref.rollout;
  const g = config.algorithm;
  return {
    data: {
      trainBatchSize: config.data.train_batch_size,
      maxResponseLength: config.data.max_response_length,
      maxPromptLength: config.data.max_prompt_length,
    },
    rollout: { n: r.n, temperature: r.temperature, topP: r.top_p, topK: r.top_k, stopTokenIds: [] },
    actor: {
      ppoMiniBatchSize: a.ppo_mini_batch_size,
      ppoMicroBatchSize: a.ppo_micro_batch_size ?? a.ppo_micro_batch_size_per_gpu,
      ppoEpochs: a.ppo_epochs,
      shuffle: a.shuffle,
      clipRatio: a.clip_ratio,
      clipRatioLow: a.clip_ratio_low ?? undefined,
      clipRatioHigh: a.clip_ratio_high ?? undefined,
      clipRatioC: a.clip_ratio_c,
      lossAggMode: a.loss_agg_mode,
      entropyCoeff: a.entropy_coeff,
      calculateEntropy: true,
      useKlLoss: a.use_kl_loss,
      klLossCoef: a.kl_loss_coef,
      klLossType: a.kl_loss_type,
      gradClip: a.grad_clip,
      policyLoss: { lossMode: a.policy_loss.loss_mode },
    },
    algorithm: {
      advEstimator: g.adv_estimator,
      normAdvByStdInGrpo: g.norm_adv_by_std_in_grpo,
      gamma: g.gamma,
      lam: g.lam,
      useKlInReward: g.use_kl_in_reward,
      klPenalty: g.kl_penalty,
      klCtrl: {
        type: g.kl_ctrl.type,
        klCoef: g.kl_ctrl.kl_coef,
        targetKl: g.kl_ctrl.target_kl,
        horizon: g.kl_ctrl.horizon,
      },
      filterGroups: {
        enable: g.filter_groups.enable,
        metric: g.filter_groups.metric,
        maxNumGenBatches: g.filter_groups.max_num_gen_batches,
      },
    },
    variant: config.trainer.verl_variant,
    seed: config.trainer.seed,
  };
}

export interface GrpoStageOptions {
  readonly prompts: readonly PromptItem<OmniPrompt, RlMeta>[];
  /**
   * Traced examples rehearsed with one supervised step (sft.rehearsal_batch_size of them) after each GRPO
   * step: without it, GRPO on the label-only families erodes the traced families it never samples.
   */
  readonly rehearsal?: readonly SftSource[];
  /** Held-out check every trainer.test_freq steps: metrics to log at that step (e.g. `val/text/acc`). */
  readonly validate?: (host: ModelHost) => Promise<Record<string, number>>;
  /** The weights the stage started from (the KL reference), rebuilt when a stopped stage resumes. */
  readonly startWeights: () => Promise<ModelHost>;
  /** Training seconds the stage may spend in total, given the seconds it already spent (resume). */
  readonly maxSeconds: (spent: number) => number;
  readonly maxSteps: number | null;
  readonly description: string;
}

/** GRPO through rl-core's GrpoTrainer on the model host's policy, resumable from the stage's checkpoints. */
export async function runGrpoStage(
  ctx: RunContext,
  host: ModelHost,
  opts: GrpoStageOptions,
): Promise<ModelHost> {
  const { config, run, ui } = ctx;
  const store = run.checkpoints<LoopState<GrpoCursor>>('grpo', checkpointFault(ui.fault, 'grpo'));
  const latest = store.latest();
  if (latest) {
    host = await ModelHost.load(latest.dir);
    ui.log(`grpo: resuming from step ${latest.step} (${latest.dir})`);
  }
  const o = config.actor_rollout_ref.actor.optim;
  const policy = host.policy({
    lr: o.lr,
    weightDecay: o.weight_decay,
    betas: [o.betas[0] ?? 0.9, o.betas[1] ?? 0.999],
    // verl: lr_warmup_steps = -1 means lr_warmup_steps_ratio x total steps.
    warmupSteps:
      o.lr_warmup_steps >= 0
        ? o.lr_warmup_steps
        : Math.round(o.lr_warmup_steps_ratio * (config.trainer.total_training_steps ?? 0)),
  });
  // The KL reference is the weights GRPO started from; on resume they are rebuilt by opts.startWeights.
  const needsRef = config.actor_rollout_ref.actor.use_kl_loss || config.algorithm.use_kl_in_reward;
  let reference = needsRef && !latest ? policy.referencePolicy() : undefined;
  if (needsRef && latest) {
    reference = (await opts.startWeights()).inferencePolicy().referencePolicy();
  }
  const score = alrReward(config);
  const reward: RewardFn<OmniPrompt, RlMeta> = (requests) =>
    requests.map((q) => {
      const s = score(q.sequence.text ?? host.decode(q.sequence.responseIds), q.item.meta.label);
      return {
        score: s.total,
        acc: s.correct ? 1 : 0,
        extra: { format: s.formatValid ? 1 : 0, answer: s.components.answer },
      };
    });
  const trainer = new GrpoTrainer<OmniPrompt, RlMeta>({
    policy,
    ...(reference ? { reference } : {}),
    reward,
    options: grpoOptions(config),
  });
  let cursor: GrpoCursor;
  let from = { step: 0, seconds: 0 };
  if (latest) {
    cursor = latest.state.own;
    trainer.setState(cursor.trainer);
    ModelHost.restoreOptimizer(policy, latest.dir, cursor.schedulerSteps);
    from = { step: latest.step, seconds: latest.state.seconds };
  } else {
    cursor = {
      data: EpochStream.start(opts.prompts.length, `grpo-data/${config.data.seed}`, config.data.shuffle)
        .cursor,
      trainer: trainer.getState(),
      schedulerSteps: 0,
    };
  }
  const stream = new EpochStream(opts.prompts.length, cursor.data, config.data.shuffle);
  const rehearsal = opts.rehearsal ?? [];
  const rehearsalSize = rehearsal.length > 0 ? config.sft.rehearsal_batch_size : 0;
  const rehearsalStream =
    rehearsalSize > 0
      ? new EpochStream(
          rehearsal.length,
          cursor.rehearsal ??
            EpochStream.start(rehearsal.length, `grpo-rehearsal/${config.trainer.seed}`).cursor,
        )
      : undefined;
  const rehearsalExample = sftExampleEncoder(host, policy);
  // One supervised step on the next traced examples, at the GRPO stage's lr (the schedule is not stepped).
  const rehearse = async (from: EpochStream): Promise<Record<string, number>> => {
    const t0 = performance.now();
    const examples = from.take(rehearsalSize).map((i) => rehearsalExample(rehearsal[i] as SftSource));
    const s = await sftStep(policy, examples, {
      microBatchSize: config.sft.micro_batch_size,
      maxGradNorm: config.actor_rollout_ref.actor.grad_clip,
    });
    if (s.skipped) ui.log('grpo: rehearsal step skipped (non-finite gradient norm)');
    return {
      'rehearsal/loss': s.loss,
      'rehearsal/grad_norm': s.gradNorm,
      'rehearsal/skipped': s.skipped ? 1 : 0,
      'timing_s/rehearsal': (performance.now() - t0) / 1000,
    };
  };
  const maxSteps = opts.maxSteps;
  const bar = ui.bar('GRPO', maxSteps ?? undefined, 'steps');
  let last: Readonly<Record<string, number>> = {};
  let responseTokens = 0;
  const maxSeconds = opts.maxSeconds(from.seconds);
  const result = await runLoop(
    {
      stage: 'grpo',
      metrics: run.metrics,
      store,
      saveFreq: config.trainer.save_freq,
      maxSteps,
      maxSeconds,
      stop: ctx.stop,
      afterStep: interruptFault(ui.fault, 'grpo', (s) => ctx.stop.request(s)),
      state: () => cursor,
      writeFiles: (dir) => host.save(dir, policy),
      step: async (step) => {
        const source = (count: number) =>
          stream
            .take(count, config.trainer.total_epochs)
            .map((i) => opts.prompts[i] as PromptItem<OmniPrompt, RlMeta>);
        const r = await trainer.step(source);
        // trainer.step has stepped the lr schedule (once per training step, as verl).
        if (r.samples.length === 0) return false;
        const rehearsed = rehearsalStream ? await rehearse(rehearsalStream) : {};
        cursor = {
          data: stream.cursor,
          ...(rehearsalStream ? { rehearsal: rehearsalStream.cursor } : {}),
          trainer: trainer.getState(),
          schedulerSteps: cursor.schedulerSteps + 1,
        };
        last = r.metrics;
        const tokens = r.samples.reduce((s, x) => s + x.sequence.responseIds.length, 0);
        responseTokens += tokens;
        const total = Object.entries(r.metrics)
          .filter(([k]) => k.startsWith('timing_s/'))
          .reduce((s, [, v]) => s + v, 0);
        const tf = config.trainer.test_freq;
        const val = opts.validate && tf > 0 && step % tf === 0 ? await opts.validate(host) : {};
        run.metrics.append({
          stage: 'grpo',
          step,
          ...r.metrics,
          ...rehearsed,
          ...val,
          'train/epoch': stream.cursor.epoch + stream.cursor.index / Math.max(1, opts.prompts.length),
          ...(r.skippedOptimizerSteps ? { 'train/skipped_optimizer_steps': r.skippedOptimizerSteps } : {}),
          'perf/response_tokens_per_s': total > 0 ? tokens / total : 0,
        });
        if (r.skippedOptimizerSteps) {
          ui.log(
            `grpo step ${step}: ${r.skippedOptimizerSteps} optimizer step(s) skipped (non-finite gradient norm)`,
          );
        }
        return !r.exhausted || r.samples.length > 0;
      },
      onStep: (step, seconds) => {
        const fraction = Math.max(maxSteps ? step / maxSteps : 0, seconds / Math.max(1e-9, maxSeconds));
        bar.update(
          step,
          {
            reward: last['critic/score/mean'],
            acc: last['reward_extra/acc/mean'],
            kl: last['actor/kl_loss'] ?? last['actor/ppo_kl'],
            'tok/s': fmtNum(responseTokens / Math.max(1e-9, seconds - from.seconds), 0),
          },
          fraction,
        );
      },
    },
    from,
  );
  bar.finish();
  const ckpt = store.latest();
  run.markStageDone('grpo', {
    steps: result.steps,
    seconds: result.seconds,
    ...(ckpt ? { checkpoint: ckpt.dir } : {}),
    description: opts.description,
  });
  return host;
}
