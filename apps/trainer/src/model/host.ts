import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildWordLevelTokenizer,
  deserializeOptimizerState,
  embeddedThinkerConfig,
  type LrSchedule,
  OmniPolicy,
  type OmniPrompt,
  OmniRuntimeError,
  OmniThinker,
  OmniTokenizer,
  serializeOptimizerState,
  warmupConstant,
} from '@soundmind/omni-runtime';
import { Rng } from '@soundmind/rl-core';
import type { TrainerConfig } from '../config/schema.js';
import { CheckpointError } from '../errors.js';
import { writeFileAtomic } from '../run/atomic.js';

/** The optimiser settings of one training stage. */
export interface StageOptim {
  readonly lr: number;
  readonly weightDecay: number;
  readonly betas: readonly [number, number];
  readonly warmupSteps: number;
  /** Replaces the warm-up + constant schedule (a multiplier of lr by scheduler step). */
  readonly schedule?: LrSchedule;
}

/** The file a checkpoint keeps the optimiser state in (next to model.safetensors). */
export const OPTIMIZER_FILE = 'optimizer.bin';

/**
 * The model of a run: the thinker and its tokenizer, and how prompts and targets are built for it. One
 * thinker is shared by the stages; each stage wraps it in its own OmniPolicy (own optimiser).
 */
export class ModelHost {
  constructor(
    readonly thinker: OmniThinker,
    readonly tokenizer: OmniTokenizer,
    /** Where the weights came from, for reports. */
    readonly source: string,
  ) {}

  /** The tiny Omni-architecture model of the embedded default, with a word-level tokenizer over `vocabulary`. */
  static createEmbedded(config: TrainerConfig, vocabulary: readonly string[]): ModelHost {
    const { tokenizerJson, tokenizerConfig } = buildWordLevelTokenizer(vocabulary);
    const tokenizer = OmniTokenizer.fromJson(tokenizerJson, tokenizerConfig, '(embedded vocabulary)');
    return ModelHost.create(config, tokenizer);
  }

  /** A new randomly initialised thinker with the config's embedded sizes over any tokenizer's vocabulary. */
  static create(config: TrainerConfig, tokenizer: OmniTokenizer): ModelHost {
    const m = config.actor_rollout_ref.model.embedded;
    const base = embeddedThinkerConfig(tokenizer.size, {
      audioTokenId: tokenizer.specialIds.audio,
      audioStartTokenId: tokenizer.specialIds.audioStart,
      audioEndTokenId: tokenizer.specialIds.audioEnd,
    });
    const thinkerConfig = {
      ...base,
      text: {
        ...base.text,
        hiddenSize: m.hidden_size,
        numHiddenLayers: m.num_hidden_layers,
        numAttentionHeads: m.num_attention_heads,
        numKeyValueHeads: m.num_key_value_heads,
        headDim: m.hidden_size / m.num_attention_heads,
        intermediateSize: m.intermediate_size,
      },
      audio: {
        ...base.audio,
        numMelBins: m.num_mel_bins,
        dModel: m.audio_d_model,
        encoderLayers: m.audio_layers,
        encoderFfnDim: 3 * m.audio_d_model,
        outputDim: m.hidden_size,
      },
    };
    const thinker = OmniThinker.create(thinkerConfig, { rng: new Rng(`embedded-model/${m.seed}`) });
    return new ModelHost(thinker, tokenizer, 'embedded (new)');
  }

  /**
   * Loads a Hugging Face Qwen2.5-Omni checkpoint folder (or one of our checkpoints). A missing folder, a
   * missing tensor or a tensor of the wrong shape stops with a CheckpointError saying what to fix.
   */
  static async load(dir: string): Promise<ModelHost> {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new CheckpointError(
        dir,
        'model folder not found; --model takes a Hugging Face Qwen2.5-Omni checkpoint folder',
      );
    }
    try {
      const [thinker, tokenizer] = await Promise.all([
        OmniThinker.fromPretrained(dir),
        OmniTokenizer.fromDir(dir),
      ]);
      return new ModelHost(thinker, tokenizer, dir);
    } catch (err) {
      if (err instanceof OmniRuntimeError) {
        throw new CheckpointError(
          dir,
          `cannot load this checkpoint: ${err.message}. It must match its config.json (a checkpoint of another model size or architecture cannot be loaded into this one)`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  /** A policy for generation and scoring only (evaluation, KL reference): its optimiser is never stepped. */
  inferencePolicy(): OmniPolicy {
    return this.policy({ lr: 1, weightDecay: 0, betas: [0.9, 0.999], warmupSteps: 0 });
  }

  /** A trainable policy over the shared thinker with its own AdamW. */
  policy(optim: StageOptim): OmniPolicy {
    return new OmniPolicy(this.thinker, this.tokenizer, {
      lr: optim.lr,
      weightDecay: optim.weightDecay,
      betas: [optim.betas[0], optim.betas[1]],
      schedule: optim.schedule ?? warmupConstant(optim.warmupSteps),
    });
  }

  /** A text-input prompt: the question as the user turn of the Omni chat template. */
  textPrompt(question: string): OmniPrompt {
    return { messages: [{ role: 'user', content: question }] };
  }

  /** An audio-input prompt: the spoken question (16 kHz samples) as the user turn. */
  audioPrompt(samples: Float32Array): OmniPrompt {
    return { messages: [{ role: 'user', content: [{ type: 'audio', audio: samples }] }] };
  }

  /** Target ids of a reference response, ending with the end-of-turn token the model stops on. */
  targetIds(response: string): Int32Array {
    const ids = this.tokenizer.encode(response);
    const out = new Int32Array(ids.length + 1);
    out.set(ids);
    out[ids.length] = this.tokenizer.specialIds.imEnd;
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return this.tokenizer.decode(ids, { skipSpecialTokens: true });
  }

  /** Writes weights (safetensors with the checkpoint's tensor names), config, tokenizer and optimiser state. */
  async save(dir: string, policy?: OmniPolicy): Promise<void> {
    if (policy) {
      await policy.save(dir);
      writeFileAtomic(join(dir, OPTIMIZER_FILE), serializeOptimizerState(policy.state().optimizer));
    } else {
      await new OmniPolicy(this.thinker, this.tokenizer, { lr: 1 }).save(dir);
    }
  }

  /** Restores a policy's optimiser state (and scheduler steps) saved by {@link save}. */
  static restoreOptimizer(policy: OmniPolicy, dir: string, schedulerSteps: number): void {
    const path = join(dir, OPTIMIZER_FILE);
    if (!existsSync(path))
      throw new CheckpointError(path, 'missing optimiser state; the checkpoint is incomplete');
    policy.loadState({ optimizer: deserializeOptimizerState(readFileSync(path), path), schedulerSteps });
  }
}
