import { DTypeError } from '../errors.js';
import type { Device } from '../tensor/device.js';
import type { DType } from '../tensor/dtype.js';
import type { Kernels } from './kernels.js';
import { loadNativeKernels, type NativeInfo, nativeAddon } from './native/load.js';
import { referenceKernels } from './reference/index.js';

export type KernelPreference = 'auto' | 'native' | 'reference';

let preference: KernelPreference = process.env['OMNI_RUNTIME_KERNELS'] === 'reference' ? 'reference' : 'auto';
let native: Kernels | null | undefined;

/**
 * Chooses the CPU float32 kernels: 'auto' (native when the addon loads, else the reference with a
 * one-line warning), 'native' (throws if the addon is missing) or 'reference'. float64 always runs
 * on the reference kernels. `OMNI_RUNTIME_KERNELS=reference` sets 'reference' at start-up.
 */
export function setKernelPreference(p: KernelPreference): void {
  preference = p;
  if (p === 'native' && !nativeKernels()) throw new DTypeError('the native addon is not available');
}

export function getKernelPreference(): KernelPreference {
  return preference;
}

function nativeKernels(): Kernels | null {
  if (native === undefined) native = loadNativeKernels();
  return native;
}

/** The kernels that run ops on tensors of this dtype and device. */
export function kernelsFor(dtype: DType, device: Device): Kernels {
  if (device.kind !== 'cpu')
    throw new DTypeError(`no kernels for device ${device.name} yet (only cpu is implemented)`);
  if (dtype === 'float32' && preference !== 'reference') {
    const k = nativeKernels();
    if (k) return k;
  }
  if (dtype === 'float32' || dtype === 'float64' || dtype === 'int32') return referenceKernels;
  throw new DTypeError(`dtype ${dtype} is not computable on cpu (convert to float32)`);
}

/** What the native addon reports (ISA, threads), or null when it is not loaded. */
export function nativeInfo(): NativeInfo | null {
  nativeKernels();
  return nativeAddon()?.info() ?? null;
}

/**
 * Threads the native kernels may use (default: all cores; 1 is often fastest for tiny models).
 * Results do not depend on it. No effect without the addon.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: ${n} is not a positive integer`);
  nativeKernels();
  nativeAddon()?.setThreads(n);
}
