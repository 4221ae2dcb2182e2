import { isWhitespace, stripWhitespace } from '../text/whitespace.js';

const utf8 = new TextEncoder();
/** FNV-1a over UTF-16 code units: a word's hash for the interning table. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Word boundaries of one text: [start, end) code-unit ranges and a hash per word. */
export class WordSpans {
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  hashes = new Int32Array(64);
  /**
   * The scanned text's UTF-16 code units: reading them from a typed array is faster than charCodeAt, which
   * checks the string's representation on every call. ASCII text, the usual case, is copied in one native
   * call as bytes; other text unit by unit.
   */
  units: Uint8Array | Uint16Array = new Uint8Array(256);
  private bytes = new Uint8Array(256);
  private wide = new Uint16Array(256);

  /**
   * Finds the words without allocating substrings. jiwer's default transform (`wer_default`): runs of two
   * or more whitespace characters become one space, the ends are stripped, the text is split on the space
   * character. So a separator is a single space or any run of two or more whitespace characters, and a lone
   * tab or newline stays inside its word.
   */
  scan(text: string): number {
    const len = text.length;
    if (this.bytes.length < len) this.bytes = new Uint8Array(len * 2);
    // every unit became one byte exactly when the text is ASCII
    const { read, written } = utf8.encodeInto(text, this.bytes);
    if (read === len && written === len) return this.scanUnits(this.bytes, len);
    if (this.wide.length < len) this.wide = new Uint16Array(len * 2);
    const wide = this.wide;
    for (let i = 0; i < len; i++) wide[i] = text.charCodeAt(i);
    return this.scanUnits(wide, len);
  }

  private scanUnits(u: Uint8Array | Uint16Array, len: number): number {
    this.units = u;
    // a word and its separator take at least two units: room for every word up front
    const room = (len >> 1) + 1;
    if (this.starts.length < room) {
      this.starts = new Int32Array(room * 2);
      this.ends = new Int32Array(room * 2);
      this.hashes = new Int32Array(room * 2);
    }
    const { starts, ends, hashes } = this;
    let count = 0;
    let i = 0;
    while (i < len && isWhitespace(u[i] as number)) i++;
    let end = len;
    while (end > i && isWhitespace(u[end - 1] as number)) end--;
    let start = i;
    let hash = FNV_OFFSET;
    while (i < end) {
      // the units of a word; printable ASCII is never whitespace, so most take one range test
      let c = u[i] as number;
      while ((c > 0x20 && c < 0x85) || !isWhitespace(c)) {
        hash = Math.imul(hash ^ c, FNV_PRIME);
        if (++i === end) break;
        c = u[i] as number;
      }
      if (i === end) break;
      let j = i + 1;
      while (j < end && isWhitespace(u[j] as number)) j++;
      if (j - i === 1 && c !== 0x20) {
        // A lone tab or newline is part of the word (jiwer collapses only runs of two or more).
        hash = Math.imul(hash ^ c, FNV_PRIME);
        i++;
        continue;
      }
      starts[count] = start;
      ends[count] = i;
      hashes[count] = hash;
      count++;
      start = j;
      hash = FNV_OFFSET;
      i = j;
    }
    if (end > start) {
      starts[count] = start;
      ends[count] = end;
      hashes[count] = hash;
      count++;
    }
    this.count = count;
    return count;
  }
}

const spans = new WordSpans();

/**
 * jiwer's default word tokenisation (see WordSpans.scan). As in jiwer, a single tab or newline between two
 * words does not split them; put `collapseWhitespace` in your transform to split on any whitespace.
 */
export function tokenizeWords(text: string): string[] {
  const n = spans.scan(text);
  const words = new Array<string>(n);
  for (let k = 0; k < n; k++) words[k] = text.slice(spans.starts[k], spans.ends[k]);
  return words;
}

/**
 * jiwer's default character transform (`cer_default`): the ends are stripped and every Unicode code point
 * (not UTF-16 unit) is one token. Inner spaces count as characters; runs of spaces are kept as they are.
 */
export function tokenizeCharacters(text: string): string[] {
  return Array.from(stripWhitespace(text));
}
