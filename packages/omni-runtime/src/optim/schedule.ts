import { OptimizerError } from '../errors.js';

/** Learning-rate multiplier as a function of the step index (0-based, the step about to run). */
export type LrSchedule = (step: number) => number;

function checkSteps(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0)
    throw new OptimizerError(`${name} must be a non-negative integer, got ${v}`);
}

/** Linear warm-up from 0 over `warmupSteps`, then constant 1 (transformers' constant_schedule_with_warmup). */
export function warmupConstant(warmupSteps: number): LrSchedule {
  checkSteps('warmupSteps', warmupSteps);
  return (step) => (step < warmupSteps ? step / Math.max(1, warmupSteps) : 1);
}

/**
 * Linear warm-up, then half a cosine from 1 down to `minLrRatio` at `totalSteps` (verl's
 * get_cosine_schedule_with_warmup with num_cycles 0.5).
 */
export function warmupCosine(opts: {
  warmupSteps: number;
  totalSteps: number;
  minLrRatio?: number;
}): LrSchedule {
  const { warmupSteps, totalSteps } = opts;
  const minLrRatio = opts.minLrRatio ?? 0;
  checkSteps('warmupSteps', warmupSteps);
  checkSteps('totalSteps', totalSteps);
  if (minLrRatio < 0 || minLrRatio > 1)
    throw new OptimizerError(`minLrRatio must be in [0, 1], got ${minLrRatio}`);
  return (step) => {
    if (step < warmupSteps) return step / Math.max(1, warmupSteps);
    const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

/** Constant 1. */
export const constantSchedule: LrSchedule = () => 1;
