import { OptimizerError } from '../errors.js';
import { kernelsFor } from '../kernels/registry.js';
import { emptyZeros } from '../tensor/create.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { clipScale, gradNorm } from './clip.js';
import { constantSchedule, type LrSchedule } from './schedule.js';

/** Parameters to optimise: tensors, or [name, tensor] pairs (names key the saved state). */
export type ParamList = readonly Tensor[] | readonly (readonly [string, Tensor])[];

export interface StepOptions {
  /** Clip the global gradient norm to this before the update (the clip is fused into the update). */
  maxGradNorm?: number;
}

export interface StepResult {
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** True when the norm was not finite: parameters and state were left unchanged. */
  skipped: boolean;
  /** The learning rate used. */
  lr: number;
}

/** Serializable optimiser state: hyper-parameters, step count, and per-parameter buffers by name. */
export interface OptimizerState {
  kind: string;
  step: number;
  hyper: Record<string, number>;
  buffers: { name: string; slots: Record<string, Float32Array | Float64Array> }[];
}

/** Shared machinery: named params, schedule, gradient-norm handling, per-parameter state buffers. */
export abstract class Optimizer {
  readonly names: string[];
  readonly params: Tensor[];
  /** Base learning rate; the schedule multiplies it. */
  lr: number;
  schedule: LrSchedule;
  /** Steps taken (skipped steps do not count). */
  stepCount = 0;
  protected readonly slots: Map<string, Tensor>[];

  constructor(params: ParamList, lr: number, schedule?: LrSchedule) {
    if (!(lr >= 0)) throw new OptimizerError(`learning rate must be >= 0, got ${lr}`);
    const named = params.map((p, i) =>
      Array.isArray(p) ? (p as [string, Tensor]) : ([`param${i}`, p as Tensor] as [string, Tensor]),
    );
    const seen = new Set<string>();
    for (const [n, t] of named) {
      if (seen.has(n)) throw new OptimizerError(`parameter name '${n}' appears twice`);
      seen.add(n);
      if (t.dtype !== 'float32' && t.dtype !== 'float64')
        throw new OptimizerError(`${t.describe()} is not floating point`);
    }
    this.names = named.map(([n]) => n);
    this.params = named.map(([, t]) => t);
    this.lr = lr;
    this.schedule = schedule ?? constantSchedule;
    this.slots = this.params.map(() => new Map());
  }

  /** The learning rate the next step will use. */
  currentLr(): number {
    return this.lr * this.schedule(this.stepCount);
  }

  /** Zeros every parameter's gradient (keeping the buffers). */
  zeroGrad(): void {
    for (const p of this.params)
      if (p.grad) kernelsFor(p.grad.dtype, p.grad.device).fill(p.grad.storage, 0, 0, p.grad.size);
  }

  /**
   * One update from the accumulated gradients. Computes the global gradient norm; when it is not
   * finite the step is skipped (nothing changes) and reported; otherwise gradients are clipped to
   * maxGradNorm (if given) inside the update.
   */
  step(opts: StepOptions = {}): StepResult {
    const norm = gradNorm(this.params);
    const lr = this.currentLr();
    if (!Number.isFinite(norm)) return { gradNorm: norm, skipped: true, lr };
    const scale = opts.maxGradNorm === undefined ? 1 : clipScale(norm, opts.maxGradNorm);
    this.stepCount++;
    this.params.forEach((p, i) => {
      if (p.grad) this.update(p, p.grad, this.slots[i]!, lr, scale);
    });
    return { gradNorm: norm, skipped: false, lr };
  }

  protected abstract update(
    p: Tensor,
    g: Tensor,
    slots: Map<string, Tensor>,
    lr: number,
    gradScale: number,
  ): void;
  protected abstract hyper(): Record<string, number>;
  protected abstract setHyper(h: Record<string, number>): void;
  abstract readonly kind: string;

  /** A zero-initialised state buffer of the parameter's shape (created on first use). */
  /** Slots whose name starts with '_' are scratch space and are not saved. */
  protected slot(slots: Map<string, Tensor>, name: string, p: Tensor): Tensor {
    let t = slots.get(name);
    if (!t) {
      t = keep(emptyZeros(p.shape, p.dtype, p.device));
      slots.set(name, t);
    }
    return t;
  }

  /** Copies of the state (buffers are copied, so later steps do not change it). */
  stateDict(): OptimizerState {
    return {
      kind: this.kind,
      step: this.stepCount,
      hyper: { lr: this.lr, ...this.hyper() },
      buffers: this.names.map((name, i) => ({
        name,
        slots: Object.fromEntries(
          [...this.slots[i]!]
            .filter(([k]) => !k.startsWith('_'))
            .map(([k, t]) => [k, t.toArray() as Float32Array | Float64Array]),
        ),
      })),
    };
  }

  /** Restores a state from `stateDict()` (validated first: a mismatch changes nothing). */
  loadStateDict(state: OptimizerState): void {
    if (state.kind !== this.kind)
      throw new OptimizerError(`state is for ${state.kind}, this optimiser is ${this.kind}`);
    if (!Number.isInteger(state.step) || state.step < 0)
      throw new OptimizerError(`state step ${state.step} is not a count`);
    const byName = new Map(state.buffers.map((b) => [b.name, b]));
    for (const b of state.buffers)
      if (!this.names.includes(b.name))
        throw new OptimizerError(`state has buffers for unknown parameter '${b.name}'`);
    this.names.forEach((name, i) => {
      const b = byName.get(name);
      if (!b) return;
      for (const [k, arr] of Object.entries(b.slots))
        if (arr.length !== this.params[i]!.size)
          throw new OptimizerError(
            `state buffer '${k}' of '${name}' has ${arr.length} values, the parameter has ${this.params[i]!.size}`,
          );
    });
    this.names.forEach((name, i) => {
      const slots = this.slots[i]!;
      for (const t of slots.values()) t.dispose();
      slots.clear();
      const b = byName.get(name);
      if (!b) return;
      for (const [k, arr] of Object.entries(b.slots))
        (this.slot(slots, k, this.params[i]!).cpuData() as Float32Array).set(arr);
    });
    this.stepCount = state.step;
    const { lr, ...rest } = state.hyper;
    if (lr !== undefined) this.lr = lr;
    this.setHyper(rest);
  }

  /** Frees the state buffers. */
  dispose(): void {
    for (const s of this.slots) for (const t of s.values()) t.dispose();
  }
}
