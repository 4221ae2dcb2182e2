import { WHITESPACE_CLASS } from './whitespace.js';

/** Lower-cases (Unicode default case mapping). */
export function toLowerCase(text: string): string {
  return text.toLowerCase();
}

/** Unicode NFKC: compatibility forms folded (full-width letters, ligatures, superscripts) and composed. */
export function nfkc(text: string): string {
  return text.normalize('NFKC');
}

const PUNCTUATION = /\p{P}/gu;

/**
 * Deletes every character of Unicode general category P (punctuation), as jiwer's RemovePunctuation does:
 * "don't." becomes "dont", "well-known" becomes "wellknown". Symbols (category S: $, %, +) are kept.
 */
export function removePunctuation(text: string): string {
  return text.replace(PUNCTUATION, '');
}

const WHITESPACE_RUN = new RegExp(`[${WHITESPACE_CLASS}]+`, 'g');
const ENDS = new RegExp(`^[${WHITESPACE_CLASS}]+|[${WHITESPACE_CLASS}]+$`, 'g');

/** Every whitespace run (tabs, newlines, Unicode spaces) becomes one space; the ends are trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_RUN, ' ').replace(ENDS, '');
}

/** Typographic apostrophes (’ ‘ ʼ ＇) become the ASCII apostrophe, so contraction rules see one form. */
export function normalizeApostrophes(text: string): string {
  return text.replace(/[\u2018\u2019\u02bc\uff07]/g, "'");
}

/**
 * Expands common English contractions in the order jiwer's ExpandCommonEnglishContractions uses (specific
 * words first, then the generic endings), so that "won't" becomes "will not", "she'll" "she will",
 * "it's" "it is". Unlike jiwer it matches any letter case (the replacement is lower-case) and the
 * typographic apostrophe ’ too.
 */
export function expandContractions(text: string): string {
  let s = normalizeApostrophes(text);
  for (const [pattern, replacement] of CONTRACTIONS) s = s.replace(pattern, replacement);
  return s;
}

const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/won't/gi, 'will not'],
  [/can't/gi, 'can not'],
  [/let's/gi, 'let us'],
  [/n't/gi, ' not'],
  [/'re/gi, ' are'],
  [/'s/gi, ' is'],
  [/'d/gi, ' would'],
  [/'ll/gi, ' will'],
  [/'t/gi, ' not'],
  [/'ve/gi, ' have'],
  [/'m/gi, ' am'],
];

const BRACKETED = /\[[^\]]*\]|<[^>]*>|\([^)]*\)/g;

/** Deletes bracketed spans: `[laughter]`, `<unk>`, `(inaudible)` (non-speech annotations in transcripts). */
export function removeBracketed(text: string): string {
  return text.replace(BRACKETED, ' ');
}

const FILLERS = /\b(?:hmm|mm|mhm|mmm|uh|um)\b/giu;

/** Deletes the hesitation words Whisper's normaliser deletes: hmm, mm, mhm, mmm, uh, um. */
export function removeFillers(text: string): string {
  return text.replace(FILLERS, ' ');
}

// Letters that NFKD does not decompose but Whisper's normaliser folds to ASCII.
const EXTRA_FOLDS: Readonly<Record<string, string>> = {
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  Æ: 'AE',
  ß: 'ss',
  ẞ: 'SS',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'th',
  ł: 'l',
  Ł: 'L',
};
const EXTRA_FOLD_RE = new RegExp(`[${Object.keys(EXTRA_FOLDS).join('')}]`, 'g');

/** NFKD, then combining marks dropped and œ æ ø ß ð þ ł folded: "Café Øster" becomes "Cafe Oster". */
export function removeDiacritics(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{Mn}/gu, '')
    .replace(EXTRA_FOLD_RE, (c) => EXTRA_FOLDS[c] ?? c);
}
