import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../src/index.js';

describe('wilsonInterval', () => {
  it('matches the closed form for 50/100', () => {
    const [lo, hi] = wilsonInterval(50, 100);
    expect(lo).toBeCloseTo(0.4038, 4);
    expect(hi).toBeCloseTo(0.5962, 4);
  });
  it('rejects impossible counts', () => {
    expect(() => wilsonInterval(5, 3)).toThrow(RangeError);
  });
});
