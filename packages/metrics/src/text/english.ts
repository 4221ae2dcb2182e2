import { compose, type TextTransform } from './transform.js';
import {
  collapseWhitespace,
  expandContractions,
  normalizeApostrophes,
  removeBracketed,
  removeDiacritics,
  removeFillers,
  toLowerCase,
} from './transforms.js';

// Word-specific rewrites Whisper's EnglishTextNormalizer applies before the generic contraction endings.
const SPECIFIC_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bwon't\b/g, 'will not'],
  [/\bcan't\b/g, 'can not'],
  [/\blet's\b/g, 'let us'],
  [/\bain't\b/g, 'aint'],
  [/\by'all\b/g, 'you all'],
  [/\bwanna\b/g, 'want to'],
  [/\bgotta\b/g, 'got to'],
  [/\bgonna\b/g, 'going to'],
  [/\bi'ma\b/g, 'i am going to'],
  [/\bimma\b/g, 'i am going to'],
  [/\bwoulda\b/g, 'would have'],
  [/\bcoulda\b/g, 'could have'],
  [/\bshoulda\b/g, 'should have'],
  [/\bma'am\b/g, 'madam'],
  // Perfect tenses, where 'd and 's mean had / has rather than would / is.
  [/'d been\b/g, ' had been'],
  [/'s been\b/g, ' has been'],
  [/'d gone\b/g, ' had gone'],
  [/'s gone\b/g, ' has gone'],
  [/'d done\b/g, ' had done'],
  [/'s got\b/g, ' has got'],
];

const TITLES: Readonly<Record<string, string>> = {
  mr: 'mister',
  mrs: 'missus',
  st: 'saint',
  dr: 'doctor',
  prof: 'professor',
  capt: 'captain',
  gov: 'governor',
  ald: 'alderman',
  gen: 'general',
  sen: 'senator',
  rep: 'representative',
  pres: 'president',
  rev: 'reverend',
  hon: 'honorable',
  asst: 'assistant',
  assoc: 'associate',
  lt: 'lieutenant',
  col: 'colonel',
  jr: 'junior',
  sr: 'senior',
  esq: 'esquire',
};
const TITLE_RE = new RegExp(`\\b(${Object.keys(TITLES).join('|')})\\b\\.?`, 'g');

function expandEnglishWords(text: string): string {
  let s = normalizeApostrophes(text).replace(/\s+'/g, "'");
  for (const [pattern, replacement] of SPECIFIC_WORDS) s = s.replace(pattern, replacement);
  s = s.replace(TITLE_RE, (_, title: string) => `${TITLES[title]} `);
  return expandContractions(s);
}

/** "1,000" becomes "1000"; a period not followed by a digit becomes a space ("3.5" keeps its point). */
function normalizeNumberPunctuation(text: string): string {
  return text.replace(/(\d),(\d)/g, '$1$2').replace(/\.(?!\d)/g, ' ');
}

/** Marks, symbols and punctuation become spaces, except . % $ ¢ € £ (kept, as Whisper keeps them). */
function symbolsToSpaces(text: string): string {
  return text.replace(/[\p{M}\p{S}\p{P}]/gu, (c) => ('.%$¢€£'.includes(c) ? c : ' '));
}

/**
 * English normaliser for speech evaluation: Whisper's EnglishTextNormalizer without its number and
 * spelling normalisers (see the README for the exact differences). Lower-case; bracketed and parenthesised
 * spans and hesitation fillers removed; contractions, informal forms and titles expanded; digit grouping
 * commas and sentence periods removed; diacritics folded to ASCII; other punctuation and symbols become
 * spaces; whitespace collapsed and trimmed. Apply it to both reference and hypothesis.
 */
export const englishNormalizer: TextTransform = compose(
  toLowerCase,
  removeBracketed,
  removeFillers,
  expandEnglishWords,
  normalizeNumberPunctuation,
  removeDiacritics,
  symbolsToSpaces,
  collapseWhitespace,
);
