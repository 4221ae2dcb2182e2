import { MetricsInputError } from '../errors.js';
import type { AlrAnswer } from './answer-format.js';
import { classifyVerdict } from './verdict.js';

const ANSWER_BLOCK = /<answer>([\s\S]*?)<\/answer>/gi;
// "Answer:", "Final answer:", "**Answer:**", "ANSWER :" ...
const ANSWER_LINE = /answer[\s*_]*:/gi;

/** Body of the last complete `<answer>...</answer>` block, or undefined. */
export function lastAnswerBlock(text: string): string | undefined {
  let body: string | undefined;
  for (const m of text.matchAll(ANSWER_BLOCK)) body = m[1];
  return body;
}

/** Text after the last `Answer:` (to the end of its line; the next non-empty line if nothing follows). */
export function lastAnswerLine(text: string): string | undefined {
  let at = -1;
  let len = 0;
  for (const m of text.matchAll(ANSWER_LINE)) {
    at = m.index;
    len = m[0].length;
  }
  if (at < 0) return undefined;
  const rest = text.slice(at + len);
  const lines = rest.split('\n');
  const first = lines[0]!.trim();
  if (first.length > 0) return first;
  return (
    lines
      .slice(1)
      .find((l) => l.trim().length > 0)
      ?.trim() ?? ''
  );
}

/**
 * The verdict a response gives: the last `<answer>...</answer>` block when there is one, else the last
 * `Answer: ...` line; null when neither exists or the span is undecidable (both verdicts, or none).
 * Negation-aware: "not-entailed", "not entailed", "isn't entailed", "not logically entailed" and "does not
 * follow" are all 'not-entailed', in any case and spacing.
 */
export function parseAlrAnswer(text: string): AlrAnswer | null {
  if (typeof text !== 'string') {
    throw new MetricsInputError(
      `parseAlrAnswer: text must be a string, got ${text === null ? 'null' : typeof text}`,
    );
  }
  const span = lastAnswerBlock(text) ?? lastAnswerLine(text);
  return span === undefined ? null : classifyVerdict(span);
}
