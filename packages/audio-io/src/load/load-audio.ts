import { open, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { AudioFileError, InvalidAudioArgumentError, UnsupportedWavFormatError } from '../errors.js';
import { FEATURE_SAMPLE_RATE } from '../features/presets.js';
import {
  checkRate,
  MAX_RATE,
  MIN_RATE,
  resampleChunk,
  resampledLength,
  resampleRange,
  type SampleSource,
} from '../resample/resample.js';
import { decodeMonoRange, parseWav, type WavLayout } from '../wav/decode.js';
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
/** File reads into shared memory go in pieces of this many bytes. */
const READ_PIECE = 1 << 26;

function checkPath(path: string): void {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidAudioArgumentError(
      'BAD_SOURCE',
      'expected a file path or the file contents as a Uint8Array',
    );
  }
}

function fileError(error: unknown, path: string): AudioFileError {
  const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'READ_FAILED';
  return new AudioFileError(code, `cannot read: ${(error as Error).message}`, path);
}

/** Reads a file into memory, turning system errors into AudioFileError with the path. */
export async function readAudioFile(path: string): Promise<Uint8Array> {
  checkPath(path);
  try {
    return await readFile(path);
  } catch (error) {
    throw fileError(error, path);
  }
}

/** readAudioFile into a SharedArrayBuffer, so that worker threads can decode from it without a copy. */
async function readAudioFileShared(path: string): Promise<Uint8Array> {
  checkPath(path);
  try {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      const bytes = new Uint8Array(new SharedArrayBuffer(size));
      let at = 0;
      while (at < size) {
        const { bytesRead } = await file.read(bytes, at, Math.min(READ_PIECE, size - at), at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at === size ? bytes : bytes.subarray(0, at);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw fileError(error, path);
  }
}

/** The header, checked to have a rate the resampler can take if it must. */
function parseForRate(bytes: Uint8Array, sampleRate: number, path: string | undefined): WavLayout {
  const layout = parseWav(bytes, { path });
  const rate = layout.format.sampleRate;
  if (rate !== sampleRate && (rate < MIN_RATE || rate > MAX_RATE)) {
    throw new UnsupportedWavFormatError(
      'UNSUPPORTED_RATE',
      `sample rate ${rate} Hz cannot be resampled (${MIN_RATE} to ${MAX_RATE} Hz)`,
      path,
    );
  }
  return layout;
}

/**
 * The file's mono signal as a resampler input, decoded range by range as the resampler asks for it (the whole
 * signal at the file's rate is never held).
 */
export function wavSource(layout: WavLayout): SampleSource {
  return {
    length: layout.frames,
    read(start: number, into: Float32Array): void {
      const end = start + into.length;
      const lo = Math.min(end, Math.max(start, 0));
      const hi = Math.max(lo, Math.min(end, layout.frames));
      into.fill(0, 0, lo - start);
      decodeMonoRange(layout, lo, hi - lo, into, lo - start);
      into.fill(0, hi - start);
    },
  };
}

/** Outputs [start, end) of the file resampled to `sampleRate` into out[0 .. end - start). */
export function resampleWav(
  layout: WavLayout,
  sampleRate: number,
  start: number,
  end: number,
  out: Float32Array,
): void {
  resampleRange(wavSource(layout), layout.format.sampleRate, sampleRate, start, end, out);
}

/** All of the file, mono, at `sampleRate`, on this thread. */
function decodeLayout(layout: WavLayout, sampleRate: number): Float32Array {
  if (layout.format.sampleRate === sampleRate) {
    const samples = new Float32Array(layout.frames);
    decodeMonoRange(layout, 0, layout.frames, samples);
    return samples;
  }
  const out = new Float32Array(resampledLength(layout.frames, layout.format.sampleRate, sampleRate));
  resampleWav(layout, sampleRate, 0, out.length, out);
  return out;
}

/**
 * WAV bytes -> mono float32 at `sampleRate`, like librosa.load(path, sr=sampleRate): float32 mean over channels,
 * then band-limited resampling to libsoxr's HQ spec; a file already at the rate is returned untouched.
 */
export function decodeToMono(bytes: Uint8Array, sampleRate: number, path?: string): Float32Array {
  checkRate(sampleRate, 'sampleRate');
  return decodeLayout(parseForRate(bytes, sampleRate, path), sampleRate);
}

/**
 * The file resampled on worker threads, each decoding and resampling its own range of outputs (on the
 * resampler's chunk grid, so no block is done twice) from the shared file bytes.
 */
async function resampleInWorkers(layout: WavLayout, sampleRate: number, workers: number) {
  const fromRate = layout.format.sampleRate;
  const n = resampledLength(layout.frames, fromRate, sampleRate);
  let wav = layout.bytes;
  if (!(wav.buffer instanceof SharedArrayBuffer)) {
    wav = new Uint8Array(new SharedArrayBuffer(wav.byteLength));
    wav.set(layout.bytes);
  }
  const output = new Float32Array(new SharedArrayBuffer(n * 4));
  const chunk = resampleChunk(fromRate, sampleRate);
  const per = Math.ceil(n / workers / chunk) * chunk;
  const jobs = [];
  for (let start = 0; start < n; start += per) {
    jobs.push({
      kind: 'resample' as const,
      wav,
      path: layout.path,
      output,
      sampleRate,
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
  const threads = workers > 1 && workersAvailable();
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else bytes = threads ? await readAudioFileShared(source) : await readAudioFile(source);
  const layout = parseForRate(bytes, sampleRate, path);
  const rate = layout.format.sampleRate;
  if (
    threads &&
    rate !== sampleRate &&
    resampledLength(layout.frames, rate, sampleRate) >= PARALLEL_SECONDS * sampleRate
  ) {
    return resampleInWorkers(layout, sampleRate, workers);
  }
  return decodeLayout(layout, sampleRate);
}
