export { computeAdvantage } from './advantage/compute-advantage.js';
export type { AdvantageInput, AdvantageOutput, GroupLabel } from './advantage/types.js';
export * from './errors.js';
export { type ApplyKlPenaltyInput, applyKlPenalty } from './kl/apply-kl-penalty.js';
export {
  AdaptiveKlController,
  createKlController,
  FixedKlController,
  type KlController,
} from './kl/controller.js';
export {
  entropyFromLogits,
  entropyFromLogitsBackward,
  logProbsFromLogits,
  logProbsFromLogitsBackward,
} from './logits/logits.js';
export { type AggLossOptions, type AggLossResult, aggLoss } from './loss/agg-loss.js';
export { computeKlLoss, type KlLossInput } from './loss/kl-loss.js';
export { type KlPenaltyResult, klPenalty } from './loss/kl-penalty.js';
export { computePolicyLoss } from './loss/policy/compute-policy-loss.js';
export type { PolicyLossInput, PolicyLossMetrics, PolicyLossOutput } from './loss/policy/types.js';
export { computeDataMetrics, type DataMetricsInput } from './metrics/data-metrics.js';
export * from './names.js';
export type {
  GeneratedSequence,
  GenerationOptions,
  LogProbOptions,
  LogProbResult,
  OptimizerStepOptions,
  OptimizerStepReport,
  Policy,
  PolicyBatch,
  ReferencePolicy,
} from './policy/policy.js';
export type { PromptItem, PromptSource, RewardFn, RewardRequest, RewardResult } from './policy/reward.js';
export { Rng, type RngState } from './random/rng.js';
export { maskedMean, maskedVar, maskedWhiten } from './stats/masked.js';
export {
  assertFiniteWhereMasked,
  assertShape,
  type DType,
  dtypeOf,
  type FloatArray,
  fromRows,
  type Matrix,
  matrix,
  toRows,
  zeros,
  zerosLike,
} from './tensor/matrix.js';
export { fromRagged, maskFromLengths, type Padded, rowSums, toRagged } from './tensor/ragged.js';
export { GrpoTrainer } from './trainer/grpo-trainer.js';
export type * from './trainer/options.js';
export { DEFAULT_GRPO_OPTIONS } from './trainer/options.js';
export { resolveGrpoOptions } from './trainer/resolve-options.js';
export type * from './trainer/types.js';
export {
  type ActorBatch,
  type ActorUpdateResult,
  type ActorUpdateSettings,
  updateActor,
} from './trainer/update-actor.js';
