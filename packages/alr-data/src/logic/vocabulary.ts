import { ALR_ANSWERS, ALR_TAGS, renderAlrFinalAnswer } from '@soundmind/metrics';
import { LogicOptionsError } from '../errors.js';
import { DEFAULT_TERMS } from './families.js';
import { STATEMENT_WORDS } from './statements.js';
import { TRACE_WORDS } from './trace.js';

/** The words between the premises and the conclusion: "... does it follow that <conclusion> ?". */
export const QUESTION_WORDS = ['does', 'it', 'follow', 'that'] as const;

const STRUCTURE_WORDS: readonly string[] = [...STATEMENT_WORDS, ...QUESTION_WORDS, ...TRACE_WORDS, '?'];

/**
 * Every word the logic generator can emit in a question or a trace, for building the embedded model's
 * word-level tokenizer: structure words, the category words, and the response tags, each final answer
 * tag (`<answer>entailed</answer>`) being one word. Every generated text is these words joined by single
 * spaces (a newline between `</think>` and the answer tag), so splitting on whitespace tokenizes it.
 */
export function logicVocabulary(options: { terms?: readonly string[] } = {}): string[] {
  const terms = options.terms ?? DEFAULT_TERMS;
  return [
    ...STRUCTURE_WORDS,
    ...terms,
    ALR_TAGS.think.open,
    ALR_TAGS.think.close,
    ...ALR_ANSWERS.map((a) => renderAlrFinalAnswer(a)),
  ];
}

/** Splits generated text into vocabulary words. */
export function splitLogicWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

export function checkTermsAgainstVocabulary(terms: readonly string[]): void {
  for (const t of terms) {
    if (STRUCTURE_WORDS.includes(t)) {
      throw new LogicOptionsError(
        `terms: ${JSON.stringify(t)} is a structure word of the questions; pick another`,
      );
    }
  }
}
