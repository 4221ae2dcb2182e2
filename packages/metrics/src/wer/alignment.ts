/**
 * Word alignment with a backtrace, choosing among equal-cost alignments exactly as rapidfuzz's
 * `Levenshtein.opcodes` does (which is what jiwer reports): common prefix and suffix are matched first, the
 * backtrace from the end prefers a deletion, then an insertion, then the diagonal, and sequences whose bit
 * matrix would exceed 1 MiB are split Hirschberg-style at the same point rapidfuzz picks. The counts
 * (hits / substitutions / deletions / insertions), and so mer, wil and wip, therefore equal jiwer's.
 */

export type AlignmentOp = 'equal' | 'substitute' | 'delete' | 'insert';

/** A run of one operation: reference words [refStart, refEnd) against hypothesis words [hypStart, hypEnd). */
export interface AlignmentChunk {
  type: AlignmentOp;
  refStart: number;
  refEnd: number;
  hypStart: number;
  hypEnd: number;
}

const EQUAL = 0;
const SUBSTITUTE = 1;
const DELETE = 2;
const INSERT = 3;
const OP_NAMES: readonly AlignmentOp[] = ['equal', 'substitute', 'delete', 'insert'];

/** rapidfuzz switches to Hirschberg when its bit matrix reaches this many bytes. */
const HIRSCHBERG_BYTES = 1024 * 1024;

/** Collects steps in order and merges runs of one operation into chunks as they arrive. */
class ChunkSink {
  readonly chunks: AlignmentChunk[] = [];
  private op = -1;
  private run = 0;
  private i = 0;
  private j = 0;

  push(op: number, count = 1): void {
    if (count === 0) return;
    if (op !== this.op) this.close();
    this.op = op;
    this.run += count;
  }

  close(): AlignmentChunk[] {
    if (this.run > 0) {
      const di = this.op === INSERT ? 0 : this.run;
      const dj = this.op === DELETE ? 0 : this.run;
      this.chunks.push({
        type: OP_NAMES[this.op]!,
        refStart: this.i,
        refEnd: this.i + di,
        hypStart: this.j,
        hypEnd: this.j + dj,
      });
      this.i += di;
      this.j += dj;
    }
    this.run = 0;
    return this.chunks;
  }
}

// DP storage reused across calls (backtrace runs to completion before the next one starts).
let scratchLo = new Int32Array(64);
let scratchD = new Int32Array(64 * 64);
let scratchPath = new Uint8Array(128);

/** A half-open window [start, end) of a token sequence; tokens are compared with ===. */
interface Span<T> {
  seq: readonly T[];
  start: number;
  end: number;
}

const span = <T>(seq: readonly T[], start: number, end: number): Span<T> => ({ seq, start, end });

/** Edit steps turning the reference window `a` into the hypothesis window `b`. */
function alignRange<T>(a: Span<T>, b: Span<T>, max: number, out: ChunkSink): void {
  // Matched prefix and suffix are never edited (rapidfuzz strips them before aligning).
  let i0 = a.start;
  let j0 = b.start;
  while (i0 < a.end && j0 < b.end && a.seq[i0] === b.seq[j0]) {
    i0++;
    j0++;
  }
  let i1 = a.end;
  let j1 = b.end;
  while (i1 > i0 && j1 > j0 && a.seq[i1 - 1] === b.seq[j1 - 1]) {
    i1--;
    j1--;
  }
  out.push(EQUAL, i0 - a.start);
  const s1 = span(a.seq, i0, i1);
  const s2 = span(b.seq, j0, j1);
  const n1 = i1 - i0;
  const n2 = j1 - j0;
  const bound = Math.min(max, Math.max(n1, n2));
  const band = Math.min(n1, 2 * bound + 1);
  const matrixBytes = Math.floor((2 * band * n2) / 8);
  if (matrixBytes < HIRSCHBERG_BYTES || n1 < 65 || n2 < 10) {
    backtrace(s1, s2, bound, out);
  } else {
    const split = hirschbergSplit(s1, s2);
    alignRange(span(a.seq, i0, i0 + split.mid1), span(b.seq, j0, j0 + split.mid2), split.leftScore, out);
    alignRange(span(a.seq, i0 + split.mid1, i1), span(b.seq, j0 + split.mid2, j1), split.rightScore, out);
  }
  out.push(EQUAL, a.end - i1);
}

/**
 * Full DP restricted to the diagonal band |i - j| <= bound (every cell of an optimal path lies in it, and the
 * backtrace only compares cells that could lie on one, so the band never changes the choice), then the
 * rapidfuzz backtrace.
 */
function backtrace<T>(s1: Span<T>, s2: Span<T>, bound: number, out: ChunkSink): void {
  const n1 = s1.end - s1.start;
  const n2 = s2.end - s2.start;
  if (n1 === 0 || n2 === 0) {
    out.push(DELETE, n1);
    out.push(INSERT, n2);
    return;
  }
  const x = s1.seq;
  const y = s2.seq;
  const xo = s1.start - 1;
  const yo = s2.start - 1;
  const w = Math.max(bound, Math.abs(n1 - n2));
  const width = Math.min(n2 + 1, 2 * w + 1);
  const INF = 0x3fffffff;
  // Row i stores columns rowLo[i] .. rowLo[i] + width - 1, with rowLo[i] = clamp(i - w, 0, n2 + 1 - width).
  if (scratchLo.length < n1 + 1) scratchLo = new Int32Array(2 * (n1 + 1));
  if (scratchD.length < (n1 + 1) * width) scratchD = new Int32Array(2 * (n1 + 1) * width);
  const rowLo = scratchLo;
  const d = scratchD;
  for (let i = 0; i <= n1; i++) rowLo[i] = Math.min(Math.max(i - w, 0), n2 + 1 - width);
  const at = (i: number, j: number): number => {
    const off = j - rowLo[i]!;
    return off < 0 || off >= width || j - i > w || i - j > w ? INF : d[i * width + off]!;
  };
  for (let j = 0; j < width; j++) d[j] = j > w ? INF : j;
  for (let i = 1; i <= n1; i++) {
    const lo = rowLo[i]!;
    const prevLo = rowLo[i - 1]!;
    const row = i * width;
    const prevRow = (i - 1) * width;
    const xi = x[xo + i];
    for (let off = 0; off < width; off++) {
      const j = lo + off;
      if (j - i > w || i - j > w) {
        d[row + off] = INF;
        continue;
      }
      if (j === 0) {
        d[row + off] = i;
        continue;
      }
      // Cells of row i - 1 sit at offset (j - prevLo); outside its window they are out of band.
      const pd = j - 1 - prevLo;
      const pu = j - prevLo;
      const diag = pd >= 0 && pd < width ? d[prevRow + pd]! + (xi === y[yo + j] ? 0 : 1) : INF;
      const up = pu >= 0 && pu < width ? d[prevRow + pu]! + 1 : INF;
      const left = off > 0 ? d[row + off - 1]! + 1 : INF;
      d[row + off] = Math.min(diag, up, left);
    }
  }
  // The path is found backwards; collect it reversed, then emit it forwards.
  if (scratchPath.length < n1 + n2) scratchPath = new Uint8Array(2 * (n1 + n2));
  const rev = scratchPath;
  let steps = 0;
  let i = n1;
  let j = n2;
  while (i > 0 && j > 0) {
    const here = at(i, j);
    if (here === at(i - 1, j) + 1) {
      rev[steps++] = DELETE;
      i--;
    } else if (j >= 2 && at(i, j - 1) === at(i - 1, j - 1) - 1) {
      rev[steps++] = INSERT;
      j--;
    } else {
      rev[steps++] = x[xo + i] === y[yo + j] ? EQUAL : SUBSTITUTE;
      i--;
      j--;
    }
  }
  out.push(DELETE, i);
  out.push(INSERT, j);
  for (let k = steps - 1; k >= 0; k--) out.push(rev[k]!);
}

/**
 * Last DP column over s2's window [from, to) read forwards (step 1) or backwards (step -1): distances from
 * every prefix of s1 read the same way (i = 0..n1) to the whole window.
 */
function lastColumn<T>(s1: Span<T>, s2: Span<T>, from: number, to: number, forward: boolean): Int32Array {
  const n1 = s1.end - s1.start;
  const x = s1.seq;
  const y = s2.seq;
  const xAt = (i: number) => (forward ? x[s1.start + i - 1] : x[s1.end - i]);
  let prev = new Int32Array(n1 + 1);
  let cur = new Int32Array(n1 + 1);
  for (let i = 0; i <= n1; i++) prev[i] = i;
  const steps = to - from;
  for (let j = 1; j <= steps; j++) {
    const yj = forward ? y[from + j - 1] : y[to - j];
    cur[0] = j;
    for (let i = 1; i <= n1; i++) {
      const diag = prev[i - 1]! + (xAt(i) === yj ? 0 : 1);
      cur[i] = Math.min(diag, prev[i]! + 1, cur[i - 1]! + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev;
}

/**
 * Split point as rapidfuzz's find_hirschberg_pos: s2 is cut at its middle, and s1 at the first position
 * 1..n1 that minimises left + right cost.
 */
function hirschbergSplit<T>(s1: Span<T>, s2: Span<T>) {
  const n1 = s1.end - s1.start;
  const mid2 = (s2.end - s2.start) >> 1;
  const left = lastColumn(s1, s2, s2.start, s2.start + mid2, true);
  const right = lastColumn(s1, s2, s2.start + mid2, s2.end, false);
  let best = Number.POSITIVE_INFINITY;
  let mid1 = 0;
  for (let m = 1; m <= n1; m++) {
    const total = left[m]! + right[n1 - m]!;
    if (total < best) {
      best = total;
      mid1 = m;
    }
  }
  // Position 0 is outside rapidfuzz's scan; take it only when it alone is optimal, to stay minimal.
  if (left[0]! + right[n1]! < best) mid1 = 0;
  return { mid1, mid2, leftScore: left[mid1]!, rightScore: right[n1 - mid1]! };
}

/** Alignment chunks of two token sequences (jiwer's AlignmentChunk list for one sentence pair). */
export function alignTokens<T>(ref: readonly T[], hyp: readonly T[]): AlignmentChunk[] {
  const sink = new ChunkSink();
  alignRange(span(ref, 0, ref.length), span(hyp, 0, hyp.length), Math.max(ref.length, hyp.length), sink);
  return sink.close();
}
