// Decode throughput of the embedded thinker (the default policy) against a PyTorch eager loop with a KV
// cache, in the same run: batch 1 (128 new tokens) and batch 16 (64 new tokens each), 40-token prompts,
// greedy, prefill included. Entries `decode-b1`, `decode-b16`.

import { type BenchEntry, higherIsBetter, runPythonPeer, time } from '@soundmind/bench-kit';
import { Rng } from '@soundmind/rl-core';
import { embeddedThinkerConfig } from '../src/model/config.js';
import { OmniThinker } from '../src/model/thinker.js';
import { generateIds } from '../src/sampling/generate.js';
import type { BenchContext } from './harness.js';

const VOCAB = 48;
const PROMPT = 40;

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const config = embeddedThinkerConfig(VOCAB, { audioTokenId: 3, audioStartTokenId: 4, audioEndTokenId: 5 });
  const rng = new Rng(0);
  const thinker = OmniThinker.create(config, { rng, initStd: 0.05 });
  const prompts = (n: number) =>
    Array.from({ length: n }, () => ({
      ids: Int32Array.from({ length: PROMPT }, () => 8 + rng.int(VOCAB - 8)),
    }));
  const ours = (batch: number, newTokens: number) => {
    const p = prompts(batch);
    generateIds(thinker, p, { maxNewTokens: 4, doSample: false });
    const best = time(() => generateIds(thinker, p, { maxNewTokens: newTokens, doSample: false }), {
      warmup: 0,
      runs: 3,
      minMs: 1500,
    }).bestMs;
    return (batch * newTokens) / (best / 1000);
  };
  const b1 = ours(1, 128);
  const b16 = ours(16, 64);
  thinker.dispose();
  ctx.log(`ours: decode-b1 ${b1.toFixed(0)} tok/s, decode-b16 ${b16.toFixed(0)} tok/s`);
  // The peer's best thread count (at this size one thread usually beats two: embedded-demo.md).
  const script = new URL('../../bench/decode_peer.py', import.meta.url);
  const peers = [1, 2].map((t) => ({ t, r: runPythonPeer(script, [String(t)], { threads: t }) }));
  const best = (key: string) => peers.reduce((a, b) => ((b.r[key] ?? 0) > (a.r[key] ?? 0) ? b : a));
  const p1 = best('decode-b1');
  const p16 = best('decode-b16');
  const notes = (t: number) =>
    `embedded thinker d=128 L=4, prompt ${PROMPT}, greedy; ours: native kernels, default threads; torch eager ${t} thread(s) (best of 1 and 2)`;
  return [
    higherIsBetter(
      'decode-b1',
      'tokens/s',
      b1,
      p1.r['decode-b1'] as number,
      'pytorch-eager-kvcache',
      notes(p1.t),
    ),
    higherIsBetter(
      'decode-b16',
      'tokens/s',
      b16,
      p16.r['decode-b16'] as number,
      'pytorch-eager-kvcache',
      notes(p16.t),
    ),
  ];
}
