import type { BenchEntry } from '@soundmind/bench-kit';

/** A bench file exports `run(ctx)`; bench/run.ts merges what it returns into bench-results.json. */
export interface BenchContext {
  log(message: string): void;
}

export type BenchFn = (ctx: BenchContext) => Promise<BenchEntry[]>;
