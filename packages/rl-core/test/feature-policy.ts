import { AdamW } from '../examples/adamw.js';
import {
  entropyFromLogits,
  entropyFromLogitsBackward,
  type LogProbOptions,
  type LogProbResult,
  logProbsFromLogits,
  logProbsFromLogitsBackward,
  type Matrix,
  type OptimizerStepReport,
  type Policy,
  type PolicyBatch,
  zeros,
} from '../src/index.js';

/**
 * The oracle's toy policy (verl_oracle.ToyPolicy): logits[b, t, :] = (X[b, t, :]·W + bias)/T, where the
 * "prompt" of a row is its index into X. Its gradients are exact, so the update loop can be checked against
 * the oracle's torch run weight for weight.
 */
export class FeaturePolicy implements Policy<number> {
  readonly supportsEntropy = true;
  readonly W: Float64Array;
  readonly bias: Float64Array;
  readonly gW: Float64Array;
  readonly gBias: Float64Array;
  readonly optimizer: AdamW;
  calls = { logProbs: 0, backward: 0, step: 0 };

  constructor(
    readonly X: Float64Array,
    readonly L: number,
    readonly D: number,
    readonly V: number,
    W0: ArrayLike<number>,
    b0: ArrayLike<number>,
    lr: number,
  ) {
    this.W = Float64Array.from(W0);
    this.bias = Float64Array.from(b0);
    this.gW = new Float64Array(this.W.length);
    this.gBias = new Float64Array(this.bias.length);
    this.optimizer = new AdamW([this.W, this.bias], [this.gW, this.gBias], lr, 0.01);
  }

  generate(): never {
    throw new Error('FeaturePolicy scores given responses only');
  }

  private logits(row: number, len: number): Matrix {
    const z = zeros(len, this.V);
    for (let t = 0; t < len; t++) {
      for (let v = 0; v < this.V; v++) {
        let s = this.bias[v] as number;
        for (let d = 0; d < this.D; d++)
          s += (this.X[(row * this.L + t) * this.D + d] as number) * (this.W[d * this.V + v] as number);
        z.data[t * this.V + v] = s;
      }
    }
    return z;
  }

  async logProbs(batch: PolicyBatch<number>, o: LogProbOptions = {}): Promise<LogProbResult> {
    this.calls.logProbs++;
    const lp = zeros(batch.prompts.length, batch.cols);
    const ent = o.withEntropy ? zeros(batch.prompts.length, batch.cols) : undefined;
    batch.prompts.forEach((row, i) => {
      const y = batch.responseIds[i] as Int32Array;
      const z = this.logits(row, y.length);
      lp.data.set(logProbsFromLogits(z, y, batch.temperature), i * batch.cols);
      ent?.data.set(entropyFromLogits(z, batch.temperature), i * batch.cols);
    });
    return { logProbs: lp, entropy: ent };
  }

  async backward(batch: PolicyBatch<number>, g: Matrix, gEnt?: Matrix): Promise<void> {
    this.calls.backward++;
    batch.prompts.forEach((row, i) => {
      const y = batch.responseIds[i] as Int32Array;
      const z = this.logits(row, y.length);
      const slice = (m: Matrix) => m.data.subarray(i * batch.cols, i * batch.cols + y.length);
      const dz = logProbsFromLogitsBackward(z, y, slice(g), batch.temperature);
      const dh = gEnt ? entropyFromLogitsBackward(z, slice(gEnt), batch.temperature) : undefined;
      for (let t = 0; t < y.length; t++) {
        for (let v = 0; v < this.V; v++) {
          const d = (dz.data[t * this.V + v] as number) + (dh ? (dh.data[t * this.V + v] as number) : 0);
          this.gBias[v] = (this.gBias[v] as number) + d;
          for (let k = 0; k < this.D; k++) {
            this.gW[k * this.V + v] =
              (this.gW[k * this.V + v] as number) + (this.X[(row * this.L + t) * this.D + k] as number) * d;
          }
        }
      }
    });
  }

  async step(o: { maxGradNorm: number }): Promise<OptimizerStepReport> {
    this.calls.step++;
    return this.optimizer.step(o.maxGradNorm);
  }

  zeroGrad(): void {
    this.optimizer.zeroGrad();
  }
}
