import { describe, expect, it } from 'vitest';
import { ComplexFft, RealFft } from '../src/dsp/fft.js';
import { maxAbsDiff } from './helpers/fixtures.js';
import { lcgNoise } from './helpers/recipes.js';

/** Plain O(n^2) DFT: the reference every fast kernel is checked against. */
function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return [outRe, outIm];
}

describe('ComplexFft', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 12, 16, 25, 49, 60, 100, 200, 256, 343, 441, 1000, 1024, 1568])(
    'matches the plain DFT for n = %i',
    (n) => {
      const re = lcgNoise(n, n);
      const im = lcgNoise(n, n + 1000);
      const [wantRe, wantIm] = naiveDft(re, im);
      new ComplexFft(n).forward(re, im);
      expect(maxAbsDiff(re, wantRe)).toBeLessThan(1e-11 * n);
      expect(maxAbsDiff(im, wantIm)).toBeLessThan(1e-11 * n);
    },
  );

  it('rejects sizes that are not positive integers or have a prime factor above 7', () => {
    expect(() => new ComplexFft(0)).toThrow(RangeError);
    expect(() => new ComplexFft(2.5)).toThrow(RangeError);
    expect(() => new ComplexFft(77)).toThrow(/no prime factor above 7, got 77/);
  });
});

describe('RealFft', () => {
  it.each([2, 4, 10, 14, 400, 768, 882, 1024, 2048])(
    'forward matches the DFT and inverse restores the input (n = %i)',
    (n) => {
      const x = lcgNoise(n, 7 * n);
      const [wantRe, wantIm] = naiveDft(x, new Float64Array(n));
      const fft = new RealFft(n);
      const re = new Float64Array(n / 2 + 1);
      const im = new Float64Array(n / 2 + 1);
      fft.forward(x, re, im);
      expect(maxAbsDiff(re, wantRe.subarray(0, n / 2 + 1))).toBeLessThan(1e-11 * n);
      expect(maxAbsDiff(im, wantIm.subarray(0, n / 2 + 1))).toBeLessThan(1e-11 * n);
      const back = new Float64Array(n);
      fft.inverse(re, im, back);
      expect(maxAbsDiff(back, x)).toBeLessThan(1e-14 * n);
    },
  );

  it.each([1, 2, 100, 255, 256, 257, 400])(
    'forwardPacked computes bins [0, %i) alone, equal to forward',
    (bins) => {
      const n = 882;
      const x = lcgNoise(n, 11);
      const fft = new RealFft(n);
      const re = new Float64Array(n / 2 + 1);
      const im = new Float64Array(n / 2 + 1);
      fft.forward(x, re, im);
      for (let t = 0; t < n / 2; t++) {
        fft.packedRe[t] = x[2 * t]!;
        fft.packedIm[t] = x[2 * t + 1]!;
      }
      fft.forwardPacked(bins);
      const partRe = fft.spectrumRe;
      const partIm = fft.spectrumIm;
      expect(maxAbsDiff(partRe.subarray(0, bins), re.subarray(0, bins))).toBeLessThan(1e-12);
      expect(maxAbsDiff(partIm.subarray(0, bins), im.subarray(0, bins))).toBeLessThan(1e-12);
    },
  );

  it('rejects odd sizes', () => {
    expect(() => new RealFft(401)).toThrow(RangeError);
  });
});
