import { OptimizerError } from '../errors.js';
import { kernelsFor } from '../kernels/registry.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamList } from './optimizer.js';
import type { LrSchedule } from './schedule.js';

export interface AdamWOptions {
  lr: number;
  /** Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay. Default 0.01 (as torch.optim.AdamW). */
  weightDecay?: number;
  schedule?: LrSchedule;
  /** Parameters for which weight decay is off (by name), e.g. biases and norms. */
  noDecay?: (name: string) => boolean;
}

/** AdamW (Loshchilov & Hutter) exactly as torch.optim.AdamW: decoupled decay, bias-corrected moments. */
export class AdamW extends Optimizer {
  readonly kind = 'adamw';
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  private readonly noDecay: (name: string) => boolean;

  constructor(params: ParamList, opts: AdamWOptions) {
    super(params, opts.lr, opts.schedule);
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    this.noDecay = opts.noDecay ?? (() => false);
    for (const b of [this.beta1, this.beta2])
      if (!(b >= 0 && b < 1)) throw new OptimizerError(`AdamW beta ${b} outside [0, 1)`);
    if (!(this.eps >= 0) || !(this.weightDecay >= 0))
      throw new OptimizerError('AdamW eps and weightDecay must be >= 0');
  }

  protected update(p: Tensor, g: Tensor, slots: Map<string, Tensor>, lr: number, gradScale: number): void {
    const m = this.slot(slots, 'exp_avg', p);
    const v = this.slot(slots, 'exp_avg_sq', p);
    const t = this.stepCount;
    const wd = this.noDecay(this.names[this.params.indexOf(p)]!) ? 0 : this.weightDecay;
    kernelsFor(p.dtype, p.device).adamw(
      p.storage,
      g.storage,
      m.storage,
      v.storage,
      p.size,
      lr,
      this.beta1,
      this.beta2,
      this.eps,
      wd,
      1 - this.beta1 ** t,
      1 - this.beta2 ** t,
      gradScale,
    );
  }

  protected hyper(): Record<string, number> {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }
  protected setHyper(h: Record<string, number>): void {
    this.beta1 = h['beta1'] ?? this.beta1;
    this.beta2 = h['beta2'] ?? this.beta2;
    this.eps = h['eps'] ?? this.eps;
    this.weightDecay = h['weightDecay'] ?? this.weightDecay;
  }
}
