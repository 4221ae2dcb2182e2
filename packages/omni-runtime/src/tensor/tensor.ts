import type { GradNode } from '../autograd/node.js';
import { DisposedTensorError, DTypeError } from '../errors.js';
import type { Device } from './device.js';
import type { CpuArray, DType } from './dtype.js';
import { trackInScope } from './scope.js';
import { CpuStorage, releaseStorage, type Storage } from './storage.js';

let nextId = 1;

/**
 * An n-dimensional array on a device, always contiguous and row-major. Create tensors with
 * `tensor`, `zeros`, `randn`, ...; transform them with the ops (`matmul`, `add`, ...), which record
 * a tape when an input requires grad. Free a tensor with `dispose()`, or create it inside `tidy()`.
 */
export class Tensor {
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly size: number;
  /** @internal */ storage: Storage;
  /** @internal the op that produced this tensor (null for leaves and under no-grad). */
  node: GradNode | null = null;
  /** True for parameters and other leaves whose gradient is wanted. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf (same shape and dtype), or null before the first backward. */
  grad: Tensor | null = null;
  /** Optional name used in error messages (Module sets it to the parameter's dotted path). */
  name: string | undefined;
  private isDisposed = false;

  /** @internal use the creation functions instead. */
  constructor(storage: Storage, shape: readonly number[], track = true) {
    this.storage = storage;
    this.shape = Object.freeze(shape.slice());
    this.size = shapeSize(shape);
    if (this.size !== storage.size)
      throw new DTypeError(`internal: shape [${shape}] does not match storage of ${storage.size} elements`);
    if (track) trackInScope(this);
  }

  get dtype(): DType {
    return this.storage.dtype;
  }
  get device(): Device {
    return this.storage.device;
  }
  get rank(): number {
    return this.shape.length;
  }
  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Size of one dimension; negative indices count from the end. */
  dim(axis: number): number {
    const a = axis < 0 ? this.shape.length + axis : axis;
    const d = this.shape[a];
    if (d === undefined) throw new RangeError(`axis ${axis} out of range for ${this.describe()}`);
    return d;
  }

  /** A short description for error messages: name (if any), shape and dtype. */
  describe(): string {
    return `${this.name ? `tensor '${this.name}'` : 'tensor'} [${this.shape.join(', ')}] ${this.dtype}`;
  }

  /** @internal throws if disposed. */
  check(): this {
    if (this.isDisposed) throw new DisposedTensorError(this.describe());
    return this;
  }

  /**
   * The CPU typed array backing this tensor, without a copy (valid until the tensor is disposed; do
   * not keep it). Throws for non-CPU tensors: use `toArray()` there.
   */
  cpuData(): CpuArray {
    this.check();
    if (!(this.storage instanceof CpuStorage))
      throw new DTypeError(`${this.describe()} is on ${this.device.name}`);
    return this.storage.data;
  }

  /** A copy of the elements as a typed array (Float32Array, Float64Array or Int32Array). */
  toArray(): CpuArray {
    return this.cpuData().slice();
  }

  /** A copy of the elements as a plain number array. */
  toList(): number[] {
    return Array.from(this.cpuData());
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new DTypeError(`item() needs a one-element tensor, got ${this.describe()}`);
    return this.cpuData()[0] as number;
  }

  /**
   * Frees the tensor's buffer (back to the pool). Idempotent. Buffers that a recorded backward still
   * needs stay alive until that backward has run. A leaf's `grad` is disposed with it.
   */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    releaseStorage(this.storage);
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  /** @internal a handle on the same storage, owned by an autograd node (not tracked by scopes). */
  alias(): Tensor {
    this.check();
    this.storage.refs++;
    const t = new Tensor(this.storage, this.shape, false);
    t.name = this.name;
    return t;
  }

  /** @internal a view with another shape on the same storage (tracked by the current scope). */
  view(shape: readonly number[]): Tensor {
    this.check();
    this.storage.refs++;
    return new Tensor(this.storage, shape);
  }
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid dimension ${d} in shape [${shape}]`);
    n *= d;
  }
  return n;
}
