import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AudioIoError, deserializeError, WorkerFailedError } from '../errors.js';
import type { WorkerJob, WorkerReply, WorkerRequest } from './messages.js';

/**
 * Workers run compiled JavaScript. From the package build the worker sits next to this file; when this file
 * runs from its TypeScript sources (tests through the `source` condition) the worker comes from dist/.
 */
function workerPath(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../../dist/workers/worker.js', here)
    : new URL('./worker.js', here);
  return fileURLToPath(url);
}

/** Whether worker threads can start (false when running from sources without a build). */
export function workersAvailable(): boolean {
  return existsSync(workerPath());
}

function workerFile(): string {
  const file = workerPath();
  if (!existsSync(file)) {
    throw new WorkerFailedError(
      'WORKER_MISSING',
      `compiled worker not found at ${file}; build the package first (pnpm --filter @soundmind/audio-io build)`,
    );
  }
  return file;
}

/**
 * Structured clone copies a typed array's whole buffer, so a view into a large buffer (a 300 s chunk of an
 * hour) would ship the hour. Send a compact copy instead, made when the job starts and moved, not cloned.
 * (Shared-memory resample jobs go as they are.)
 */
function compact(job: WorkerJob): [WorkerJob, ArrayBuffer[]] {
  if (job.kind !== 'features' || typeof job.source === 'string') return [job, []];
  const copy =
    job.source instanceof Float32Array
      ? Float32Array.prototype.slice.call(job.source)
      : Uint8Array.prototype.slice.call(job.source);
  return [{ ...job, source: copy }, [copy.buffer as ArrayBuffer]];
}

export interface PoolOptions {
  workers: number;
  /** called with each job's result as it finishes (completion order); a throw stops the pool */
  onResult?: (index: number, value: unknown) => void;
  signal?: AbortSignal;
}

/**
 * Runs jobs on `workers` threads, each taking the next job when it finishes one. Resolves with the results in
 * job order; the first failed job rejects with its typed error and stops every worker.
 */
export function runInWorkers(jobs: readonly WorkerJob[], options: PoolOptions): Promise<unknown[]> {
  const total = jobs.length;
  if (total === 0) return Promise.resolve([]);
  if (options.signal?.aborted) return Promise.reject(options.signal.reason);
  const file = workerFile();
  const count = Math.max(1, Math.min(total, options.workers));
  return new Promise((resolve, reject) => {
    const results: unknown[] = new Array(total);
    const pool: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const onAbort = () => finish(options.signal!.reason);
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const w of pool) void w.terminate();
      if (error === undefined) resolve(results);
      else reject(error);
    };
    const feed = (worker: Worker) => {
      if (next >= total) return;
      const [job, transfer] = compact(jobs[next]!);
      const request: WorkerRequest = { index: next, job };
      next++;
      worker.postMessage(request, transfer);
    };
    options.signal?.addEventListener('abort', onAbort);
    for (let w = 0; w < count; w++) {
      const worker = new Worker(file);
      pool.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (!reply.ok) {
          finish(deserializeError(reply.error));
          return;
        }
        results[reply.index] = reply.value;
        done++;
        try {
          options.onResult?.(reply.index, reply.value);
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
            : new WorkerFailedError('WORKER_CRASHED', `audio worker failed: ${error.message}`),
        );
      });
      worker.on('exit', (code) => {
        if (!settled)
          finish(new WorkerFailedError('WORKER_CRASHED', `audio worker exited with code ${code}`));
      });
      feed(worker);
    }
  });
}
