import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { audioTokensForFrames, writeFileAtomic } from '@soundmind/audio-io';
import type { Rng } from '@soundmind/rl-core';
import { noGrad } from '../autograd/mode.js';
import { GenerationError, WeightMismatchError } from '../errors.js';
import { embedding } from '../ops/embedding.js';
import { linear } from '../ops/matmul.js';
import { RopeTable } from '../ops/rope.js';
import { concat, reshape } from '../ops/shape.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { Checkpoint, saveCheckpoint } from '../weights/checkpoint.js';
import { type FloatDtype, isFloatDtype } from '../weights/dtype.js';
import type { TensorToWrite } from '../weights/safetensors.js';
import { AudioEncoder, type AudioFeatures } from './audio-encoder.js';
import { readThinkerConfig, type ThinkerConfig, thinkerConfigToJson } from './config.js';
import { type DecoderContext, Qwen2Decoder } from './decoder.js';
import { type ParamInit, ParamModule, Proj } from './params.js';

// Small files of a checkpoint folder that travel with the weights when a model is saved.
const SIDE_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.json',
  'merges.txt',
  'special_tokens_map.json',
  'added_tokens.json',
  'generation_config.json',
  'preprocessor_config.json',
  'chat_template.json',
];

export interface SaveOptions {
  /** Storage dtype of the thinker's parameters: their source dtype by default (F32 for new models). */
  readonly dtype?: FloatDtype;
  /** Shard size (default 4 GiB, as transformers). */
  readonly maxShardBytes?: number;
  /**
   * Also copy the source checkpoint's tensors this runtime did not load (talker, token2wav, vision,
   * `audio_bos_eos_token`), so that the folder is a complete Qwen2.5-Omni checkpoint again. Default true.
   */
  readonly copyUnloaded?: boolean;
  readonly onProgress?: (done: number, total: number, info?: { file: string }) => void;
}

/**
 * The Qwen2.5-Omni thinker: audio encoder + Qwen2 decoder + LM head, with parameters named as in the
 * checkpoint (`thinker.audio_tower.*`, `thinker.model.*`, `thinker.lm_head.weight`).
 */
export class OmniThinker extends ParamModule {
  readonly audio_tower: AudioEncoder;
  readonly model: Qwen2Decoder;
  readonly lm_head: Proj | null;
  readonly rope: RopeTable;
  /** Prefix of the parameter names in checkpoints: `thinker.` (full Omni) or `` (thinker-only). */
  prefix = 'thinker.';
  private source:
    | { dir: string; rawConfig: Record<string, unknown>; dtypes: Map<string, FloatDtype> }
    | undefined;

  private constructor(
    readonly config: ThinkerConfig,
    init: ParamInit,
  ) {
    super(init);
    this.audio_tower = this.child('audio_tower', new AudioEncoder(init, config.audio));
    this.model = this.child('model', new Qwen2Decoder(init, config.text));
    this.lm_head = config.text.tieWordEmbeddings
      ? null
      : this.child('lm_head', new Proj(init, config.text.hiddenSize, config.text.vocabSize, false));
    this.rope = new RopeTable({
      headDim: config.text.headDim,
      theta: config.text.ropeTheta,
      maxPositions: 256,
    });
  }

  /** A new model with random weights: N(0, initStd) matrices (transformers' initializer_range), unit norms. */
  static create(config: ThinkerConfig, options: { rng: Rng; initStd?: number }): OmniThinker {
    return new OmniThinker(config, { kind: 'normal', rng: options.rng, std: options.initStd ?? 0.02 });
  }

  /**
   * Loads config.json and the safetensors weights of a checkpoint folder (single file or sharded). Every
   * tensor is checked against the config before any is read; a missing tensor or a shape mismatch is a
   * WeightMismatchError naming it, and no partly loaded model is ever returned.
   */
  static async fromPretrained(
    dir: string,
    options: { onProgress?: (done: number, total: number, info?: { tensor: string }) => void } = {},
  ): Promise<OmniThinker> {
    const { config, raw } = await readThinkerConfig(join(dir, 'config.json'));
    let prefix = 'thinker.';
    let ck = await Checkpoint.open(dir, { prefixes: [prefix] });
    if (ck.names().length === 0) {
      await ck.close();
      prefix = '';
      ck = await Checkpoint.open(dir, { prefixes: ['audio_tower.', 'model.', 'lm_head.'] });
    }
    const thinker = new OmniThinker(config, { kind: 'load' });
    try {
      const params = thinker.namedParameters();
      const problems: [string, string][] = [];
      for (const [name, p] of params) {
        const full = prefix + name;
        if (!ck.has(full)) {
          problems.push([full, `tensor '${full}' is missing from the checkpoint in ${dir}`]);
          continue;
        }
        const info = ck.info(full);
        if (info.shape.join(',') !== p.shape.join(','))
          problems.push([
            full,
            `tensor '${full}' in ${info.file} has shape [${info.shape.join(', ')}] but config.json implies [${p.shape.join(', ')}]`,
          ]);
        else if (!isFloatDtype(info.dtype))
          problems.push([full, `tensor '${full}' in ${info.file} has dtype ${info.dtype}, not a float type`]);
      }
      if (problems.length > 0) {
        const [first] = problems as [[string, string]];
        const more =
          problems.length > 1
            ? ` (and ${problems.length - 1} more problem(s): ${problems
                .slice(1, 4)
                .map(([n]) => `'${n}'`)
                .join(', ')})`
            : '';
        throw new WeightMismatchError(
          problems.some(([, m]) => m.includes('missing')) ? 'MISSING_TENSOR' : 'SHAPE_MISMATCH',
          first[0],
          `${first[1]}${more}`,
        );
      }
      const dtypes = new Map<string, FloatDtype>();
      let done = 0;
      for (const [name, p] of params) {
        const full = prefix + name;
        await ck.readInto(full, p.cpuData() as Float32Array);
        dtypes.set(name, ck.info(full).dtype as FloatDtype);
        options.onProgress?.(++done, params.length, { tensor: full });
      }
      thinker.prefix = prefix;
      thinker.source = { dir, rawConfig: raw, dtypes };
      return thinker;
    } catch (err) {
      thinker.dispose();
      throw err;
    } finally {
      await ck.close();
    }
  }

  /** Token ids of the special audio tokens this model splices audio at. */
  get audioTokenId(): number {
    return this.config.audioTokenId;
  }

  /** The LM head's weight: `lm_head.weight`, or the embedding matrix when tied. */
  get headWeight(): Tensor {
    return this.lm_head ? this.lm_head.w : this.model.embed_tokens.w;
  }

  /**
   * Input embeddings [B, T, hidden] of row-major ids [B*T]: token embeddings with the audio encoder's output
   * written, in order, over the `<|AUDIO|>` positions. The number of those positions must equal the audio
   * tokens the clips make (audio-io's audioTokensForFrames of each clip's valid frames). With `audio`
   * undefined nothing is spliced (decoding steps, where a generated `<|AUDIO|>` is an ordinary token, as in
   * transformers).
   * `audioMask` (1 = splice here) limits splicing to some positions, e.g. prompts but not responses.
   */
  embed(ids: Int32Array, batch: number, audio?: readonly AudioFeatures[], audioMask?: Uint8Array): Tensor {
    const n = ids.length;
    if (batch <= 0 || n % batch !== 0)
      throw new GenerationError('BAD_INPUT', `${n} token ids do not split into ${batch} rows`);
    const D = this.config.text.hiddenSize;
    const V = this.config.text.vocabSize;
    for (let i = 0; i < n; i++) {
      const id = ids[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= V)
        throw new GenerationError(
          'BAD_INPUT',
          `token id ${id} at position ${i} is outside the vocabulary [0, ${V})`,
        );
    }
    const tokens = embedding(this.model.embed_tokens.w, ids);
    if (audio === undefined) return reshape(tokens, [batch, n / batch, D]);
    const audioId = this.config.audioTokenId;
    const isAudio = (i: number) => ids[i] === audioId && (audioMask === undefined || audioMask[i] === 1);
    let placeholders = 0;
    for (let i = 0; i < n; i++) if (isAudio(i)) placeholders++;
    if (placeholders === 0 && audio.length === 0) return reshape(tokens, [batch, n / batch, D]);
    // A clip that appears several times (a prompt repeated n times for GRPO) is encoded once; its rows are
    // gathered for every occurrence, and their gradients add up in the gather's backward.
    const unique: AudioFeatures[] = [];
    const firstRow = new Map<AudioFeatures, number>();
    let encoded = 0;
    for (const clip of audio) {
      if (firstRow.has(clip)) continue;
      firstRow.set(clip, encoded);
      unique.push(clip);
      encoded += audioTokensForFrames(clip.validFrames ?? clip.frames);
    }
    const total = audio.reduce((sum, clip) => sum + audioTokensForFrames(clip.validFrames ?? clip.frames), 0);
    if (total !== placeholders)
      throw new GenerationError(
        'AUDIO_COUNT_MISMATCH',
        `the input has ${placeholders} <|AUDIO|> token(s) but the ${audio.length} audio clip(s) encode to ${total}`,
      );
    const audioEmb = this.audio_tower.forward(unique);
    // One gather over [token embeddings; audio embeddings] splices audio in and routes both gradients.
    const rows = new Int32Array(n);
    let clip = 0;
    let within = 0;
    for (let i = 0; i < n; i++) {
      if (!isAudio(i)) {
        rows[i] = i;
        continue;
      }
      let c = audio[clip] as AudioFeatures;
      while (within >= audioTokensForFrames(c.validFrames ?? c.frames)) {
        c = audio[++clip] as AudioFeatures;
        within = 0;
      }
      rows[i] = n + (firstRow.get(c) as number) + within++;
    }
    return reshape(embedding(concat([tokens, audioEmb], 0), rows), [batch, n / batch, D]);
  }

  /** Final-normed hidden states [B, T, hidden] of input embeddings. */
  hidden(embeds: Tensor, ctx: Omit<DecoderContext, 'rope'>): Tensor {
    return this.model.forward(embeds, { ...ctx, rope: this.rope });
  }

  /** Logits [..., vocab] of hidden states [..., hidden]. */
  head(hidden: Tensor): Tensor {
    return linear(hidden, this.headWeight);
  }

  /**
   * Logits of one sequence, row-major [tokens, vocab], for inspection and tests. `audio` holds the features
   * of the clips whose `<|AUDIO|>` runs appear in `inputIds`, in order.
   */
  logits(inputIds: ArrayLike<number>, options: { audio?: readonly AudioFeatures[] } = {}): Float32Array {
    const ids = Int32Array.from(inputIds as ArrayLike<number>);
    if (ids.length === 0) throw new GenerationError('BAD_INPUT', 'logits() needs at least one token id');
    return noGrad(() =>
      tidy(() => {
        const positions = new Int32Array(ids.length).map((_, i) => i);
        const h = this.hidden(this.embed(ids, 1, options.audio ?? []), { positions });
        return this.head(h).toArray() as Float32Array;
      }),
    );
  }

  /** A copy with the same weights (e.g. the frozen reference policy for KL), gradients off if `frozen`. */
  copy(options: { frozen?: boolean } = {}): OmniThinker {
    const out = new OmniThinker(this.config, { kind: 'load' });
    const mine = new Map(this.namedParameters());
    for (const [name, p] of out.namedParameters())
      (p.cpuData() as Float32Array).set(mine.get(name)!.cpuData());
    out.prefix = this.prefix;
    out.source = this.source;
    if (options.frozen) out.setRequiresGrad(false);
    return out;
  }

  /**
   * Saves config.json and the weights under the checkpoint's own names (safetensors, sharded above
   * `maxShardBytes`), plus the source folder's tokenizer and processor files, so the folder loads again
   * here and in transformers. Every file is written atomically.
   */
  async save(dir: string, options: SaveOptions = {}): Promise<void> {
    await mkdir(dir, { recursive: true });
    const tensors: [string, TensorToWrite][] = [];
    const own = new Set<string>();
    for (const [name, p] of this.namedParameters()) {
      const full = this.prefix + name;
      own.add(full);
      const dtype = options.dtype ?? this.source?.dtypes.get(name) ?? 'F32';
      tensors.push([full, { dtype, shape: p.shape, data: p.cpuData() as Float32Array }]);
    }
    let sourceCk: Checkpoint | undefined;
    try {
      if (this.source && (options.copyUnloaded ?? true)) {
        sourceCk = await Checkpoint.open(this.source.dir);
        for (const name of sourceCk.names()) {
          if (own.has(name)) continue;
          const info = sourceCk.info(name);
          if (!isFloatDtype(info.dtype)) continue;
          const ck = sourceCk;
          tensors.push([name, { dtype: info.dtype, shape: info.shape, data: () => ck.read(name) }]);
        }
      }
      await saveCheckpoint(dir, tensors, {
        ...(options.maxShardBytes !== undefined ? { maxShardBytes: options.maxShardBytes } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    } finally {
      await sourceCk?.close();
    }
    const config = this.source?.rawConfig ?? thinkerConfigToJson(this.config);
    await writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    if (this.source && this.source.dir !== dir)
      for (const f of SIDE_FILES) {
        const data = await readFile(join(this.source.dir, f)).catch(() => undefined);
        if (data) await writeFileAtomic(join(dir, f), data);
      }
  }

  override dispose(): void {
    super.dispose();
    this.rope.dispose();
  }
}
