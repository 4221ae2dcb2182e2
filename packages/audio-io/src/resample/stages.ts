import { RealFft } from '../dsp/fft.js';
import { besselI0, kaiserBeta, kaiserSinc, kaiserSpan } from '../dsp/kaiser.js';

/**
 * One step of a resampling chain. Every stage is a pure function of its input signal, so any range of its
 * output can be computed from the matching range of its input: chains run in bounded memory, chunk by chunk.
 */
export interface Stage {
  /** Input indices [start, end) needed for outputs [outStart, outEnd). */
  inputRange(outStart: number, outEnd: number): [number, number];
  /** Writes outputs [outStart, outStart + count) into out[0..count); src[i] is input sample srcStart + i. */
  run(src: Float64Array, srcStart: number, outStart: number, count: number, out: Float64Array): void;
}

/** Passband/stopband edges in Hz and the stop-band attenuation in dB. */
export interface LowpassSpec {
  passHz: number;
  stopHz: number;
  attenuationDb: number;
}

const MAX_EXACT_PHASES = 4096;
const INTERPOLATED_PHASES = 4096;

/**
 * Rational polyphase interpolator with a short Kaiser-sinc kernel, for the "coarse" step between two rates
 * whose ratio is not an integer. Exact phases when the reduced denominator is small; otherwise coefficients are
 * linearly interpolated between 4096 tabulated phases (error far below the stop band).
 */
export class PolyphaseStage implements Stage {
  /** output step in input samples = step / phases */
  private readonly step: number;
  private readonly phases: number;
  /** taps per phase, padded with zero coefficients to a multiple of 4 (four accumulators in the dot product) */
  private readonly taps: number;
  private readonly half: number;
  private readonly table: Float64Array;
  private readonly exact: boolean;

  constructor(inRate: number, outRate: number, spec: LowpassSpec) {
    const g = gcd(inRate, outRate);
    this.step = inRate / g;
    this.phases = outRate / g;
    const beta = kaiserBeta(spec.attenuationDb);
    const halfWidth = kaiserSpan(spec.attenuationDb, (spec.stopHz - spec.passHz) / inRate) / 2;
    const cutoff = (spec.passHz + spec.stopHz) / 2 / inRate;
    this.half = Math.ceil(halfWidth);
    this.taps = Math.ceil((2 * this.half) / 4) * 4;
    this.exact = this.phases <= MAX_EXACT_PHASES;
    const rows = this.exact ? this.phases : INTERPOLATED_PHASES + 1;
    this.table = new Float64Array(rows * this.taps);
    const i0Beta = besselI0(beta);
    const denominator = this.exact ? this.phases : INTERPOLATED_PHASES;
    for (let row = 0; row < rows; row++) {
      const frac = row / denominator;
      for (let i = 0; i < 2 * this.half; i++) {
        // tap i reads input n0 - half + 1 + i; its distance from the output instant n0 + frac:
        const t = frac + this.half - 1 - i;
        this.table[row * this.taps + i] = kaiserSinc(t, cutoff, halfWidth, beta, i0Beta);
      }
    }
  }

  inputRange(outStart: number, outEnd: number): [number, number] {
    const first = Math.floor((outStart * this.step) / this.phases);
    const last = Math.floor(((outEnd - 1) * this.step) / this.phases);
    return [first - this.half + 1, last - this.half + 1 + this.taps];
  }

  run(src: Float64Array, srcStart: number, outStart: number, count: number, out: Float64Array): void {
    const { step, phases, taps, table } = this;
    const whole = Math.floor(step / phases);
    const rest = step - whole * phases;
    const product = outStart * step;
    let n0 = Math.floor(product / phases);
    let phase = product - n0 * phases;
    const base0 = -srcStart - this.half + 1;
    const exact = this.exact;
    for (let j = 0; j < count; j++) {
      const at = n0 + base0;
      if (exact) {
        out[j] = dot(table, phase * taps, src, at, taps);
      } else {
        const pos = (phase / phases) * INTERPOLATED_PHASES;
        const row = Math.floor(pos);
        const a = dot(table, row * taps, src, at, taps);
        const b = dot(table, (row + 1) * taps, src, at, taps);
        out[j] = a + (pos - row) * (b - a);
      }
      n0 += whole;
      phase += rest;
      if (phase >= phases) {
        phase -= phases;
        n0++;
      }
    }
  }
}

/** sum_i w[wAt + i] * x[xAt + i] for i < n (n a multiple of 4), with four independent accumulators. */
function dot(w: Float64Array, wAt: number, x: Float64Array, xAt: number, n: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  for (let i = 0; i < n; i += 4) {
    a0 += w[wAt + i]! * x[xAt + i]!;
    a1 += w[wAt + i + 1]! * x[xAt + i + 1]!;
    a2 += w[wAt + i + 2]! * x[xAt + i + 2]!;
    a3 += w[wAt + i + 3]! * x[xAt + i + 3]!;
  }
  return a0 + a1 + (a2 + a3);
}

/**
 * Integer-factor rate change with a long (sharp) linear-phase FIR at the higher rate, applied by FFT
 * overlap-save: decimation by `factor` (filter, keep every factor-th sample) or interpolation by `factor`
 * (zero-stuff, filter with gain `factor`). Decimation folds the filtered spectrum (sum of its `factor` shifted
 * copies) so the inverse FFT is `factor` times shorter and only the kept samples are computed.
 */
export class FftFirStage implements Stage {
  private readonly factor: number;
  private readonly decimate: boolean;
  private readonly centre: number;
  /** forward FFT length N; the inverse runs at N / factor when decimating */
  private readonly size: number;
  private readonly outSize: number;
  private readonly fft: RealFft;
  private readonly ifft: RealFft;
  private readonly hRe: Float64Array;
  private readonly hIm: Float64Array;
  private readonly block: Float64Array;
  private readonly result: Float64Array;
  private readonly specRe: Float64Array;
  private readonly specIm: Float64Array;
  private readonly foldRe: Float64Array;
  private readonly foldIm: Float64Array;
  /** length of the filter in taps (odd) */
  readonly taps: number;

  constructor(mode: 'decimate' | 'interpolate', factor: number, highRate: number, spec: LowpassSpec) {
    this.factor = factor;
    this.decimate = mode === 'decimate';
    const beta = kaiserBeta(spec.attenuationDb);
    let centre = Math.ceil(kaiserSpan(spec.attenuationDb, (spec.stopHz - spec.passHz) / highRate) / 2);
    // decimation reads block positions 2c + factor * j: keep 2c a multiple of the factor
    while (this.decimate && (2 * centre) % factor !== 0) centre++;
    this.centre = centre;
    this.taps = 2 * centre + 1;
    const cutoff = (spec.passHz + spec.stopHz) / 2 / highRate;
    const step = this.decimate ? factor : 1;
    let outSize = 1024;
    while (step * outSize < 8 * this.taps) outSize *= 2;
    this.outSize = this.decimate ? outSize : step * outSize;
    this.size = step * outSize;
    this.fft = new RealFft(this.size);
    this.ifft = this.decimate ? new RealFft(this.outSize) : this.fft;
    const gain = this.decimate ? 1 / factor : factor; // 1/factor undoes the fold's sum of copies
    const impulse = new Float64Array(this.size);
    const i0Beta = besselI0(beta);
    for (let k = 0; k < this.taps; k++) {
      impulse[k] = gain * kaiserSinc(k - centre, cutoff, centre, beta, i0Beta);
    }
    this.hRe = new Float64Array(this.size / 2 + 1);
    this.hIm = new Float64Array(this.size / 2 + 1);
    this.fft.forward(impulse, this.hRe, this.hIm);
    this.block = new Float64Array(this.size);
    this.result = new Float64Array(this.outSize);
    this.specRe = new Float64Array(this.size / 2 + 1);
    this.specIm = new Float64Array(this.size / 2 + 1);
    this.foldRe = new Float64Array(this.outSize / 2 + 1);
    this.foldIm = new Float64Array(this.outSize / 2 + 1);
  }

  inputRange(outStart: number, outEnd: number): [number, number] {
    const c = this.centre;
    if (this.decimate) return [this.factor * outStart - c, this.factor * (outEnd - 1) + c + 1];
    return [Math.ceil((outStart - c) / this.factor), Math.floor((outEnd - 1 + c) / this.factor) + 1];
  }

  run(src: Float64Array, srcStart: number, outStart: number, count: number, out: Float64Array): void {
    const { factor, centre: c, size: N, block, result } = this;
    const srcEnd = srcStart + src.length;
    if (this.decimate) {
      // a block holds high-rate input [s0, s0 + N) and yields outputs (s0 + c) / factor + j, j < perBlock
      const perBlock = Math.floor((N - 2 * c) / factor);
      const skip = (2 * c) / factor;
      for (let m0 = outStart; m0 < outStart + count; m0 += perBlock) {
        const s0 = factor * m0 - c;
        const lo = Math.min(N, Math.max(0, srcStart - s0));
        const hi = Math.max(lo, Math.min(N, srcEnd - s0));
        block.fill(0, 0, lo);
        block.set(src.subarray(s0 + lo - srcStart, s0 + hi - srcStart), lo);
        block.fill(0, hi, N);
        this.filterFolded();
        const n = Math.min(perBlock, outStart + count - m0);
        out.set(result.subarray(skip, skip + n), m0 - outStart);
      }
      return;
    }
    const valid = N - 2 * c;
    for (let h0 = outStart; h0 < outStart + count; h0 += valid) {
      const s0 = h0 - c; // block holds the zero-stuffed input [s0, s0 + N)
      block.fill(0);
      const firstIn = Math.max(Math.ceil(s0 / factor), srcStart);
      const lastIn = Math.min(Math.floor((s0 + N - 1) / factor), srcEnd - 1);
      for (let m = firstIn; m <= lastIn; m++) block[m * factor - s0] = src[m - srcStart]!;
      this.filterBlock();
      const n = Math.min(valid, outStart + count - h0);
      out.set(block.subarray(2 * c, 2 * c + n), h0 - outStart);
    }
  }

  /** Spectrum of the block times the filter's, into specRe/specIm (bins 0..N/2). */
  private multiply(): void {
    const { specRe, specIm, hRe, hIm } = this;
    this.fft.forward(this.block, specRe, specIm);
    const bins = this.size / 2 + 1;
    for (let k = 0; k < bins; k++) {
      const ar = specRe[k]!;
      const ai = specIm[k]!;
      const br = hRe[k]!;
      const bi = hIm[k]!;
      specRe[k] = ar * br - ai * bi;
      specIm[k] = ar * bi + ai * br;
    }
  }

  /** Circular convolution in place; entries [2c, N) of the block are the linear-convolution result. */
  private filterBlock(): void {
    this.multiply();
    this.fft.inverse(this.specRe, this.specIm, this.block);
  }

  /**
   * Every factor-th sample of the circular convolution, into `result`: the inverse FFT of length M = N / factor
   * of Z[k] = sum_r Y[k + r M] (Y Hermitian, so Y[j] = conj(Y[N - j]) above N/2).
   */
  private filterFolded(): void {
    this.multiply();
    const { specRe, specIm, foldRe, foldIm, size: N, outSize: M } = this;
    const half = N / 2;
    for (let k = 0; k <= M / 2; k++) {
      let zr = 0;
      let zi = 0;
      for (let j = k; j < N; j += M) {
        if (j <= half) {
          zr += specRe[j]!;
          zi += specIm[j]!;
        } else {
          zr += specRe[N - j]!;
          zi -= specIm[N - j]!;
        }
      }
      foldRe[k] = zr;
      foldIm[k] = zi;
    }
    this.ifft.inverse(foldRe, foldIm, this.result);
  }
}

export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}
