import { renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { processWords, wer } from '../src/index.js';
import { tokenizeWords } from '../src/wer/tokenize.js';
import { dpWordCounts, dpWordDistance } from './baseline.js';
import { syntheticPairs } from './synthetic.js';

interface BenchResult {
  name: string;
  unit: string;
  ours: number;
  peer: number;
  peerName: string;
  ratio: number;
}

const PAIRS = Number(process.env.BENCH_PAIRS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const { references, hypotheses } = syntheticPairs(PAIRS, 7);

interface Timing {
  wall: number;
  cpu: number;
  value: number;
}

/** Best of `REPEATS` runs (wall-clock and CPU seconds), so a quiet moment on a shared machine counts. */
function time(run: () => number): Timing {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  let value = 0;
  for (let r = 0; r < REPEATS; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    value = run();
    wall = Math.min(wall, Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { wall, cpu, value };
}

function dpCorpusWer(refs: readonly string[], hyps: readonly string[]): number {
  let edits = 0;
  let words = 0;
  for (let k = 0; k < refs.length; k++) {
    const r = tokenizeWords(refs[k]!);
    edits += dpWordDistance(r, tokenizeWords(hyps[k]!));
    words += r.length;
  }
  return edits / words;
}

function dpCorpusCounts(refs: readonly string[], hyps: readonly string[]): number {
  let edits = 0;
  let words = 0;
  for (let k = 0; k < refs.length; k++) {
    const r = tokenizeWords(refs[k]!);
    const [h, s, d, i] = dpWordCounts(r, tokenizeWords(hyps[k]!));
    edits += s + d + i;
    words += h + s + d;
  }
  return edits / words;
}

const results: BenchResult[] = [];
function report(name: string, pairs: number, ours: Timing, peer: Timing, peerName: string) {
  if (ours.value !== peer.value)
    throw new Error(`bench ${name}: WER differs: ours ${ours.value}, ${peerName} ${peer.value}`);
  const o = pairs / ours.wall;
  const p = pairs / peer.wall;
  results.push({ name, unit: 'pairs/s', ours: Math.round(o), peer: Math.round(p), peerName, ratio: o / p });
  console.log(`${name}`);
  console.log(
    `  ours ${o.toFixed(0).padStart(8)} pairs/s (${(pairs / ours.cpu).toFixed(0)} per CPU-second)   ` +
      `${peerName} ${p.toFixed(0).padStart(8)} pairs/s (${(pairs / peer.cpu).toFixed(0)} per CPU-second)   x${(o / p).toFixed(2)}`,
  );
}

console.log(
  `${PAIRS} synthetic pairs of ~30 words (12% word errors), one thread, best of ${REPEATS}; ` +
    `load average at start ${loadavg()[0]!.toFixed(2)} on this machine\n`,
);
report(
  'wer: corpus of 100k pairs, end to end (tokenise + count)',
  PAIRS,
  time(() => wer(references, hypotheses)),
  time(() => dpCorpusWer(references, hypotheses)),
  'plain DP',
);
const alignPairs = Math.min(PAIRS, 20_000);
const refSlice = references.slice(0, alignPairs);
const hypSlice = hypotheses.slice(0, alignPairs);
report(
  'processWords: alignment chunks + counts (20k pairs)',
  alignPairs,
  time(() => processWords(refSlice, hypSlice).wer),
  time(() => dpCorpusCounts(refSlice, hypSlice)),
  'plain DP + backtrace',
);
console.log(`load average at end ${loadavg()[0]!.toFixed(2)}`);

const out = fileURLToPath(new URL('../../bench-results.json', import.meta.url));
const tmp = `${out}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
renameSync(tmp, out);
console.log(`wrote ${out}`);
