import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../errors.js';
import { fsyncDir, tmpSibling, writeFileAtomic } from './atomic.js';

/** verl's pointer file name: the step of the newest complete checkpoint in a folder. */
export const LATEST_FILE = 'latest_checkpointed_iteration.txt';
/** Written last inside a checkpoint: its state plus the size and SHA-256 of every other file. */
export const MANIFEST_FILE = 'manifest.json';

interface Manifest<S> {
  readonly version: 1;
  readonly step: number;
  readonly state: S;
  readonly files: Record<string, { bytes: number; sha256: string }>;
}

/** A complete, verified checkpoint. */
export interface CheckpointRef<S> {
  readonly dir: string;
  readonly step: number;
  readonly state: S;
}

/**
 * Checkpoints of one training stage in verl's layout (`global_step_N/` plus
 * `latest_checkpointed_iteration.txt`). A checkpoint is written into a temporary sibling folder, every file
 * fsynced, the manifest written last, then the folder renamed into place and the pointer updated
 * atomically: a process killed at any moment leaves either the new checkpoint or the previous one, never a
 * half-written one that looks complete.
 */
export class CheckpointStore<S> {
  constructor(
    readonly dir: string,
    private readonly keep: number,
    /** Test-only fault injection: called between writing the files and the manifest. */
    private readonly midWrite?: (step: number) => void,
  ) {}

  /** Writes checkpoint `step`: `writeFiles(tmpDir)` fills the folder, then state goes in the manifest. */
  async save(
    step: number,
    state: S,
    writeFiles: (tmpDir: string) => Promise<void> | void,
  ): Promise<CheckpointRef<S>> {
    mkdirSync(this.dir, { recursive: true });
    const final = join(this.dir, stepDirName(step));
    const tmp = tmpSibling(final);
    mkdirSync(tmp);
    try {
      await writeFiles(tmp);
      const files: Manifest<S>['files'] = {};
      for (const name of readdirSync(tmp).sort()) {
        const path = join(tmp, name);
        const data = readFileSync(path);
        fsyncFile(path);
        files[name] = { bytes: data.length, sha256: sha256(data) };
      }
      this.midWrite?.(step);
      const manifest: Manifest<S> = { version: 1, step, state, files };
      writeFileAtomic(join(tmp, MANIFEST_FILE), `${JSON.stringify(manifest)}\n`);
      rmSync(final, { recursive: true, force: true });
      renameSync(tmp, final);
      fsyncDir(this.dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    writeFileAtomic(join(this.dir, LATEST_FILE), `${step}\n`);
    this.prune(step);
    return { dir: final, step, state };
  }

  /**
   * The newest complete checkpoint, or undefined when there is none. The pointer is tried first; a
   * pointer to a missing or damaged checkpoint falls back to the newest checkpoint that verifies.
   * Leftover temporary folders from a killed write are removed.
   */
  latest(): CheckpointRef<S> | undefined {
    if (!existsSync(this.dir)) return undefined;
    for (const name of readdirSync(this.dir)) {
      if (name.includes('.tmp-')) rmSync(join(this.dir, name), { recursive: true, force: true });
    }
    const steps = this.steps().sort((a, b) => b - a);
    const pointer = readPointer(join(this.dir, LATEST_FILE));
    const order =
      pointer !== undefined && steps.includes(pointer)
        ? [pointer, ...steps.filter((s) => s !== pointer)]
        : steps;
    for (const step of order) {
      const ref = this.tryLoad(step);
      if (ref) return ref;
    }
    return undefined;
  }

  /** Loads and verifies checkpoint `step`; throws CheckpointError saying what is wrong. */
  load(step: number): CheckpointRef<S> {
    const dir = join(this.dir, stepDirName(step));
    const manifestPath = join(dir, MANIFEST_FILE);
    if (!existsSync(manifestPath))
      throw new CheckpointError(dir, `no ${MANIFEST_FILE}: the checkpoint was never completed`);
    let manifest: Manifest<S>;
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest<S>;
    } catch (err) {
      throw new CheckpointError(manifestPath, `unreadable manifest (${(err as Error).message})`);
    }
    if (manifest.version !== 1 || manifest.step !== step) {
      throw new CheckpointError(
        manifestPath,
        `manifest is for step ${manifest.step}, version ${manifest.version}`,
      );
    }
    for (const [name, want] of Object.entries(manifest.files)) {
      const path = join(dir, name);
      if (!existsSync(path)) throw new CheckpointError(path, 'missing; the checkpoint is incomplete');
      const data = readFileSync(path);
      if (data.length !== want.bytes || sha256(data) !== want.sha256) {
        throw new CheckpointError(
          path,
          `damaged: ${data.length} bytes (expected ${want.bytes}) or checksum mismatch`,
        );
      }
    }
    return { dir, step, state: manifest.state };
  }

  private tryLoad(step: number): CheckpointRef<S> | undefined {
    try {
      return this.load(step);
    } catch {
      return undefined;
    }
  }

  private steps(): number[] {
    return readdirSync(this.dir)
      .map((n) => /^global_step_(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null && statSync(join(this.dir, m[0])).isDirectory())
      .map((m) => Number(m[1]));
  }

  private prune(newest: number): void {
    const old = this.steps()
      .filter((s) => s !== newest)
      .sort((a, b) => b - a)
      .slice(this.keep - 1);
    for (const s of old) rmSync(join(this.dir, stepDirName(s)), { recursive: true, force: true });
  }
}

export function stepDirName(step: number): string {
  return `global_step_${step}`;
}

function readPointer(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) && n >= 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
