import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as lib from '../src/index.js';
import { ALR_DIR } from './helpers.js';

/** Every ```ts block of the README runs (against the sources and the shared ALR annotations). */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const indexPath = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'alr-data-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README', () => {
  it('shows every public function and constant', () => {
    const code = blocks.join('\n');
    const missing = Object.keys(lib).filter(
      (name) => !/Error$/.test(name) && !new RegExp(`\\b${name}\\b`).test(code),
    );
    expect(missing).toEqual([]);
  });

  blocks.forEach((block, n) => {
    it(`block ${n + 1} runs`, async () => {
      const source = block
        .replaceAll("'@soundmind/alr-data'", JSON.stringify(indexPath))
        .replaceAll("'test-data/alr'", JSON.stringify(ALR_DIR))
        .replaceAll("'test-data/alr/dev.jsonl'", JSON.stringify(join(ALR_DIR, 'dev.jsonl')))
        .replaceAll('tmpdir()', JSON.stringify(dir))
        .replaceAll('process.stdout.write(', '(() => {})(')
        .replaceAll('console.log(', process.env['README_PRINT'] ? 'console.log(' : '(() => {})(');
      const file = join(dir, `block-${n + 1}.ts`);
      writeFileSync(file, `${source}\nexport {};\n`);
      await import(pathToFileURL(file).href);
    });
  });
});
