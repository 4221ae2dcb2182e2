import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BenchEntry, higherIsBetter, lowerIsBetter } from '../src/entry.js';
import { formatResultsTable, mergeEntries, writeBenchResults } from '../src/results.js';

const a = lowerIsBetter('a', 'ms', 1, 2, 'p');
const a2 = lowerIsBetter('a', 'ms', 1, 4, 'q');
const b = higherIsBetter('b', 'tok/s', 10, 5, 'p');
const c = higherIsBetter('c', 'tok/s', 3, null, 'none');

describe('mergeEntries', () => {
  it('replaces entries by name in place and appends new names', () => {
    const newA = lowerIsBetter('a', 'ms', 0.5, 2, 'p');
    expect(mergeEntries([a, b], [c, newA])).toEqual([newA, b, c]);
  });

  it('keeps all entries of one name together (one per peer), and drops every old one of that name', () => {
    const newA = lowerIsBetter('a', 'ms', 0.5, 2, 'p');
    expect(mergeEntries([a, b, a2], [newA])).toEqual([newA, b]);
    expect(mergeEntries([b], [a, a2])).toEqual([b, a, a2]);
  });
});

describe('formatResultsTable', () => {
  it('one aligned row per entry, n/a where there is no peer', () => {
    const lines = formatResultsTable([a, b, c]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^bench\s+ours\s+peer\s+peer name\s+ratio$/);
    expect(lines[1]).toMatch(/^a\s+1\.000 ms\s+2\.000 ms\s+p\s+2\.00x$/);
    expect(lines[3]).toMatch(/^c\s+3\.000 tok\/s\s+n\/a\s+none\s+n\/a$/);
  });
});

describe('writeBenchResults', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-kit-'));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  const read = () => JSON.parse(readFileSync(join(dir, 'bench-results.json'), 'utf8')) as BenchEntry[];

  it('writes exactly this run by default, and leaves no temporary file', () => {
    writeBenchResults(dir, [a, b]);
    writeBenchResults(dir, [c]);
    expect(read()).toEqual([c]);
    expect(readdirSync(dir)).toEqual(['bench-results.json']);
  });

  it('merges by name when asked', () => {
    writeBenchResults(dir, [a, a2, b]);
    writeBenchResults(dir, [c], { merge: true });
    expect(read()).toEqual([a, a2, b, c]);
  });

  it('accepts a file URL for the package folder', () => {
    const path = writeBenchResults(new URL(`file://${dir}/`), [b]);
    expect(path).toBe(join(dir, 'bench-results.json'));
    expect(read()).toEqual([b]);
  });

  it('merging over a file that is not a JSON array warns and starts afresh', () => {
    writeFileSync(join(dir, 'bench-results.json'), '{oops');
    writeBenchResults(dir, [b], { merge: true });
    expect(read()).toEqual([b]);
    expect(console.warn).toHaveBeenCalledWith(expect.stringMatching(/not a JSON array/));
  });

  it('error path: when the rename fails the temporary file is removed and the target is untouched', () => {
    // the target is a non-empty folder, so renaming the temporary file over it fails
    const target = join(dir, 'bench-results.json');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    expect(() => writeBenchResults(dir, [a])).toThrow();
    expect(readdirSync(dir)).toEqual(['bench-results.json']);
    expect(readFileSync(join(target, 'keep'), 'utf8')).toBe('x');
  });

  it('error path: a missing folder fails before anything is written', () => {
    expect(() => writeBenchResults(join(dir, 'nope'), [a])).toThrow(/ENOENT/);
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });
});
