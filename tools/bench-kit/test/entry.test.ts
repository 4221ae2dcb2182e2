import { describe, expect, it } from 'vitest';
import { higherIsBetter, lowerIsBetter } from '../src/entry.js';

describe('bench entries', () => {
  it('a time: ratio = peer / ours, so above 1 when ours is smaller', () => {
    expect(lowerIsBetter('fft', 'ms', 2, 6, 'numpy')).toEqual({
      name: 'fft',
      unit: 'ms',
      ours: 2,
      peer: 6,
      peerName: 'numpy',
      ratio: 3,
    });
  });

  it('a rate: ratio = ours / peer, so above 1 when ours is larger', () => {
    const e = higherIsBetter('decode', 'tokens/s', 300, 200, 'pytorch', '1 thread');
    expect(e.ratio).toBe(1.5);
    expect(e.notes).toBe('1 thread');
  });

  it('no peer figure: peer and ratio are null', () => {
    expect(lowerIsBetter('generate', 's', 8.9, null, 'none')).toMatchObject({ peer: null, ratio: null });
    expect(higherIsBetter('speak', 'audio s/s', 15, null, 'espeak-ng CLI')).toMatchObject({ ratio: null });
  });

  it('keeps the JSON field order of bench-results.json and leaves out absent notes', () => {
    expect(JSON.stringify(lowerIsBetter('a', 's', 1, 2, 'p'))).toBe(
      '{"name":"a","unit":"s","ours":1,"peer":2,"peerName":"p","ratio":2}',
    );
  });
});
