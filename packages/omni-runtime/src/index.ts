// Engine (issue 6): tensors, autograd, ops, kernels, modules, optimisers.
export { type BackwardOptions, backward, releaseGraph } from './autograd/backward.js';
export { enableGrad, isGradEnabled, noGrad } from './autograd/mode.js';
export {
  AutogradError,
  DisposedTensorError,
  DTypeError,
  IndexError,
  OmniRuntimeError,
  OptimizerError,
  ShapeError,
  StateDictError,
} from './errors.js';
export type { NativeInfo } from './kernels/native/load.js';
export {
  getKernelPreference,
  type KernelPreference,
  nativeInfo,
  setKernelPreference,
  setNumThreads,
} from './kernels/registry.js';
export { Conv1d, Embedding, type InitOptions, LayerNorm, Linear, RMSNorm } from './nn/layers.js';
export { Module, ModuleList } from './nn/module.js';
export { abs, exp, gelu, log, relu, rsqrt, sigmoid, silu, sqrt, square, tanh } from './ops/unary.js';
export { add, addScaledInPlace, affine, div, maximum, minimum, mul, neg, sub } from './ops/arithmetic.js';
export { type AttentionOptions, attention } from './ops/attention.js';
export { avgPool1d, type Conv1dOptions, conv1d } from './ops/conv.js';
export { embedding } from './ops/embedding.js';
export { KVCache, type KVCacheOptions } from './ops/kv-cache.js';
export { linear, type MatmulOptions, matmul } from './ops/matmul.js';
export { layerNorm, rmsNorm } from './ops/norm.js';
export { max, mean, type ReduceOptions, sum } from './ops/reduce.js';
export { RopeTable, rope } from './ops/rope.js';
export { cast, clone, concat, detach, permute, reshape, slice, split, transpose } from './ops/shape.js';
export { entropy, gatherLogProbs, type LogitsOptions, logSoftmax, softmax } from './ops/softmax.js';
export { swiglu } from './ops/swiglu.js';
export type { IndexInput } from './ops/util.js';
export { AdamW, type AdamWOptions } from './optim/adamw.js';
export { clipGradNorm, type GradNormResult, gradNorm } from './optim/clip.js';
export {
  Optimizer,
  type OptimizerState,
  type ParamList,
  type StepOptions,
  type StepResult,
} from './optim/optimizer.js';
export { constantSchedule, type LrSchedule, warmupConstant, warmupCosine } from './optim/schedule.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { deserializeOptimizerState, serializeOptimizerState } from './optim/state-file.js';
export {
  arange,
  fromArray,
  full,
  ones,
  randn,
  scalar,
  type TensorOptions,
  tensor,
  uniform,
  zeros,
} from './tensor/create.js';
export { cpu, type Device, type DeviceKind, device } from './tensor/device.js';
export type { CpuArray, DType, FloatArray } from './tensor/dtype.js';
export { keep, tidy } from './tensor/scope.js';
export { cpuPool } from './tensor/storage.js';
export { Tensor } from './tensor/tensor.js';
