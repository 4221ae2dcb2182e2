import { describe, expect, it } from 'vitest';
import { besselI0, kaiserBeta, kaiserSinc, kaiserSincSpectrum, kaiserSpan } from '../src/dsp/kaiser.js';
import { gaussLegendre } from '../src/dsp/quadrature.js';
import { SOXR_HQ } from '../src/resample/resample.js';

describe('gaussLegendre', () => {
  it.each([1, 2, 3, 8, 20])('%i points integrate x^d over [-1, 1] exactly for d < 2n', (n) => {
    const { nodes, weights } = gaussLegendre(n);
    for (let d = 0; d < 2 * n; d++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += weights[i]! * nodes[i]! ** d;
      expect(sum).toBeCloseTo(d % 2 === 1 ? 0 : 2 / (d + 1), 13);
    }
  });
});

describe('kaiserSincSpectrum (the response the FFT resampler applies)', () => {
  // 44.1 kHz -> 16 kHz: the soxr-HQ kernel in input samples, bins of a 14112-point block
  const band = 8000;
  const passHz = SOXR_HQ.passbandEnd * band;
  const beta = kaiserBeta(SOXR_HQ.attenuationDb);
  const halfWidth = kaiserSpan(SOXR_HQ.attenuationDb, (band - passHz) / 44100) / 2;
  const cutoff = (passHz + band) / 2 / 44100;
  const step = 1 / 14112;
  const response = kaiserSincSpectrum(cutoff, halfWidth, beta, step, 2560);

  /** 2 * integral_0^halfWidth kernel(t) cos(2 pi f t) dt by the composite Simpson rule in t = w sin(theta). */
  function simpson(f: number, intervals: number): number {
    const i0 = besselI0(beta);
    const h = Math.PI / 2 / intervals;
    let sum = 0;
    for (let i = 0; i <= intervals; i++) {
      const theta = i * h;
      const t = halfWidth * Math.sin(theta);
      const g =
        kaiserSinc(t, cutoff, halfWidth, beta, i0) *
        Math.cos(2 * Math.PI * f * t) *
        halfWidth *
        Math.cos(theta);
      sum += (i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2) * g;
    }
    return (2 * h * sum) / 3;
  }

  it.each([0, 1, 700, 2000, 2380, 2500, 2559])('bin %i equals a dense Simpson integral to 1e-12', (k) => {
    expect(Math.abs(response[k]! - simpson(k * step, 200_000))).toBeLessThan(1e-12);
  });

  it('is 1 within 1e-6 up to the pass-band edge and below -120 dB from the stop band on', () => {
    for (let k = 0; k < 2560; k++) {
      const hz = k * step * 44100;
      if (hz <= passHz) expect(Math.abs(response[k]! - 1)).toBeLessThan(1e-6);
      if (hz >= band) expect(Math.abs(response[k]!)).toBeLessThan(1e-6);
    }
  });
});
