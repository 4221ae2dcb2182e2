import type { VerlVariant } from '../names.js';
import type { Matrix } from '../tensor/matrix.js';

/** A group label (verl's uid). Grouping is by label, never by position; 1 and '1' are different labels. */
export type GroupLabel = string | number;

/** Inputs of {@link computeAdvantage}; which fields an estimator reads is listed in the README. */
export interface AdvantageInput {
  /** [B, L] token-level rewards (the outcome score sits on the last valid token) [token_level_rewards]. */
  readonly tokenLevelRewards: Matrix;
  /** [B, L] 0/1 response mask [response_mask]. */
  readonly responseMask: Matrix;
  /** B group labels (uids) for the group estimators [non_tensor_batch.uid]. */
  readonly index?: readonly GroupLabel[];
  /** GRPO-family std normalisation; false = Dr.GRPO [algorithm.norm_adv_by_std_in_grpo]. Default true. */
  readonly normAdvByStdInGrpo?: boolean;
  /** GRPO epsilon in (s − μ)/(σ + ε). Default 1e-6 (verl never passes another). */
  readonly epsilon?: number;
  /** Discount for reinforce_plus_plus and gae [algorithm.gamma]. Default 1. */
  readonly gamma?: number;
  /** GAE lambda [algorithm.lam]. Default 1. */
  readonly lam?: number;
  /** [B, L] critic values for gae [values]. */
  readonly values?: Matrix;
  /** B greedy-rollout rewards for remax [reward_baselines]. */
  readonly rewardBaselines?: ArrayLike<number>;
  /** gdpo: one B-vector of scores per reward component [non_tensor_batch[algorithm.gdpo_reward_keys[k]]]. */
  readonly componentScores?: readonly ArrayLike<number>[];
  /** gdpo: weight per component, default all 1 [algorithm.gdpo_reward_weights]. */
  readonly componentWeights?: readonly number[];
  /** verl version for reinforce_plus_plus, gae and grpo_vectorized. Default 'current'. */
  readonly variant?: VerlVariant;
}

/** What computeAdvantage learns from its one pass over rewards and mask, handed to every estimator. */
export interface RowSummary {
  /** s_i = Σ_t r[i, t] over all positions (verl's sequence score), finite. */
  readonly scores: Float64Array;
  /** One past the last non-zero mask position of each row (0 for an empty row). */
  readonly rowEnd: Int32Array;
}

/** [B, L] advantages and returns, in the precision of tokenLevelRewards. */
export interface AdvantageOutput {
  readonly advantages: Matrix;
  readonly returns: Matrix;
}
