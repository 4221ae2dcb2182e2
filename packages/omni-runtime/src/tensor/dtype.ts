/**
 * Element types. The CPU backend computes in float32 (native kernels) and float64 (the reference
 * kernels, used for gradient checks); int32 holds indices. bfloat16 / float16 are storage types for
 * accelerator backends: model code passes dtypes through and never branches on them.
 */
export type DType = 'float32' | 'float64' | 'bfloat16' | 'float16' | 'int32';

/** Typed arrays a CPU tensor can hold. */
export type FloatArray = Float32Array | Float64Array;
export type CpuArray = Float32Array | Float64Array | Int32Array;

export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  bfloat16: 2,
  float16: 2,
  int32: 4,
};

export function isFloatDType(dtype: DType): boolean {
  return dtype !== 'int32';
}
