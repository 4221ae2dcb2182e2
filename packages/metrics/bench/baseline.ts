/** The plain references: dynamic programming over words compared as strings. */

/** Two-row DP: the edit count only (tokens compared with ===; also the reference in the tests). */
export function dpWordDistance<T>(a: readonly T[], b: readonly T[]): number {
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** Full-matrix DP with a backtrace: hits, substitutions, deletions, insertions. */
export function dpWordCounts(a: readonly string[], b: readonly string[]): [number, number, number, number] {
  const w = b.length + 1;
  const d = new Array<number>((a.length + 1) * w);
  for (let j = 0; j < w; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    d[i * w] = i;
    for (let j = 1; j < w; j++) {
      const sub = d[(i - 1) * w + j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      d[i * w + j] = Math.min(sub, d[(i - 1) * w + j]! + 1, d[i * w + j - 1]! + 1);
    }
  }
  let h = 0;
  let s = 0;
  let del = 0;
  let ins = 0;
  let i = a.length;
  let j = b.length;
  while (i > 0 || j > 0) {
    const here = d[i * w + j]!;
    if (i > 0 && j > 0 && here === d[(i - 1) * w + j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)) {
      if (a[i - 1] === b[j - 1]) h++;
      else s++;
      i--;
      j--;
    } else if (i > 0 && here === d[(i - 1) * w + j]! + 1) {
      del++;
      i--;
    } else {
      ins++;
      j--;
    }
  }
  return [h, s, del, ins];
}
