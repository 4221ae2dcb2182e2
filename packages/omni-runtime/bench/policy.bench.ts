// The embedded policy (what the 15-minute default trains) against PyTorch eager, in the same run:
// `policy-train`: one GRPO-like step on 16 rows of 40 prompt + 40 response tokens (log-probs with grad,
// backward of d(loss)/d(logProb), AdamW with clipping), tokens/s over all 80 tokens of a row;
// `policy-sample-b128`: 128 prompts of 40 tokens, 40 sampled tokens each (T = 1), new tokens/s.
// Targets from embedded-demo.md (torch 1 thread on a quiet machine): ~7k and ~8k tokens/s.

import { type BenchEntry, higherIsBetter, runPythonPeer, timeAsync } from '@soundmind/bench-kit';
import { type PolicyBatch, Rng } from '@soundmind/rl-core';
import { embeddedConfigForTokenizer } from '../src/model/config.js';
import { OmniThinker } from '../src/model/thinker.js';
import { OmniPolicy, type OmniPrompt } from '../src/policy/omni-policy.js';
import { OmniTokenizer } from '../src/tokenizer/tokenizer.js';
import { buildWordLevelTokenizer } from '../src/tokenizer/word-level.js';
import type { BenchContext } from './harness.js';

const ROWS = 16;
const PROMPT = 40;
const RESPONSE = 40;

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const { tokenizerJson, tokenizerConfig } = buildWordLevelTokenizer(
    Array.from({ length: 39 }, (_, i) => `w${i}`),
  );
  const tokenizer = OmniTokenizer.fromJson(tokenizerJson, tokenizerConfig);
  const config = embeddedConfigForTokenizer(tokenizer);
  const rng = new Rng(0);
  const policy = new OmniPolicy(OmniThinker.create(config, { rng }), tokenizer, { lr: 2e-4 });
  const V = tokenizer.size;
  const ids = (n: number) => Int32Array.from({ length: n }, () => 7 + rng.int(V - 7));

  const prompts = Array.from({ length: ROWS }, () => ({ ids: ids(PROMPT) }));
  const batch: PolicyBatch<OmniPrompt> = {
    prompts,
    promptIds: prompts.map((p) => p.ids),
    responseIds: Array.from({ length: ROWS }, () => ids(RESPONSE)),
    cols: RESPONSE,
    temperature: 1,
  };
  const grad = {
    data: Float32Array.from({ length: ROWS * RESPONSE }, () => rng.normal() / (ROWS * RESPONSE)),
    rows: ROWS,
    cols: RESPONSE,
  };
  const trainStep = async () => {
    await policy.logProbs(batch, { requiresGrad: true });
    await policy.backward(batch, grad);
    await policy.step({ maxGradNorm: 1 });
    policy.zeroGrad();
  };
  const samplePrompts = Array.from({ length: 128 }, () => ({ ids: ids(PROMPT) }));
  const gen = {
    maxNewTokens: RESPONSE,
    temperature: 1,
    topP: 1,
    topK: -1,
    doSample: true,
    stopTokenIds: [-1],
  };
  const sample = async () => {
    await policy.generate(samplePrompts, { ...gen, rng: new Rng(1) });
  };
  const best = async (fn: () => Promise<void>) =>
    (await timeAsync(fn, { warmup: 1, runs: 3, minMs: 1500 })).bestMs / 1000;
  const train = (ROWS * (PROMPT + RESPONSE)) / (await best(trainStep));
  const sampled = (128 * RESPONSE) / (await best(sample));
  policy.dispose();
  ctx.log(`ours: policy-train ${train.toFixed(0)} tok/s, policy-sample-b128 ${sampled.toFixed(0)} tok/s`);
  const script = new URL('../../bench/policy_peer.py', import.meta.url);
  const peers = [1, 2].map((t) => ({ t, r: runPythonPeer(script, [String(t), String(V)], { threads: t }) }));
  const pick = (key: string) => peers.reduce((a, b) => ((b.r[key] ?? 0) > (a.r[key] ?? 0) ? b : a));
  const notes = (t: number) =>
    `embedded decoder d=128 L=4 vocab ${V}; ours: native kernels, default threads; torch eager ${t} thread(s) (best of 1 and 2)`;
  const pt = pick('policy-train');
  const ps = pick('policy-sample-b128');
  return [
    higherIsBetter(
      'policy-train',
      'tokens/s',
      train,
      pt.r['policy-train'] as number,
      'pytorch-eager',
      notes(pt.t),
    ),
    higherIsBetter(
      'policy-sample-b128',
      'tokens/s',
      sampled,
      ps.r['policy-sample-b128'] as number,
      'pytorch-eager',
      notes(ps.t),
    ),
  ];
}
