import { readFile } from 'node:fs/promises';
import { ModelConfigError } from '../errors.js';

/** The thinker's Qwen2 decoder (`thinker_config.text_config`). */
export interface TextConfig {
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly rmsNormEps: number;
  readonly ropeTheta: number;
  readonly maxPositionEmbeddings: number;
  /** lm_head shares the embedding matrix (then the checkpoint has no `lm_head.weight`). */
  readonly tieWordEmbeddings: boolean;
}

/** The Whisper-style audio encoder (`thinker_config.audio_config`). */
export interface AudioConfig {
  readonly numMelBins: number;
  readonly dModel: number;
  readonly encoderLayers: number;
  readonly encoderAttentionHeads: number;
  readonly encoderFfnDim: number;
  /** Half the encoder block length in mel frames: blocks are `2 * nWindow` frames (2 s for 100). */
  readonly nWindow: number;
  readonly maxSourcePositions: number;
  readonly outputDim: number;
}

/** What the thinker needs to run: both sub-configs and the special token ids. */
export interface ThinkerConfig {
  readonly text: TextConfig;
  readonly audio: AudioConfig;
  readonly audioTokenId: number;
  readonly audioStartTokenId: number;
  readonly audioEndTokenId: number;
}

/** Token ids of Qwen2.5-Omni (omni-model.md §1). */
export const OMNI_TOKEN_IDS = {
  endOfText: 151643,
  imStart: 151644,
  imEnd: 151645,
  audio: 151646,
  audioStart: 151647,
  audioEnd: 151648,
} as const;

type Json = Record<string, unknown>;

/**
 * Reads a checkpoint's config.json: a full Qwen2.5-Omni config (`thinker_config.text_config` /
 * `thinker_config.audio_config`, as transformers writes them) or a thinker-only one (`text_config` /
 * `audio_config` at the top). Missing optional keys take transformers' defaults; a missing required key or
 * a value of the wrong type is an error naming the field.
 */
export async function readThinkerConfig(path: string): Promise<{ config: ThinkerConfig; raw: Json }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ModelConfigError(`cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelConfigError(`${path} is not valid JSON: ${(err as Error).message}`, { file: path });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ModelConfigError(`${path} is not a JSON object`, { file: path });
  return { config: parseThinkerConfig(raw as Json, path), raw: raw as Json };
}

/** Parses an already-loaded config.json object (see readThinkerConfig). `file` names it in errors. */
export function parseThinkerConfig(raw: Json, file = 'config.json'): ThinkerConfig {
  const thinker = (isObject(raw.thinker_config) ? raw.thinker_config : raw) as Json;
  const base = raw.thinker_config ? 'thinker_config.' : '';
  const textRaw = thinker.text_config;
  const audioRaw = thinker.audio_config;
  if (!isObject(textRaw))
    throw new ModelConfigError(`${file}: ${base}text_config is missing or not an object`, {
      file,
      field: `${base}text_config`,
    });
  if (!isObject(audioRaw))
    throw new ModelConfigError(`${file}: ${base}audio_config is missing or not an object`, {
      file,
      field: `${base}audio_config`,
    });
  const t = reader(textRaw, file, `${base}text_config`);
  const a = reader(audioRaw, file, `${base}audio_config`);
  const top = reader(thinker, file, base.replace(/\.$/, ''));
  const hiddenSize = t.int('hidden_size');
  const numAttentionHeads = t.int('num_attention_heads');
  const numKeyValueHeads = t.int('num_key_value_heads', numAttentionHeads);
  const headDim = t.int('head_dim', Math.floor(hiddenSize / numAttentionHeads));
  if (numAttentionHeads % numKeyValueHeads !== 0)
    throw new ModelConfigError(
      `${file}: ${base}text_config.num_attention_heads (${numAttentionHeads}) is not a multiple of num_key_value_heads (${numKeyValueHeads})`,
      { file, field: `${base}text_config.num_key_value_heads` },
    );
  if (headDim % 2 !== 0)
    throw new ModelConfigError(
      `${file}: ${base}text_config.head_dim ${headDim} must be even for rotary embeddings`,
      {
        file,
        field: `${base}text_config.head_dim`,
      },
    );
  const tie = t.bool('tie_word_embeddings', top.bool('tie_word_embeddings', false));
  const textConfig: TextConfig = {
    hiddenSize,
    intermediateSize: t.int('intermediate_size'),
    numHiddenLayers: t.int('num_hidden_layers'),
    numAttentionHeads,
    numKeyValueHeads,
    headDim,
    vocabSize: t.int('vocab_size'),
    rmsNormEps: t.num('rms_norm_eps', 1e-6),
    ropeTheta: t.num('rope_theta', 1_000_000),
    maxPositionEmbeddings: t.int('max_position_embeddings', 32768),
    tieWordEmbeddings: tie,
  };
  const dModel = a.int('d_model');
  const heads = a.int('encoder_attention_heads');
  if (dModel % heads !== 0)
    throw new ModelConfigError(
      `${file}: ${base}audio_config.encoder_attention_heads (${heads}) does not divide d_model (${dModel})`,
      { file, field: `${base}audio_config.encoder_attention_heads` },
    );
  const act = a.str('activation_function', 'gelu');
  if (act !== 'gelu')
    throw new ModelConfigError(
      `${file}: ${base}audio_config.activation_function '${act}' is not supported (gelu)`,
      {
        file,
        field: `${base}audio_config.activation_function`,
      },
    );
  const audioConfig: AudioConfig = {
    numMelBins: a.int('num_mel_bins', 128),
    dModel,
    encoderLayers: a.int('encoder_layers'),
    encoderAttentionHeads: heads,
    encoderFfnDim: a.int('encoder_ffn_dim'),
    nWindow: a.int('n_window', 100),
    maxSourcePositions: a.int('max_source_positions', 1500),
    outputDim: a.int('output_dim', hiddenSize),
  };
  if (audioConfig.outputDim !== hiddenSize)
    throw new ModelConfigError(
      `${file}: ${base}audio_config.output_dim (${audioConfig.outputDim}) must equal text_config.hidden_size (${hiddenSize})`,
      { file, field: `${base}audio_config.output_dim` },
    );
  return {
    text: textConfig,
    audio: audioConfig,
    // transformers wrote `audio_token_index`; newer versions write `audio_token_id`.
    audioTokenId: top.int('audio_token_index', top.int('audio_token_id', OMNI_TOKEN_IDS.audio)),
    audioStartTokenId: top.int('audio_start_token_id', OMNI_TOKEN_IDS.audioStart),
    audioEndTokenId: top.int('audio_end_token_id', OMNI_TOKEN_IDS.audioEnd),
  };
}

/** A config.json object in transformers' Qwen2.5-Omni layout, for saving a model this runtime made. */
export function thinkerConfigToJson(config: ThinkerConfig): Json {
  const t = config.text;
  const a = config.audio;
  return {
    architectures: ['Qwen2_5OmniModel'],
    model_type: 'qwen2_5_omni',
    enable_audio_output: false,
    torch_dtype: 'float32',
    thinker_config: {
      model_type: 'qwen2_5_omni_thinker',
      audio_token_index: config.audioTokenId,
      audio_start_token_id: config.audioStartTokenId,
      audio_end_token_id: config.audioEndTokenId,
      tie_word_embeddings: t.tieWordEmbeddings,
      text_config: {
        model_type: 'qwen2_5_omni_text',
        hidden_size: t.hiddenSize,
        intermediate_size: t.intermediateSize,
        num_hidden_layers: t.numHiddenLayers,
        num_attention_heads: t.numAttentionHeads,
        num_key_value_heads: t.numKeyValueHeads,
        head_dim: t.headDim,
        vocab_size: t.vocabSize,
        rms_norm_eps: t.rmsNormEps,
        rope_theta: t.ropeTheta,
        max_position_embeddings: t.maxPositionEmbeddings,
        tie_word_embeddings: t.tieWordEmbeddings,
        hidden_act: 'silu',
        use_sliding_window: false,
        rope_scaling: { type: 'default', mrope_section: mropeSection(t.headDim) },
      },
      audio_config: {
        model_type: 'qwen2_5_omni_audio_encoder',
        num_mel_bins: a.numMelBins,
        d_model: a.dModel,
        encoder_layers: a.encoderLayers,
        encoder_attention_heads: a.encoderAttentionHeads,
        encoder_ffn_dim: a.encoderFfnDim,
        n_window: a.nWindow,
        max_source_positions: a.maxSourcePositions,
        output_dim: a.outputDim,
        activation_function: 'gelu',
        scale_embedding: false,
      },
    },
  };
}

// M-RoPE sections only matter for images/video; for 1-D positions any split gives the same rotation.
function mropeSection(headDim: number): number[] {
  const half = headDim / 2;
  if (half === 64) return [16, 24, 24];
  const t = Math.floor(half / 4);
  const h = Math.floor((half - t) / 2);
  return [t, h, half - t - h];
}

/** The embedded default: the 0.86M-parameter decoder and 0.74M-parameter encoder of embedded-demo.md. */
export function embeddedThinkerConfig(vocabSize: number, tokenIds: EmbeddedTokenIds): ThinkerConfig {
  return {
    text: {
      hiddenSize: 128,
      intermediateSize: 384,
      numHiddenLayers: 4,
      numAttentionHeads: 4,
      numKeyValueHeads: 4,
      headDim: 32,
      vocabSize,
      rmsNormEps: 1e-6,
      ropeTheta: 1_000_000,
      maxPositionEmbeddings: 4096,
      tieWordEmbeddings: true,
    },
    audio: {
      numMelBins: 128,
      dModel: 128,
      encoderLayers: 4,
      encoderAttentionHeads: 4,
      encoderFfnDim: 384,
      nWindow: 100,
      maxSourcePositions: 1500,
      outputDim: 128,
    },
    ...tokenIds,
  };
}

/** The embedded default sized for a tokenizer: its vocabulary size and its audio token ids. */
export function embeddedConfigForTokenizer(tokenizer: {
  readonly size: number;
  readonly specialIds: { readonly audio: number; readonly audioStart: number; readonly audioEnd: number };
}): ThinkerConfig {
  const s = tokenizer.specialIds;
  return embeddedThinkerConfig(tokenizer.size, {
    audioTokenId: s.audio,
    audioStartTokenId: s.audioStart,
    audioEndTokenId: s.audioEnd,
  });
}

export interface EmbeddedTokenIds {
  readonly audioTokenId: number;
  readonly audioStartTokenId: number;
  readonly audioEndTokenId: number;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function reader(obj: Json, file: string, prefix: string) {
  const field = (k: string) => (prefix ? `${prefix}.${k}` : k);
  const bad = (k: string, want: string): never => {
    throw new ModelConfigError(`${file}: ${field(k)} must be ${want}, got ${JSON.stringify(obj[k])}`, {
      file,
      field: field(k),
    });
  };
  return {
    int(k: string, fallback?: number): number {
      const v = obj[k];
      if (v === undefined || v === null) {
        if (fallback === undefined)
          throw new ModelConfigError(`${file}: required field ${field(k)} is missing`, {
            file,
            field: field(k),
          });
        return fallback;
      }
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) bad(k, 'a positive integer');
      return v as number;
    },
    num(k: string, fallback: number): number {
      const v = obj[k];
      if (v === undefined || v === null) return fallback;
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) bad(k, 'a positive number');
      return v as number;
    },
    bool(k: string, fallback: boolean): boolean {
      const v = obj[k];
      if (v === undefined || v === null) return fallback;
      if (typeof v !== 'boolean') bad(k, 'true or false');
      return v as boolean;
    },
    str(k: string, fallback: string): string {
      const v = obj[k];
      if (v === undefined || v === null) return fallback;
      if (typeof v !== 'string') bad(k, 'a string');
      return v as string;
    },
  };
}
