import { audioTokensForFrames, logMelSpectrogram } from '@soundmind/audio-io';
import { GenerationError } from '../errors.js';
import type { AudioFeatures } from '../model/audio-encoder.js';
import type { OmniThinker } from '../model/thinker.js';
import {
  type ChatMessage,
  type ChatTemplateOptions,
  encodeWithAudio,
  renderChatTemplate,
} from '../tokenizer/chat-template.js';
import type { OmniTokenizer } from '../tokenizer/tokenizer.js';
import { type GenerateOptions, generateIds, type PromptInput } from './generate.js';

// Features are a pure function of the samples: compute them once per clip (log-prob passes reuse them).
const featureCache = new WeakMap<Float32Array, Map<number, AudioFeatures>>();

/** Qwen2.5-Omni log-mel features of a 16 kHz clip (128 bins, 300-s chunks by default), cached per clip. */
export function clipFeatures(samples: Float32Array, nMels: number): AudioFeatures {
  let byBins = featureCache.get(samples);
  if (!byBins) {
    byBins = new Map();
    featureCache.set(samples, byBins);
  }
  let f = byBins.get(nMels);
  if (!f) {
    f = logMelSpectrogram(samples, { nMels });
    byBins.set(nMels, f);
  }
  return f;
}

/**
 * Turns a conversation into model input: the Omni chat template, audio clips to log-mel features, and each
 * `<|AUDIO|>` expanded to its clip's audio-token count.
 */
export function encodeChat(
  thinker: OmniThinker,
  tokenizer: OmniTokenizer,
  messages: readonly ChatMessage[],
  options: ChatTemplateOptions = {},
): PromptInput {
  const { text, audios } = renderChatTemplate(messages, options);
  const audio = audios.map((a) => clipFeatures(a, thinker.config.audio.numMelBins));
  const counts = audio.map((f) => audioTokensForFrames(f.validFrames ?? f.frames));
  if (tokenizer.specialIds.audio !== thinker.audioTokenId)
    throw new GenerationError(
      'TOKENIZER_MISMATCH',
      `the tokenizer's <|AUDIO|> id ${tokenizer.specialIds.audio} differs from the model's audio_token_index ${thinker.audioTokenId}`,
    );
  return { ids: encodeWithAudio(tokenizer, text, counts), audio };
}

/** One chat reply. */
export interface ChatReply {
  /** Decoded reply without special tokens. */
  readonly text: string;
  readonly promptIds: Int32Array;
  readonly tokens: Int32Array;
  readonly logProbs: Float32Array;
  readonly finishReason: 'stop' | 'length';
}

/**
 * Generates the assistant's reply to each conversation (text and audio parts; audio as 16 kHz Float32Array
 * samples), batched. Stops at `<|im_end|>` / `<|endoftext|>` unless `stopTokenIds` says otherwise.
 */
export function generate(
  thinker: OmniThinker,
  tokenizer: OmniTokenizer,
  conversations: readonly (readonly ChatMessage[])[],
  options: Omit<GenerateOptions, 'stopTokenIds'> & { readonly stopTokenIds?: readonly number[] },
): ChatReply[] {
  const prompts = conversations.map((m) => encodeChat(thinker, tokenizer, m));
  const results = generateIds(thinker, prompts, {
    ...options,
    stopTokenIds: options.stopTokenIds ?? tokenizer.eosTokenIds,
  });
  return results.map((r) => ({
    text: tokenizer.decode(r.tokens, { skipSpecialTokens: true }),
    promptIds: r.promptIds,
    tokens: r.tokens,
    logProbs: r.logProbs,
    finishReason: r.finishReason,
  }));
}
