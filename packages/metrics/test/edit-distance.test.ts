import { Rng } from '@soundmind/rl-core';
import { describe, expect, it } from 'vitest';
import { bitParallelDistance } from '../src/wer/edit-distance.js';
import { dpDistance } from './helpers.js';

describe('bitParallelDistance (Myers / Hyyrö blocks)', () => {
  const rng = new Rng('myers');
  const seq = (n: number, alphabet: number) => Int32Array.from({ length: n }, () => rng.int(alphabet));

  it('equals the plain DP at block edges (31, 32, 33, 64, 65 symbols) and beyond', () => {
    for (const m of [1, 2, 31, 32, 33, 63, 64, 65, 96, 97, 200]) {
      for (let k = 0; k < 20; k++) {
        const alphabet = 2 + rng.int(6);
        const a = seq(m, alphabet);
        const b = seq(rng.int(2 * m + 2), alphabet);
        expect(bitParallelDistance(a, a.length, b, b.length, alphabet)).toBe(dpDistance([...a], [...b]));
      }
    }
  });

  it('handles empty sides and identical sequences', () => {
    const a = seq(70, 3);
    expect(bitParallelDistance(a, 0, a, 70, 3)).toBe(70);
    expect(bitParallelDistance(a, 70, a, 0, 3)).toBe(70);
    expect(bitParallelDistance(a, 70, a, 70, 3)).toBe(0);
  });

  it('leaves no state behind between calls (match table cleared)', () => {
    const a = Int32Array.of(0, 1, 2);
    const b = Int32Array.of(3, 3, 3);
    expect(bitParallelDistance(a, 3, a, 3, 4)).toBe(0);
    expect(bitParallelDistance(b, 3, a, 3, 4)).toBe(3);
  });
});
