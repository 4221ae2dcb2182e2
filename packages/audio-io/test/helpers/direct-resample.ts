import { besselI0, kaiserBeta, kaiserSinc, kaiserSpan } from '../../src/dsp/kaiser.js';
import { SOXR_HQ } from '../../src/resample/resample.js';

/**
 * The plain reference the FFT resampler is checked against: every output is the time-domain sum
 * sum_i x[i] kernel(m * from / to - i) over the Kaiser-windowed sinc built to SOXR_HQ, in float64.
 * O(outputs x kernel width): for short signals only.
 */
export function directResample(x: Float32Array, fromRate: number, toRate: number): Float64Array {
  const band = Math.min(fromRate, toRate) / 2;
  const passHz = SOXR_HQ.passbandEnd * band;
  const stopHz = SOXR_HQ.stopbandBegin * band;
  const beta = kaiserBeta(SOXR_HQ.attenuationDb);
  const i0Beta = besselI0(beta);
  const halfWidth = kaiserSpan(SOXR_HQ.attenuationDb, (stopHz - passHz) / fromRate) / 2;
  const cutoff = (passHz + stopHz) / 2 / fromRate;
  const n = Math.ceil((x.length * toRate) / fromRate);
  const y = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const t = (m * fromRate) / toRate;
    let sum = 0;
    const last = Math.min(x.length - 1, Math.floor(t + halfWidth));
    for (let i = Math.max(0, Math.ceil(t - halfWidth)); i <= last; i++) {
      sum += x[i]! * kaiserSinc(t - i, cutoff, halfWidth, beta, i0Beta);
    }
    y[m] = sum;
  }
  return y;
}
