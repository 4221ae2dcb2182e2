import { type BenchEntry, higherIsBetter, loadAverage, time, writeBenchResults } from '@soundmind/bench-kit';
import { processWords, wer } from '../src/index.js';
import { tokenizeWords } from '../src/wer/tokenize.js';
import { dpWordCounts, dpWordDistance } from './baseline.js';
import { syntheticPairs } from './synthetic.js';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const { references, hypotheses } = syntheticPairs(PAIRS, 7);

interface Timing {
  wall: number;
  cpu: number;
  value: number;
}

/** Best of `REPEATS` runs (wall-clock and CPU seconds), so a quiet moment on a shared machine counts. */
function timed(run: () => number): Timing {
  let value = 0;
  const t = time(
    () => {
      value = run();
    },
    { warmup: 0, runs: REPEATS },
  );
  return { wall: t.bestMs / 1000, cpu: t.bestCpuMs / 1000, value };
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

const results: BenchEntry[] = [];
function report(name: string, pairs: number, ours: Timing, peer: Timing, peerName: string) {
  if (ours.value !== peer.value)
    throw new Error(`bench ${name}: WER differs: ours ${ours.value}, ${peerName} ${peer.value}`);
  const o = pairs / ours.wall;
  const p = pairs / peer.wall;
  results.push({
    ...higherIsBetter(name, 'pairs/s', o, p, peerName),
    ours: Math.round(o),
    peer: Math.round(p),
  });
  console.log(`${name}`);
  console.log(
    `  ours ${o.toFixed(0).padStart(8)} pairs/s (${(pairs / ours.cpu).toFixed(0)} per CPU-second)   ` +
      `${peerName} ${p.toFixed(0).padStart(8)} pairs/s (${(pairs / peer.cpu).toFixed(0)} per CPU-second)   x${(o / p).toFixed(2)}`,
  );
}

console.log(
  `${PAIRS} synthetic pairs of ~30 words (12% word errors), one thread, best of ${REPEATS}; ` +
    `load average at start ${loadAverage().toFixed(2)} on this machine\n`,
);
report(
  'wer: corpus of 100k pairs, end to end (tokenise + count)',
  PAIRS,
  timed(() => wer(references, hypotheses)),
  timed(() => dpCorpusWer(references, hypotheses)),
  'plain DP',
);
const alignPairs = Math.min(PAIRS, 20_000);
const refSlice = references.slice(0, alignPairs);
const hypSlice = hypotheses.slice(0, alignPairs);
report(
  'processWords: alignment chunks + counts (20k pairs)',
  alignPairs,
  timed(() => processWords(refSlice, hypSlice).wer),
  timed(() => dpCorpusCounts(refSlice, hypSlice)),
  'plain DP + backtrace',
);
console.log(`load average at end ${loadAverage().toFixed(2)}`);

writeBenchResults(new URL('../..', import.meta.url), results);
