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
  try {
    const require = createRequire(import.meta.url);
    addon = require('../../../build/Release/omni_runtime.node') as NativeAddon;
  } catch (e) {
    process.emitWarning(
      `@soundmind/omni-runtime: native kernels unavailable (${(e as Error).message.split('\n')[0]}); using the slow TypeScript reference kernels. Build them with: pnpm --filter @soundmind/omni-runtime build`,
    );
    return null;
  }
  return makeNativeKernels(addon);
}

/** The loaded addon, or null. */
export function nativeAddon(): NativeAddon | null {
  return addon;
}
