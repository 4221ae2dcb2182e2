import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchEntry } from './entry.js';

export interface WriteResultsOptions {
  /**
   * Keep the entries already in the file whose names this run did not produce (a package whose benches run
   * file by file, or only some of them). Default false: the file holds exactly this run's entries.
   */
  merge?: boolean;
}

/**
 * Prints the entries as a ratio table and writes them to `<packageDir>/bench-results.json` atomically
 * (temporary file, fsync, rename). Returns the file's path.
 */
export function writeBenchResults(
  packageDir: string | URL,
  entries: readonly BenchEntry[],
  options: WriteResultsOptions = {},
): string {
  const dir = packageDir instanceof URL ? fileURLToPath(packageDir) : packageDir;
  const path = join(dir, 'bench-results.json');
  const all = options.merge ? mergeEntries(readPrevious(path), entries) : [...entries];
  console.log(`\n${formatResultsTable(entries)}`);
  writeAtomic(path, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`wrote ${path}`);
  return path;
}

/**
 * `previous` with every entry whose name `current` has replaced by the current ones of that name (in the
 * place of the first), and the names new to `current` appended. A name may have several entries (one per
 * peer): they travel together.
 */
export function mergeEntries(previous: readonly BenchEntry[], current: readonly BenchEntry[]): BenchEntry[] {
  const byName = new Map<string, BenchEntry[]>();
  for (const e of current) {
    const group = byName.get(e.name);
    if (group) group.push(e);
    else byName.set(e.name, [e]);
  }
  const out: BenchEntry[] = [];
  const placed = new Set<string>();
  for (const e of previous) {
    const group = byName.get(e.name);
    if (!group) out.push(e);
    else if (!placed.has(e.name)) {
      out.push(...group);
      placed.add(e.name);
    }
  }
  for (const [name, group] of byName) if (!placed.has(name)) out.push(...group);
  return out;
}

/** A fixed-width table: name, ours, peer, peer name, ratio (above 1 = we are faster). */
export function formatResultsTable(entries: readonly BenchEntry[]): string {
  const rows = [
    ['bench', 'ours', 'peer', 'peer name', 'ratio'],
    ...entries.map((e) => [
      e.name,
      `${fmt(e.ours)} ${e.unit}`,
      e.peer === null ? 'n/a' : `${fmt(e.peer)} ${e.unit}`,
      e.peerName,
      e.ratio === null ? 'n/a' : `${e.ratio.toFixed(2)}x`,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) =>
          c === 1 || c === 2 || c === 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4);
}

function readPrevious(path: string): BenchEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (Array.isArray(parsed)) return parsed as BenchEntry[];
  } catch {}
  console.warn(`${path} is not a JSON array of bench entries: it is replaced by this run's entries`);
  return [];
}

// A few lines of its own rather than @soundmind/audio-io's writeFileAtomic: every package's bench depends on
// this kit, so the kit cannot depend on one of them (a dependency cycle).
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
