import { RealFft } from '../dsp/fft.js';
import { log10Tables } from '../dsp/log10.js';
import { allocate, kernels, type MemoryView } from '../dsp/wasm.js';
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
const TILE = 32;

/** Frames per kernel call: the input and logs of a tile sit in kernel memory, the whole clip's logs do not. */
const TILE_FRAMES = 256;

/** The log-mel kernel's descriptor for one bin count, and its buffers (wasm/logmel.c, LogMel). */
interface MelKernel {
  descriptor: number;
  peak: MemoryView<Float64Array>;
  logs: MemoryView<Float64Array>;
}

/** Per-process constants: window, FFT plan, log10 tables, tile buffers, mel kernels by bin count. */
class Extractor {
  readonly fft = new RealFft(N_FFT);
  /** periodic Hann split into even and odd taps, matching the FFT's packed input */
  readonly windowEven: MemoryView<Float64Array>;
  readonly windowOdd: MemoryView<Float64Array>;
  /** the samples of a tile of frames */
  readonly input: MemoryView<Float32Array>;
  private readonly tables: MemoryView<Float64Array>[];
  private readonly kernels = new Map<number, MelKernel>();

  constructor() {
    [this.windowEven, this.windowOdd] = allocate(this, Float64Array, N_FFT / 2, N_FFT / 2) as [
      MemoryView<Float64Array>,
      MemoryView<Float64Array>,
    ];
    for (let n = 0; n < N_FFT; n++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT);
      if (n % 2 === 0) this.windowEven.array[n / 2] = w;
      else this.windowOdd.array[(n - 1) / 2] = w;
    }
    [this.input] = allocate(this, Float32Array, (TILE_FRAMES - 1) * HOP_LENGTH + N_FFT) as [
      MemoryView<Float32Array>,
    ];
    const { invCentre, logCentre, unscale, expLog, invLn10 } = log10Tables();
    const values = [invCentre, logCentre, unscale, expLog, Float64Array.of(invLn10)];
    this.tables = allocate(this, Float64Array, ...values.map((v) => v.length));
    for (let i = 0; i < values.length; i++) this.tables[i]!.array.set(values[i]!);
  }

  /** The kernel for a bin count, its mel bank with each row's non-zero run packed back to back. */
  kernel(nMels: number): MelKernel {
    let kernel = this.kernels.get(nMels);
    if (kernel === undefined) {
      const bank = melFilterBank(nMels, N_FFT, FEATURE_SAMPLE_RATE);
      let total = 0;
      for (let m = 0; m < nMels; m++) total += bank.count[m]!;
      const [first, count, descriptor] = allocate(this, Int32Array, nMels, nMels, 21);
      const [weights, peak, mel, logs] = allocate(this, Float64Array, total, 1, nMels, TILE_FRAMES * nMels);
      first!.array.set(bank.first);
      count!.array.set(bank.count);
      let at = 0;
      for (let m = 0; m < nMels; m++) {
        const start = m * N_FREQS + bank.first[m]!;
        weights!.array.set(bank.dense.subarray(start, start + bank.count[m]!), at);
        at += bank.count[m]!;
      }
      const fft = this.fft.pointers;
      descriptor!.array.set([
        nMels,
        ...fft.slice(0, 7),
        this.fft.powerOffset,
        this.windowEven.offset,
        this.windowOdd.offset,
        first!.offset,
        count!.offset,
        weights!.offset,
        ...this.tables.map((table) => table.offset),
        peak!.offset,
        mel!.offset,
      ]);
      kernel = { descriptor: descriptor!.offset, peak: peak!, logs: logs! };
      this.kernels.set(nMels, kernel);
    }
    return kernel;
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
  const kernel = ex.kernel(nMels);
  const { descriptor } = kernel;
  const logs = new Float64Array(nMels * computed); // [computed, nMels]: each frame's logs written contiguously
  const total = layout.paddedLength;
  const real = layout.keptSamples;
  kernel.peak.array[0] = LOG_FLOOR;

  // frames [inner, outer) lie inside the clip; the kernel windows them straight from the samples
  const inner = Math.min(computed, Math.ceil(HALF_WINDOW / HOP_LENGTH));
  const outer = Math.max(inner, Math.min(computed, Math.floor((real - HALF_WINDOW) / HOP_LENGTH) + 1));
  for (let t = 0; t < computed; t++) {
    if (t === inner && inner < outer) {
      for (let t0 = inner; t0 < outer; t0 += TILE_FRAMES) {
        const frames = Math.min(TILE_FRAMES, outer - t0);
        const start = t0 * HOP_LENGTH - HALF_WINDOW;
        ex.input.array.set(x.subarray(start, start + (frames - 1) * HOP_LENGTH + N_FFT));
        kernels.logmel_frames(descriptor, ex.input.offset, frames, kernel.logs.offset);
        logs.set(kernel.logs.array.subarray(0, frames * nMels), t0 * nMels);
      }
      t = outer - 1;
      continue;
    }
    // an edge frame: numpy "reflect" of the zero-padded clip, windowed here
    const start = t * HOP_LENGTH - HALF_WINDOW;
    const even = ex.fft.packedRe;
    const odd = ex.fft.packedIm;
    const windowEven = ex.windowEven.array;
    const windowOdd = ex.windowOdd.array;
    for (let i = 0; i < N_FFT; i++) {
      let idx = start + i;
      if (idx < 0) idx = -idx;
      else if (idx >= total) idx = 2 * (total - 1) - idx;
      const v = idx < real ? x[idx]! : 0;
      if (i % 2 === 0) even[i >> 1] = v * windowEven[i >> 1]!;
      else odd[i >> 1] = v * windowOdd[i >> 1]!;
    }
    kernels.logmel_packed(descriptor, kernel.logs.offset);
    logs.set(kernel.logs.array.subarray(0, nMels), t * nMels);
  }
  // the clip maximum, through the same log as every cell; frames never computed are silent (log = -10 exactly)
  kernels.log10_many(descriptor, kernel.peak.offset, 1, kernel.logs.offset);
  const gmax = computed > 0 ? kernel.logs.array[0]! : -10;
  const floor = gmax - DYNAMIC_RANGE;

  // transpose to [nMels, width] in tiles of TILE frames (a row-by-row pass would touch a page per value)
  const data = new Float32Array(nMels * width);
  for (let t0 = 0; t0 < computed; t0 += TILE) {
    const t1 = Math.min(computed, t0 + TILE);
    for (let m = 0; m < nMels; m++) {
      for (let t = t0, at = t0 * nMels + m, out = m * width + t0; t < t1; t++, at += nMels, out++) {
        data[out] = (Math.max(logs[at]!, floor) + 4) / 4;
      }
    }
  }
  if (width > computed) {
    const silent = (Math.max(-10, floor) + 4) / 4;
    for (let m = 0; m < nMels; m++) data.fill(silent, m * width + computed, (m + 1) * width);
  }
  return { data, nMels, frames: width, validFrames: layout.validFrames };
}
