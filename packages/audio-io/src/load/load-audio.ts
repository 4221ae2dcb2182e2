import { readFile } from 'node:fs/promises';
import { AudioFileError, InvalidAudioArgumentError, UnsupportedWavFormatError } from '../errors.js';
import { FEATURE_SAMPLE_RATE } from '../features/presets.js';
import { checkRate, MAX_RATE, resample } from '../resample/resample.js';
import { decodeWavMono } from '../wav/decode.js';

export interface LoadAudioOptions {
  /** output rate in Hz; default 16000 (what the features expect) */
  sampleRate?: number;
}

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
 * WAV bytes -> mono float32 at `sampleRate`, like librosa.load(path, sr=sampleRate): float32 mean over channels,
 * then band-limited resampling to libsoxr's HQ spec; a file already at the rate is returned untouched.
 */
export function decodeToMono(bytes: Uint8Array, sampleRate: number, path?: string): Float32Array {
  checkRate(sampleRate, 'sampleRate');
  const mono = decodeWavMono(bytes, { path });
  if (mono.sampleRate > MAX_RATE) {
    throw new UnsupportedWavFormatError(
      'UNSUPPORTED_FORMAT',
      `sample rate ${mono.sampleRate} Hz is above ${MAX_RATE} Hz`,
      path,
    );
  }
  return mono.sampleRate === sampleRate ? mono.samples : resample(mono.samples, mono.sampleRate, sampleRate);
}

/**
 * Loads a WAV file (path, or its contents) as mono float32 samples at `options.sampleRate` (16 kHz by default).
 * Errors name the file: AudioFileError (cannot read), WavDecodeError (truncated, not a WAV, bad header),
 * UnsupportedWavFormatError (e.g. ADPCM).
 */
export async function loadAudio(
  source: string | Uint8Array,
  options: LoadAudioOptions = {},
): Promise<Float32Array> {
  const sampleRate = options.sampleRate ?? FEATURE_SAMPLE_RATE;
  checkRate(sampleRate, 'sampleRate');
  if (source instanceof Uint8Array) return decodeToMono(source, sampleRate);
  return decodeToMono(await readAudioFile(source), sampleRate, source);
}
