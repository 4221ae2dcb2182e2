// Engine (issue 6): tensors, autograd, ops, kernels, modules, optimisers.
// Model side (issue 7): the Qwen2.5-Omni thinker, weights, tokenizer, sampling, the rl-core Policy, ONNX.
export { type BackwardOptions, backward, releaseGraph } from './autograd/backward.js';
export { enableGrad, isGradEnabled, noGrad } from './autograd/mode.js';
export {
  AutogradError,
  DisposedTensorError,
  DTypeError,
  GenerationError,
  IndexError,
  ModelConfigError,
  OmniRuntimeError,
  OnnxModelError,
  OptimizerError,
  SafetensorsError,
  ShapeError,
  StateDictError,
  TokenizerError,
  WeightMismatchError,
} from './errors.js';
export type { NativeInfo } from './kernels/native/load.js';
export {
  getKernelPreference,
  type KernelPreference,
  nativeInfo,
  setKernelPreference,
  setNumThreads,
} from './kernels/registry.js';
export { AudioEncoder, type AudioFeatures } from './model/audio-encoder.js';
export {
  type AudioConfig,
  embeddedConfigForTokenizer,
  embeddedThinkerConfig,
  OMNI_TOKEN_IDS,
  parseThinkerConfig,
  readThinkerConfig,
  type TextConfig,
  type ThinkerConfig,
  thinkerConfigToJson,
} from './model/config.js';
export { type DecoderContext, Qwen2Decoder } from './model/decoder.js';
export { OmniThinker, type SaveOptions } from './model/thinker.js';
export { Conv1d, Embedding, type InitOptions, LayerNorm, Linear, RMSNorm } from './nn/layers.js';
export { Module, ModuleList } from './nn/module.js';
export {
  type OnnxElementType,
  OnnxModel,
  type OnnxModelOptions,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx/onnx-model.js';
export {
  SileroSpeechDetector,
  type SileroVadOptions,
  sileroVadModelPath,
  speechSegments,
} from './onnx/silero-vad.js';
export { add, addScaledInPlace, affine, div, mul, neg, sub } from './ops/arithmetic.js';
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
export { abs, exp, gelu, log, relu, rsqrt, sigmoid, silu, sqrt, square, tanh } from './ops/unary.js';
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
  OmniPolicy,
  type OmniPolicyOptions,
  type OmniPrompt,
  OmniReferencePolicy,
} from './policy/omni-policy.js';
export { type ChatReply, clipFeatures, encodeChat, generate } from './sampling/chat.js';
export {
  type GeneratedIds,
  type GenerateOptions,
  generateIds,
  type PromptInput,
  type StreamedToken,
} from './sampling/generate.js';
export { argmax, type SamplerOptions, sampleToken, tokenLogProb } from './sampling/sampler.js';
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
export {
  type ChatMessage,
  type ChatTemplateOptions,
  type ContentPart,
  DEFAULT_SYSTEM_PROMPT,
  encodeWithAudio,
  OMNI_SPEECH_SYSTEM_PROMPT,
  renderChatTemplate,
} from './tokenizer/chat-template.js';
export { OmniTokenizer, SPECIAL_TOKENS, type SpecialTokenIds } from './tokenizer/tokenizer.js';
export { buildWordLevelTokenizer, UNK_TOKEN, writeWordLevelTokenizer } from './tokenizer/word-level.js';
export {
  Checkpoint,
  type CheckpointTensorInfo,
  INDEX_FILE,
  type OpenCheckpointOptions,
  type SaveCheckpointOptions,
  SINGLE_FILE,
  saveCheckpoint,
} from './weights/checkpoint.js';
export type { FloatDtype, SafetensorsDtype } from './weights/dtype.js';
export {
  SafetensorsFile,
  type SafetensorsTensorInfo,
  type TensorToWrite,
  writeSafetensors,
} from './weights/safetensors.js';
