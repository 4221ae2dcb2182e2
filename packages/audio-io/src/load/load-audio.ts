import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { AudioFileError, InvalidAudioArgumentError, UnsupportedWavFormatError } from '../errors.js';
import { FEATURE_SAMPLE_RATE } from '../features/presets.js';
import {
  checkRate,
  MAX_RATE,
  MIN_RATE,
  resample,
  resampleChunk,
  resampledLength,
} from '../resample/resample.js';
import { decodeWavMono } from '../wav/decode.js';
import { runInWorkers, workersAvailable } from '../workers/pool.js';

export interface LoadAudioOptions {
  /** output rate in Hz; default 16000 (what the features expect) */
  sampleRate?: number;
  /**
   * Threads that share the resampling of long files (a minute of output or more); default: the machine's
   * available parallelism. The samples are the same whatever the count.
   */
  workers?: number;
}

/** Resampling this many output seconds or more is split across worker threads. */
const PARALLEL_SECONDS = 60;

/** Reads a file into memory, turning system errors into AudioFileError with the path. */
export async function readAudioFile(path: string): Promise<Uint8Array> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidAudioArgumentError(
      'BAD_SOURCE',
      'expected a file path or the file contents as a Uint8Array',
    );
  }
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'READ_FAILED';
    throw new AudioFileError(code, `cannot read: ${(error as Error).message}`, path);
  }
}

/**
 * The file as mono float32 at its own rate, checked to be a rate the resampler can take if it must.
 * `allocate` places the samples (shared memory when worker threads will read them).
 */
function decodeMono(
  bytes: Uint8Array,
  sampleRate: number,
  path: string | undefined,
  allocate?: (frames: number, rate: number) => Float32Array,
) {
  const mono = decodeWavMono(bytes, { path }, allocate);
  if (mono.sampleRate !== sampleRate && (mono.sampleRate < MIN_RATE || mono.sampleRate > MAX_RATE)) {
    throw new UnsupportedWavFormatError(
      'UNSUPPORTED_RATE',
      `sample rate ${mono.sampleRate} Hz cannot be resampled (${MIN_RATE} to ${MAX_RATE} Hz)`,
      path,
    );
  }
  return mono;
}

/**
 * WAV bytes -> mono float32 at `sampleRate`, like librosa.load(path, sr=sampleRate): float32 mean over channels,
 * then band-limited resampling to libsoxr's HQ spec; a file already at the rate is returned untouched.
 */
export function decodeToMono(bytes: Uint8Array, sampleRate: number, path?: string): Float32Array {
  checkRate(sampleRate, 'sampleRate');
  const mono = decodeMono(bytes, sampleRate, path);
  return mono.sampleRate === sampleRate ? mono.samples : resample(mono.samples, mono.sampleRate, sampleRate);
}

/** resample() split into ranges on worker threads (on the resampler's chunk grid, so no block is done twice). */
async function resampleInWorkers(x: Float32Array, fromRate: number, toRate: number, workers: number) {
  const n = resampledLength(x.length, fromRate, toRate);
  let input = x;
  if (!(x.buffer instanceof SharedArrayBuffer)) {
    input = new Float32Array(new SharedArrayBuffer(x.byteLength));
    input.set(x);
  }
  const output = new Float32Array(new SharedArrayBuffer(n * 4));
  const chunk = resampleChunk(fromRate, toRate);
  const per = Math.ceil(n / workers / chunk) * chunk;
  const jobs = [];
  for (let start = 0; start < n; start += per) {
    jobs.push({
      kind: 'resample' as const,
      input,
      output,
      fromRate,
      toRate,
      start,
      end: Math.min(n, start + per),
    });
  }
  await runInWorkers(jobs, { workers });
  return output.slice(); // an ordinary (non-shared) buffer for the caller
}

/**
 * Loads a WAV file (path, or its contents) as mono float32 samples at `options.sampleRate` (16 kHz by default),
 * like librosa.load. Errors name the file: AudioFileError (cannot read), WavDecodeError (truncated, not a WAV,
 * bad header), UnsupportedWavFormatError (e.g. ADPCM).
 */
export async function loadAudio(
  source: string | Uint8Array,
  options: LoadAudioOptions = {},
): Promise<Float32Array> {
  const sampleRate = options.sampleRate ?? FEATURE_SAMPLE_RATE;
  checkRate(sampleRate, 'sampleRate');
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) {
    throw new InvalidAudioArgumentError(
      'BAD_OPTION',
      `workers must be a positive integer, got ${options.workers}`,
    );
  }
  const path = typeof source === 'string' ? source : undefined;
  const bytes = source instanceof Uint8Array ? source : await readAudioFile(source);
  const parallel = (frames: number, rate: number) =>
    workers > 1 &&
    rate !== sampleRate &&
    resampledLength(frames, rate, sampleRate) >= PARALLEL_SECONDS * sampleRate &&
    workersAvailable();
  const mono = decodeMono(bytes, sampleRate, path, (frames, rate) =>
    parallel(frames, rate) ? new Float32Array(new SharedArrayBuffer(frames * 4)) : new Float32Array(frames),
  );
  if (mono.sampleRate === sampleRate) return mono.samples;
  if (parallel(mono.samples.length, mono.sampleRate)) {
    return resampleInWorkers(mono.samples, mono.sampleRate, sampleRate, workers);
  }
  return resample(mono.samples, mono.sampleRate, sampleRate);
}
