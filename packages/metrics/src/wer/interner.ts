import { bitParallelDistance } from './edit-distance.js';

/**
 * Maps the words of one sentence pair to dense ids 0..k-1 (k distinct words), so that the bit-parallel
 * distance can index its match table directly. One instance is reused for every pair of a corpus.
 */
export class PairInterner {
  private readonly ids = new Map<string, number>();
  private a = new Int32Array(64);
  private b = new Int32Array(64);

  /** Levenshtein distance between two word sequences. */
  distance(ref: readonly string[], hyp: readonly string[]): number {
    // The shorter sequence is the bit-parallel pattern: fewer 32-word blocks per step.
    const [p, t] = ref.length <= hyp.length ? [ref, hyp] : [hyp, ref];
    if (p.length === 0) return t.length;
    const ids = this.ids;
    ids.clear();
    if (this.a.length < p.length) this.a = new Int32Array(p.length * 2);
    if (this.b.length < t.length) this.b = new Int32Array(t.length * 2);
    const a = this.a;
    const b = this.b;
    for (let i = 0; i < p.length; i++) {
      const w = p[i]!;
      let id = ids.get(w);
      if (id === undefined) {
        id = ids.size;
        ids.set(w, id);
      }
      a[i] = id;
    }
    // Words absent from the pattern never match: they all share one extra id.
    const other = ids.size;
    for (let j = 0; j < t.length; j++) b[j] = ids.get(t[j]!) ?? other;
    return bitParallelDistance(a, p.length, b, t.length, other + 1);
  }
}
