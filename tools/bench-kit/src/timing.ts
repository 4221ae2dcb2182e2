import { availableParallelism, cpus, loadavg } from 'node:os';

/** How a function is timed: untimed warm-up calls first, then at least `runs` timed calls lasting `minMs` in all. */
export interface TimingOptions {
  /** Untimed calls first (V8 compiles, caches fill), default 1. */
  warmup?: number;
  /** Timed calls at least, default 3. */
  runs?: number;
  /** Keep timing until this many milliseconds have passed since the first timed call, default 0. */
  minMs?: number;
}

/** Wall and CPU time of each timed call and their summaries (ms). */
export interface Timing {
  readonly wallMs: readonly number[];
  /** CPU time of this process (every thread, user + system) during each call. */
  readonly cpuMs: readonly number[];
  readonly bestMs: number;
  readonly medianMs: number;
  readonly bestCpuMs: number;
  readonly medianCpuMs: number;
}

/** Times a synchronous function (see {@link TimingOptions}). */
export function time(fn: () => unknown, options: TimingOptions = {}): Timing {
  for (let i = 0; i < (options.warmup ?? 1); i++) fn();
  const runs = new Runs(options);
  do {
    runs.begin();
    fn();
    runs.end();
  } while (runs.more());
  return runs.summary();
}

/** Times an async function, one call at a time (see {@link TimingOptions}). */
export async function timeAsync(fn: () => Promise<unknown>, options: TimingOptions = {}): Promise<Timing> {
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const runs = new Runs(options);
  do {
    runs.begin();
    await fn();
    runs.end();
  } while (runs.more());
  return runs.summary();
}

/** The wall and CPU clocks of the timed calls, and whether to make another. */
class Runs {
  private readonly wall: number[] = [];
  private readonly cpu: number[] = [];
  private readonly start = performance.now();
  private readonly runs: number;
  private readonly minMs: number;
  private cpu0: NodeJS.CpuUsage = process.cpuUsage();
  private t0 = 0;

  constructor(options: TimingOptions) {
    this.runs = options.runs ?? 3;
    this.minMs = options.minMs ?? 0;
  }

  begin(): void {
    this.cpu0 = process.cpuUsage();
    this.t0 = performance.now();
  }

  end(): void {
    this.wall.push(performance.now() - this.t0);
    this.cpu.push(cpuMsSince(this.cpu0));
  }

  more(): boolean {
    return this.wall.length < this.runs || performance.now() - this.start < this.minMs;
  }

  summary(): Timing {
    return summarizeRuns(this.wall, this.cpu);
  }
}

/** Best (smallest) and median of each series; one wall and one CPU figure per run. */
export function summarizeRuns(wallMs: readonly number[], cpuMs: readonly number[]): Timing {
  if (wallMs.length === 0 || wallMs.length !== cpuMs.length)
    throw new RangeError(
      `summarizeRuns needs one CPU figure per run and at least one run (got ${wallMs.length} wall, ${cpuMs.length} CPU)`,
    );
  return {
    wallMs,
    cpuMs,
    bestMs: Math.min(...wallMs),
    medianMs: median(wallMs),
    bestCpuMs: Math.min(...cpuMs),
    medianCpuMs: median(cpuMs),
  };
}

/** The middle value (the upper of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no values');
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
}

/** CPU milliseconds (user + system, every thread of this process) since `since` from process.cpuUsage(). */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** The one-minute load average: timings on a busy machine read slower than they are. */
export function loadAverage(): number {
  return loadavg()[0] ?? 0;
}

/** One line naming the CPU, its threads, node and the load, to print at the top of a bench run. */
export function describeMachine(): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'} (${availableParallelism()} threads), node ${process.version}, load average ${loadAverage().toFixed(1)}`;
}
