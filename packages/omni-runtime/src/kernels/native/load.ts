import { createRequire } from 'node:module';
import type { Kernels } from '../kernels.js';
import { makeNativeKernels, type NativeAddon } from './kernels.js';

/** What the addon found at load time. */
export interface NativeInfo {
  /** 'avx512', 'avx2' or 'generic': the SIMD kernels chosen for this CPU. */
  isa: string;
  /** Threads the kernels may use (including the calling thread). */
  threads: number;
  /** The GEMM implementation. */
  gemm: string;
}

let addon: NativeAddon | null = null;

/** Loads build/Release/omni_runtime.node; null (and one warning line) when it is missing. */
export function loadNativeKernels(): Kernels | null {
  const require = createRequire(import.meta.url);
  // src/kernels/native or dist/kernels/native (../../..), or a nested build such as dist-bench/src/... (../../../..)
  const candidates = ['../../../build/Release/omni_runtime.node', '../../../../build/Release/omni_runtime.node'];
  // OpenBLAS reads OPENBLAS_NUM_THREADS when the addon loads it: 1 keeps its own thread pool from
  // starting (the addon splits GEMMs itself). Restored afterwards, so child processes are unaffected.
  const before = process.env['OPENBLAS_NUM_THREADS'];
  process.env['OPENBLAS_NUM_THREADS'] = '1';
  let firstError: Error | null = null;
  for (const path of candidates) {
    try {
      addon = require(path) as NativeAddon;
      break;
    } catch (e) {
      firstError ??= e as Error;
    }
  }
  if (before === undefined) delete process.env['OPENBLAS_NUM_THREADS'];
  else process.env['OPENBLAS_NUM_THREADS'] = before;
  if (!addon) {
    const e = firstError ?? new Error('not found');
    process.stderr.write(
      `warning: @soundmind/omni-runtime native kernels unavailable (${e.message.split('\n')[0]}); using the slow TypeScript reference kernels (build them: pnpm --filter @soundmind/omni-runtime build)\n`,
    );
    return null;
  }
  return makeNativeKernels(addon);
}

/** The loaded addon, or null. */
export function nativeAddon(): NativeAddon | null {
  return addon;
}
