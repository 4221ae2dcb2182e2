import {
  type GeneratedSequence,
  type GenerationOptions,
  type LogProbOptions,
  type LogProbResult,
  type Matrix,
  type OptimizerStepReport,
  type Policy,
  type PolicyBatch,
  zeros,
} from '../src/index.js';

/**
 * A policy whose numbers are easy to check by hand: generate returns scripted responses per prompt (in turn),
 * the log-prob of token y is the parameter theta[y] (not normalised: only the chain rule matters here), so
 * d loss/d theta[y] = Σ of gradLogProb over positions holding y. step() records the accumulated gradient and
 * applies plain SGD with learning rate lr (0 keeps old == current).
 */
export class ScriptedPolicy implements Policy<string> {
  readonly supportsEntropy = false;
  readonly theta: Float64Array;
  readonly grad: Float64Array;
  readonly log: {
    generate: string[][];
    logProbs: { rows: number; requiresGrad: boolean }[];
    steps: Float64Array[];
    zeroGrad: number;
  } = {
    generate: [],
    logProbs: [],
    steps: [],
    zeroGrad: 0,
  };
  turn = new Map<string, number>();

  constructor(
    readonly script: Record<string, readonly (readonly number[])[]>,
    vocab: number,
    readonly lr = 0,
    readonly maxNewTokensSeen: number[] = [],
  ) {
    this.theta = new Float64Array(vocab).fill(-1);
    this.grad = new Float64Array(vocab);
  }

  /** A copy with the same parameters and script position (a "checkpoint"). */
  clone(): ScriptedPolicy {
    const c = new ScriptedPolicy(this.script, this.theta.length, this.lr);
    c.theta.set(this.theta);
    c.turn = new Map(this.turn);
    return c;
  }

  async generate(prompts: readonly string[], o: GenerationOptions): Promise<GeneratedSequence[]> {
    this.log.generate.push([...prompts]);
    this.maxNewTokensSeen.push(o.maxNewTokens);
    return prompts.map((p) => {
      const options = this.script[p] ?? [[0]];
      const k = this.turn.get(p) ?? 0;
      this.turn.set(p, k + 1);
      const ids = (options[k % options.length] as readonly number[]).slice(0, o.maxNewTokens);
      return {
        promptIds: Int32Array.from([p.length]),
        responseIds: Int32Array.from(ids),
        logProbs: Float64Array.from(ids, (y) => this.theta[y] as number),
        finishReason: ids.length >= o.maxNewTokens ? 'length' : 'stop',
        text: ids.join(' '),
      };
    });
  }

  async logProbs(batch: PolicyBatch<string>, o: LogProbOptions = {}): Promise<LogProbResult> {
    this.log.logProbs.push({ rows: batch.prompts.length, requiresGrad: o.requiresGrad === true });
    const lp = zeros(batch.prompts.length, batch.cols);
    batch.responseIds.forEach((ids, i) => {
      ids.forEach((y, t) => {
        lp.data[i * batch.cols + t] = this.theta[y] as number;
      });
    });
    return { logProbs: lp };
  }

  async backward(batch: PolicyBatch<string>, g: Matrix): Promise<void> {
    batch.responseIds.forEach((ids, i) => {
      ids.forEach((y, t) => {
        this.grad[y] = (this.grad[y] as number) + (g.data[i * batch.cols + t] as number);
      });
    });
  }

  async step(): Promise<OptimizerStepReport> {
    this.log.steps.push(this.grad.slice());
    let sq = 0;
    for (const v of this.grad) sq += v * v;
    const gradNorm = Math.sqrt(sq);
    if (!Number.isFinite(gradNorm)) {
      this.grad.fill(0);
      return { gradNorm, skipped: true };
    }
    for (let k = 0; k < this.theta.length; k++)
      this.theta[k] = (this.theta[k] as number) - this.lr * (this.grad[k] as number);
    return { gradNorm, skipped: false, lr: this.lr };
  }

  zeroGrad(): void {
    this.log.zeroGrad++;
    this.grad.fill(0);
  }
}
