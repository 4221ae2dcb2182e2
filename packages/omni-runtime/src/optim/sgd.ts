import { OptimizerError } from '../errors.js';
import { kernelsFor } from '../kernels/registry.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamList } from './optimizer.js';
import type { LrSchedule } from './schedule.js';

export interface SGDOptions {
  lr: number;
  /** Default 0. */
  momentum?: number;
  /** L2 penalty added to the gradient (as torch.optim.SGD). Default 0. */
  weightDecay?: number;
  schedule?: LrSchedule;
}

/** Stochastic gradient descent with optional momentum, as torch.optim.SGD (dampening 0). */
export class SGD extends Optimizer {
  readonly kind = 'sgd';
  momentum: number;
  weightDecay: number;

  constructor(params: ParamList, opts: SGDOptions) {
    super(params, opts.lr, opts.schedule);
    this.momentum = opts.momentum ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    if (!(this.momentum >= 0) || !(this.weightDecay >= 0))
      throw new OptimizerError('SGD momentum and weightDecay must be >= 0');
  }

  protected update(p: Tensor, g: Tensor, slots: Map<string, Tensor>, lr: number, gradScale: number): void {
    const k = kernelsFor(p.dtype, p.device);
    // d = gradScale * g + wd * p
    const d = this.slot(slots, '_scratch', p);
    k.affine(g.storage, gradScale, 0, d.storage, p.size);
    if (this.weightDecay !== 0) k.axpy(this.weightDecay, p.storage, d.storage, p.size);
    let dir = d;
    if (this.momentum !== 0) {
      const buf = slots.get('momentum_buffer');
      if (!buf) {
        const b = this.slot(slots, 'momentum_buffer', p);
        k.copy(d.storage, 0, b.storage, 0, p.size);
        dir = b;
      } else {
        k.affine(buf.storage, this.momentum, 0, buf.storage, p.size);
        k.axpy(1, d.storage, buf.storage, p.size);
        dir = buf;
      }
    }
    k.axpy(-lr, dir.storage, p.storage, p.size);
  }

  protected hyper(): Record<string, number> {
    return { momentum: this.momentum, weightDecay: this.weightDecay };
  }
  protected setHyper(h: Record<string, number>): void {
    this.momentum = h['momentum'] ?? this.momentum;
    this.weightDecay = h['weightDecay'] ?? this.weightDecay;
  }
}
