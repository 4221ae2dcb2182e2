import type { Rng } from '@soundmind/rl-core';
import { conv1d } from '../ops/conv.js';
import { embedding } from '../ops/embedding.js';
import { linear } from '../ops/matmul.js';
import { layerNorm, rmsNorm } from '../ops/norm.js';
import type { IndexInput } from '../ops/util.js';
import { ones, randn, uniform, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** Options of the layers with random initial weights. */
export interface InitOptions {
  /** Seeded generator for the initial weights. */
  rng: Rng;
  /** float32 (default) or float64 (for gradient checks). */
  dtype?: 'float32' | 'float64';
  /** Normal(0, std) weights instead of the PyTorch default. */
  std?: number;
}

/**
 * PyTorch's default init for Linear / Conv1d (U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias),
 * or N(0, std) weights and zero biases when `std` is given.
 */
function initParams(
  weightShape: number[],
  fanIn: number,
  opts: InitOptions,
  withBias: boolean,
): { weight: Tensor; bias: Tensor | null } {
  const bound = 1 / Math.sqrt(fanIn);
  const dtype = opts.dtype ?? 'float32';
  const out = weightShape[0]!;
  if (opts.std === undefined)
    return {
      weight: uniform(weightShape, opts.rng, -bound, bound, { dtype }),
      bias: withBias ? uniform([out], opts.rng, -bound, bound, { dtype }) : null,
    };
  return {
    weight: randn(weightShape, opts.rng, { std: opts.std, dtype }),
    bias: withBias ? zeros([out], { dtype }) : null,
  };
}

/** y = x W^T + b; weight [out, in], bias [out]. Default init as PyTorch: U(-1/sqrt(in), 1/sqrt(in)). */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: InitOptions & { bias?: boolean },
  ) {
    super();
    const init = initParams([outFeatures, inFeatures], inFeatures, opts, opts.bias ?? true);
    this.weight = this.registerParameter('weight', init.weight);
    this.bias = init.bias ? this.registerParameter('bias', init.bias) : null;
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** Token embedding table [vocab, dim]; init N(0, std) (default std 1, as PyTorch). */
export class Embedding extends Module {
  readonly weight: Tensor;
  constructor(
    readonly numEmbeddings: number,
    readonly dim: number,
    opts: InitOptions,
  ) {
    super();
    this.weight = this.registerParameter(
      'weight',
      randn([numEmbeddings, dim], opts.rng, { std: opts.std ?? 1, dtype: opts.dtype ?? 'float32' }),
    );
  }
  forward(ids: IndexInput, shape?: readonly number[]): Tensor {
    return embedding(this.weight, ids, shape);
  }
}

/** RMSNorm with a learned scale (init 1). */
export class RMSNorm extends Module {
  readonly weight: Tensor;
  constructor(
    readonly dim: number,
    readonly eps = 1e-6,
    dtype: 'float32' | 'float64' = 'float32',
  ) {
    super();
    this.weight = this.registerParameter('weight', ones([dim], { dtype }));
  }
  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, this.eps);
  }
}

/** LayerNorm with learned scale (1) and shift (0). */
export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(
    readonly dim: number,
    readonly eps = 1e-5,
    dtype: 'float32' | 'float64' = 'float32',
  ) {
    super();
    this.weight = this.registerParameter('weight', ones([dim], { dtype }));
    this.bias = this.registerParameter('bias', zeros([dim], { dtype }));
  }
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}

/** Conv1d: weight [out, in, kernel], bias [out]; init as PyTorch (fan-in in * kernel). */
export class Conv1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number;
  readonly padding: number;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    opts: InitOptions & { stride?: number; padding?: number; bias?: boolean },
  ) {
    super();
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    const init = initParams(
      [outChannels, inChannels, kernelSize],
      inChannels * kernelSize,
      opts,
      opts.bias ?? true,
    );
    this.weight = this.registerParameter('weight', init.weight);
    this.bias = init.bias ? this.registerParameter('bias', init.bias) : null;
  }
  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding });
  }
}
