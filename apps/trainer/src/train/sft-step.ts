import type { Policy, PolicyBatch } from '@soundmind/rl-core';

/** One supervised example: the prompt as the policy reads it, its token ids, and the target response ids. */
export interface SftExample<P> {
  readonly prompt: P;
  readonly promptIds: Int32Array;
  readonly targetIds: Int32Array;
}

export interface SftStepResult {
  /** Token-mean negative log-likelihood of the targets (before the update). */
  readonly loss: number;
  readonly tokens: number;
  readonly gradNorm: number;
  readonly skipped: boolean;
  readonly lr: number | undefined;
}

/**
 * One supervised optimizer step through rl-core's Policy interface: the token-mean NLL over the whole
 * batch is -sum(logp) / tokens, so d(loss)/d(logp) is -1/tokens at every target position. Micro-batches
 * accumulate gradients; the policy clips and steps once (a non-finite norm skips the step).
 */
export async function sftStep<P>(
  policy: Policy<P>,
  examples: readonly SftExample<P>[],
  opts: { microBatchSize: number; maxGradNorm: number },
): Promise<SftStepResult> {
  const tokens = examples.reduce((s, e) => s + e.targetIds.length, 0);
  await policy.zeroGrad();
  let nll = 0;
  for (let start = 0; start < examples.length; start += opts.microBatchSize) {
    const micro = examples.slice(start, start + opts.microBatchSize);
    const cols = Math.max(1, ...micro.map((e) => e.targetIds.length));
    const batch: PolicyBatch<P> = {
      prompts: micro.map((e) => e.prompt),
      promptIds: micro.map((e) => e.promptIds),
      responseIds: micro.map((e) => e.targetIds),
      cols,
      temperature: 1,
    };
    const { logProbs } = await policy.logProbs(batch, { requiresGrad: true });
    const grad = new Float32Array(micro.length * cols);
    micro.forEach((e, i) => {
      for (let t = 0; t < e.targetIds.length; t++) {
        nll -= logProbs.data[i * cols + t] as number;
        grad[i * cols + t] = -1 / tokens;
      }
    });
    await policy.backward(batch, { data: grad, rows: micro.length, cols });
  }
  const report = await policy.step({ maxGradNorm: opts.maxGradNorm });
  return { loss: nll / tokens, tokens, gradNorm: report.gradNorm, skipped: report.skipped, lr: report.lr };
}
