import type { AlrAnswer } from './answer-format.js';

// Words that may sit between a negator and the verdict word: "is not necessarily entailed", "cannot be
// logically entailed", "is not, therefore, entailed".
const BRIDGE = new Set([
  'be',
  'been',
  'being',
  'is',
  'are',
  'was',
  'were',
  'logically',
  'logical',
  'necessarily',
  'necessary',
  'strictly',
  'actually',
  'really',
  'fully',
  'definitely',
  'directly',
  'truly',
  'therefore',
  'thus',
  'so',
  'hence',
]);
const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'cannot',
  'cant',
  'isnt',
  'arent',
  'wasnt',
  'doesnt',
  'dont',
  'wont',
]);
const MAX_BRIDGE = 3;

function isNegator(word: string): boolean {
  return NEGATORS.has(word) || word.endsWith("n't");
}

/** Polarity of the verdict word at `k`, looking back for a negator across bridge words. */
function negatedAt(words: readonly string[], k: number): boolean {
  if (k > 0 && words[k - 1] === 'non') return true;
  // A sentential negation anywhere before the mention: "it is not the case that ... entailed".
  const before = ` ${words.slice(0, k).join(' ')} `;
  if (/ (?:not|never) the case that | it is false that /.test(before)) return true;
  for (let back = k - 1, bridged = 0; back >= 0 && bridged <= MAX_BRIDGE; back--, bridged++) {
    const w = words[back]!;
    if (isNegator(w)) return true;
    if (!BRIDGE.has(w)) return false;
  }
  return false;
}

/** Mentions of each polarity in one clause (a clause ending in '?' is a question and asserts nothing). */
function clausePolarities(clause: string): { positive: boolean; negative: boolean } {
  const words = clause.split(' ').filter((w) => w.length > 0);
  let positive = false;
  let negative = false;
  words.forEach((w, k) => {
    if (/^(?:un|non)entail/.test(w)) negative = true;
    else if (w.startsWith('entail')) {
      if (negatedAt(words, k)) negative = true;
      else positive = true;
    } else if (/^follow(?:s|ed)?$/.test(w) && negatedAt(words, k)) {
      // "does not follow" is a verdict; a bare "follows" is too often "as follows" / "it follows that" to be one.
      negative = true;
    }
  });
  return { positive, negative };
}

/**
 * Reads a verdict from a short final-answer span ("not-entailed", "The conclusion is not logically
 * entailed", "entailed? no, not entailed"). Negation is tested per mention; questions are ignored; a span
 * that asserts both verdicts, or neither, is undecidable (null). Phrasings without the verdict words ("the
 * conclusion is not true") are undecidable by design: the scorer asks for the words, and truth phrasing
 * does not map onto entailment.
 */
export function classifyVerdict(span: string): AlrAnswer | null {
  const text = span
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    // Quotes (not apostrophes inside words), markdown emphasis and code marks.
    .replace(/(?<![a-z])'|'(?![a-z])|[*_`"\u201c\u201d]/g, ' ')
    // Hyphens and dashes join nothing here: "not-entailed" reads as "not entailed".
    .replace(/[-\u2010-\u2015\u2212]/g, ' ')
    .replace(/[,()[\]{}<>/\\]/g, ' ');
  let positive = false;
  let negative = false;
  for (const m of text.matchAll(/[^.;!?\n]+[.;!?\n]*/g)) {
    const clause = m[0];
    if (clause.includes('?')) continue;
    const p = clausePolarities(clause.replace(/[.;!\n:]/g, ' ').replace(/\s+/g, ' '));
    positive ||= p.positive;
    negative ||= p.negative;
  }
  if (positive === negative) return null;
  return negative ? 'not-entailed' : 'entailed';
}
