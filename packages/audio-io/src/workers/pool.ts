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

/**
 * Idle workers wait this long for the next batch before they stop: a worker's start (isolate, modules,
 * WebAssembly, resampler plans, warm code) costs ~0.1 s of CPU, and loadAudio + extractFeaturesBatch on the same
 * file would otherwise pay it twice. Idle workers never keep the process alive.
 */
const IDLE_MS = 5_000;

const idle: Worker[] = [];
const idleTimers = new Map<Worker, NodeJS.Timeout>();

function acquire(file: string): Worker {
  const worker = idle.pop();
  if (worker !== undefined) {
    clearTimeout(idleTimers.get(worker));
    idleTimers.delete(worker);
    worker.ref();
    return worker;
  }
  const fresh = new Worker(file);
  fresh.on('exit', () => {
    // a worker that dies while idle leaves the pool
    const at = idle.indexOf(fresh);
    if (at >= 0) idle.splice(at, 1);
    clearTimeout(idleTimers.get(fresh));
    idleTimers.delete(fresh);
  });
  return fresh;
}

/** The listeners one batch attaches to a worker, removed when the batch ends. */
interface BatchListeners {
  message: (reply: WorkerReply) => void;
  error: (error: Error) => void;
  exit: (code: number) => void;
}

function detach(worker: Worker, listeners: BatchListeners): void {
  worker.off('message', listeners.message);
  worker.off('error', listeners.error);
  worker.off('exit', listeners.exit);
}

/** Back to the idle list, with this batch's listeners removed. */
function release(worker: Worker, listeners: BatchListeners): void {
  detach(worker, listeners);
  worker.unref();
  idle.push(worker);
  const timer = setTimeout(() => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
    idleTimers.delete(worker);
    void worker.terminate();
  }, IDLE_MS);
  timer.unref();
  idleTimers.set(worker, timer);
}

export interface PoolOptions {
  workers: number;
  /** called with each job's result as it finishes (completion order); a throw stops the pool */
  onResult?: (index: number, value: unknown) => void;
  signal?: AbortSignal;
}

/**
 * Runs jobs on `workers` threads, each taking the next job when it finishes one. Resolves with the results in
 * job order; the first failed job rejects with its typed error and stops the workers still running a job.
 * Workers that end the batch idle wait for the next one (IDLE_MS).
 */
export function runInWorkers(jobs: readonly WorkerJob[], options: PoolOptions): Promise<unknown[]> {
  const total = jobs.length;
  if (total === 0) return Promise.resolve([]);
  if (options.signal?.aborted) return Promise.reject(options.signal.reason);
  const file = workerFile();
  const count = Math.max(1, Math.min(total, options.workers));
  return new Promise((resolve, reject) => {
    const results: unknown[] = new Array(total);
    const busy = new Set<Worker>();
    const attached = new Map<Worker, BatchListeners>();
    let next = 0;
    let done = 0;
    let settled = false;
    const onAbort = () => finish(options.signal!.reason);
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const [worker, listeners] of attached) {
        if (busy.has(worker)) {
          // still running a job of this batch: stop it
          detach(worker, listeners);
          void worker.terminate();
        } else release(worker, listeners);
      }
      if (error === undefined) resolve(results);
      else reject(error);
    };
    const feed = (worker: Worker) => {
      if (next >= total) return;
      const [job, transfer] = compact(jobs[next]!);
      const request: WorkerRequest = { index: next, job };
      next++;
      busy.add(worker);
      worker.postMessage(request, transfer);
    };
    options.signal?.addEventListener('abort', onAbort);
    for (let w = 0; w < count; w++) {
      const worker = acquire(file);
      const onMessage = (reply: WorkerReply) => {
        if (settled) return;
        busy.delete(worker);
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
      };
      const onError = (error: Error) => {
        busy.add(worker); // a crashed worker is never reused
        finish(
          error instanceof AudioIoError
            ? error
            : new WorkerFailedError('WORKER_CRASHED', `audio worker failed: ${error.message}`),
        );
      };
      const onExit = (code: number) => {
        busy.add(worker);
        if (!settled)
          finish(new WorkerFailedError('WORKER_CRASHED', `audio worker exited with code ${code}`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      attached.set(worker, { message: onMessage, error: onError, exit: onExit });
      feed(worker);
    }
  });
}
