import {
  entropyFromLogits,
  entropyFromLogitsBackward,
  type GeneratedSequence,
  type GenerationOptions,
  type LogProbOptions,
  type LogProbResult,
  logProbsFromLogits,
  logProbsFromLogitsBackward,
  type Matrix,
  type OptimizerStepReport,
  type Policy,
  type PolicyBatch,
  zeros,
} from '@soundmind/rl-core';
import { AdamW } from './adamw.js';

/**
 * The smallest real policy: a bigram softmax. The next-token distribution depends only on the previous token,
 * logits = W[previous token] (a vocab × vocab table). Prompts are token-id arrays. It implements rl-core's
 * Policy with exact gradients, so GrpoTrainer can train it.
 */
export class SoftmaxPolicy implements Policy<readonly number[]> {
  readonly supportsEntropy = true;
  readonly weights: Float64Array;
  private readonly grad: Float64Array;
  private readonly optimizer: AdamW;

  constructor(
    readonly vocab: number,
    readonly eosId: number,
    lr = 0.05,
  ) {
    this.weights = new Float64Array(vocab * vocab);
    this.grad = new Float64Array(vocab * vocab);
    this.optimizer = new AdamW([this.weights], [this.grad], lr, 0);
  }

  /** Logits of every position of row i as a [len, vocab] matrix, with the context token of each position. */
  private rowLogits(prompt: readonly number[], response: Int32Array): { logits: Matrix; context: number[] } {
    const logits = zeros(response.length, this.vocab);
    const context: number[] = [];
    for (let t = 0; t < response.length; t++) {
      const prev = t === 0 ? (prompt[prompt.length - 1] as number) : (response[t - 1] as number);
      context.push(prev);
      logits.data.set(this.weights.subarray(prev * this.vocab, (prev + 1) * this.vocab), t * this.vocab);
    }
    return { logits, context };
  }

  async generate(
    prompts: readonly (readonly number[])[],
    o: GenerationOptions,
  ): Promise<GeneratedSequence[]> {
    const stops = o.stopTokenIds.length ? o.stopTokenIds : [this.eosId];
    return prompts.map((prompt) => {
      const ids: number[] = [];
      const logProbs: number[] = [];
      let prev = prompt[prompt.length - 1] as number;
      while (ids.length < o.maxNewTokens) {
        const row = {
          data: this.weights.slice(prev * this.vocab, (prev + 1) * this.vocab),
          rows: 1,
          cols: this.vocab,
        };
        const probs = Array.from({ length: this.vocab }, (_, y) =>
          Math.exp(logProbsFromLogits(row, [y], o.temperature)[0] as number),
        );
        let y = 0;
        if (o.doSample) {
          let u = o.rng.next();
          while (y < this.vocab - 1 && u >= (probs[y] as number)) u -= probs[y++] as number;
        } else y = probs.indexOf(Math.max(...probs));
        ids.push(y);
        logProbs.push(Math.log(probs[y] as number));
        prev = y;
        if (stops.includes(y)) break;
      }
      const last = ids[ids.length - 1];
      return {
        promptIds: Int32Array.from(prompt),
        responseIds: Int32Array.from(ids),
        logProbs: Float64Array.from(logProbs),
        finishReason: last !== undefined && stops.includes(last) ? 'stop' : 'length',
      };
    });
  }

  async logProbs(
    batch: PolicyBatch<readonly number[]>,
    options: LogProbOptions = {},
  ): Promise<LogProbResult> {
    const logProbs = zeros(batch.prompts.length, batch.cols);
    const entropy = options.withEntropy ? zeros(batch.prompts.length, batch.cols) : undefined;
    batch.responseIds.forEach((response, i) => {
      const { logits } = this.rowLogits(batch.prompts[i] as readonly number[], response);
      logProbs.data.set(logProbsFromLogits(logits, response, batch.temperature), i * batch.cols);
      entropy?.data.set(entropyFromLogits(logits, batch.temperature), i * batch.cols);
    });
    return { logProbs, entropy };
  }

  async backward(
    batch: PolicyBatch<readonly number[]>,
    gradLogProb: Matrix,
    gradEntropy?: Matrix,
  ): Promise<void> {
    batch.responseIds.forEach((response, i) => {
      const { logits, context } = this.rowLogits(batch.prompts[i] as readonly number[], response);
      const row = (m: Matrix) => m.data.subarray(i * batch.cols, i * batch.cols + response.length);
      const dz = logProbsFromLogitsBackward(logits, response, row(gradLogProb), batch.temperature);
      const dh = gradEntropy
        ? entropyFromLogitsBackward(logits, row(gradEntropy), batch.temperature)
        : undefined;
      context.forEach((prev, t) => {
        for (let k = 0; k < this.vocab; k++) {
          const g = (dz.data[t * this.vocab + k] as number) + ((dh?.data[t * this.vocab + k] as number) ?? 0);
          this.grad[prev * this.vocab + k] = (this.grad[prev * this.vocab + k] as number) + g;
        }
      });
    });
  }

  async step(options: { maxGradNorm: number }): Promise<OptimizerStepReport> {
    return this.optimizer.step(options.maxGradNorm);
  }

  zeroGrad(): void {
    this.optimizer.zeroGrad();
  }
}
