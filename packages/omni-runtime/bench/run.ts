// Runs every bench/*.bench.ts module (compiled to dist-bench/) and merges their entries into
// bench-results.json in the package folder: an entry replaces the one with the same name, entries
// of bench files that did not run are kept. `node dist-bench/bench/run.js [filter]` runs only the
// bench files whose name contains the filter.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchEntry, writeBenchResults } from '@soundmind/bench-kit';
import type { BenchFn } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');
const filter = process.argv[2] ?? '';

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
  .sort();
const entries: BenchEntry[] = [];
for (const f of files) {
  console.log(`== ${f.replace(/\.js$/, '.ts')}`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run: BenchFn };
  entries.push(...(await mod.run({ log: (m) => console.log(`   ${m}`) })));
}
writeBenchResults(packageDir, entries, { merge: true });
