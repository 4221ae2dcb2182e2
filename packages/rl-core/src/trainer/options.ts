import type {
  AdvantageEstimator,
  KlControllerType,
  KlPenaltyType,
  LossAggMode,
  PolicyLossMode,
  VerlVariant,
} from '../names.js';

/**
 * GrpoTrainer options. The groups mirror verl's config tree (`data`, `actor_rollout_ref.rollout`,
 * `actor_rollout_ref.actor`, `algorithm`) with camelCase keys; each field names its verl key.
 * Pass a {@link GrpoTrainerConfig} (every field optional) and read the defaults from {@link DEFAULT_GRPO_OPTIONS}.
 */
export interface GrpoTrainerOptions {
  readonly data: DataOptions;
  readonly rollout: RolloutOptions;
  readonly actor: ActorOptions;
  readonly algorithm: AlgorithmOptions;
  /** DAPO's soft overlong punishment [reward_model.overlong_buffer.*]. */
  readonly overlongBuffer: OverlongBufferOptions;
  /**
   * DAPO's overlong filtering: truncated responses (finishReason 'length') get a zero loss mask, so they
   * neither push nor pull the policy; they still count in the group statistics [no verl key; DAPO paper].
   */
  readonly overlongFilter: boolean;
  /**
   * Recompute old log-probs with the current weights before the update (verl's default), or use the
   * rollout's log-probs as the behaviour policy (verl's bypass mode) [actor_rollout_ref.rollout.mode bypass].
   */
  readonly recomputeOldLogProb: boolean;
  /** verl numerics to reproduce where versions differ (aggregation, clamps) [no verl key]. */
  readonly variant: VerlVariant;
  /** Seed of the trainer's Rng: uids, shuffles, sampling, clip_cov [data.seed / actor.data_loader_seed]. */
  readonly seed: number;
}

export interface DataOptions {
  /** Prompts per training step [data.train_batch_size]. */
  readonly trainBatchSize: number;
  /** Padded response width and generation limit [data.max_response_length]. */
  readonly maxResponseLength: number;
  /** Prompt limit, used for `prompt_length/clip_ratio`; prompts are not truncated here [data.max_prompt_length]. */
  readonly maxPromptLength: number;
  /** Prompts per generation round under dynamic sampling; undefined = trainBatchSize [data.gen_batch_size]. */
  readonly genBatchSize: number | undefined;
}

export interface RolloutOptions {
  /** Responses per prompt [actor_rollout_ref.rollout.n]. */
  readonly n: number;
  /** [actor_rollout_ref.rollout.temperature] */
  readonly temperature: number;
  /** [actor_rollout_ref.rollout.top_p] */
  readonly topP: number;
  /** -1 = off [actor_rollout_ref.rollout.top_k] */
  readonly topK: number;
  /** Stop ids; empty = the policy's EOS [actor_rollout_ref.rollout.stop_token_ids / generation_config eos]. */
  readonly stopTokenIds: readonly number[];
}

export interface PolicyLossOptions {
  /** [actor_rollout_ref.actor.policy_loss.loss_mode] */
  readonly lossMode: PolicyLossMode;
  /** clip_cov: fraction of tokens to detach [policy_loss.clip_cov_ratio] */
  readonly clipCovRatio: number;
  /** clip_cov: covariance window lower bound [policy_loss.clip_cov_lb] */
  readonly clipCovLb: number;
  /** clip_cov: covariance window upper bound [policy_loss.clip_cov_ub] */
  readonly clipCovUb: number;
  /** kl_cov: fraction of tokens with the KL penalty [policy_loss.kl_cov_ratio] */
  readonly klCovRatio: number;
  /** kl_cov: coefficient of |log ratio| [policy_loss.ppo_kl_coef] */
  readonly ppoKlCoef: number;
  /** sapo: gate temperature for A > 0 [actor.tau_pos] */
  readonly tauPos: number;
  /** sapo: gate temperature for A <= 0 [actor.tau_neg] */
  readonly tauNeg: number;
  /** dro: quadratic penalty beta [policy_loss.dro_beta] */
  readonly droBeta: number;
}

export interface ActorOptions {
  /** Prompts per optimizer step; rows = ppoMiniBatchSize x n [actor_rollout_ref.actor.ppo_mini_batch_size]. */
  readonly ppoMiniBatchSize: number;
  /** Rows per forward/backward call [actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu]. */
  readonly ppoMicroBatchSize: number;
  /** Passes over the batch [actor_rollout_ref.actor.ppo_epochs]. */
  readonly ppoEpochs: number;
  /** Shuffle rows before splitting into mini-batches, every epoch [actor_rollout_ref.actor.shuffle]. */
  readonly shuffle: boolean;
  /** Fallback for both clip ratios [actor.clip_ratio]. */
  readonly clipRatio: number;
  /** eps_low; undefined = clipRatio [actor.clip_ratio_low]. */
  readonly clipRatioLow: number | undefined;
  /** eps_high (DAPO clip-higher: 0.28); undefined = clipRatio [actor.clip_ratio_high]. */
  readonly clipRatioHigh: number | undefined;
  /** Dual-clip bound c > 1 [actor.clip_ratio_c]. */
  readonly clipRatioC: number;
  /** [actor.loss_agg_mode] */
  readonly lossAggMode: LossAggMode;
  /** Divisor of seq-mean-token-sum-norm; undefined = maxResponseLength [actor.loss_scale_factor]. */
  readonly lossScaleFactor: number | undefined;
  readonly policyLoss: PolicyLossOptions;
  /** Entropy bonus coefficient (loss -= coeff * agg(H)) [actor.entropy_coeff]. */
  readonly entropyCoeff: number;
  /** Compute and log `actor/entropy` even when entropyCoeff = 0 [actor.calculate_entropy]. */
  readonly calculateEntropy: boolean;
  /** Add kl_loss_coef * agg(KL(pi || ref)) to the loss [actor.use_kl_loss]. */
  readonly useKlLoss: boolean;
  /** [actor.kl_loss_coef] */
  readonly klLossCoef: number;
  /** [actor.kl_loss_type] */
  readonly klLossType: KlPenaltyType;
  /** Global grad-norm clip [actor.optim.clip_grad, alias actor.grad_clip]. */
  readonly gradClip: number;
}

export interface KlControllerOptions {
  /** [algorithm.kl_ctrl.type] */
  readonly type: KlControllerType;
  /** Initial / fixed coefficient [algorithm.kl_ctrl.kl_coef]. */
  readonly klCoef: number;
  /** Adaptive target KL [algorithm.kl_ctrl.target_kl]. */
  readonly targetKl: number;
  /** Adaptive horizon in samples [algorithm.kl_ctrl.horizon]. */
  readonly horizon: number;
}

export interface FilterGroupsOptions {
  /** DAPO dynamic sampling: drop groups whose metric has zero spread, refill [algorithm.filter_groups.enable]. */
  readonly enable: boolean;
  /**
   * Per-response value whose population std must be > 0 [algorithm.filter_groups.metric]:
   * 'acc' (RewardResult.acc), 'score' / 'seq_reward' (sum of token_level_scores),
   * 'seq_final_reward' (sum of token_level_rewards, after KL-in-reward).
   */
  readonly metric: 'acc' | 'score' | 'seq_reward' | 'seq_final_reward';
  /** Most generation rounds per step, 0 = unlimited [algorithm.filter_groups.max_num_gen_batches]. */
  readonly maxNumGenBatches: number;
}

export interface AlgorithmOptions {
  /** [algorithm.adv_estimator] */
  readonly advEstimator: AdvantageEstimator;
  /** false = Dr.GRPO (no std division) [algorithm.norm_adv_by_std_in_grpo]. */
  readonly normAdvByStdInGrpo: boolean;
  /** [algorithm.gamma] */
  readonly gamma: number;
  /** [algorithm.lam] */
  readonly lam: number;
  /** Subtract beta * KL(old || ref) from the token rewards [algorithm.use_kl_in_reward]. */
  readonly useKlInReward: boolean;
  /** KL estimator of KL-in-reward [algorithm.kl_penalty]. */
  readonly klPenalty: KlPenaltyType;
  readonly klCtrl: KlControllerOptions;
  readonly filterGroups: FilterGroupsOptions;
  /** gdpo: names of the RewardResult.extra entries to normalise separately [algorithm.gdpo_reward_keys]. */
  readonly gdpoRewardKeys: readonly string[];
  /** gdpo: one weight per key; undefined = all 1 [algorithm.gdpo_reward_weights]. */
  readonly gdpoRewardWeights: readonly number[] | undefined;
}

export interface OverlongBufferOptions {
  /** [reward_model.overlong_buffer.enable] */
  readonly enable: boolean;
  /** Buffer length before max_response_length where the penalty ramps [reward_model.overlong_buffer.len]. */
  readonly len: number;
  /** Penalty at max_response_length [reward_model.overlong_buffer.penalty_factor]. */
  readonly penaltyFactor: number;
}

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** What the constructor accepts: any subset of {@link GrpoTrainerOptions}; the rest are verl's defaults. */
export type GrpoTrainerConfig = DeepPartial<GrpoTrainerOptions>;

/**
 * verl's defaults (verl-grpo-spec §10.1), except where verl has no usable default: adv_estimator is 'grpo'
 * (verl: gae), rollout.n is 5 and the batch sizes are small (verl: 1024 / 256 prompts, micro unset).
 */
export const DEFAULT_GRPO_OPTIONS: GrpoTrainerOptions = {
  data: { trainBatchSize: 8, maxResponseLength: 512, maxPromptLength: 512, genBatchSize: undefined },
  rollout: { n: 5, temperature: 1, topP: 1, topK: -1, stopTokenIds: [] },
  actor: {
    ppoMiniBatchSize: 8,
    ppoMicroBatchSize: 8,
    ppoEpochs: 1,
    shuffle: false,
    clipRatio: 0.2,
    clipRatioLow: undefined,
    clipRatioHigh: undefined,
    clipRatioC: 3,
    lossAggMode: 'token-mean',
    lossScaleFactor: undefined,
    policyLoss: {
      lossMode: 'vanilla',
      clipCovRatio: 0.0002,
      clipCovLb: 1,
      clipCovUb: 5,
      klCovRatio: 0.0002,
      ppoKlCoef: 0.1,
      tauPos: 1,
      tauNeg: 1.05,
      droBeta: 0.1,
    },
    entropyCoeff: 0,
    calculateEntropy: false,
    useKlLoss: false,
    klLossCoef: 0.001,
    klLossType: 'low_var_kl',
    gradClip: 1,
  },
  algorithm: {
    advEstimator: 'grpo',
    normAdvByStdInGrpo: true,
    gamma: 1,
    lam: 1,
    useKlInReward: false,
    klPenalty: 'kl',
    klCtrl: { type: 'fixed', klCoef: 0.001, targetKl: 0.1, horizon: 10000 },
    filterGroups: { enable: false, metric: 'acc', maxNumGenBatches: 0 },
    gdpoRewardKeys: [],
    gdpoRewardWeights: undefined,
  },
  overlongBuffer: { enable: false, len: 0, penaltyFactor: 1 },
  overlongFilter: false,
  recomputeOldLogProb: true,
  variant: 'current',
  seed: 0,
};
