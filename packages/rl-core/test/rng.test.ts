import { describe, expect, it } from 'vitest';
import { Rng } from '../src/index.js';

describe('Rng', () => {
  it('is xoshiro128** (reference outputs for state [1, 2, 3, 4])', () => {
    const rng = Rng.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 5 }, () => rng.nextU32())).toEqual([11520, 0, 5927040, 70819200, 2031721883]);
  });

  it('is deterministic by seed and resumable from its state', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    a.next();
    b.next();
    const saved = a.getState();
    const tail = Array.from({ length: 10 }, () => a.next());
    expect(Array.from({ length: 10 }, () => b.next())).toEqual(tail);
    expect(Array.from({ length: 10 }, () => Rng.fromState(saved).next())[0]).toBe(tail[0]);
    expect(new Rng(43).next()).not.toBe(new Rng(42).next());
    expect(new Rng('run-a').nextU32()).toBe(new Rng('run-a').nextU32());
  });

  it('draws uniform doubles and unbiased integers', () => {
    const rng = new Rng(7);
    const counts = new Array<number>(6).fill(0);
    let sum = 0;
    for (let i = 0; i < 60_000; i++) {
      const u = rng.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      counts[rng.int(6)]! += 1;
    }
    expect(sum / 60_000).toBeCloseTo(0.5, 2);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('draws standard normals', () => {
    const rng = new Rng(3);
    let s = 0;
    let s2 = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
  });

  it('shuffles to a permutation and rejects bad arguments', () => {
    const rng = new Rng(1);
    const xs = rng.shuffle(Array.from({ length: 100 }, (_, i) => i));
    expect([...xs].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => new Rng(Number.NaN)).toThrow(RangeError);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(RangeError);
    expect(() => rng.pick([])).toThrow(RangeError);
  });
});
