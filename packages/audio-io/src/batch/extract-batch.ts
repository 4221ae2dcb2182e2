import { availableParallelism } from 'node:os';
import { InvalidAudioArgumentError } from '../errors.js';
import { checkLogMelOptions, type LogMelOptions, type LogMelSpectrogram } from '../features/log-mel.js';
import { runInWorkers } from '../workers/pool.js';

export interface BatchProgressInfo {
  /** position of the finished item in `sources` */
  index: number;
  /** its path, or undefined for in-memory bytes or samples */
  path: string | undefined;
}

export interface ExtractBatchOptions extends LogMelOptions {
  /** worker threads; default: the machine's available parallelism, at most one per source */
  workers?: number;
  /** called after each finished item (in completion order) */
  onProgress?: (done: number, total: number, info: BatchProgressInfo) => void;
  /** stops the workers and rejects with the signal's reason */
  signal?: AbortSignal;
}

/** A WAV file (path or its bytes), or 16 kHz mono samples. */
export type FeatureSource = string | Uint8Array | Float32Array;

/**
 * Log-mel features of many clips on worker threads. WAV sources (paths or bytes) are decoded, averaged to mono
 * and resampled to 16 kHz exactly as `loadAudio` does; Float32Array sources are taken as 16 kHz mono samples.
 * Results come back in input order, each equal to `logMelSpectrogram` on the same samples. The first failing
 * item rejects the batch with its typed error (which names the file) and stops the workers.
 */
export async function extractFeaturesBatch(
  sources: readonly FeatureSource[],
  options: ExtractBatchOptions = {},
): Promise<LogMelSpectrogram[]> {
  const { workers, onProgress, signal, ...features } = options;
  if (!Array.isArray(sources)) {
    throw new InvalidAudioArgumentError(
      'BAD_SOURCE',
      'sources must be an array of paths, Uint8Arrays or Float32Arrays',
    );
  }
  sources.forEach((s, i) => {
    if (!(typeof s === 'string' || s instanceof Uint8Array || s instanceof Float32Array)) {
      throw new InvalidAudioArgumentError(
        'BAD_SOURCE',
        `sources[${i}] must be a path, Uint8Array or Float32Array, got ${typeof s}`,
      );
    }
  });
  checkLogMelOptions(features);
  const count = workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidAudioArgumentError('BAD_OPTION', `workers must be a positive integer, got ${workers}`);
  }
  let done = 0;
  const results = await runInWorkers(
    sources.map((source) => ({ kind: 'features', source, features })),
    {
      workers: count,
      signal,
      onResult: (index) => {
        done++;
        const source = sources[index];
        onProgress?.(done, sources.length, { index, path: typeof source === 'string' ? source : undefined });
      },
    },
  );
  return results as LogMelSpectrogram[];
}
