import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// The README's model-side quick start must run as written: extract it, point its import at the sources,
// and run it as a module.
it('runs the README quick start', async () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Quick start'));
  const code = section.split('```ts\n')[1]?.split('```')[0];
  expect(code).toBeDefined();
  const file = join(import.meta.dirname, `.readme-example-${process.pid}.ts`);
  const logs: unknown[][] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => logs.push(args);
  try {
    await writeFile(file, (code as string).replaceAll("'@soundmind/omni-runtime'", "'../src/index.js'"));
    await import(/* @vite-ignore */ file);
  } finally {
    console.log = log;
    await rm(file, { force: true });
  }
  expect(logs[0]).toEqual([4]);
  expect(['stop', 'length']).toContain(logs[1]?.[1]);
}, 60_000);
