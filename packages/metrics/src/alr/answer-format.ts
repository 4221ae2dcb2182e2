import { AlrLabelError } from '../errors.js';

/**
 * The ALR answer format: the single source of truth shared by the scorer (scoreAlr, parseAlrAnswer) and by the
 * prompt that asks for it (@soundmind/alr-data), so the two can never disagree (SoundMind's did: audit C3).
 */

/** The two verdicts, spelled exactly as the scorer prefers them and as prompts should ask for them. */
export const ALR_ANSWERS = ['entailed', 'not-entailed'] as const;
export type AlrAnswer = (typeof ALR_ANSWERS)[number];

/** Tag pairs the response format uses. */
export const ALR_TAGS = {
  think: { open: '<think>', close: '</think>' },
  answer: { open: '<answer>', close: '</answer>' },
  speak: { open: '<speak>', close: '</speak>' },
} as const;

/** The prefix of the fallback final-answer line (matched case-insensitively). */
export const ALR_ANSWER_LINE_PREFIX = 'Answer:';

/** Gold verdict from the dataset's integer label (1 = entailed, 0 = not-entailed), never from reference text. */
export function alrAnswerFromLabel(label: unknown, where?: string): AlrAnswer {
  if (label === 1) return 'entailed';
  if (label === 0) return 'not-entailed';
  throw new AlrLabelError(label, where);
}

/** Inverse of alrAnswerFromLabel. */
export function alrLabelFromAnswer(answer: AlrAnswer): 0 | 1 {
  return answer === 'entailed' ? 1 : 0;
}

export type AlrFinalAnswerStyle = 'tag' | 'line';

/**
 * The exact final-answer text the scorer reads: `<answer>not-entailed</answer>` (style 'tag', the default and
 * preferred form) or `Answer: not-entailed` (style 'line', SoundMind's original instruction).
 */
export function renderAlrFinalAnswer(answer: AlrAnswer, style: AlrFinalAnswerStyle = 'tag'): string {
  if (style === 'line') return `${ALR_ANSWER_LINE_PREFIX} ${answer}`;
  return `${ALR_TAGS.answer.open}${answer}${ALR_TAGS.answer.close}`;
}

/**
 * A complete well-formed response: the reasoning in one think block, then the final answer as the last
 * content. scoreAlr gives it the full format credit.
 */
export function renderAlrResponse(
  reasoning: string,
  answer: AlrAnswer,
  style: AlrFinalAnswerStyle = 'tag',
): string {
  return `${ALR_TAGS.think.open}${reasoning}${ALR_TAGS.think.close}\n${renderAlrFinalAnswer(answer, style)}`;
}
