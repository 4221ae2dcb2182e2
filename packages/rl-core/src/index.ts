export * from './errors.js';
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
export type * from './trainer/options.js';
export { DEFAULT_GRPO_OPTIONS } from './trainer/options.js';
export type * from './trainer/types.js';
