import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));

it('the README example runs and prints what its comments say', async () => {
  const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
  const block = /```ts example\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const file = join(mkdtempSync(join(tmpdir(), 'audio-io-readme-')), 'example.ts');
  writeFileSync(
    file,
    block!.replace("'@soundmind/audio-io'", JSON.stringify(join(here, '..', 'src', 'index.ts'))),
  );
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => JSON.stringify(a)).join(' '));
  });
  try {
    await import(file);
  } finally {
    log.mockRestore();
  }
  expect(lines[0]).toContain('"encoding":"pcm-s16","sampleRate":44100,"channels":2');
  expect(lines.slice(1, 3)).toEqual(['32000', '128 200 50']);
  expect(lines[3]).toMatch(/^\[\{"start":0\.0\d+,"end":1\.9\d+\}\] 1\.6\d+$/);
});
