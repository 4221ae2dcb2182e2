import { alrAnswerFromLabel } from '@soundmind/metrics';
import type { AlrItem, AlrLabel } from '../alr/item.js';
import { VerlRecordError } from '../errors.js';
import { IMPROVED_INSTRUCTION } from './improved-instruction.js';
import { QWEN_OMNI_SYSTEM_PROMPT, SOUNDMIND_INSTRUCTION, SOUNDMIND_SYSTEM_PROMPT } from './system-prompts.js';

/**
 * Prompt variants. The first three are SoundMind's preprocessing scripts, reproduced exactly: alr.py
 * (audio then text + instruction), alr_text.py (text + instruction), alr_audio.py (audio alone: the
 * instruction is dropped, so the model is never told the answer format). The `improved-` variants ask for
 * the format the scorer reads, keep the instruction with audio input, score against the label, and use
 * Qwen2.5-Omni's official system prompt by default.
 */
export const PROMPT_VARIANTS = [
  'audio-text',
  'text',
  'audio',
  'improved-audio-text',
  'improved-text',
  'improved-audio',
] as const;
export type PromptVariant = (typeof PROMPT_VARIANTS)[number];

export type VerlContentPart = { type: 'text'; text: string } | { type: 'audio'; audio: string };
export interface VerlMessage {
  role: 'system' | 'user' | 'assistant';
  content: VerlContentPart[];
}

/** Hugging Face's Audio storage: a path and, when embedded, the file's bytes. */
export interface VerlAudio {
  path: string | null;
  bytes: Uint8Array | null;
}

/** One row of the Parquet files SoundMind's preprocessing writes (column names kept verbatim). */
export interface VerlRecord {
  data_source: string;
  prompt: VerlMessage[];
  audio_question: VerlAudio | null;
  audio_answer: VerlAudio | null;
  ability: string;
  reward_model: { style: string; ground_truth: string };
  extra_info: {
    split: string;
    index: number;
    ori_idx: string;
    test_answer: string;
    /** Path only (SoundMind repeats the decoded audio here; bytes, when embedded, live in the columns). */
    audio_answer: string | null;
    text_question: string;
    audio_question: string | null;
    /** Not in SoundMind's rows: the gold label, so a scorer never has to parse the reference reasoning. */
    label: AlrLabel;
  };
}

export type SystemPromptChoice = 'soundmind' | 'qwen-omni' | 'none' | { text: string };

export interface BuildVerlRecordOptions {
  variant: PromptVariant;
  /** Defaults to the item's split. */
  split?: string;
  /** Row index within the split (SoundMind's `extra_info.index`). */
  index: number;
  /**
   * SoundMind writes its load directory ("./mmdata/alr"), which its own dispatcher then fails to match
   * (audit A2); the default 'alr' is what a reward dispatcher keyed on the dataset name expects.
   */
  dataSource?: string;
  /** Default: 'soundmind' for SoundMind's variants, 'qwen-omni' (needed for speech output) for improved ones. */
  systemPrompt?: SystemPromptChoice;
  /** Improved variants only: the instruction text, or 'none' to leave it out. Default IMPROVED_INSTRUCTION. */
  instruction?: 'default' | 'none' | { text: string };
}

/** The verl row SoundMind's preprocessing writes for `item` under `variant` (or one of the improved variants). */
export function buildVerlRecord(item: AlrItem, options: BuildVerlRecordOptions): VerlRecord {
  const { variant } = options;
  if (!(PROMPT_VARIANTS as readonly string[]).includes(variant)) {
    throw new VerlRecordError(
      `unknown prompt variant ${JSON.stringify(variant)}; use one of ${PROMPT_VARIANTS.join(', ')}`,
    );
  }
  const split = options.split ?? item.split;
  if (split === undefined) throw new VerlRecordError(`item ${item.id}: no split given and the item has none`);
  if (!Number.isInteger(options.index) || options.index < 0) {
    throw new VerlRecordError(`item ${item.id}: index must be a non-negative integer, got ${options.index}`);
  }
  const improved = variant.startsWith('improved-');
  const withAudio = variant.endsWith('audio-text') || variant.endsWith('audio');
  const withText = variant.endsWith('text');
  if (withAudio && item.questionAudio === undefined) {
    throw new VerlRecordError(
      `${item.source.file}:${item.source.line} item ${item.id}: variant '${variant}' needs question audio, ` +
        'but the item has no audio path (load it with its audio root)',
    );
  }

  const instruction = improved ? improvedInstruction(options.instruction) : SOUNDMIND_INSTRUCTION;
  const user: VerlContentPart[] = [];
  if (withAudio) user.push({ type: 'audio', audio: item.questionAudio as string });
  if (withText) {
    const text = improved
      ? joinNonEmpty(item.userContent, instruction)
      : `${item.userContent} ${instruction}`;
    user.push({ type: 'text', text });
  } else if (improved && instruction !== '') {
    user.push({ type: 'text', text: instruction });
  }
  const prompt: VerlMessage[] = [];
  const system = systemText(options.systemPrompt ?? (improved ? 'qwen-omni' : 'soundmind'));
  if (system !== null) prompt.push({ role: 'system', content: [{ type: 'text', text: system }] });
  prompt.push({ role: 'user', content: user });

  const questionPath = item.questionAudio ?? null;
  const answerPath = item.answerAudio ?? null;
  return {
    data_source: options.dataSource ?? 'alr',
    prompt,
    audio_question: questionPath === null ? null : { path: questionPath, bytes: null },
    audio_answer: answerPath === null ? null : { path: answerPath, bytes: null },
    ability: 'logic',
    reward_model: { style: 'rule', ground_truth: improved ? alrAnswerFromLabel(item.label) : item.answer },
    extra_info: {
      split,
      index: options.index,
      ori_idx: item.id,
      test_answer: item.answer,
      audio_answer: answerPath,
      text_question: item.userContent,
      audio_question: questionPath,
      label: item.label,
    },
  };
}

/** The records of a whole split, `index` counting from 0 in item order as SoundMind's `map(with_indices)`. */
export function buildVerlRecords(
  items: readonly AlrItem[],
  options: Omit<BuildVerlRecordOptions, 'index'>,
): VerlRecord[] {
  return items.map((item, index) => buildVerlRecord(item, { ...options, index }));
}

function systemText(choice: SystemPromptChoice): string | null {
  if (choice === 'soundmind') return SOUNDMIND_SYSTEM_PROMPT;
  if (choice === 'qwen-omni') return QWEN_OMNI_SYSTEM_PROMPT;
  if (choice === 'none') return null;
  if (typeof choice === 'object' && typeof choice.text === 'string') return choice.text;
  throw new VerlRecordError(`unknown systemPrompt ${JSON.stringify(choice)}`);
}

function improvedInstruction(choice: BuildVerlRecordOptions['instruction']): string {
  if (choice === undefined || choice === 'default') return IMPROVED_INSTRUCTION;
  if (choice === 'none') return '';
  return choice.text;
}

function joinNonEmpty(question: string, instruction: string): string {
  return instruction === '' ? question : `${question}\n\n${instruction}`;
}
