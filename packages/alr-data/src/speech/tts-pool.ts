import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SpeechSynthesisError } from '../errors.js';
import type { TtsJob, TtsReply, TtsShard } from './tts-messages.js';

/**
 * Workers run compiled JavaScript: next to this file in the package build, or from dist/ when this file
 * runs from its TypeScript sources (tests through the `source` condition), as in @soundmind/audio-io.
 */
function workerFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../../dist/speech/tts-worker.js', here)
    : new URL('./tts-worker.js', here);
  const file = fileURLToPath(url);
  if (!existsSync(file)) {
    throw new SpeechSynthesisError(
      `compiled speech worker not found at ${file}; build the package first (pnpm --filter @soundmind/alr-data build)`,
    );
  }
  return file;
}

/**
 * The parent's flags minus the `source` export condition: the worker is compiled JavaScript and must
 * import other workspace packages from their builds too, not from TypeScript sources.
 */
function compiledExecArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if ((arg === '--conditions' || arg === '-C') && argv[i + 1] === 'source') i++;
    else if (arg !== '--conditions=source') out.push(arg);
  }
  return out;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** Jobs per shard: one engine start (~0.1 s) per shard is small next to 32 utterances. */
const SHARD_SIZE = 32;

/**
 * Runs speech jobs on `workers` threads and returns each job's sample count. Jobs go out in fixed shards
 * of consecutive jobs, each spoken by a fresh engine, so the output does not depend on the worker count.
 * Stops every worker and rejects on the first failure, naming the file.
 */
export async function runTtsJobs(
  jobs: readonly TtsJob[],
  options: { workers?: number; shardSize?: number; onDone?: (job: TtsJob, samples: number) => void } = {},
): Promise<number[]> {
  const shardSize = options.shardSize ?? SHARD_SIZE;
  const shards: TtsShard[] = [];
  for (let i = 0; i < jobs.length; i += shardSize) shards.push({ jobs: jobs.slice(i, i + shardSize) });
  const requested = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(requested) || requested < 1) {
    throw new SpeechSynthesisError(`workers must be a positive integer, got ${options.workers}`);
  }
  const samples = new Array<number>(jobs.length).fill(0);
  if (jobs.length === 0) return samples;
  const file = workerFile();
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      const feed = (worker: Worker) => {
        if (!failed && next < shards.length) worker.postMessage(shards[next++]);
      };
      for (let w = 0; w < Math.min(requested, shards.length); w++) {
        const worker = new Worker(file, { execArgv: compiledExecArgv(process.execArgv) });
        pool.push(worker);
        worker.on('message', (reply: TtsReply) => {
          if (failed) return;
          if (reply.kind === 'error') {
            const job = jobs[reply.index];
            fail(new SpeechSynthesisError(`speaking ${job?.path ?? 'a shard'} failed: ${reply.message}`));
          } else if (reply.kind === 'job') {
            samples[reply.index] = reply.samples;
            done++;
            options.onDone?.(jobs[reply.index] as TtsJob, reply.samples);
          } else if (done === jobs.length) {
            resolve();
          } else {
            feed(worker);
          }
        });
        worker.on('error', (error) =>
          fail(new SpeechSynthesisError(`speech worker crashed: ${error.message}`, { cause: error })),
        );
        worker.on('exit', (code) => {
          if (done < jobs.length)
            fail(new SpeechSynthesisError(`speech worker exited early with code ${code}`));
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return samples;
}
