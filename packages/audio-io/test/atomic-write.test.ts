import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audio-io-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const text = (path: string) => readFileSync(path, 'utf8');

describe('writeFileAtomic', () => {
  it('writes a string, a buffer or a stream, replacing the old file and leaving no temporary file', async () => {
    const path = join(dir, 'out.txt');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, 'new text');
    expect(text(path)).toBe('new text');
    await writeFileAtomic(path, new Uint8Array([104, 105]));
    expect(text(path)).toBe('hi');
    await writeFileAtomic(path, async (file) => {
      await file.write('a');
      await file.write(new Uint8Array([98, 99]));
    });
    expect(text(path)).toBe('abc');
    await writeFileAtomic(path, 'synced', { syncFolder: true });
    expect(text(path)).toBe('synced');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });

  it('error path: a streaming writer that throws leaves the target untouched and no temporary file', async () => {
    const path = join(dir, 'out.bin');
    writeFileSync(path, 'old contents');
    await expect(
      writeFileAtomic(path, async (file) => {
        await file.write('half of the new');
        throw new Error('tensor 7 failed');
      }),
    ).rejects.toThrow('tensor 7 failed');
    expect(text(path)).toBe('old contents');
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('error path: a failed rename (the target is a non-empty folder) removes the temporary file', async () => {
    const path = join(dir, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'keep'), 'x');
    await expect(writeFileAtomic(path, 'data')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(text(join(path, 'keep'))).toBe('x');
  });

  it('a missing folder is an error unless createFolder is set', async () => {
    const path = join(dir, 'a', 'b', 'out.json');
    await expect(writeFileAtomic(path, '{}')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
    await writeFileAtomic(path, '{}', { createFolder: true });
    expect(text(path)).toBe('{}');
  });

  it('concurrent writes to one path each use their own temporary file; one complete write wins', async () => {
    const path = join(dir, 'race.txt');
    const bodies = Array.from({ length: 8 }, (_, i) => String(i).repeat(10_000));
    await Promise.all(bodies.map((b) => writeFileAtomic(path, b)));
    expect(bodies).toContain(text(path));
    expect(readdirSync(dir)).toEqual(['race.txt']);
  });
});

describe('writeFileAtomicSync', () => {
  it('writes a string or buffer, replacing the old file, with and without syncFolder', () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, 'old');
    writeFileAtomicSync(path, '{"step":1}\n');
    expect(text(path)).toBe('{"step":1}\n');
    writeFileAtomicSync(path, new Uint8Array([49]), { syncFolder: true });
    expect(text(path)).toBe('1');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('error path: a failed rename removes the temporary file and leaves the target untouched', () => {
    const path = join(dir, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'keep'), 'x');
    expect(() => writeFileAtomicSync(path, 'data')).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(text(join(path, 'keep'))).toBe('x');
  });

  it('a missing folder is an error unless createFolder is set', () => {
    const path = join(dir, 'x', 'state.json');
    expect(() => writeFileAtomicSync(path, '{}')).toThrow(/ENOENT/);
    writeFileAtomicSync(path, '{}', { createFolder: true });
    expect(text(path)).toBe('{}');
  });
});
