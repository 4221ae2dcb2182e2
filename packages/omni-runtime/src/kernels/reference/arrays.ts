import type { CpuArray, FloatArray } from '../../tensor/dtype.js';
import { CpuStorage, type Storage } from '../../tensor/storage.js';

/** The typed array behind a CPU storage (the reference kernels run on CPU storages only). */
export function arr(s: Storage): CpuArray {
  return (s as CpuStorage).data;
}

export function farr(s: Storage): FloatArray {
  return (s as CpuStorage).data as FloatArray;
}

export function iarr(s: Storage): Int32Array {
  return (s as CpuStorage).data as Int32Array;
}

export function isCpuStorage(s: Storage): s is CpuStorage {
  return s instanceof CpuStorage;
}
