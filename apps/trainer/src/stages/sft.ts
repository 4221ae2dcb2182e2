import { warmupConstant, warmupCosine } from '@soundmind/omni-runtime';
import { ModelHost } from '../model/host.js';
import type { RunContext } from '../pipeline/context.js';
import { type EpochCursor, EpochStream } from '../pipeline/epoch-order.js';
import { type LoopState, runLoop } from '../pipeline/loop.js';
import { fmtNum } from '../progress/bar.js';
import { checkpointFault, interruptFault } from '../run/fault.js';
import { type SftSource, sftExampleEncoder } from '../train/sft-examples.js';
import { sftStep } from '../train/sft-step.js';

/** Steps timed before the length of a time-budgeted cosine schedule is fixed. */
const PLAN_AFTER = 20;

/** Resumable state of the SFT loop. */
interface SftCursor {
  /** Length of the cosine schedule, fixed once the step time is known (or from the step cap). */
  readonly plannedSteps?: number;
  readonly data: EpochCursor;
  /** Position in the spoken examples (audio input), when there are any. */
  readonly audio?: EpochCursor;
  readonly schedulerSteps: number;
}

export interface SftStageOptions {
  /** 'sft' (warm start) or 'control' (continued SFT for the GRPO budget). */
  readonly stage: 'sft' | 'control';
  readonly examples: readonly SftSource[];
  /** Spoken-question examples and their share of every batch (rounded to whole examples). */
  readonly audio?: { readonly examples: readonly SftSource[]; readonly fraction: number };
  readonly lr: number;
  readonly warmupSteps: number;
  /** Training seconds the stage may spend in total, given the seconds it already spent (resume). */
  readonly maxSeconds: (spent: number) => number;
  readonly maxSteps: number | null;
  readonly description: string;
}

/**
 * Supervised training on reference responses (SFT warm start, or the same-budget SFT control), resumable
 * from the stage's latest checkpoint. Returns the model host holding the trained weights.
 */
export async function runSftStage(
  ctx: RunContext,
  host: ModelHost,
  opts: SftStageOptions,
): Promise<ModelHost> {
  const { config, run, ui } = ctx;
  const c = config.sft;
  const store = run.checkpoints<LoopState<{ cursor: SftCursor }>>(
    opts.stage,
    checkpointFault(ui.fault, opts.stage),
  );
  const latest = store.latest();
  let from = { step: 0, seconds: 0 };
  let cursor: SftCursor;
  if (latest) {
    host = await ModelHost.load(latest.dir);
    cursor = latest.state.own.cursor;
    from = { step: latest.step, seconds: latest.state.seconds };
    ui.log(`${opts.stage}: resuming from step ${latest.step} (${latest.dir})`);
  } else {
    cursor = {
      data: EpochStream.start(opts.examples.length, `${opts.stage}/${config.trainer.seed}`).cursor,
      schedulerSteps: 0,
    };
  }
  const stream = new EpochStream(opts.examples.length, cursor.data);
  // Cosine decay needs the stage's length in steps: the step cap, or (time budget) an estimate made once
  // after PLAN_AFTER steps from their measured speed and kept in the checkpoint, so a resume is exact.
  let planned = cursor.plannedSteps ?? opts.maxSteps ?? undefined;
  const warm = warmupConstant(opts.warmupSteps);
  const schedule = (step: number) =>
    c.lr_schedule === 'cosine' && planned !== undefined
      ? warmupCosine({ warmupSteps: opts.warmupSteps, totalSteps: planned, minLrRatio: c.min_lr_ratio })(step)
      : warm(step);
  const policy = host.policy({
    lr: opts.lr,
    weightDecay: c.weight_decay,
    betas: [0.9, 0.999],
    warmupSteps: opts.warmupSteps,
    schedule,
  });
  if (latest) ModelHost.restoreOptimizer(policy, latest.dir, cursor.schedulerSteps);
  const audio = opts.audio && opts.audio.examples.length > 0 ? opts.audio : undefined;
  const nAudio = audio ? Math.min(c.batch_size, Math.round(c.batch_size * audio.fraction)) : 0;
  const audioStream = audio
    ? new EpochStream(
        audio.examples.length,
        cursor.audio ??
          EpochStream.start(audio.examples.length, `${opts.stage}-audio/${config.trainer.seed}`).cursor,
      )
    : undefined;
  const example = sftExampleEncoder(host, policy);
  const bar = ui.bar(opts.stage === 'sft' ? 'SFT' : 'SFT control', opts.maxSteps ?? undefined, 'steps');
  let tokens = 0;
  let loss = Number.NaN;
  const maxSeconds = opts.maxSeconds(from.seconds);
  const result = await runLoop(
    {
      stage: opts.stage,
      metrics: run.metrics,
      store,
      saveFreq: config.trainer.save_freq,
      maxSteps: opts.maxSteps,
      maxSeconds,
      stop: ctx.stop,
      afterStep: interruptFault(ui.fault, opts.stage, (s) => ctx.stop.request(s)),
      state: () => ({ cursor }),
      writeFiles: (dir) => host.save(dir, policy),
      step: async (step) => {
        if (opts.examples.length === 0) return false;
        const batch = [
          ...stream.take(c.batch_size - nAudio).map((i) => example(opts.examples[i] as SftSource)),
          ...(audioStream && audio
            ? audioStream.take(nAudio).map((i) => example(audio.examples[i] as SftSource))
            : []),
        ];
        const t0 = performance.now();
        const r = await sftStep(policy, batch, {
          microBatchSize: c.micro_batch_size,
          maxGradNorm: config.actor_rollout_ref.actor.grad_clip,
        });
        policy.lrSchedulerStep();
        const dt = (performance.now() - t0) / 1000;
        const seqTokens = batch.reduce((s, e) => s + e.promptIds.length + e.targetIds.length, 0);
        cursor = {
          data: stream.cursor,
          ...(audioStream ? { audio: audioStream.cursor } : {}),
          schedulerSteps: cursor.schedulerSteps + 1,
          ...(planned !== undefined ? { plannedSteps: planned } : {}),
        };
        tokens += seqTokens;
        loss = r.loss;
        run.metrics.append({
          stage: opts.stage,
          step,
          'train/loss': r.loss,
          'train/epoch': stream.cursor.epoch + stream.cursor.index / opts.examples.length,
          'actor/grad_norm': r.gradNorm,
          'actor/lr': r.lr ?? opts.lr,
          'train/skipped': r.skipped ? 1 : 0,
          'perf/throughput': seqTokens / dt,
          'timing_s/step': dt,
        });
        if (r.skipped) ui.log(`${opts.stage} step ${step}: non-finite gradient norm, step skipped`);
        return true;
      },
      onStep: (step, seconds) => {
        if (planned === undefined && step - from.step === PLAN_AFTER) {
          const perStep = (seconds - from.seconds) / PLAN_AFTER;
          planned = step + Math.max(1, Math.floor((maxSeconds - seconds) / perStep));
          cursor = { ...cursor, plannedSteps: planned };
        }
        const fraction = Math.max(
          opts.maxSteps ? step / opts.maxSteps : 0,
          seconds / Math.max(1e-9, maxSeconds),
        );
        bar.update(
          step,
          { loss: fmtNum(loss), 'tok/s': fmtNum(tokens / Math.max(1e-9, seconds - from.seconds), 0) },
          fraction,
        );
      },
    },
    from,
  );
  bar.finish();
  const ckpt = store.latest();
  run.markStageDone(opts.stage, {
    steps: result.steps,
    seconds: result.seconds,
    ...(ckpt ? { checkpoint: ckpt.dir } : {}),
    description: opts.description,
  });
  return host;
}
