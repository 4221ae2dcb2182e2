import { EmptyReferenceError } from '../errors.js';
import { type AlignmentChunk, alignTokens } from './alignment.js';
import {
  type ErrorRateOptions,
  pairTexts,
  type Texts,
  type TokenizedPairs,
  tokenizePairs,
} from './inputs.js';
import { PairInterner } from './interner.js';
import { tokenizeCharacters, tokenizeWords } from './tokenize.js';
import { StringWordDistance } from './word-scanner.js';

/** Counts and alignment shared by word and character processing. */
export interface AlignmentCounts {
  /** Tokenised references (words, or characters for processCharacters). */
  references: string[][];
  hypotheses: string[][];
  /** Per sentence pair, the operations with their index ranges. */
  alignments: AlignmentChunk[][];
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

export interface WordOutput extends AlignmentCounts {
  /** (S + D + I) / (H + S + D): edits per reference word. */
  wer: number;
  /** (S + D + I) / (H + S + D + I). */
  mer: number;
  /** 1 - wip. */
  wil: number;
  /** (H / reference words) * (H / hypothesis words); 0 when the hypotheses hold no word. */
  wip: number;
}

export interface CharacterOutput extends AlignmentCounts {
  /** (S + D + I) / (H + S + D) over characters. */
  cer: number;
}

function align(pairs: TokenizedPairs): AlignmentCounts {
  let hits = 0;
  let substitutions = 0;
  let deletions = 0;
  let insertions = 0;
  const alignments = pairs.references.map((ref, k) => {
    const chunks = alignTokens(ref, pairs.hypotheses[k]!);
    for (const c of chunks) {
      const len = c.refEnd - c.refStart;
      if (c.type === 'equal') hits += len;
      else if (c.type === 'substitute') substitutions += len;
      else if (c.type === 'delete') deletions += len;
      else insertions += c.hypEnd - c.hypStart;
    }
    return chunks;
  });
  return { ...pairs, alignments, hits, substitutions, deletions, insertions };
}

/**
 * Word-level alignment of reference and hypothesis sentence(s), with jiwer's counts and measures. Corpus
 * figures pool the counts of all pairs (total edits over total reference words), as jiwer does.
 */
export function processWords(reference: Texts, hypothesis: Texts, options?: ErrorRateOptions): WordOutput {
  const counts = align(tokenizePairs(reference, hypothesis, options, tokenizeWords, 'processWords'));
  const { hits: h, substitutions: s, deletions: d, insertions: i } = counts;
  const refWords = h + s + d;
  const hypWords = h + s + i;
  const wip = hypWords >= 1 ? (h / refWords) * (h / hypWords) : 0;
  return { ...counts, wer: (s + d + i) / refWords, mer: (s + d + i) / (h + s + d + i), wil: 1 - wip, wip };
}

/** Character-level alignment (Unicode code points, spaces included, ends stripped), as jiwer's process_characters. */
export function processCharacters(
  reference: Texts,
  hypothesis: Texts,
  options?: ErrorRateOptions,
): CharacterOutput {
  const counts = align(
    tokenizePairs(reference, hypothesis, options, tokenizeCharacters, 'processCharacters'),
  );
  const { hits: h, substitutions: s, deletions: d, insertions: i } = counts;
  return { ...counts, cer: (s + d + i) / (h + s + d) };
}

const wordDistance = new StringWordDistance();
const charDistance = new PairInterner();

/**
 * Word error rate: total word edits (substitutions + deletions + insertions) over total reference words.
 * Counts only (bit-parallel, words scanned in place, no alignment): the fast way to score many pairs.
 */
export function wer(reference: Texts, hypothesis: Texts, options?: ErrorRateOptions): number {
  const p = pairTexts(reference, hypothesis, options, 'wer');
  let edits = 0;
  let words = 0;
  for (let k = 0; k < p.references.length; k++) {
    const r = p.references[k]!;
    const h = p.hypotheses[k]!;
    edits += wordDistance.distance(
      p.referenceTransform && r.length > 0 ? p.referenceTransform(r) : r,
      p.hypothesisTransform ? p.hypothesisTransform(h) : h,
    );
    if (wordDistance.referenceWords === 0) throw new EmptyReferenceError(k, 'wer');
    words += wordDistance.referenceWords;
  }
  return edits / words;
}

/** Character error rate: as wer over Unicode code points; spaces count as characters (jiwer's cer_default). */
export function cer(reference: Texts, hypothesis: Texts, options?: ErrorRateOptions): number {
  const pairs = tokenizePairs(reference, hypothesis, options, tokenizeCharacters, 'cer');
  let edits = 0;
  let chars = 0;
  for (let k = 0; k < pairs.references.length; k++) {
    const ref = pairs.references[k]!;
    edits += charDistance.distance(ref, pairs.hypotheses[k]!);
    chars += ref.length;
  }
  return edits / chars;
}

/** Match error rate (S + D + I) / (H + S + D + I); needs the alignment (jiwer's counts). */
export function mer(reference: Texts, hypothesis: Texts, options?: ErrorRateOptions): number {
  return processWords(reference, hypothesis, options).mer;
}

/** Word information lost, 1 - wip. */
export function wil(reference: Texts, hypothesis: Texts, options?: ErrorRateOptions): number {
  return processWords(reference, hypothesis, options).wil;
}

/** Word information preserved, (H / reference words) * (H / hypothesis words). */
export function wip(reference: Texts, hypothesis: Texts, options?: ErrorRateOptions): number {
  return processWords(reference, hypothesis, options).wip;
}
