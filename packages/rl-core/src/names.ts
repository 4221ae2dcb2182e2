/**
 * The names of every registry in rl-core, spelled as in verl's config so a verl YAML value can be passed
 * through unchanged.
 */

/** verl version whose numerics to reproduce where versions differ (verl-grpo-spec §0); default 'current'. */
export type VerlVariant = 'current' | 'jan2026' | 'soundmind';

/** Advantage estimators [algorithm.adv_estimator]. */
export const ADVANTAGE_ESTIMATORS = [
  'grpo',
  'grpo_vectorized',
  'grpo_passk',
  'gdpo',
  'rloo',
  'rloo_vectorized',
  'opo',
  'gpg',
  'reinforce_plus_plus',
  'reinforce_plus_plus_baseline',
  'remax',
  'gae',
] as const;
export type AdvantageEstimator = (typeof ADVANTAGE_ESTIMATORS)[number];

/** Policy losses [actor.policy_loss.loss_mode]. */
export const POLICY_LOSS_MODES = [
  'vanilla',
  'gspo',
  'sapo',
  'gpg',
  'cispo',
  'geo_mean',
  'clip_cov',
  'kl_cov',
  'dppo_tv',
  'dppo_kl',
  'dro',
] as const;
export type PolicyLossMode = (typeof POLICY_LOSS_MODES)[number];

/** Loss aggregation modes [actor.loss_agg_mode]. */
export const LOSS_AGG_MODES = [
  'token-mean',
  'token-sum',
  'seq-mean-token-sum',
  'seq-mean-token-mean',
  'seq-mean-token-sum-norm',
] as const;
export type LossAggMode = (typeof LOSS_AGG_MODES)[number];

/** Per-token KL estimators [actor.kl_loss_type, algorithm.kl_penalty]; a '+' suffix = k2 gradient (straight-through). */
export const KL_PENALTY_TYPES = [
  'kl',
  'k1',
  'abs',
  'mse',
  'k2',
  'low_var_kl',
  'k3',
  'kl+',
  'k1+',
  'abs+',
  'mse+',
  'k2+',
  'low_var_kl+',
  'k3+',
] as const;
export type KlPenaltyType = (typeof KL_PENALTY_TYPES)[number];

/** KL controllers for KL-in-reward [algorithm.kl_ctrl.type]. */
export const KL_CONTROLLER_TYPES = ['fixed', 'adaptive'] as const;
export type KlControllerType = (typeof KL_CONTROLLER_TYPES)[number];
