/**
 * Slaney-scale, Slaney-normalised triangular mel filters over FFT bins (librosa `htk=False, norm="slaney"`,
 * transformers' `mel_filter_bank(..., norm="slaney", mel_scale="slaney")`), computed in float64.
 */

// Both constants written the way the reference writes them, so the corner frequencies agree to the last bit.
const MELS_PER_LOG = 27 / Math.log(6.4);
const LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(hz: number): number {
  return hz >= 1000 ? 15 + Math.log(hz / 1000) * MELS_PER_LOG : (3 * hz) / 200;
}

export function melToHz(mel: number): number {
  return mel >= 15 ? 1000 * Math.exp(LOG_STEP * (mel - 15)) : (200 * mel) / 3;
}

/** numpy.linspace(start, stop, num) to the last bit: i * step + start, with the end point set exactly. */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** A mel bank stored by rows: row m is non-zero on bins [first[m], first[m] + weights.length). */
export interface MelFilterBank {
  nMels: number;
  nFreqs: number;
  /** dense row-major [nMels, nFreqs] weights, float64 */
  dense: Float64Array;
  /** first non-zero bin of each row */
  first: Int32Array;
  /** number of non-zero bins of each row (contiguous) */
  count: Int32Array;
}

export function melFilterBank(
  nMels: number,
  nFft: number,
  sampleRate: number,
  fMin = 0,
  fMax = sampleRate / 2,
) {
  const nFreqs = Math.floor(nFft / 2) + 1;
  const fftFreqs = linspace(0, Math.floor(sampleRate / 2), nFreqs);
  const melPoints = linspace(hzToMel(fMin), hzToMel(fMax), nMels + 2);
  const hzPoints = melPoints.map(melToHz);
  const dense = new Float64Array(nMels * nFreqs);
  const first = new Int32Array(nMels);
  const count = new Int32Array(nMels);
  for (let m = 0; m < nMels; m++) {
    const lower = hzPoints[m]!;
    const centre = hzPoints[m + 1]!;
    const upper = hzPoints[m + 2]!;
    const enorm = 2 / (upper - lower);
    let lo = -1;
    let hi = -1;
    for (let k = 0; k < nFreqs; k++) {
      const rising = (fftFreqs[k]! - lower) / (centre - lower);
      const falling = (upper - fftFreqs[k]!) / (upper - centre);
      const w = Math.max(0, Math.min(rising, falling)) * enorm;
      dense[m * nFreqs + k] = w;
      if (w > 0) {
        if (lo < 0) lo = k;
        hi = k;
      }
    }
    first[m] = Math.max(lo, 0);
    count[m] = lo < 0 ? 0 : hi - lo + 1;
  }
  return { nMels, nFreqs, dense, first, count } satisfies MelFilterBank;
}
