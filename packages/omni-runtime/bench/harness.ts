import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** One row of bench-results.json (ratio above 1 = we are faster). */
export interface BenchEntry {
  name: string;
  unit: string;
  ours: number;
  peer: number;
  peerName: string;
  ratio: number;
  /** Thread settings and anything else needed to read the numbers. */
  notes?: string;
}

/** A bench file exports `run(ctx)`; the runner merges what it returns into bench-results.json. */
export interface BenchContext {
  log(message: string): void;
}

export type BenchFn = (ctx: BenchContext) => Promise<BenchEntry[]>;

/** Best (smallest) wall time of fn over at least `minMs` and `minRuns` runs, after `warmup` runs. */
export function bestTimeMs(
  fn: () => void,
  opts: { warmup?: number; minRuns?: number; minMs?: number } = {},
): number {
  for (let i = 0; i < (opts.warmup ?? 2); i++) fn();
  let best = Number.POSITIVE_INFINITY;
  const start = performance.now();
  for (let n = 0; ; n++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
    if (n + 1 >= (opts.minRuns ?? 3) && performance.now() - start > (opts.minMs ?? 1000)) return best;
  }
}

/** Runs a Python peer script of this folder with Debian's python3 and the given thread count; parses its JSON. */
export function runPythonPeer(script: string, args: string[], threads: number): Record<string, number> {
  const path = fileURLToPath(new URL(`../../bench/${script}`, import.meta.url));
  const t = String(threads);
  const out = execFileSync('/usr/bin/python3', [path, ...args], {
    env: { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const last = out.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Record<string, number>;
}

/** A throughput entry: ratio = ours / peer. */
export function throughput(
  name: string,
  unit: string,
  ours: number,
  peer: number,
  peerName: string,
  notes: string,
): BenchEntry {
  return { name, unit, ours, peer, peerName, ratio: ours / peer, notes };
}

/** A long-running Python peer answering one JSON line per request line (see torch_peer.py serve modes). */
export class PythonPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(script: string, args: string[], threads: number): Promise<PythonPeer> {
    const path = fileURLToPath(new URL(`../../bench/${script}`, import.meta.url));
    const t = String(threads);
    const child = spawn('/usr/bin/python3', [path, ...args], {
      env: { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t },
    });
    child.stderr.pipe(process.stderr);
    const peer = new PythonPeer(child);
    const first = await peer.lines.next();
    if (first.done || first.value.trim() !== 'ready')
      throw new Error(`${script} did not start: ${first.value}`);
    return peer;
  }

  async request(line: string): Promise<Record<string, number>> {
    this.child.stdin.write(`${line}\n`);
    const r = await this.lines.next();
    if (r.done) throw new Error('python peer exited');
    return JSON.parse(r.value) as Record<string, number>;
  }

  close(): void {
    this.child.stdin.end();
  }
}
