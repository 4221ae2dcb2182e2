import { DTypeError } from '../errors.js';
import type { Device } from './device.js';
import { cpu } from './device.js';
import type { CpuArray, DType } from './dtype.js';

/**
 * A reference-counted buffer on a device. Tensors that are views (reshape) share one storage;
 * autograd nodes retain the storages they saved, so disposing a tensor that backward still needs is
 * safe: the buffer returns to the pool when the last holder releases it.
 */
export interface Storage {
  readonly device: Device;
  readonly dtype: DType;
  readonly size: number;
  refs: number;
}

/** CPU storage: a typed array (Float32Array, Float64Array or Int32Array). */
export class CpuStorage implements Storage {
  readonly device = cpu();
  refs = 1;
  constructor(
    readonly dtype: DType,
    readonly data: CpuArray,
  ) {}
  get size(): number {
    return this.data.length;
  }
}

/**
 * Reuses CPU buffers so a training loop allocates nothing after its first steps. Buffers are kept by size
 * class (lengths rounded up to 1/8 of their power of two) and handed out as views of the requested
 * length: packed batches change length every step, and exact-length reuse would miss every time (fresh,
 * page-faulting memory and garbage-collector work). Buffers handed out are NOT zeroed unless asked.
 */
export class BufferPool {
  private readonly free = new Map<string, CpuArray[]>();
  /** The whole buffer behind each view handed out shorter than its size class. */
  private readonly backing = new WeakMap<CpuArray, CpuArray>();
  private pooledBytes = 0;
  /** Upper bound on idle pooled memory; a release beyond it first drops every idle buffer. */
  maxPooledBytes = 1 << 30;
  hits = 0;
  misses = 0;

  alloc(dtype: DType, size: number, zero: boolean): CpuArray {
    const capacity = sizeClass(size);
    let whole = this.free.get(key(dtype, capacity))?.pop();
    const clear = zero && whole !== undefined; // fresh arrays are zero already
    if (whole) {
      this.hits++;
      this.pooledBytes -= whole.byteLength;
    } else {
      this.misses++;
      whole = newArray(dtype, capacity);
    }
    if (whole.length === size) {
      if (clear) whole.fill(0);
      return whole;
    }
    const view = whole.subarray(0, size);
    if (clear) view.fill(0);
    this.backing.set(view, whole);
    return view;
  }

  release(dtype: DType, data: CpuArray): void {
    const whole = this.backing.get(data) ?? data;
    if (whole.length === 0 || whole.byteLength > this.maxPooledBytes) return;
    // Full: the idle buffers are of a workload that has moved on (another stage, other shapes); drop them
    // so the pool keeps serving the current one instead of missing forever.
    if (this.pooledBytes + whole.byteLength > this.maxPooledBytes) this.clear();
    const k = key(dtype, whole.length);
    let list = this.free.get(k);
    if (!list) {
      list = [];
      this.free.set(k, list);
    }
    list.push(whole);
    this.pooledBytes += whole.byteLength;
  }

  /** Drops every idle buffer. */
  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }

  stats(): { pooledBytes: number; hits: number; misses: number } {
    return { pooledBytes: this.pooledBytes, hits: this.hits, misses: this.misses };
  }
}

function key(dtype: DType, size: number): string {
  return `${dtype}:${size}`;
}

/** Pool capacity for a request: exact below 1024 elements, else rounded up to 1/8 of its power of two. */
export function sizeClass(size: number): number {
  if (size < 1024) return size;
  const step = 2 ** (Math.floor(Math.log2(size)) - 3);
  return Math.ceil(size / step) * step;
}

export function newArray(dtype: DType, size: number): CpuArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    default:
      throw new DTypeError(`dtype ${dtype} has no CPU storage (convert it to float32 when loading)`);
  }
}

/** The process-wide CPU pool. */
export const cpuPool = new BufferPool();

export function allocCpu(dtype: DType, size: number, zero = false): CpuStorage {
  return new CpuStorage(dtype, cpuPool.alloc(dtype, size, zero));
}

export function releaseStorage(s: Storage): void {
  s.refs--;
  if (s.refs === 0 && s instanceof CpuStorage) cpuPool.release(s.dtype, s.data);
}
