import { EmptyReferenceError, MetricsInputError } from '../errors.js';
import type { TextTransform } from '../text/transform.js';

/** One sentence, or a corpus of sentences paired by position. */
export type Texts = string | readonly string[];

export interface ErrorRateOptions {
  /**
   * Applied before the default tokenisation: one transform for both sides, or one per side. Default: none
   * (jiwer's default; case and punctuation are kept). `englishNormalizer` is the usual choice for speech.
   */
  transform?: TextTransform | { reference: TextTransform; hypothesis: TextTransform };
}

export interface TokenizedPairs {
  references: string[][];
  hypotheses: string[][];
}

function asList(texts: unknown, side: string, fn: string): readonly string[] {
  if (typeof texts === 'string') return [texts];
  if (!Array.isArray(texts)) {
    throw new MetricsInputError(
      `${fn}: ${side} must be a string or an array of strings, got ${typeof texts}`,
    );
  }
  texts.forEach((t, i) => {
    if (typeof t !== 'string') {
      throw new MetricsInputError(
        `${fn}: ${side}[${i}] must be a string, got ${t === null ? 'null' : typeof t}`,
      );
    }
  });
  return texts as readonly string[];
}

export interface PairedTexts {
  references: readonly string[];
  hypotheses: readonly string[];
  referenceTransform: TextTransform | undefined;
  hypothesisTransform: TextTransform | undefined;
}

/** Validates the pairing (types, counts) and resolves the transforms; tokenising is left to the caller. */
export function pairTexts(
  reference: Texts,
  hypothesis: Texts,
  options: ErrorRateOptions | undefined,
  fn: string,
): PairedTexts {
  const references = asList(reference, 'reference', fn);
  const hypotheses = asList(hypothesis, 'hypothesis', fn);
  if (references.length === 0) {
    throw new MetricsInputError(`${fn}: reference is an empty array; give at least one sentence`);
  }
  if (references.length !== hypotheses.length) {
    throw new MetricsInputError(
      `${fn}: ${references.length} reference sentence(s) but ${hypotheses.length} hypothesis sentence(s); they are paired by position`,
    );
  }
  const t = options?.transform;
  if (
    t !== undefined &&
    typeof t !== 'function' &&
    (typeof t?.reference !== 'function' || typeof t?.hypothesis !== 'function')
  ) {
    throw new MetricsInputError(
      `${fn}: options.transform must be a function or { reference, hypothesis } functions`,
    );
  }
  const checked = (f: TextTransform | undefined, side: string): TextTransform | undefined =>
    f &&
    ((text) => {
      const out = f(text);
      if (typeof out !== 'string') {
        throw new MetricsInputError(`${fn}: the ${side} transform returned ${typeof out}, not a string`);
      }
      return out;
    });
  return {
    references,
    hypotheses,
    referenceTransform: checked(typeof t === 'function' ? t : t?.reference, 'reference'),
    hypothesisTransform: checked(typeof t === 'function' ? t : t?.hypothesis, 'hypothesis'),
  };
}

/** Validates, transforms and tokenises reference/hypothesis pairs the way jiwer does. */
export function tokenizePairs(
  reference: Texts,
  hypothesis: Texts,
  options: ErrorRateOptions | undefined,
  tokenize: (text: string) => string[],
  fn: string,
): TokenizedPairs {
  const p = pairTexts(reference, hypothesis, options, fn);
  const references = p.references.map((r, i) => {
    // jiwer rejects an empty reference string before any transform, and one that transforms to no words.
    const words = r.length === 0 ? [] : tokenize(p.referenceTransform ? p.referenceTransform(r) : r);
    if (words.length === 0) throw new EmptyReferenceError(i, fn);
    return words;
  });
  const hypotheses = p.hypotheses.map((h) => tokenize(p.hypothesisTransform ? p.hypothesisTransform(h) : h));
  return { references, hypotheses };
}
