import { Rng } from '@soundmind/rl-core';
import { backward } from '../src/autograd/backward.js';
import { nativeInfo, setNumThreads } from '../src/kernels/registry.js';
import { neg } from '../src/ops/arithmetic.js';
import { mean } from '../src/ops/reduce.js';
import { gatherLogProbs } from '../src/ops/softmax.js';
import { AdamW } from '../src/optim/adamw.js';
import { tidy } from '../src/tensor/scope.js';
import { type BenchContext, type BenchEntry, bestTimeMs, PythonPeer, throughput } from './harness.js';
import { TinyDecoder } from './tiny-decoder.js';

/** The benchmark decoder: 2-layer Qwen2-style, d=256, 4 heads (2 KV heads), FFN 768, vocab 512. */
export const TRAIN_STEP_CONFIG = {
  vocab: 512,
  dim: 256,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  ffn: 768,
  ropeTheta: 1e6,
  eps: 1e-6,
};
const B = 8;
const T = 128;

/** One training step (forward, backward, AdamW) on [8, 128] tokens, tokens/s, ours vs PyTorch eager. */
export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const entries: BenchEntry[] = [];
  for (const threads of [1, 2]) {
    setNumThreads(threads);
    const rng = new Rng(0);
    const model = new TinyDecoder(TRAIN_STEP_CONFIG, rng);
    const opt = new AdamW(model.namedParameters(), { lr: 1e-3 });
    const ids = new Int32Array(B * T).map(() => rng.int(TRAIN_STEP_CONFIG.vocab));
    const targets = new Int32Array(B * T).map(() => rng.int(TRAIN_STEP_CONFIG.vocab));
    const step = () => {
      tidy(() => {
        const loss = neg(mean(gatherLogProbs(model.forward(ids, B, T), targets)));
        backward(loss);
      });
      opt.step();
      opt.zeroGrad();
    };
    // Interleave rounds of ours and torch's steps so both see the same machine load; keep the best.
    const peer = await PythonPeer.start('torch_peer.py', ['train-step', String(threads)], threads);
    step();
    step();
    let ms = Number.POSITIVE_INFINITY;
    let peerMs = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 5; round++) {
      ms = Math.min(ms, bestTimeMs(step, { warmup: 0, minRuns: 2, minMs: 0 }));
      peerMs = Math.min(peerMs, (await peer.request('run 2'))['ms']!);
    }
    peer.close();
    const ours = (B * T) / (ms / 1000);
    const peerTok = (B * T) / (peerMs / 1000);
    ctx.log(`${threads} thread(s): ours ${ms.toFixed(1)} ms/step, torch ${peerMs.toFixed(1)} ms/step`);
    const suffix = threads === 1 ? '' : `-t${threads}`;
    const notes = `2-layer Qwen2-style d=256 h=4 kv=2 ffn=768 vocab=512, batch ${B} x ${T}, fwd+bwd+AdamW; ${threads} thread(s) both (ours ${nativeInfo()?.isa ?? 'reference'}; torch OMP/OPENBLAS/MKL_NUM_THREADS=${threads}); interleaved rounds, best step of each`;
    entries.push(throughput(`train-step${suffix}`, 'tokens/s', ours, peerTok, 'pytorch', notes));
    model.dispose();
    opt.dispose();
  }
  setNumThreads(1);
  return entries;
}
