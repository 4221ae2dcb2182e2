import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as lib from '../src/index.js';

/**
 * Runs every ```ts block of the README. `console.log(x); // v` checks JSON.stringify(x) (or the string
 * itself) against v; a console.log followed by `// ...` lines checks String(x) against those lines.
 */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const indexPath = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'metrics-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function render(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
}

interface Check {
  line: number;
  expected: string;
  raw: boolean;
}

function instrument(code: string): { source: string; checks: Check[] } {
  const lines = code.split('\n');
  const out: string[] = [];
  const checks: Check[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    const m = /^(\s*)console\.log\((.*)\);\s*(?:\/\/ (.*))?$/.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    let expected = m[3];
    let raw = false;
    if (expected === undefined) {
      const following: string[] = [];
      while (k + 1 < lines.length && /^\s*\/\/ ?/.test(lines[k + 1]!))
        following.push(lines[++k]!.replace(/^\s*\/\/ ?/, ''));
      if (following.length === 0) {
        out.push(line);
        continue;
      }
      expected = following.join('\n');
      raw = !(following.length === 1 && /^["[{\d-]|^(true|false|null)$/.test(expected));
    }
    checks.push({ line: k + 1, expected, raw });
    out.push(`${m[1]}(globalThis as any).__check(${checks.length - 1}, ${m[2]});`);
  }
  return { source: out.join('\n').replaceAll("'@soundmind/metrics'", JSON.stringify(indexPath)), checks };
}

describe('README examples', () => {
  it('has examples for every public function', () => {
    const exported = Object.keys(lib).filter(
      (k) => typeof (lib as Record<string, unknown>)[k] === 'function',
    );
    const code = blocks.join('\n');
    const missing = exported.filter((name) => !new RegExp(`\\b${name}\\b`).test(code));
    expect(missing).toEqual([]);
  });

  blocks.forEach((block, n) => {
    it(`block ${n + 1} runs and prints what it says`, async () => {
      const { source, checks } = instrument(block);
      const seen: unknown[] = [];
      (globalThis as Record<string, unknown>).__check = (i: number, value: unknown) => {
        seen[i] = value;
      };
      const file = join(dir, `block-${n + 1}.ts`);
      writeFileSync(file, source);
      await import(pathToFileURL(file).href);
      checks.forEach((c, i) => {
        const got = c.raw ? String(seen[i]) : render(seen[i]);
        expect(got, `README block ${n + 1}, line ${c.line}`).toBe(c.expected);
      });
    });
  });
});
