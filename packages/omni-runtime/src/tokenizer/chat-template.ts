import { TokenizerError } from '../errors.js';
import type { OmniTokenizer } from './tokenizer.js';

/** Qwen2.5-Omni's default system prompt, inserted when the conversation does not start with one. */
export const DEFAULT_SYSTEM_PROMPT = 'You are a helpful assistant.';

/** The system prompt Qwen2.5-Omni needs for speech output (omni-model.md §2). */
export const OMNI_SPEECH_SYSTEM_PROMPT =
  'You are Qwen, a virtual human developed by the Qwen Team, Alibaba Group, capable of perceiving auditory and visual inputs, as well as generating text and speech.';

/** One part of a message: text, or an audio clip (16 kHz mono samples). */
export type ContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'audio'; readonly audio: Float32Array };

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string | readonly ContentPart[];
}

export interface ChatTemplateOptions {
  /** Append `<|im_start|>assistant\n` so the model continues as the assistant (default true). */
  readonly addGenerationPrompt?: boolean;
  /** Prefix each audio clip with `Audio k: ` (the template's add_audio_id). */
  readonly addAudioId?: boolean;
}

/**
 * Renders messages with Qwen2.5-Omni's chat template: a default system turn when the first message is not
 * `system`; each message as `<|im_start|>{role}\n{content}<|im_end|>\n`; list content concatenated without
 * separators, each audio part as one `<|audio_bos|><|AUDIO|><|audio_eos|>` (expanded later to the clip's
 * audio-token count). Returns the text and the audio clips in prompt order.
 */
export function renderChatTemplate(
  messages: readonly ChatMessage[],
  options: ChatTemplateOptions = {},
): { text: string; audios: Float32Array[] } {
  if (messages.length === 0) throw new TokenizerError('EMPTY_CHAT', 'a chat needs at least one message');
  const audios: Float32Array[] = [];
  let text = '';
  if (messages[0]?.role !== 'system') text += `<|im_start|>system\n${DEFAULT_SYSTEM_PROMPT}<|im_end|>\n`;
  messages.forEach((m, i) => {
    if (m.role !== 'system' && m.role !== 'user' && m.role !== 'assistant')
      throw new TokenizerError(
        'BAD_CHAT',
        `messages[${i}].role must be system, user or assistant, got ${m.role}`,
      );
    text += `<|im_start|>${m.role}\n`;
    if (typeof m.content === 'string') {
      text += m.content;
    } else {
      m.content.forEach((part, j) => {
        if (part.type === 'text') text += part.text;
        else if (part.type === 'audio') {
          if (!(part.audio instanceof Float32Array))
            throw new TokenizerError('BAD_CHAT', `messages[${i}].content[${j}].audio must be a Float32Array`);
          audios.push(part.audio);
          if (options.addAudioId) text += `Audio ${audios.length}: `;
          text += '<|audio_bos|><|AUDIO|><|audio_eos|>';
        } else {
          throw new TokenizerError(
            'BAD_CHAT',
            `messages[${i}].content[${j}].type must be 'text' or 'audio', got ${(part as { type: unknown }).type}`,
          );
        }
      });
    }
    text += '<|im_end|>\n';
  });
  if (options.addGenerationPrompt ?? true) text += '<|im_start|>assistant\n';
  return { text, audios };
}

/**
 * Tokenizes a rendered chat and expands the i-th `<|AUDIO|>` into `audioTokenCounts[i]` copies, as the
 * Qwen2.5-Omni processor does. The number of `<|AUDIO|>` tokens in the text must equal the number of counts.
 */
export function encodeWithAudio(
  tokenizer: OmniTokenizer,
  text: string,
  audioTokenCounts: readonly number[],
): Int32Array {
  const ids = tokenizer.encode(text);
  const audioId = tokenizer.specialIds.audio;
  let placeholders = 0;
  for (const id of ids) if (id === audioId) placeholders++;
  if (placeholders !== audioTokenCounts.length)
    throw new TokenizerError(
      'AUDIO_COUNT_MISMATCH',
      `the prompt has ${placeholders} <|AUDIO|> placeholder(s) but ${audioTokenCounts.length} audio clip(s) were given`,
    );
  let total = ids.length - placeholders;
  for (const c of audioTokenCounts) total += c;
  const out = new Int32Array(total);
  let k = 0;
  let clip = 0;
  for (const id of ids) {
    if (id === audioId) {
      const n = audioTokenCounts[clip++] as number;
      out.fill(audioId, k, k + n);
      k += n;
    } else out[k++] = id;
  }
  return out;
}
