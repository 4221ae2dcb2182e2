import { MetricsInputError } from '../errors.js';
import { ALR_TAGS, type AlrAnswer } from './answer-format.js';
import { lastAnswerLine } from './parse.js';
import { classifyVerdict } from './verdict.js';

export interface AlrFormatCheck {
  /** True when the response has the shape the prompt asks for (see checkAlrFormat). */
  valid: boolean;
  /** The final answer's verdict when the shape is valid, else null. */
  verdict: AlrAnswer | null;
  /** Why the shape is invalid (empty when valid). */
  problems: string[];
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

const TRAILING_ANSWER_LINE = /(?:^|\n)[ \t]*[*_]*answer[*_\s]*:[^\n]*\s*$/i;

/**
 * The response format scoreAlr rewards: exactly one `<think>...</think>` block with some reasoning, at the
 * start of the response (leading whitespace allowed), followed by the final answer as the last content:
 * either one `<answer>verdict</answer>` block (optionally followed by an `Answer: verdict` line that agrees
 * with it) or an `Answer: verdict` line. Text between `</think>` and the final answer (a short summary, a
 * `<speak>` block) is allowed. The verdict must be decidable (see parseAlrAnswer).
 */
export function checkAlrFormat(response: string): AlrFormatCheck {
  if (typeof response !== 'string') {
    throw new MetricsInputError(`checkAlrFormat: response must be a string, got ${typeof response}`);
  }
  const problems: string[] = [];
  const lower = response.toLowerCase();
  const { think, answer } = ALR_TAGS;
  const opens = count(lower, think.open);
  const closes = count(lower, think.close);
  if (opens !== 1 || closes !== 1) {
    problems.push(`expected exactly one ${think.open} and one ${think.close}, found ${opens} and ${closes}`);
    return { valid: false, verdict: null, problems };
  }
  const openAt = lower.indexOf(think.open);
  const closeAt = lower.indexOf(think.close);
  if (closeAt < openAt) problems.push(`${think.close} comes before ${think.open}`);
  if (lower.slice(0, openAt).trim().length > 0) problems.push(`text before ${think.open}`);
  if (closeAt > openAt && lower.slice(openAt + think.open.length, closeAt).trim().length === 0) {
    problems.push(`empty ${think.open} block`);
  }
  const tail = response.slice(closeAt + think.close.length);
  const tailLower = tail.toLowerCase();
  const answerOpens = count(tailLower, answer.open);
  const answerCloses = count(tailLower, answer.close);
  if (count(lower, answer.open) !== answerOpens || count(lower, answer.close) !== answerCloses) {
    problems.push(`${answer.open} tag inside the ${think.open} block`);
  }
  let verdict: AlrAnswer | null = null;
  if (answerOpens > 0 || answerCloses > 0) {
    if (answerOpens !== 1 || answerCloses !== 1) {
      problems.push(
        `expected one ${answer.open}...${answer.close} block, found ${answerOpens} and ${answerCloses} tags`,
      );
    } else {
      const start = tailLower.indexOf(answer.open);
      const end = tailLower.indexOf(answer.close);
      if (end < start) problems.push(`${answer.close} comes before ${answer.open}`);
      else {
        verdict = classifyVerdict(tail.slice(start + answer.open.length, end));
        if (verdict === null) problems.push(`the ${answer.open} block does not state one verdict`);
        const after = tail.slice(end + answer.close.length);
        if (after.trim().length > 0) {
          const line = TRAILING_ANSWER_LINE.test(after) ? lastAnswerLine(after) : undefined;
          const lineVerdict = line === undefined ? null : classifyVerdict(line);
          if (line === undefined || after.trim().split('\n').length > 1) {
            problems.push(`text after ${answer.close}`);
          } else if (lineVerdict === null || lineVerdict !== verdict) {
            problems.push(`the Answer: line after ${answer.close} does not repeat its verdict`);
          }
        }
      }
    }
  } else if (TRAILING_ANSWER_LINE.test(tail)) {
    const line = lastAnswerLine(tail) ?? '';
    verdict = classifyVerdict(line);
    if (verdict === null) problems.push('the Answer: line does not state one verdict');
  } else {
    problems.push(
      `no final answer after ${think.close} (an ${answer.open} block or an Answer: line at the end)`,
    );
  }
  const valid = problems.length === 0;
  return { valid, verdict: valid ? verdict : null, problems };
}
