/**
 * Counts-only Levenshtein distance over integer ids: Myers' bit-parallel algorithm in Hyyrö's block form
 * (32 pattern positions per int32 word, O(ceil(m / 32) * n)). The alignment path (alignment.ts) keeps a DP
 * with backtrace; this one only needs the number of edits, which is all that WER and CER need.
 */

let peq = new Int32Array(64 * 4);
let pvBlocks = new Int32Array(4);
let mvBlocks = new Int32Array(4);

/**
 * Edit distance between `pattern` and `text`, whose ids are in [0, alphabet). The scratch tables are reused
 * across calls (the caller must not interleave calls, which single-threaded JS guarantees).
 */
export function bitParallelDistance(
  pattern: ArrayLike<number>,
  m: number,
  text: ArrayLike<number>,
  n: number,
  alphabet: number,
): number {
  if (m === 0) return n;
  if (n === 0) return m;
  const blocks = (m + 31) >>> 5;
  if (peq.length < alphabet * blocks) peq = new Int32Array(Math.max(alphabet * blocks, peq.length * 2));
  const eqs = peq;
  for (let i = 0; i < m; i++) eqs[pattern[i]! * blocks + (i >>> 5)]! |= 1 << (i & 31);
  const score = blocks === 1 ? singleBlock(eqs, m, text, n) : multiBlock(eqs, m, blocks, text, n);
  for (let i = 0; i < m; i++) eqs[pattern[i]! * blocks + (i >>> 5)] = 0;
  return score;
}

function singleBlock(eqs: Int32Array, m: number, text: ArrayLike<number>, n: number): number {
  const last = 1 << (m - 1);
  let pv = -1;
  let mv = 0;
  let score = m;
  for (let j = 0; j < n; j++) {
    const eq = eqs[text[j]!]!;
    const xv = eq | mv;
    const xh = (((eq & pv) + pv) ^ pv) | eq;
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if (ph & last) score++;
    else if (mh & last) score--;
    // The top boundary row D[0][j] = j grows by one per column: shift in a +1.
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  return score;
}

function multiBlock(eqs: Int32Array, m: number, blocks: number, text: ArrayLike<number>, n: number): number {
  if (pvBlocks.length < blocks) {
    pvBlocks = new Int32Array(blocks * 2);
    mvBlocks = new Int32Array(blocks * 2);
  }
  const pvs = pvBlocks;
  const mvs = mvBlocks;
  pvs.fill(-1, 0, blocks);
  mvs.fill(0, 0, blocks);
  const lastBit = (m - 1) & 31;
  const lastBlock = blocks - 1;
  let score = m;
  for (let j = 0; j < n; j++) {
    const base = text[j]! * blocks;
    let hin = 1;
    for (let b = 0; b < blocks; b++) {
      let eq = eqs[base + b]!;
      const pv = pvs[b]!;
      const mv = mvs[b]!;
      const xv = eq | mv;
      if (hin < 0) eq |= 1;
      const xh = (((eq & pv) + pv) ^ pv) | eq;
      let ph = mv | ~(xh | pv);
      let mh = pv & xh;
      const bit = b === lastBlock ? lastBit : 31;
      const hout = ((ph >>> bit) & 1) - ((mh >>> bit) & 1);
      ph <<= 1;
      mh <<= 1;
      if (hin < 0) mh |= 1;
      else if (hin > 0) ph |= 1;
      pvs[b] = mh | ~(xv | ph);
      mvs[b] = ph & xv;
      hin = hout;
    }
    score += hin;
  }
  return score;
}
