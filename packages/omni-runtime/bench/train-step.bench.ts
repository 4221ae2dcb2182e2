import { type BenchEntry, higherIsBetter, PythonPeer, time } from '@soundmind/bench-kit';
import { Rng } from '@soundmind/rl-core';
import { backward } from '../src/autograd/backward.js';
import { nativeInfo, setNumThreads } from '../src/kernels/registry.js';
import { neg } from '../src/ops/arithmetic.js';
import { mean } from '../src/ops/reduce.js';
import { gatherLogProbs } from '../src/ops/softmax.js';
import { AdamW } from '../src/optim/adamw.js';
import { tidy } from '../src/tensor/scope.js';
import type { BenchContext } from './harness.js';
import { TinyDecoder, type TinyDecoderConfig } from './tiny-decoder.js';

interface Case {
  name: string;
  config: TinyDecoderConfig;
  batch: number;
  seq: number;
  what: string;
}

const CASES: Case[] = [
  {
    name: 'train-step',
    config: { vocab: 512, dim: 256, layers: 2, heads: 4, kvHeads: 2, ffn: 768, ropeTheta: 1e6, eps: 1e-6 },
    batch: 8,
    seq: 128,
    what: '2-layer Qwen2-style d=256 h=4 kv=2 ffn=768 vocab=512, batch 8 x 128',
  },
  {
    // the embedded default's size (embedded-demo.md: 0.86M parameters, tied embeddings there)
    name: 'train-step-embedded',
    config: { vocab: 64, dim: 128, layers: 4, heads: 4, kvHeads: 4, ffn: 384, ropeTheta: 1e6, eps: 1e-6 },
    batch: 16,
    seq: 80,
    what: '4-layer Qwen2-style d=128 h=4 ffn=384 vocab=64, batch 16 x 80',
  },
];

/** One training step (forward, backward, AdamW) on [8, 128] tokens, tokens/s, ours vs PyTorch eager. */
export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const entries: BenchEntry[] = [];
  for (const c of CASES)
    for (const threads of [1, 2]) {
      const { ours, peer } = await measure(c, threads);
      ctx.log(
        `${c.name}, ${threads} thread(s): ours ${fmtMs(c, ours)} ms/step, torch ${fmtMs(c, peer)} ms/step`,
      );
      const notes = `${c.what}, fwd+bwd+AdamW; ${threads} thread(s) both (ours ${nativeInfo()?.isa ?? 'reference'}; torch OMP/OPENBLAS/MKL_NUM_THREADS=${threads}, set_num_threads(${threads})); interleaved rounds, best step of each`;
      entries.push(
        higherIsBetter(
          `${c.name}${threads === 1 ? '' : `-t${threads}`}`,
          'tokens/s',
          ours,
          peer,
          'pytorch',
          notes,
        ),
      );
    }
  setNumThreads(1);
  return entries;
}

function fmtMs(c: Case, tokensPerSecond: number): string {
  return ((c.batch * c.seq * 1000) / tokensPerSecond).toFixed(1);
}

/** tokens/s of ours and torch, measured in interleaved rounds so both see the same machine load. */
async function measure(c: Case, threads: number): Promise<{ ours: number; peer: number }> {
  setNumThreads(threads);
  const { batch: B, seq: T, config } = c;
  const rng = new Rng(0);
  const model = new TinyDecoder(config, rng);
  const opt = new AdamW(model.namedParameters(), { lr: 1e-3 });
  const ids = new Int32Array(B * T).map(() => rng.int(config.vocab));
  const targets = new Int32Array(B * T).map(() => rng.int(config.vocab));
  const step = () => {
    tidy(() => {
      const loss = neg(mean(gatherLogProbs(model.forward(ids, B, T), targets)));
      backward(loss);
    });
    opt.step();
    opt.zeroGrad();
  };
  const peerConfig = { ...config, kv_heads: config.kvHeads, theta: config.ropeTheta, batch: B, seq: T };
  const peer = await PythonPeer.start(
    new URL('../../bench/torch_peer.py', import.meta.url),
    ['train-step', String(threads), JSON.stringify(peerConfig)],
    { threads },
  );
  step();
  step();
  let ms = Number.POSITIVE_INFINITY;
  let peerMs = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    ms = Math.min(ms, time(step, { warmup: 0, runs: 3 }).bestMs);
    peerMs = Math.min(peerMs, (await peer.request('run 3'))['ms']!);
  }
  peer.close();
  model.dispose();
  opt.dispose();
  return { ours: (B * T * 1000) / ms, peer: (B * T * 1000) / peerMs };
}
