// Runs every bench/*.bench.ts module (compiled to dist-bench/) and merges their entries into
// bench-results.json in the package folder: an entry replaces the one with the same name, entries
// of bench files that did not run are kept. `node dist-bench/bench/run.js [filter]` runs only the
// bench files whose name contains the filter.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../src/weights/atomic-file.js';
import type { BenchEntry, BenchFn } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');
const resultsPath = join(packageDir, 'bench-results.json');
const filter = process.argv[2] ?? '';

function readExisting(): BenchEntry[] {
  try {
    const parsed = JSON.parse(readFileSync(resultsPath, 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as BenchEntry[]) : [];
  } catch {
    return [];
  }
}

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
  .sort();
const results = new Map(readExisting().map((e) => [e.name, e]));
for (const f of files) {
  console.log(`== ${f.replace(/\.js$/, '.ts')}`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run: BenchFn };
  const entries = await mod.run({ log: (m) => console.log(`   ${m}`) });
  for (const e of entries) {
    results.set(e.name, e);
    console.log(
      `   ${e.name.padEnd(16)} ours ${fmt(e.ours)} ${e.unit}  ${e.peerName} ${fmt(e.peer)}  ratio ${e.ratio.toFixed(2)}x  (${e.notes ?? ''})`,
    );
  }
}
await writeFileAtomic(resultsPath, async (file) => {
  await file.writeFile(`${JSON.stringify([...results.values()], null, 2)}\n`);
});
console.log(`wrote ${resultsPath}`);

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}
