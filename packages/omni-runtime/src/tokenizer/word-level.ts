import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@soundmind/audio-io';
import { TokenizerError } from '../errors.js';
import { DEFAULT_SYSTEM_PROMPT } from './chat-template.js';
import { SPECIAL_TOKENS } from './tokenizer.js';

export const UNK_TOKEN = '<unk>';

// Words the Omni chat template itself emits (roles and the default system prompt).
const TEMPLATE_WORDS = ['system', 'user', 'assistant', ...DEFAULT_SYSTEM_PROMPT.match(/\w+|[^\w\s]+/g)!];

/**
 * A word-level tokenizer in Hugging Face's `tokenizer.json` format for the embedded model: special tokens
 * first (ids 0-5 in SPECIAL_TOKENS order, then `<unk>` = 6), then the chat template's words, then `words`
 * in the order given (duplicates dropped). Words are split on whitespace and punctuation (`Whitespace`
 * pre-tokenizer: `\w+|[^\w\s]+`); a word that contains punctuation (e.g. `<answer>`) becomes an added token
 * that is matched whole. Decoding joins tokens with single spaces.
 */
export function buildWordLevelTokenizer(words: Iterable<string>): {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
} {
  const specials = [...Object.values(SPECIAL_TOKENS), UNK_TOKEN];
  const vocab: Record<string, number> = {};
  const added: Record<string, unknown>[] = [];
  let next = 0;
  const addedToken = (content: string, special: boolean) => ({
    id: next,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special,
  });
  for (const s of specials) {
    vocab[s] = next;
    if (s !== UNK_TOKEN) added.push(addedToken(s, true));
    next++;
  }
  for (const w of [...TEMPLATE_WORDS, ...words]) {
    if (w.length === 0 || /\s/.test(w))
      throw new TokenizerError(
        'BAD_WORD',
        `vocabulary word ${JSON.stringify(w)} is empty or contains whitespace`,
      );
    if (Object.hasOwn(vocab, w)) continue;
    vocab[w] = next;
    // A word the pre-tokenizer would split (it mixes word and punctuation characters) is matched whole.
    if (!/^(\w+|[^\w\s]+)$/.test(w)) added.push(addedToken(w, false));
    next++;
  }
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: false },
    model: { type: 'WordLevel', vocab, unk_token: UNK_TOKEN },
  };
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: UNK_TOKEN,
    pad_token: SPECIAL_TOKENS.endOfText,
    eos_token: SPECIAL_TOKENS.imEnd,
    model_max_length: 4096,
    clean_up_tokenization_spaces: false,
  };
  return { tokenizerJson, tokenizerConfig };
}

/** Writes `tokenizer.json` and `tokenizer_config.json` of a word-level tokenizer into `dir` (atomically). */
export async function writeWordLevelTokenizer(dir: string, words: Iterable<string>): Promise<void> {
  const { tokenizerJson, tokenizerConfig } = buildWordLevelTokenizer(words);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'tokenizer.json'), `${JSON.stringify(tokenizerJson)}\n`);
  await writeFileAtomic(join(dir, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfig, null, 2)}\n`);
}
