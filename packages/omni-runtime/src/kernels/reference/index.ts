import type { Kernels } from '../kernels.js';
import { attention, attentionBackward, writeTransposedKeys } from './attention.js';
import {
  affine,
  axpy,
  binary,
  copy,
  copyBlocks,
  fill,
  permute,
  reduce,
  sumSquares,
  swiglu,
  swigluBackward,
  unary,
  unaryBackward,
} from './elementwise.js';
import {
  adamw,
  avgPool,
  avgPoolBackward,
  col2im,
  embedding,
  embeddingBackward,
  im2col,
  rope,
} from './gather.js';
import { gemm } from './gemm.js';
import { layerNorm, layerNormBackward, rmsNorm, rmsNormBackward } from './norm.js';
import {
  entropy,
  entropyBackward,
  logSoftmaxGather,
  logSoftmaxGatherBackward,
  softmax,
  softmaxBackward,
} from './softmax.js';

/**
 * The pure-TypeScript kernels: float32 and float64 on CPU storages, straightforward loops with
 * float64 accumulation. They define what every other backend must compute.
 */
export const referenceKernels: Kernels = {
  name: 'reference',
  fill,
  copy,
  copyBlocks,
  permute,
  gemm,
  binary,
  affine,
  axpy,
  unary,
  unaryBackward,
  reduce,
  sumSquares,
  softmax,
  softmaxBackward,
  logSoftmaxGather,
  logSoftmaxGatherBackward,
  entropy,
  entropyBackward,
  embedding,
  embeddingBackward,
  rmsNorm,
  rmsNormBackward,
  layerNorm,
  layerNormBackward,
  swiglu,
  swigluBackward,
  rope,
  writeTransposedKeys,
  attention,
  attentionBackward,
  im2col,
  col2im,
  avgPool,
  avgPoolBackward,
  adamw,
};
