import type { Rng } from '@soundmind/rl-core';
import { Module } from '../nn/module.js';
import { linear } from '../ops/matmul.js';
import { full, randn } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * How new parameters are filled: `zeros`/`ones` cost nothing (weights about to be loaded, norms), `normal`
 * draws N(0, std) from a seeded Rng (transformers' `initializer_range` init, std 0.02).
 */
export type ParamInit =
  | { readonly kind: 'load' }
  | { readonly kind: 'normal'; readonly rng: Rng; readonly std: number };

/** A module whose parameters are declared by name and shape (the checkpoint's names). */
export class ParamModule extends Module {
  constructor(protected readonly init: ParamInit) {
    super();
  }

  /** A weight matrix or kernel: N(0, std) for fresh models. */
  protected weight(name: string, shape: readonly number[]): Tensor {
    const t =
      this.init.kind === 'normal' ? randn(shape, this.init.rng, { std: this.init.std }) : full(shape, 0);
    return this.registerParameter(name, t);
  }

  /** A bias or a norm scale: a constant for fresh models. */
  protected constant(name: string, shape: readonly number[], value: number): Tensor {
    return this.registerParameter(name, full(shape, value));
  }

  protected child<M extends Module>(name: string, m: M): M {
    return this.registerModule(name, m);
  }
}

/** A linear layer y = x W^T (+ b) with W [out, in] named `weight` and b named `bias`. */
export class Proj extends ParamModule {
  readonly w: Tensor;
  readonly b: Tensor | null;
  constructor(init: ParamInit, inFeatures: number, outFeatures: number, bias: boolean) {
    super(init);
    this.w = this.weight('weight', [outFeatures, inFeatures]);
    this.b = bias ? this.constant('bias', [outFeatures], 0) : null;
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.w, this.b);
  }
}

/** A norm's parameters: `weight` (init 1) and, for LayerNorm, `bias` (init 0). */
export class NormParams extends ParamModule {
  readonly w: Tensor;
  readonly b: Tensor | null;
  constructor(init: ParamInit, dim: number, bias: boolean) {
    super(init);
    this.w = this.constant('weight', [dim], 1);
    this.b = bias ? this.constant('bias', [dim], 0) : null;
  }
}
