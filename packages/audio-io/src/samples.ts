import { InvalidAudioArgumentError } from './errors.js';

/** Mono samples in any of the forms callers hold them: typed arrays or plain number arrays. */
export type AudioSamples = Float32Array | Float64Array | ArrayLike<number>;

/**
 * The samples as float32 (the reference extractor's first step casts to float32), checked finite.
 * A Float32Array is returned as is; anything else is converted.
 */
export function toFloat32(samples: AudioSamples, name: string): Float32Array {
  if (samples === null || typeof samples !== 'object' || typeof samples.length !== 'number') {
    throw new InvalidAudioArgumentError(
      'BAD_SAMPLES',
      `${name} must be a Float32Array, Float64Array or number[]`,
    );
  }
  const x = samples instanceof Float32Array ? samples : Float32Array.from(samples as ArrayLike<number>);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v !== 0) {
      const original = (samples as ArrayLike<number>)[i];
      throw new InvalidAudioArgumentError(
        'NON_FINITE_SAMPLE',
        `${name}[${i}] is ${original}, samples must be finite`,
      );
    }
  }
  return x;
}
