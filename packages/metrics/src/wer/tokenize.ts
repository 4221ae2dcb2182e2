import { isWhitespace, stripWhitespace } from '../text/whitespace.js';

/** Word boundaries of one text: [start, end) code-unit ranges and a hash per word. */
export class WordSpans {
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  hashes = new Int32Array(64);

  /**
   * Finds the words without allocating substrings. jiwer's default transform (`wer_default`): runs of two
   * or more whitespace characters become one space, the ends are stripped, the text is split on the space
   * character. So a separator is a single space or any run of two or more whitespace characters, and a lone
   * tab or newline stays inside its word.
   */
  scan(text: string): number {
    this.count = 0;
    const len = text.length;
    let i = 0;
    while (i < len && isWhitespace(text.charCodeAt(i))) i++;
    let end = len;
    while (end > i && isWhitespace(text.charCodeAt(end - 1))) end--;
    let start = i;
    let hash = 0x811c9dc5 | 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      // Printable ASCII is never whitespace: one range test on the hot path.
      if ((c > 0x20 && c < 0x85) || !isWhitespace(c)) {
        hash = Math.imul(hash ^ c, 0x01000193);
        i++;
        continue;
      }
      let j = i + 1;
      while (j < end && isWhitespace(text.charCodeAt(j))) j++;
      if (j - i === 1 && c !== 0x20) {
        // A lone tab or newline is part of the word (jiwer collapses only runs of two or more).
        hash = Math.imul(hash ^ c, 0x01000193);
        i++;
        continue;
      }
      this.push(start, i, hash);
      start = j;
      hash = 0x811c9dc5 | 0;
      i = j;
    }
    if (end > start) this.push(start, end, hash);
    return this.count;
  }

  private push(start: number, end: number, hash: number): void {
    if (this.count === this.starts.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.hashes = grow(this.hashes);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.hashes[this.count] = hash;
    this.count++;
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
