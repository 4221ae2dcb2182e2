import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// The README's examples must run as written: extract the first ts block after a heading, point its
// import at the sources, run it as a module and return what it logged.
async function runReadmeBlock(heading: string): Promise<unknown[][]> {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const code = section.split('```ts\n')[1]?.split('```')[0];
  expect(code).toBeDefined();
  const file = join(import.meta.dirname, `.readme-example-${process.pid}-${heading.length}.ts`);
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
  return logs;
}

it('runs the README quick start', async () => {
  const logs = await runReadmeBlock('### Quick start');
  expect(logs[0]).toEqual([4]);
  expect(['stop', 'length']).toContain(logs[1]?.[1]);
}, 60_000);

it('runs the README engine example', async () => {
  const logs = await runReadmeBlock('## Engine API');
  expect(logs[0]).toEqual([['norm.weight', 'proj.weight']]);
  const [loss, gradNorm, skipped] = logs[1] as [number, number, boolean];
  expect(loss).toBeGreaterThan(0);
  expect(gradNorm).toBeGreaterThan(0);
  expect(skipped).toBe(false);
}, 60_000);
