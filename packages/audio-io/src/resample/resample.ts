import { InvalidAudioArgumentError } from '../errors.js';
import { type AudioSamples, toFloat32 } from '../samples.js';
import { FftResampleStage, PolyphaseStage, type Stage } from './stages.js';

/**
 * libsoxr's SOXR_HQ recipe as measured on libsoxr 0.1.3: 20-bit precision, linear phase, passband up to
 * 0.9137437 of the lower Nyquist, stop band from the lower Nyquist. libsoxr designs for (bits + 1) * 6.02 dB of
 * attenuation (pass + stop ripple), so 126.4 dB, which also gives its transition shape.
 */
export const SOXR_HQ = {
  attenuationDb: 21 * 20 * Math.log10(2),
  passbandEnd: 0.9137437,
  stopbandBegin: 1,
} as const;

/** Rates the resampler takes: 1 kHz to 768 kHz (beyond, the sharp filter would need millions of taps). */
export const MIN_RATE = 1000;
export const MAX_RATE = 768_000;

/**
 * The chain for one rate pair. The sharp filter (the soxr-HQ transition) runs as one FFT stage straight from
 * the input rate to the output rate whenever the reduced ratio has only the factors 2, 3, 5 and 7 (every
 * common rate: 44.1 kHz -> 16 kHz is 441 : 160). Other ratios (say 44.056 kHz) first take a short polyphase
 * step to twice the lower rate, flat up to the sharp filter's stop edge and rejecting everything that could
 * fold into the final band, so the chain's response is still the sharp filter's.
 */
export function planResampler(fromRate: number, toRate: number): Stage[] {
  if (fromRate === toRate) return [];
  const band = Math.min(fromRate, toRate) / 2;
  const sharp = {
    passHz: SOXR_HQ.passbandEnd * band,
    stopHz: SOXR_HQ.stopbandBegin * band,
    attenuationDb: SOXR_HQ.attenuationDb,
  };
  const direct = FftResampleStage.create(fromRate, toRate, sharp);
  if (direct !== undefined) return [direct];
  const mid = 2 * Math.min(fromRate, toRate);
  const bridge = { passHz: sharp.stopHz, stopHz: mid - sharp.stopHz, attenuationDb: sharp.attenuationDb };
  if (fromRate > toRate) {
    return [new PolyphaseStage(fromRate, mid, bridge), FftResampleStage.create(mid, toRate, sharp)!];
  }
  return [FftResampleStage.create(fromRate, mid, sharp)!, new PolyphaseStage(mid, toRate, bridge)];
}

const planCache = new Map<string, Stage[]>();

function cachedPlan(fromRate: number, toRate: number): Stage[] {
  const key = `${fromRate}>${toRate}`;
  let plan = planCache.get(key);
  if (plan === undefined) {
    plan = planResampler(fromRate, toRate);
    if (planCache.size >= 8) planCache.delete(planCache.keys().next().value!);
    planCache.set(key, plan);
  }
  return plan;
}

/** Outputs per pass through the chain (parallel splits on multiples of it waste no work). */
export function resampleChunk(fromRate: number, toRate: number): number {
  const stages = cachedPlan(fromRate, toRate);
  return stages.length === 0 ? 16_384 : stages[stages.length - 1]!.chunk;
}

/** ceil(n * toRate / fromRate), exactly (librosa's `fix=True` length). */
export function resampledLength(n: number, fromRate: number, toRate: number): number {
  const num = n * toRate;
  let q = Math.floor(num / fromRate);
  while (q * fromRate < num) q++;
  while (q > 0 && (q - 1) * fromRate >= num) q--;
  return q;
}

export function checkRate(rate: number, name: string): void {
  if (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE) {
    throw new InvalidAudioArgumentError(
      'BAD_SAMPLE_RATE',
      `${name} must be an integer in [${MIN_RATE}, ${MAX_RATE}] Hz, got ${rate}`,
    );
  }
}

/**
 * Band-limited resampling to libsoxr's HQ specification (linear phase, time-aligned: output sample 0 is input
 * time 0). Output length is ceil(n * toRate / fromRate); the tail is the filter's natural decay, like
 * librosa.load with res_type 'soxr_hq'. Equal rates return a copy.
 */
export function resample(samples: AudioSamples, fromRate: number, toRate: number): Float32Array {
  checkRate(fromRate, 'fromRate');
  checkRate(toRate, 'toRate');
  const x = toFloat32(samples, 'samples');
  if (fromRate === toRate) return x === samples ? x.slice() : x;
  const out = new Float32Array(resampledLength(x.length, fromRate, toRate));
  resampleRange(x, fromRate, toRate, 0, out.length, out);
  return out;
}

/**
 * A signal the resampler reads piece by piece (a WAV file decoded on demand, so the whole signal at the source
 * rate never has to be held): samples [start, start + into.length) into `into`, zeros outside [0, length).
 */
export interface SampleSource {
  readonly length: number;
  read(start: number, into: Float32Array): void;
}

/**
 * Output samples [start, end) of resampling the input, written to out[0 .. end - start). Each output is the
 * same whatever range it was computed in (the stages work on fixed grids).
 */
export function resampleRange(
  input: Float32Array | SampleSource,
  fromRate: number,
  toRate: number,
  start: number,
  end: number,
  out: Float32Array,
): void {
  const stages = cachedPlan(fromRate, toRate);
  const chunk = stages[stages.length - 1]!.chunk;
  const scratch: Float32Array[] = [];
  for (let m0 = start; m0 < end; ) {
    const m1 = Math.min(end, (Math.floor(m0 / chunk) + 1) * chunk);
    runStage(stages, stages.length - 1, input, m0, m1 - m0, out.subarray(m0 - start, m1 - start), scratch);
    m0 = m1;
  }
}

function runStage(
  stages: Stage[],
  level: number,
  input: Float32Array | SampleSource,
  outStart: number,
  count: number,
  out: Float32Array,
  scratch: Float32Array[],
): void {
  const stage = stages[level]!;
  const [a, b] = stage.inputRange(outStart, outStart + count);
  let src: Float32Array;
  if (level === 0 && input instanceof Float32Array && a >= 0 && b <= input.length) {
    src = input.subarray(a, b);
  } else {
    let buf = scratch[level];
    if (buf === undefined || buf.length < b - a) {
      buf = new Float32Array(b - a);
      scratch[level] = buf;
    }
    src = buf.length === b - a ? buf : buf.subarray(0, b - a);
    if (level > 0) runStage(stages, level - 1, input, a, b - a, src, scratch);
    else if (input instanceof Float32Array) readPadded(input, a, src);
    else input.read(a, src);
  }
  stage.run(src, a, outStart, count, out);
}

/** x[start ...] into `into`, zeros outside [0, x.length). */
function readPadded(x: Float32Array, start: number, into: Float32Array): void {
  const end = start + into.length;
  const lo = Math.min(end, Math.max(start, 0));
  const hi = Math.max(lo, Math.min(end, x.length));
  into.fill(0, 0, lo - start);
  into.set(x.subarray(lo, hi), lo - start);
  into.fill(0, hi - start);
}
