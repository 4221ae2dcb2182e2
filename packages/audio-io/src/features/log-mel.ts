import { RealFft } from '../dsp/fft.js';
import { log10Many } from '../dsp/log10.js';
import { InvalidAudioArgumentError } from '../errors.js';
import { type AudioSamples, toFloat32 } from '../samples.js';
import { checkChunkLength, type FramingOptions, frameLayout } from './frames.js';
import { melFilterBank } from './mel-filter-bank.js';
import { FEATURE_SAMPLE_RATE, HOP_LENGTH, N_FFT, QWEN_OMNI_FEATURES } from './presets.js';

export interface LogMelOptions extends FramingOptions {
  /** mel bins; default 128 (Qwen2.5-Omni) */
  nMels?: number;
  /**
   * Return the full padded width (chunkLength * 100 frames, like transformers' input_features) instead of
   * stopping right after the valid frames. The extra columns are the constant padding value.
   */
  padded?: boolean;
}

/** Log-mel features, row-major [nMels, frames] like transformers' input_features[0]. */
export interface LogMelSpectrogram {
  data: Float32Array;
  nMels: number;
  /** columns in `data` (>= validFrames; a frame or two more unless `padded`) */
  frames: number;
  /** columns that hold real audio (the model reads columns [0, validFrames)) */
  validFrames: number;
}

const LOG_FLOOR = 1e-10;
const DYNAMIC_RANGE = 8;
const HALF_WINDOW = N_FFT / 2;
const N_FREQS = N_FFT / 2 + 1;

/** Per-process constants: window, FFT plan and scratch, mel banks by bin count. */
class Extractor {
  /** periodic Hann split into even and odd taps, matching the FFT's packed input */
  readonly windowEven = new Float64Array(N_FFT / 2);
  readonly windowOdd = new Float64Array(N_FFT / 2);
  readonly fft = new RealFft(N_FFT);
  readonly power = new Float64Array(N_FREQS);
  readonly mel = new Float64Array(1024);
  readonly melBits = new Uint32Array(this.mel.buffer);
  private readonly banks = new Map<number, { weights: Float64Array; first: Int32Array; count: Int32Array }>();

  constructor() {
    for (let n = 0; n < N_FFT; n++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT);
      if (n % 2 === 0) this.windowEven[n / 2] = w;
      else this.windowOdd[(n - 1) / 2] = w;
    }
  }

  /** The bank with each row's non-zero run packed back to back. */
  bank(nMels: number) {
    let packed = this.banks.get(nMels);
    if (packed === undefined) {
      const bank = melFilterBank(nMels, N_FFT, FEATURE_SAMPLE_RATE);
      let total = 0;
      for (let m = 0; m < nMels; m++) total += bank.count[m]!;
      const weights = new Float64Array(total);
      let at = 0;
      for (let m = 0; m < nMels; m++) {
        const start = m * N_FREQS + bank.first[m]!;
        weights.set(bank.dense.subarray(start, start + bank.count[m]!), at);
        at += bank.count[m]!;
      }
      packed = { weights, first: bank.first, count: bank.count };
      this.banks.set(nMels, packed);
    }
    return packed;
  }
}

let shared: Extractor | undefined;

/** Throws InvalidAudioArgumentError for an out-of-range option. */
export function checkLogMelOptions(options: LogMelOptions): void {
  const nMels = options.nMels ?? QWEN_OMNI_FEATURES.nMels;
  if (!Number.isInteger(nMels) || nMels < 1 || nMels > 1024) {
    throw new InvalidAudioArgumentError('BAD_OPTION', `nMels must be an integer in [1, 1024], got ${nMels}`);
  }
  checkChunkLength(options.chunkLength ?? QWEN_OMNI_FEATURES.chunkLength);
  for (const key of ['truncation', 'padded'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') {
      throw new InvalidAudioArgumentError(
        'BAD_OPTION',
        `${key} must be a boolean, got ${JSON.stringify(options[key])}`,
      );
    }
  }
}

/**
 * Whisper / Qwen2.5-Omni log-mel spectrogram, equal to transformers' WhisperFeatureExtractor (numpy path):
 * periodic Hann 400, hop 160, centred reflect padding of the zero-padded clip, power spectrum, Slaney mel bank
 * 0-8 kHz, log10 with a 1e-10 floor, max-minus-8 clamp, (x + 4) / 4. Float64 inside, float32 out.
 *
 * Only the frames that carry audio are computed (the valid frames plus the one or two past the mask that can
 * still hold the clip's maximum); all later frames of the padded reference are exactly silent.
 * Input must be 16 kHz mono (see `loadAudio` / `resample`).
 */
export function logMelSpectrogram(samples: AudioSamples, options: LogMelOptions = {}): LogMelSpectrogram {
  checkLogMelOptions(options);
  const nMels = options.nMels ?? QWEN_OMNI_FEATURES.nMels;
  const x = toFloat32(samples, 'samples');
  const layout = frameLayout(x.length, options);
  const computed = layout.computedFrames;
  const width = options.padded === true ? layout.frames : computed;

  if (shared === undefined) shared = new Extractor();
  const ex = shared;
  const { weights, first, count } = ex.bank(nMels);
  const { windowEven, windowOdd, power, fft, mel, melBits } = ex;
  const even = fft.packedRe;
  const odd = fft.packedIm;
  const half = N_FFT / 2;
  const logs = new Float64Array(nMels * computed); // [nMels, computed], like the output
  const total = layout.paddedLength;
  const real = layout.keptSamples;
  let peak = LOG_FLOOR;

  for (let t = 0; t < computed; t++) {
    const start = t * HOP_LENGTH - HALF_WINDOW;
    if (start >= 0 && start + N_FFT <= real) {
      for (let i = 0; i < half; i++) {
        even[i] = x[start + 2 * i]! * windowEven[i]!;
        odd[i] = x[start + 2 * i + 1]! * windowOdd[i]!;
      }
    } else {
      for (let i = 0; i < N_FFT; i++) {
        let idx = start + i;
        if (idx < 0)
          idx = -idx; // numpy "reflect" of the padded clip
        else if (idx >= total) idx = 2 * (total - 1) - idx;
        const v = idx < real ? x[idx]! : 0;
        if (i % 2 === 0) even[i >> 1] = v * windowEven[i >> 1]!;
        else odd[i >> 1] = v * windowOdd[i >> 1]!;
      }
    }
    fft.powerSpectrumPacked(power);
    let w = 0;
    for (let m = 0; m < nMels; m++) {
      const k0 = first[m]!;
      const kn = k0 + count[m]!;
      let acc = 0;
      for (let k = k0; k < kn; k++) acc += weights[w++]! * power[k]!;
      const e = Math.max(acc, LOG_FLOOR);
      mel[m] = e;
      if (e > peak) peak = e;
    }
    log10Many(mel, melBits, nMels, logs, t, computed);
  }
  // the clip maximum, through the same log as every cell; frames never computed are silent (log = -10 exactly)
  mel[0] = peak;
  log10Many(mel, melBits, 1, mel, 1, 1);
  const gmax = computed > 0 ? mel[1]! : -10;
  const floor = gmax - DYNAMIC_RANGE;

  const data = new Float32Array(nMels * width);
  for (let m = 0; m < nMels; m++) {
    const src = m * computed;
    const out = m * width;
    for (let t = 0; t < computed; t++) {
      const v = logs[src + t]!;
      data[out + t] = (Math.max(v, floor) + 4) / 4;
    }
  }
  if (width > computed) {
    const silent = (Math.max(-10, floor) + 4) / 4;
    for (let m = 0; m < nMels; m++) data.fill(silent, m * width + computed, (m + 1) * width);
  }
  return { data, nMels, frames: width, validFrames: layout.validFrames };
}
