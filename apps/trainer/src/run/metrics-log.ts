import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';

/** One line of metrics.jsonl: a stage's step with verl's metric names (`actor/pg_loss`, `critic/score/mean`, ...). */
export interface MetricsRecord {
  readonly stage: string;
  readonly step: number;
  readonly [metric: string]: number | string;
}

/** Metric names whose values depend on the machine's speed, not on the computation (excluded from equality). */
export function isTimingMetric(name: string): boolean {
  return name.startsWith('timing_s/') || name.startsWith('timing_per_token_ms/') || name.startsWith('perf/');
}

/** Append-only metrics.jsonl; every line is complete JSON (a line cut by a kill is dropped on read). */
export class MetricsLog {
  constructor(readonly path: string) {
    this.repair();
  }

  /** Cuts a torn last line (a process killed mid-append) so the next append starts a clean line. */
  repair(): void {
    if (!existsSync(this.path)) return;
    const text = readFileSync(this.path, 'utf8');
    if (text === '' || text.endsWith('\n')) return;
    truncateSync(this.path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
  }

  append(record: MetricsRecord): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }

  read(): MetricsRecord[] {
    if (!existsSync(this.path)) return [];
    const out: MetricsRecord[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as MetricsRecord);
      } catch {
        // a torn last line from a killed process: the step it described is redone on resume
      }
    }
    return out;
  }

  /** Keeps only the records `keep` accepts (used on resume to drop steps after the checkpoint). */
  retain(keep: (r: MetricsRecord) => boolean): void {
    const rows = this.read().filter(keep);
    writeFileAtomic(this.path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
}
