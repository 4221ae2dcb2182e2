import { renderAlrResponse } from '@soundmind/metrics';
import type { AlrLabel } from '../alr/item.js';
import { labelName } from '../alr/item.js';
import { renderStatement, type Statement } from './statements.js';
import { entails } from './venn-solver.js';

/** Words a trace can contain besides statements, terms and the response tags. */
export const TRACE_WORDS = ['nothing', 'follows', 'about', 'and', '.'] as const;

/**
 * The strongest statements relating `subject` to `other` that follow from `premises`: every entailed one
 * of A(s,o), A(o,s), E, I, O(s,o), O(o,s), minus those implied by another (A gives I; E gives both O's).
 */
export function strongestStatements(
  premises: readonly Statement[],
  subject: string,
  other: string,
): Statement[] {
  const st = (form: Statement['form'], s: string, p: string): Statement => ({
    form,
    subject: s,
    predicate: p,
  });
  const allSO = st('A', subject, other);
  const allOS = st('A', other, subject);
  const none = st('E', subject, other);
  const some = st('I', subject, other);
  const someNotSO = st('O', subject, other);
  const someNotOS = st('O', other, subject);
  const holds = new Map(
    [allSO, allOS, none, some, someNotSO, someNotOS].map((s) => [s, entails(premises, s)] as const),
  );
  const out: Statement[] = [];
  if (holds.get(allSO)) out.push(allSO);
  if (holds.get(allOS)) out.push(allOS);
  if (holds.get(none)) out.push(none);
  if (holds.get(some) && !holds.get(allSO) && !holds.get(allOS)) out.push(some);
  if (holds.get(someNotSO) && !holds.get(none)) out.push(someNotSO);
  if (holds.get(someNotOS) && !holds.get(none)) out.push(someNotOS);
  return out;
}

/**
 * A short reasoning trace in the format the improved prompt asks for: walking the chain from the
 * conclusion's subject, after each step the strongest statements about the subject and the term reached
 * (solver-derived, from the chain premises walked so far); then the final answer tag.
 *
 * `chain` lists the terms in chain order and `links[i]` is the premise between chain[i] and chain[i + 1].
 * Every word is separated by single spaces so that a word-level tokenizer splits it on whitespace.
 */
export function renderTrace(
  chain: readonly string[],
  links: readonly Statement[],
  conclusion: Statement,
  label: AlrLabel,
): { text: string; steps: string[] } {
  const forward = conclusion.subject === chain[0];
  const terms = forward ? chain : [...chain].reverse();
  const walked = forward ? links : [...links].reverse();
  const subject = terms[0] as string;
  const steps: string[] = [];
  for (let j = 1; j < terms.length; j++) {
    const other = terms[j] as string;
    const found = strongestStatements(walked.slice(0, j), subject, other);
    steps.push(
      found.length === 0
        ? `nothing follows about ${subject} and ${other} .`
        : `${found.map(renderStatement).join(' and ')} .`,
    );
  }
  return { text: renderAlrResponse(` ${steps.join(' ')} `, labelName(label)), steps };
}
