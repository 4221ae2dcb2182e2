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
 * Reuses CPU buffers by (dtype, length) so a training loop allocates nothing after its first step.
 * Buffers handed out are NOT zeroed unless asked.
 */
export class BufferPool {
  private readonly free = new Map<string, CpuArray[]>();
  private pooledBytes = 0;
  /** Upper bound on idle pooled memory; beyond it released buffers go to the garbage collector. */
  maxPooledBytes = 1 << 30;
  hits = 0;
  misses = 0;

  alloc(dtype: DType, size: number, zero: boolean): CpuArray {
    const list = this.free.get(key(dtype, size));
    const reused = list?.pop();
    if (reused) {
      this.hits++;
      this.pooledBytes -= reused.byteLength;
      if (zero) reused.fill(0);
      return reused;
    }
    this.misses++;
    return newArray(dtype, size);
  }

  release(dtype: DType, data: CpuArray): void {
    if (data.length === 0 || this.pooledBytes + data.byteLength > this.maxPooledBytes) return;
    const k = key(dtype, data.length);
    let list = this.free.get(k);
    if (!list) {
      list = [];
      this.free.set(k, list);
    }
    list.push(data);
    this.pooledBytes += data.byteLength;
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
