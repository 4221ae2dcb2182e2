/**
 * Whitespace exactly as Python's `str.isspace()` / `re` `\s` define it, so that tokenisation matches jiwer
 * character for character. JavaScript's `\s` differs: it adds U+FEFF and lacks U+001C-U+001F and U+0085.
 */
export const WHITESPACE_CLASS =
  '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const LEADING = new RegExp(`^[${WHITESPACE_CLASS}]+`);
const TRAILING = new RegExp(`[${WHITESPACE_CLASS}]+$`);

/** Python's `str.strip()`. */
export function stripWhitespace(text: string): string {
  return text.replace(LEADING, '').replace(TRAILING, '');
}
