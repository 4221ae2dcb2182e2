import type { KlControllerType } from '../names.js';
import type { GeneratedSequence, Policy, ReferencePolicy } from '../policy/policy.js';
import type { PromptItem, RewardFn } from '../policy/reward.js';
import type { RngState } from '../random/rng.js';
import type { GrpoTrainerConfig } from './options.js';

/** Phases of one training step, reported through onProgress. */
export type GrpoPhase = 'generate' | 'reward' | 'old_log_prob' | 'ref' | 'values' | 'update';

/** What a {@link GrpoTrainer} is built from. */
export interface GrpoTrainerInit<P, M = unknown> {
  /** The policy being trained. */
  readonly policy: Policy<P>;
  /** Frozen reference for use_kl_loss / use_kl_in_reward; required when either is on. */
  readonly reference?: ReferencePolicy<P>;
  /** Scores responses. */
  readonly reward: RewardFn<P, M>;
  /** Options; missing fields take {@link DEFAULT_GRPO_OPTIONS}. */
  readonly options?: GrpoTrainerConfig;
  /** Progress within a step (libraries never print): phase, units done, units total. */
  readonly onProgress?: (done: number, total: number, info: { readonly phase: GrpoPhase }) => void;
}

/** One response that entered the update. */
export interface TrainSample<P, M = unknown> {
  readonly item: PromptItem<P, M>;
  readonly uid: string;
  readonly sequence: GeneratedSequence;
  /** Outcome score from the reward function (plus the overlong penalty when enabled). */
  readonly score: number;
  /** Sum of the token-level rewards (score minus KL-in-reward). */
  readonly reward: number;
  /** The advantage at the first response token (the sequence advantage for outcome estimators). */
  readonly advantage: number;
  /** true when overlong filtering removed it from the loss. */
  readonly filtered: boolean;
  readonly acc?: number;
  readonly extra?: Readonly<Record<string, number>>;
}

/** The result of one {@link GrpoTrainer.step}. */
export interface GrpoStepResult<P, M = unknown> {
  /** Global step number after this step (1 after the first). */
  readonly step: number;
  /**
   * Step metrics with verl's names: `critic/score/{mean,max,min}`, `critic/rewards/*`, `critic/advantages/*`,
   * `critic/returns/*`, `response_length/{mean,max,min,clip_ratio}`, `prompt_length/*`, `actor/pg_loss`,
   * `actor/pg_clipfrac`, `actor/ppo_kl`, `actor/pg_clipfrac_lower`, `actor/grad_norm`, `actor/lr`,
   * `actor/entropy`, `actor/kl_loss`, `actor/kl_coef`, `actor/reward_kl_penalty`,
   * `actor/reward_kl_penalty_coeff`, `train/num_gen_batches`, `timing_s/*`, ...
   */
  readonly metrics: Readonly<Record<string, number>>;
  /** The rows used for the update, in batch order. */
  readonly samples: readonly TrainSample<P, M>[];
  /** Optimizer steps taken and skipped (non-finite gradient norm). */
  readonly optimizerSteps: number;
  readonly skippedOptimizerSteps: number;
  /** true when the prompt source ran dry before a full batch was collected (the step used what it had). */
  readonly exhausted: boolean;
}

/** Serializable KL-controller state. */
export interface KlControllerState {
  readonly type: KlControllerType;
  readonly value: number;
}

/**
 * Everything the trainer needs to resume exactly (JSON-serializable). The policy's weights and optimizer
 * state are the policy's own to save.
 */
export interface GrpoTrainerState {
  readonly version: 1;
  readonly globalStep: number;
  readonly rng: RngState;
  readonly klCtrl: KlControllerState;
}
