import type { Rng } from '@soundmind/rl-core';
import { DTypeError, ShapeError } from '../errors.js';
import { cpu, type Device, device as parseDevice } from './device.js';
import type { CpuArray, DType } from './dtype.js';
import { allocCpu, CpuStorage } from './storage.js';
import { shapeSize, Tensor } from './tensor.js';

/** Options shared by the creation functions. */
export interface TensorOptions {
  /** Default: float32 (or the typed array's own type for `tensor`). */
  dtype?: DType;
  /** Default: cpu. */
  device?: Device | string;
  /** Mark the new tensor as a leaf whose gradient backward accumulates. */
  requiresGrad?: boolean;
  /** A name used in error messages. */
  name?: string;
}

function resolveDevice(opts?: TensorOptions): Device {
  const d = opts?.device === undefined ? cpu() : parseDevice(opts.device);
  if (d.kind !== 'cpu') throw new DTypeError(`device ${d.name} is not implemented yet`);
  return d;
}

function finish(t: Tensor, opts?: TensorOptions): Tensor {
  if (opts?.requiresGrad) {
    if (t.dtype === 'int32') throw new DTypeError('an int32 tensor cannot require grad');
    t.requiresGrad = true;
  }
  if (opts?.name !== undefined) t.name = opts.name;
  return t;
}

/** @internal an uninitialised tensor from the buffer pool. */
export function empty(shape: readonly number[], dtype: DType = 'float32', dev: Device = cpu()): Tensor {
  if (dev.kind !== 'cpu') throw new DTypeError(`device ${dev.name} is not implemented yet`);
  return new Tensor(allocCpu(dtype, shapeSize(shape)), shape);
}

/** @internal a zero-filled tensor from the buffer pool. */
export function emptyZeros(shape: readonly number[], dtype: DType = 'float32', dev: Device = cpu()): Tensor {
  if (dev.kind !== 'cpu') throw new DTypeError(`device ${dev.name} is not implemented yet`);
  return new Tensor(allocCpu(dtype, shapeSize(shape), true), shape);
}

function dtypeOfArray(data: unknown): DType | undefined {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  return undefined;
}

/**
 * A tensor from flat data (a typed array or numbers) and a shape (default: 1-D). The data is copied.
 * The dtype defaults to the typed array's (Float64Array -> float64, Int32Array -> int32), else float32.
 */
export function tensor(
  data: ArrayLike<number>,
  shape: readonly number[] = [data.length],
  opts?: TensorOptions,
): Tensor {
  const dtype = opts?.dtype ?? dtypeOfArray(data) ?? 'float32';
  resolveDevice(opts);
  const n = shapeSize(shape);
  if (n !== data.length)
    throw new ShapeError(
      `tensor(): ${data.length} values do not fill shape [${shape.join(', ')}] (${n} elements)`,
    );
  const s = allocCpu(dtype, n);
  (s.data as CpuArray).set(data as ArrayLike<number>);
  return finish(new Tensor(s, shape), opts);
}

/** A tensor that takes ownership of a typed array without copying (the caller must not reuse it). */
export function fromArray(
  data: CpuArray,
  shape: readonly number[] = [data.length],
  opts?: TensorOptions,
): Tensor {
  const dtype = dtypeOfArray(data) as DType;
  if (opts?.dtype !== undefined && opts.dtype !== dtype)
    throw new DTypeError(`fromArray(): a ${data.constructor.name} cannot be ${opts.dtype}`);
  const n = shapeSize(shape);
  if (n !== data.length)
    throw new ShapeError(`fromArray(): ${data.length} values do not fill shape [${shape.join(', ')}]`);
  return finish(new Tensor(new CpuStorage(dtype, data), shape), opts);
}

export function full(shape: readonly number[], value: number, opts?: TensorOptions): Tensor {
  const t = empty(shape, opts?.dtype ?? 'float32', resolveDevice(opts));
  t.cpuData().fill(value);
  return finish(t, opts);
}

export function zeros(shape: readonly number[], opts?: TensorOptions): Tensor {
  return full(shape, 0, opts);
}

export function ones(shape: readonly number[], opts?: TensorOptions): Tensor {
  return full(shape, 1, opts);
}

/** A 0-d tensor. */
export function scalar(value: number, opts?: TensorOptions): Tensor {
  return full([], value, opts);
}

/** Normal samples (mean 0, std 1 unless given) from a seeded Rng, in row-major order. */
export function randn(
  shape: readonly number[],
  rng: Rng,
  opts?: TensorOptions & { mean?: number; std?: number },
): Tensor {
  const t = empty(shape, opts?.dtype ?? 'float32', resolveDevice(opts));
  const d = t.cpuData();
  const mean = opts?.mean ?? 0;
  const std = opts?.std ?? 1;
  for (let i = 0; i < d.length; i++) d[i] = rng.normal(mean, std);
  return finish(t, opts);
}

/** Uniform samples in [low, high) from a seeded Rng. */
export function uniform(shape: readonly number[], rng: Rng, low = 0, high = 1, opts?: TensorOptions): Tensor {
  const t = empty(shape, opts?.dtype ?? 'float32', resolveDevice(opts));
  const d = t.cpuData();
  for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * rng.next();
  return finish(t, opts);
}

/** int32 [0, 1, ..., n-1]. */
export function arange(n: number): Tensor {
  const t = empty([n], 'int32');
  const d = t.cpuData();
  for (let i = 0; i < n; i++) d[i] = i;
  return t;
}
