import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/**
 * Runs every ```ts block of the README. A line `console.log(a, b); // text` must print `text`, where
 * strings print as themselves, numbers and booleans with String(), anything else as JSON; when the comment
 * is on the following line(s) it is read from there.
 */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rl-core-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const show = (v: unknown) =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);

function instrument(code: string): { source: string; expected: string[] } {
  const lines = code.split('\n');
  const out: string[] = [];
  const expected: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    const m = /^(\s*)console\.log\((.*)\);\s*(?:\/\/ (.*))?$/.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    let want = m[3];
    while (want === undefined && /^\s*\/\/ /.test(lines[k + 1] ?? ''))
      want = (lines[++k] as string).replace(/^\s*\/\/ /, '');
    out.push(`${m[1]}(globalThis as any).__print(${expected.length}, ${m[2]});`);
    expected.push(want ?? '');
  }
  const source = out
    .join('\n')
    .replaceAll("'@soundmind/rl-core'", JSON.stringify(join(root, 'src/index.ts')))
    .replaceAll("'./examples/", `'${join(root, 'examples')}/`);
  return { source, expected };
}

describe('README examples', () => {
  it('show every exported function and class', () => {
    const code = blocks.join('\n');
    const names = Object.entries(api)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .filter((k) => !k.endsWith('Error') || k === 'UnknownModeError');
    expect(names.filter((k) => !new RegExp(`\\b${k}\\b`).test(code))).toEqual([]);
  });

  blocks.forEach((block, n) => {
    it(`block ${n + 1} runs and prints what it says`, async () => {
      const { source, expected } = instrument(block);
      const printed: string[] = [];
      (globalThis as Record<string, unknown>).__print = (i: number, ...values: unknown[]) => {
        printed[i] = values.map(show).join(' ');
      };
      const file = join(dir, `block-${n + 1}.ts`);
      writeFileSync(file, source);
      await import(pathToFileURL(file).href);
      expect(printed, `README block ${n + 1}`).toEqual(expected);
    });
  });
});
