import { stripWhitespace, WHITESPACE_CLASS } from '../text/whitespace.js';

const RUN_OF_TWO_OR_MORE = new RegExp(`[${WHITESPACE_CLASS}]{2,}`, 'g');

/**
 * jiwer's default word transform (`wer_default`): runs of two or more whitespace characters become one
 * space, the ends are stripped, and the text is split on the space character. As in jiwer, a single tab or
 * newline between two words does not split them; put `collapseWhitespace` in your transform to split on any
 * whitespace.
 */
export function tokenizeWords(text: string): string[] {
  const cleaned = stripWhitespace(text.replace(RUN_OF_TWO_OR_MORE, ' '));
  if (cleaned.length === 0) return [];
  const words = cleaned.split(' ');
  // A single space cannot be adjacent to another after the collapse, so no empty words remain.
  return words;
}

/**
 * jiwer's default character transform (`cer_default`): the ends are stripped and every Unicode code point
 * (not UTF-16 unit) is one token. Inner spaces count as characters; runs of spaces are kept as they are.
 */
export function tokenizeCharacters(text: string): string[] {
  return Array.from(stripWhitespace(text));
}
