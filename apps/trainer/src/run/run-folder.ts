import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveConfig, serializeConfig } from '../config/resolve.js';
import type { TrainerConfig } from '../config/schema.js';
import { CheckpointError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { CheckpointStore } from './checkpoints.js';
import { MetricsLog } from './metrics-log.js';

/** What run-state.json records about one finished stage. */
export interface StageRecord {
  readonly status: 'done';
  /** Steps the stage ran (optimizer steps for SFT, training steps for GRPO). */
  readonly steps: number;
  /** Wall seconds of training (summed over resumed sessions). */
  readonly seconds: number;
  /** Checkpoint folder with the stage's final weights, relative to the run folder. */
  readonly checkpoint?: string;
  readonly description?: string;
}

/** run-state.json: which stages are finished, so `--resume` skips them and continues the first that is not. */
export interface RunState {
  readonly version: 1;
  readonly createdAt: string;
  /** Wall seconds spent by earlier sessions of this run (the budget counts them). */
  readonly elapsedSeconds: number;
  readonly stages: Readonly<Record<string, StageRecord>>;
}

/**
 * A run folder: config.yaml (the resolved config), metrics.jsonl, run-state.json, checkpoints/<stage>/,
 * eval/<stage>.json, summary.json and report.html.
 */
export class RunFolder {
  readonly metrics: MetricsLog;
  private stateCache: RunState | undefined;

  private constructor(
    readonly dir: string,
    readonly config: TrainerConfig,
  ) {
    this.metrics = new MetricsLog(join(dir, 'metrics.jsonl'));
  }

  /** Creates a new run folder (or reuses an empty one); refuses one that already holds a run. */
  static create(dir: string, config: TrainerConfig): RunFolder {
    const abs = resolve(dir);
    if (existsSync(join(abs, 'run-state.json'))) {
      throw new CheckpointError(
        abs,
        'already holds a run: continue it with --resume, or choose another --out folder',
      );
    }
    mkdirSync(abs, { recursive: true });
    writeFileAtomic(join(abs, 'config.yaml'), serializeConfig(config));
    const run = new RunFolder(abs, config);
    run.writeState({ version: 1, createdAt: new Date().toISOString(), elapsedSeconds: 0, stages: {} });
    return run;
  }

  /** Opens an existing run folder with its saved config (for --resume, eval and report). */
  static open(dir: string): RunFolder {
    const abs = resolve(dir);
    const cfgPath = join(abs, 'config.yaml');
    if (!existsSync(abs))
      throw new CheckpointError(abs, 'no such run folder; check the path given to --resume / --out');
    if (!existsSync(cfgPath) || !existsSync(join(abs, 'run-state.json'))) {
      throw new CheckpointError(
        abs,
        'not a run folder (no config.yaml / run-state.json); start a new run with --out',
      );
    }
    const config = resolveConfig({ file: cfgPath });
    return new RunFolder(abs, config);
  }

  get state(): RunState {
    if (!this.stateCache) {
      const p = join(this.dir, 'run-state.json');
      try {
        this.stateCache = JSON.parse(readFileSync(p, 'utf8')) as RunState;
      } catch (err) {
        throw new CheckpointError(p, `unreadable run state (${(err as Error).message})`);
      }
    }
    return this.stateCache;
  }

  writeState(state: RunState): void {
    writeFileAtomic(join(this.dir, 'run-state.json'), `${JSON.stringify(state, null, 2)}\n`);
    this.stateCache = state;
  }

  markStageDone(stage: string, record: Omit<StageRecord, 'status'>): void {
    this.writeState({
      ...this.state,
      stages: { ...this.state.stages, [stage]: { status: 'done', ...record } },
    });
  }

  addElapsed(seconds: number): void {
    this.writeState({ ...this.state, elapsedSeconds: this.state.elapsedSeconds + seconds });
  }

  stage(name: string): StageRecord | undefined {
    return this.state.stages[name];
  }

  checkpoints<S>(stage: string, midWrite?: (step: number) => void): CheckpointStore<S> {
    return new CheckpointStore<S>(
      join(this.dir, 'checkpoints', stage),
      this.config.trainer.max_actor_ckpt_to_keep,
      midWrite,
    );
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  writeJson(relPath: string, value: unknown): void {
    const p = join(this.dir, relPath);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileAtomic(p, `${JSON.stringify(value, null, 2)}\n`);
  }

  readJson<T>(relPath: string): T | undefined {
    const p = join(this.dir, relPath);
    if (!existsSync(p)) return undefined;
    return JSON.parse(readFileSync(p, 'utf8')) as T;
  }
}
