import { GrpoTrainer, type PromptItem, Rng } from '@soundmind/rl-core';
import { SoftmaxPolicy } from './softmax-policy.js';

/**
 * A toy task trained with nothing but rl-core: the prompt is one token standing for a digit d in [0, K),
 * and the right answer is the digit (d + 1) mod K followed by EOS. Reward: 0.5 for the right digit plus 0.5
 * for stopping right after one token. The policy starts uniform (1 in 2K+1 per token).
 */
export interface ToyRun {
  /** Greedy accuracy over all K prompts before and after training. */
  readonly accuracyBefore: number;
  readonly accuracyAfter: number;
  /** critic/score/mean per step. */
  readonly scores: number[];
}

export async function trainToyTask(
  options: {
    steps?: number;
    digits?: number;
    seed?: number /** control run: every response scores 1 */;
    constantReward?: boolean;
  } = {},
): Promise<ToyRun> {
  const K = options.digits ?? 4;
  const eos = K; // response vocabulary: digits 0..K-1 and EOS; prompt tokens are K+1..2K
  const policy = new SoftmaxPolicy(2 * K + 1, eos, 0.1);
  const promptOf = (d: number) => [K + 1 + d];
  const digitOf = (prompt: readonly number[]) => (prompt[0] as number) - K - 1;
  const trainer = new GrpoTrainer<readonly number[], null>({
    policy,
    reward: (requests) =>
      requests.map(({ item, sequence }) => {
        const want = (digitOf(item.prompt) + 1) % K;
        const ids = sequence.responseIds;
        if (options.constantReward) return 1;
        return 0.5 * Number(ids[0] === want) + 0.5 * Number(ids.length === 2 && ids[1] === eos);
      }),
    options: {
      data: { trainBatchSize: K, maxResponseLength: 4 },
      rollout: { n: 8 },
      actor: { ppoMiniBatchSize: 2, ppoMicroBatchSize: 8, useKlLoss: false },
      algorithm: { advEstimator: 'grpo' },
      seed: options.seed ?? 0,
    },
  });
  const data = new Rng(options.seed ?? 0);
  // every step sees every digit once, in a seeded order
  const source = (count: number): PromptItem<readonly number[], null>[] =>
    data
      .shuffle([...Array(K).keys()])
      .slice(0, count)
      .map((d) => ({ prompt: promptOf(d), meta: null }));
  const accuracy = async () => {
    const prompts = Array.from({ length: K }, (_, d) => promptOf(d));
    const out = await policy.generate(prompts, {
      maxNewTokens: 4,
      temperature: 1,
      topP: 1,
      topK: -1,
      doSample: false,
      stopTokenIds: [eos],
      rng: new Rng(0),
    });
    return out.filter((s, d) => s.responseIds[0] === (d + 1) % K && s.responseIds[1] === eos).length / K;
  };
  const accuracyBefore = await accuracy();
  const scores: number[] = [];
  for (let step = 0; step < (options.steps ?? 60); step++) {
    const result = await trainer.step(source);
    scores.push(result.metrics['critic/score/mean'] as number);
  }
  return { accuracyBefore, accuracyAfter: await accuracy(), scores };
}

// `pnpm --filter @soundmind/rl-core example` runs this file.
if (import.meta.url === `file://${process.argv[1]}`) {
  const run = await trainToyTask();
  console.log(`greedy accuracy ${run.accuracyBefore} -> ${run.accuracyAfter}`);
  console.log(`mean score per step: ${run.scores.map((s) => s.toFixed(2)).join(' ')}`);
}
