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

/** One step per aligned position, in order; steps[k] is one of the op codes above. */
class StepSink {
  ops: number[] = [];
  push(op: number, count = 1): void {
    for (let k = 0; k < count; k++) this.ops.push(op);
  }
}

/** Edit steps turning `a` (reference ids) into `b` (hypothesis ids). */
function alignRange(a: Int32Array, b: Int32Array, max: number, out: StepSink): void {
  // Matched prefix and suffix are never edited (rapidfuzz strips them before aligning).
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  out.push(EQUAL, start);
  const s1 = a.subarray(start, endA);
  const s2 = b.subarray(start, endB);
  const n1 = s1.length;
  const n2 = s2.length;
  const bound = Math.min(max, Math.max(n1, n2));
  const band = Math.min(n1, 2 * bound + 1);
  const matrixBytes = Math.floor((2 * band * n2) / 8);
  if (matrixBytes < HIRSCHBERG_BYTES || n1 < 65 || n2 < 10) {
    backtrace(s1, s2, bound, out);
  } else {
    const split = hirschbergSplit(s1, s2);
    alignRange(s1.subarray(0, split.mid1), s2.subarray(0, split.mid2), split.leftScore, out);
    alignRange(s1.subarray(split.mid1), s2.subarray(split.mid2), split.rightScore, out);
  }
  out.push(EQUAL, a.length - endA);
}

/**
 * Full DP restricted to the diagonal band |i - j| <= bound (every cell of an optimal path lies in it, and the
 * backtrace only compares cells that could lie on one, so the band never changes the choice), then the
 * rapidfuzz backtrace.
 */
function backtrace(s1: Int32Array, s2: Int32Array, bound: number, out: StepSink): void {
  const n1 = s1.length;
  const n2 = s2.length;
  if (n1 === 0 || n2 === 0) {
    out.push(DELETE, n1);
    out.push(INSERT, n2);
    return;
  }
  const w = Math.max(bound, Math.abs(n1 - n2));
  const width = Math.min(n2 + 1, 2 * w + 1);
  const INF = 0x3fffffff;
  // Row i stores columns rowLo[i] .. rowLo[i] + width - 1, with rowLo[i] = clamp(i - w, 0, n2 + 1 - width).
  const rowLo = new Int32Array(n1 + 1);
  for (let i = 0; i <= n1; i++) rowLo[i] = Math.min(Math.max(i - w, 0), n2 + 1 - width);
  const d = new Int32Array((n1 + 1) * width);
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
    const ai = s1[i - 1];
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
      const diag = pd >= 0 && pd < width ? d[prevRow + pd]! + (ai === s2[j - 1] ? 0 : 1) : INF;
      const up = pu >= 0 && pu < width ? d[prevRow + pu]! + 1 : INF;
      const left = off > 0 ? d[row + off - 1]! + 1 : INF;
      d[row + off] = Math.min(diag, up, left);
    }
  }
  const rev: number[] = [];
  let i = n1;
  let j = n2;
  while (i > 0 && j > 0) {
    const here = at(i, j);
    if (here === at(i - 1, j) + 1) {
      rev.push(DELETE);
      i--;
    } else if (j >= 2 && at(i, j - 1) === at(i - 1, j - 1) - 1) {
      rev.push(INSERT);
      j--;
    } else {
      rev.push(s1[i - 1] === s2[j - 1] ? EQUAL : SUBSTITUTE);
      i--;
      j--;
    }
  }
  while (i > 0) {
    rev.push(DELETE);
    i--;
  }
  while (j > 0) {
    rev.push(INSERT);
    j--;
  }
  for (let k = rev.length - 1; k >= 0; k--) out.push(rev[k]!);
}

/** Last DP column: distances from every prefix s1[0:i] (i = 0..n1) to the whole of s2. */
function lastColumn(s1: Int32Array, s2: Int32Array): Int32Array {
  const n1 = s1.length;
  let prev = new Int32Array(n1 + 1);
  let cur = new Int32Array(n1 + 1);
  for (let i = 0; i <= n1; i++) prev[i] = i;
  for (let j = 1; j <= s2.length; j++) {
    const bj = s2[j - 1];
    cur[0] = j;
    for (let i = 1; i <= n1; i++) {
      const diag = prev[i - 1]! + (s1[i - 1] === bj ? 0 : 1);
      const left = prev[i]! + 1;
      const up = cur[i - 1]! + 1;
      cur[i] = diag < left ? Math.min(diag, up) : Math.min(left, up);
    }
    [prev, cur] = [cur, prev];
  }
  return prev;
}

function reversed(x: Int32Array): Int32Array {
  return x.slice().reverse();
}

/**
 * Split point as rapidfuzz's find_hirschberg_pos: s2 is cut at its middle, and s1 at the first position
 * 1..n1 that minimises left + right cost.
 */
function hirschbergSplit(s1: Int32Array, s2: Int32Array) {
  const n1 = s1.length;
  const mid2 = s2.length >> 1;
  const left = lastColumn(s1, s2.subarray(0, mid2));
  const right = lastColumn(reversed(s1), reversed(s2.subarray(mid2)));
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

/** Alignment chunks of two id sequences (jiwer's AlignmentChunk list for one sentence pair). */
export function alignIds(ref: Int32Array, hyp: Int32Array): AlignmentChunk[] {
  const sink = new StepSink();
  alignRange(ref, hyp, Math.max(ref.length, hyp.length), sink);
  const chunks: AlignmentChunk[] = [];
  let i = 0;
  let j = 0;
  const ops = sink.ops;
  for (let k = 0; k < ops.length; ) {
    const op = ops[k]!;
    let run = 0;
    while (k < ops.length && ops[k] === op) {
      run++;
      k++;
    }
    const di = op === INSERT ? 0 : run;
    const dj = op === DELETE ? 0 : run;
    chunks.push({ type: OP_NAMES[op]!, refStart: i, refEnd: i + di, hypStart: j, hypEnd: j + dj });
    i += di;
    j += dj;
  }
  return chunks;
}
