import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AudioIoError, deserializeError, InvalidAudioArgumentError, WorkerFailedError } from '../errors.js';
import { checkLogMelOptions, type LogMelOptions, type LogMelSpectrogram } from '../features/log-mel.js';
import type { FeatureJob, FeatureJobResult } from './messages.js';

export interface BatchProgressInfo {
  /** position of the finished item in `sources` */
  index: number;
  /** its path, or undefined for in-memory bytes */
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

/**
 * Workers run compiled JavaScript. From the package build, the worker sits next to this file; when this file
 * runs from its TypeScript sources (tests through the `source` condition) the worker comes from dist/.
 */
function workerFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../../dist/batch/feature-worker.js', here)
    : new URL('./feature-worker.js', here);
  const file = fileURLToPath(url);
  if (!existsSync(file)) {
    throw new WorkerFailedError(
      'WORKER_MISSING',
      `compiled worker not found at ${file}; build the package first (pnpm --filter @soundmind/audio-io build)`,
    );
  }
  return file;
}

/**
 * Log-mel features of many WAV files (paths or bytes) on worker threads: each file is decoded, averaged to
 * mono, resampled to 16 kHz and turned into features exactly as `loadAudio` + `logMelSpectrogram` would.
 * Results come back in input order. The first failing file rejects the whole batch with its typed error (which
 * names the file) and stops the workers.
 */
export function extractFeaturesBatch(
  sources: readonly (string | Uint8Array)[],
  options: ExtractBatchOptions = {},
): Promise<LogMelSpectrogram[]> {
  const { workers: requested, onProgress, signal, ...features } = options;
  if (!Array.isArray(sources))
    throw new InvalidAudioArgumentError('BAD_SOURCE', 'sources must be an array of paths or Uint8Arrays');
  sources.forEach((s, i) => {
    if (!(typeof s === 'string' || s instanceof Uint8Array)) {
      throw new InvalidAudioArgumentError(
        'BAD_SOURCE',
        `sources[${i}] must be a path or a Uint8Array, got ${typeof s}`,
      );
    }
  });
  checkLogMelOptions(features);
  const total = sources.length;
  if (total === 0) return Promise.resolve([]);
  const count = Math.min(total, requested ?? availableParallelism());
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidAudioArgumentError('BAD_OPTION', `workers must be a positive integer, got ${requested}`);
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  const file = workerFile();

  return new Promise((resolve, reject) => {
    const results: LogMelSpectrogram[] = new Array(total);
    const pool: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const onAbort = () => finish(signal!.reason);
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const w of pool) void w.terminate();
      if (error === undefined) resolve(results);
      else reject(error);
    };
    const feed = (worker: Worker) => {
      if (next >= total) return;
      const index = next++;
      const job: FeatureJob = { index, source: sources[index]!, features };
      worker.postMessage(job);
    };
    signal?.addEventListener('abort', onAbort);
    for (let w = 0; w < count; w++) {
      const worker = new Worker(file);
      pool.push(worker);
      worker.on('message', (reply: FeatureJobResult) => {
        if (settled) return;
        if (!reply.ok) {
          finish(deserializeError(reply.error));
          return;
        }
        const { data, nMels, frames, validFrames } = reply;
        results[reply.index] = { data, nMels, frames, validFrames };
        done++;
        try {
          const source = sources[reply.index];
          onProgress?.(done, total, {
            index: reply.index,
            path: typeof source === 'string' ? source : undefined,
          });
        } catch (error) {
          finish(error);
          return;
        }
        if (done === total) finish();
        else feed(worker);
      });
      worker.on('error', (error) => {
        finish(
          error instanceof AudioIoError
            ? error
            : new WorkerFailedError('WORKER_CRASHED', `feature worker failed: ${error.message}`),
        );
      });
      worker.on('exit', (code) => {
        if (!settled)
          finish(new WorkerFailedError('WORKER_CRASHED', `feature worker exited with code ${code}`));
      });
      feed(worker);
    }
  });
}
