import { Rng } from '@soundmind/rl-core';

/** Reference/hypothesis pairs of about 30 words with ASR-like noise (substitutions, deletions, insertions). */
export function syntheticPairs(count: number, seed: number, errorRate = 0.12) {
  const rng = new Rng(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const vocabulary = Array.from({ length: 5000 }, () => {
    const len = 2 + rng.int(9);
    let w = '';
    for (let k = 0; k < len; k++) w += letters[rng.int(26)];
    return w;
  });
  const word = () => vocabulary[Math.floor(vocabulary.length * rng.next() ** 2)]!;
  const references: string[] = [];
  const hypotheses: string[] = [];
  for (let p = 0; p < count; p++) {
    const ref: string[] = [];
    const hyp: string[] = [];
    const n = 25 + rng.int(11);
    for (let k = 0; k < n; k++) {
      const w = word();
      ref.push(w);
      const r = rng.next();
      if (r < errorRate / 3) continue;
      hyp.push(r < (2 * errorRate) / 3 ? word() : w);
      if (r >= (2 * errorRate) / 3 && r < errorRate) hyp.push(word());
    }
    references.push(ref.join(' '));
    hypotheses.push(hyp.join(' '));
  }
  return { references, hypotheses };
}
