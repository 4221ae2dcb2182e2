import { InterruptedError } from '../errors.js';
import type { CheckpointStore } from '../run/checkpoints.js';
import type { StopSignal } from '../run/interrupt.js';
import type { MetricsLog } from '../run/metrics-log.js';

/** What every checkpointed loop keeps in its manifest besides its own state. */
export interface LoopState<S> {
  readonly step: number;
  /** Training wall seconds spent so far (over all sessions). */
  readonly seconds: number;
  readonly own: S;
}

export interface LoopSpec<S> {
  /** Stage name in metrics.jsonl. */
  readonly stage: string;
  readonly metrics: MetricsLog;
  readonly store: CheckpointStore<LoopState<S>>;
  /** Checkpoint every N steps (-1: only at the end). */
  readonly saveFreq: number;
  /** Stop after this many steps in total (null: no cap). */
  readonly maxSteps: number | null;
  /** Stop once this many training seconds are spent in total. */
  readonly maxSeconds: number;
  readonly stop: StopSignal;
  /** Runs one step; returns false when the data ran out. */
  readonly step: (step: number) => Promise<boolean>;
  /** The loop's own resumable state after the current step. */
  readonly state: () => S;
  /** Writes the model files of a checkpoint into a folder. */
  readonly writeFiles: (dir: string) => Promise<void>;
  /** Called after every step with the step number and total training seconds. */
  readonly onStep?: (step: number, seconds: number) => void;
  /** Test-only fault injection after a step (see run/fault.ts). */
  readonly afterStep?: ((step: number) => void) | undefined;
}

/**
 * The training loop skeleton shared by SFT and GRPO: runs steps until the step cap, the time budget, the
 * data or a stop signal ends it; checkpoints every saveFreq steps and at the end, atomically. A stop
 * signal (Ctrl-C) saves a checkpoint and throws InterruptedError, so the run can be resumed exactly.
 * Returns the number of steps done and the training seconds spent.
 */
export function runLoop<S>(
  spec: LoopSpec<S>,
  from: { step: number; seconds: number },
): Promise<{ steps: number; seconds: number }> {
  return spec.stop.armedDuring(() => loop(spec, from));
}

async function loop<S>(
  spec: LoopSpec<S>,
  from: { step: number; seconds: number },
): Promise<{ steps: number; seconds: number }> {
  let step = from.step;
  let seconds = from.seconds;
  let lastSaved = step;
  const save = async () => {
    await spec.store.save(step, { step, seconds, own: spec.state() }, spec.writeFiles);
    lastSaved = step;
  };
  for (;;) {
    if (spec.stop.requested) {
      if (lastSaved !== step) await save();
      throw new InterruptedError(
        spec.stop.requested,
        `stopped at step ${step} after ${spec.stop.requested}; checkpoint saved`,
      );
    }
    if (spec.maxSteps !== null && step >= spec.maxSteps) break;
    if (seconds >= spec.maxSeconds) break;
    const t0 = performance.now();
    const more = await spec.step(step + 1);
    if (!more) break;
    step++;
    seconds += (performance.now() - t0) / 1000;
    spec.onStep?.(step, seconds);
    spec.afterStep?.(step);
    if (spec.saveFreq > 0 && step % spec.saveFreq === 0) await save();
  }
  if (lastSaved !== step || spec.store.latest() === undefined) await save();
  return { steps: step, seconds };
}
