import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { processWords, wer } from '../src/index.js';
import { tokenizeWords } from '../src/wer/tokenize.js';
import { dpWordDistance } from './baseline.js';
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
const { references, hypotheses } = syntheticPairs(PAIRS, 7);

/** Best of `repeats` runs, in pairs per second. */
function rate(pairs: number, repeats: number, run: () => number): { perSecond: number; value: number } {
  let best = Number.POSITIVE_INFINITY;
  let value = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    value = run();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { perSecond: pairs / best, value };
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

const results: BenchResult[] = [];
function report(name: string, ours: number, peer: number, peerName: string) {
  const ratio = ours / peer;
  results.push({ name, unit: 'pairs/s', ours, peer, peerName, ratio });
  console.log(
    `${name.padEnd(44)} ours ${ours.toFixed(0).padStart(9)} pairs/s   ${peerName} ${peer.toFixed(0).padStart(9)} pairs/s   x${ratio.toFixed(2)}`,
  );
}

console.log(`${PAIRS} synthetic pairs, ~30 words, 12% word errors; best of 3 runs, one core\n`);
const ours = rate(PAIRS, 3, () => wer(references, hypotheses));
const dp = rate(PAIRS, 3, () => dpCorpusWer(references, hypotheses));
if (ours.value !== dp.value) throw new Error(`bench: corpus WER differs: ours ${ours.value}, DP ${dp.value}`);
report('wer(corpus) end to end (tokenise + distance)', ours.perSecond, dp.perSecond, 'plain DP');

const tokenizedRefs = references.map(tokenizeWords);
const tokenizedHyps = hypotheses.map(tokenizeWords);
const wordsOnly = rate(PAIRS, 3, () =>
  wer(
    tokenizedRefs.map((w) => w.join(' ')),
    tokenizedHyps.map((w) => w.join(' ')),
  ),
);
void wordsOnly;

const alignPairs = Math.min(PAIRS, 20_000);
const aligned = rate(
  alignPairs,
  3,
  () => processWords(references.slice(0, alignPairs), hypotheses.slice(0, alignPairs)).wer,
);
const dpSlice = rate(alignPairs, 3, () =>
  dpCorpusWer(references.slice(0, alignPairs), hypotheses.slice(0, alignPairs)),
);
report(
  'processWords (alignment + backtrace)',
  aligned.perSecond,
  dpSlice.perSecond,
  'plain DP (distance only)',
);
console.log(`\ncorpus WER ${(ours.value * 100).toFixed(3)}% (ours and DP agree)`);

const out = fileURLToPath(new URL('../../bench-results.json', import.meta.url));
const tmp = `${out}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
renameSync(tmp, out);
console.log(`wrote ${out}`);
