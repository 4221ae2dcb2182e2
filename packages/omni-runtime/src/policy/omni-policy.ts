import { writeFileAtomic } from '@soundmind/audio-io';
import type {
  GeneratedSequence,
  GenerationOptions,
  LogProbOptions,
  LogProbResult,
  Matrix,
  OptimizerStepOptions,
  OptimizerStepReport,
  Policy,
  PolicyBatch,
  ReferencePolicy,
} from '@soundmind/rl-core';
import { backward } from '../autograd/backward.js';
import { GenerationError } from '../errors.js';
import type { AudioFeatures } from '../model/audio-encoder.js';
import { OmniThinker, type SaveOptions } from '../model/thinker.js';
import { add, mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { AdamW } from '../optim/adamw.js';
import type { OptimizerState } from '../optim/optimizer.js';
import { constantSchedule, type LrSchedule } from '../optim/schedule.js';
import { encodeChat } from '../sampling/chat.js';
import { generateIds, type PromptInput } from '../sampling/generate.js';
import { fromArray } from '../tensor/create.js';
import { tidy } from '../tensor/scope.js';
import type { ChatMessage } from '../tokenizer/chat-template.js';
import type { OmniTokenizer } from '../tokenizer/tokenizer.js';
import { type LogProbGraph, responseLogProbs } from './log-probs.js';

/** A prompt for the policy: a conversation (text and 16 kHz audio parts), or ids already encoded. */
export type OmniPrompt = { readonly messages: readonly ChatMessage[] } | PromptInput;

/** Optimiser settings (verl's actor.optim names in brackets). */
export interface OmniPolicyOptions {
  /** [actor.optim.lr] */
  readonly lr: number;
  /** Decoupled weight decay on every parameter [actor.optim.weight_decay], default 0.01. */
  readonly weightDecay?: number;
  /** [actor.optim.betas], default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  readonly eps?: number;
  /** Multiplier of lr by scheduler step (lrSchedulerStep is called once per training step, as verl). */
  readonly schedule?: LrSchedule;
}

/** Turns prompts into model input, caching the encoding of each prompt object. */
class PromptEncoder {
  private readonly cache = new WeakMap<object, PromptInput>();
  constructor(
    private readonly thinker: OmniThinker,
    private readonly tokenizer: OmniTokenizer,
  ) {}
  encode(p: OmniPrompt): PromptInput {
    if (!('messages' in p)) return p;
    let e = this.cache.get(p);
    if (!e) {
      e = encodeChat(this.thinker, this.tokenizer, p.messages);
      this.cache.set(p, e);
    }
    return e;
  }
  audio(p: OmniPrompt): readonly AudioFeatures[] {
    return this.encode(p).audio ?? [];
  }
}

/** A frozen copy of a policy's weights for the KL terms: only log-probs, never gradients. */
export class OmniReferencePolicy implements ReferencePolicy<OmniPrompt> {
  private readonly encoder: PromptEncoder;
  constructor(
    readonly thinker: OmniThinker,
    tokenizer: OmniTokenizer,
  ) {
    this.encoder = new PromptEncoder(thinker, tokenizer);
  }
  async logProbs(batch: PolicyBatch<OmniPrompt>, options: LogProbOptions = {}): Promise<LogProbResult> {
    const enc = this.encoder;
    return responseLogProbs(this.thinker, batch, (i) => enc.audio(batch.prompts[i] as OmniPrompt), {
      requiresGrad: false,
      withEntropy: options.withEntropy ?? false,
    }).result;
  }
  dispose(): void {
    this.thinker.dispose();
  }
}

/**
 * The Qwen2.5-Omni thinker as an rl-core `Policy`: batched KV-cached sampling, log-probs and entropies of
 * responses (logits / temperature, as verl), back-propagation of d(loss)/d(log-prob) into every weight,
 * and AdamW steps with global grad-norm clipping that skip non-finite steps.
 */
export class OmniPolicy implements Policy<OmniPrompt> {
  readonly supportsEntropy = true;
  readonly optimizer: AdamW;
  private readonly encoder: PromptEncoder;
  private readonly userSchedule: LrSchedule;
  private schedulerSteps = 0;
  private pending: { batch: PolicyBatch<OmniPrompt>; graph: LogProbGraph } | undefined;

  constructor(
    readonly thinker: OmniThinker,
    readonly tokenizer: OmniTokenizer,
    options: OmniPolicyOptions,
  ) {
    this.encoder = new PromptEncoder(thinker, tokenizer);
    this.userSchedule = options.schedule ?? constantSchedule;
    this.optimizer = new AdamW(thinker.namedParameters(), {
      lr: options.lr,
      weightDecay: options.weightDecay ?? 0.01,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      // verl steps its scheduler once per training step, not once per optimizer (mini-batch) step.
      schedule: () => this.userSchedule(this.schedulerSteps),
    });
  }

  /** Loads a checkpoint folder (weights, config, tokenizer) as a trainable policy. */
  static async fromPretrained(dir: string, options: OmniPolicyOptions): Promise<OmniPolicy> {
    const { OmniTokenizer } = await import('../tokenizer/tokenizer.js');
    const [thinker, tokenizer] = await Promise.allSettled([
      OmniThinker.fromPretrained(dir),
      OmniTokenizer.fromDir(dir),
    ]);
    if (thinker.status === 'rejected' || tokenizer.status === 'rejected') {
      if (thinker.status === 'fulfilled') thinker.value.dispose();
      throw thinker.status === 'rejected' ? thinker.reason : (tokenizer as PromiseRejectedResult).reason;
    }
    return new OmniPolicy(thinker.value, tokenizer.value, options);
  }

  /** The encoded input of a prompt (chat template applied, audio expanded). */
  encode(prompt: OmniPrompt): PromptInput {
    return this.encoder.encode(prompt);
  }

  async generate(
    prompts: readonly OmniPrompt[],
    options: GenerationOptions,
  ): Promise<readonly GeneratedSequence[]> {
    const inputs = prompts.map((p) => this.encoder.encode(p));
    const stops = options.stopTokenIds.length > 0 ? options.stopTokenIds : this.tokenizer.eosTokenIds;
    const results = generateIds(this.thinker, inputs, {
      maxNewTokens: options.maxNewTokens,
      temperature: options.temperature,
      topK: options.topK,
      topP: options.topP,
      doSample: options.doSample,
      stopTokenIds: stops,
      rng: options.rng,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return results.map((r) => ({
      promptIds: r.promptIds,
      responseIds: r.tokens,
      logProbs: r.logProbs,
      finishReason: r.finishReason,
      text: this.tokenizer.decode(r.tokens, { skipSpecialTokens: true }),
    }));
  }

  async logProbs(batch: PolicyBatch<OmniPrompt>, options: LogProbOptions = {}): Promise<LogProbResult> {
    this.releasePending();
    const enc = this.encoder;
    const { result, graph } = responseLogProbs(
      this.thinker,
      batch,
      (i) => enc.audio(batch.prompts[i] as OmniPrompt),
      {
        requiresGrad: options.requiresGrad ?? false,
        withEntropy: options.withEntropy ?? false,
      },
    );
    if (graph) this.pending = { batch, graph };
    return result;
  }

  async backward(batch: PolicyBatch<OmniPrompt>, gradLogProb: Matrix, gradEntropy?: Matrix): Promise<void> {
    const pending = this.pending;
    if (!pending || pending.batch !== batch) {
      // An all-empty batch records nothing and has nothing to back-propagate.
      if (batch.responseIds.every((r) => r.length === 0)) return;
      throw new GenerationError(
        'NO_FORWARD',
        'backward() needs a logProbs(batch, { requiresGrad: true }) call on this same batch object first',
      );
    }
    this.pending = undefined;
    const { graph } = pending;
    try {
      const g1 = flatten(gradLogProb, graph, batch, 'gradLogProb');
      tidy(() => {
        if (gradEntropy) {
          if (!graph.entropy)
            throw new GenerationError(
              'NO_ENTROPY',
              'gradEntropy given but logProbs() was called without withEntropy',
            );
          const g2 = flatten(gradEntropy, graph, batch, 'gradEntropy');
          backward(add(sum(mul(graph.logProbs, g1)), sum(mul(graph.entropy, g2))));
        } else {
          backward(graph.logProbs, g1);
        }
      });
    } finally {
      graph.logProbs.dispose();
      graph.entropy?.dispose();
    }
  }

  async step(options: OptimizerStepOptions): Promise<OptimizerStepReport> {
    this.releasePending();
    const r = this.optimizer.step({ maxGradNorm: options.maxGradNorm });
    if (r.skipped) this.optimizer.zeroGrad();
    return { gradNorm: r.gradNorm, skipped: r.skipped, lr: r.lr };
  }

  zeroGrad(): void {
    this.optimizer.zeroGrad();
  }

  lrSchedulerStep(): void {
    this.schedulerSteps++;
  }

  /** A frozen copy of the current weights, for KL against the starting policy. */
  referencePolicy(): OmniReferencePolicy {
    return new OmniReferencePolicy(this.thinker.copy({ frozen: true }), this.tokenizer);
  }

  /** Optimiser and scheduler state, for checkpoints (restore with loadState). */
  state(): { optimizer: OptimizerState; schedulerSteps: number } {
    return { optimizer: this.optimizer.stateDict(), schedulerSteps: this.schedulerSteps };
  }

  loadState(state: { optimizer: OptimizerState; schedulerSteps: number }): void {
    this.optimizer.loadStateDict(state.optimizer);
    this.schedulerSteps = state.schedulerSteps;
  }

  /** Saves weights and config (see OmniThinker.save) and the tokenizer, so `fromPretrained(dir)` loads it. */
  async save(dir: string, options: SaveOptions = {}): Promise<void> {
    await this.thinker.save(dir, options);
    const { join } = await import('node:path');
    await writeFileAtomic(join(dir, 'tokenizer.json'), JSON.stringify(this.tokenizer.tokenizerJson));
    await writeFileAtomic(
      join(dir, 'tokenizer_config.json'),
      `${JSON.stringify(this.tokenizer.tokenizerConfig, null, 2)}\n`,
    );
  }

  dispose(): void {
    this.releasePending();
    this.thinker.dispose();
  }

  private releasePending(): void {
    if (!this.pending) return;
    this.pending.graph.logProbs.dispose();
    this.pending.graph.entropy?.dispose();
    this.pending = undefined;
  }
}

function flatten(m: Matrix, graph: LogProbGraph, batch: PolicyBatch<OmniPrompt>, what: string) {
  if (m.rows !== batch.responseIds.length || m.cols !== batch.cols)
    throw new GenerationError(
      'BAD_GRADIENT',
      `${what} is [${m.rows}, ${m.cols}] but the batch is [${batch.responseIds.length}, ${batch.cols}]`,
    );
  const n = graph.rowOf.length;
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++)
    out[j] = m.data[(graph.rowOf[j] as number) * m.cols + (graph.colOf[j] as number)] as number;
  return fromArray(out, [n]);
}
