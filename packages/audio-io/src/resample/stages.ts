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
  private readonly taps: number;
  private readonly half: number;
  private readonly table: Float64Array;
  private readonly tableRows: number;
  private readonly exact: boolean;

  constructor(inRate: number, outRate: number, spec: LowpassSpec) {
    const g = gcd(inRate, outRate);
    this.step = inRate / g;
    this.phases = outRate / g;
    const beta = kaiserBeta(spec.attenuationDb);
    const halfWidth = kaiserSpan(spec.attenuationDb, (spec.stopHz - spec.passHz) / inRate) / 2;
    const cutoff = (spec.passHz + spec.stopHz) / 2 / inRate;
    this.half = Math.ceil(halfWidth);
    this.taps = 2 * this.half;
    this.exact = this.phases <= MAX_EXACT_PHASES;
    this.tableRows = this.exact ? this.phases : INTERPOLATED_PHASES + 1;
    this.table = new Float64Array(this.tableRows * this.taps);
    const i0Beta = besselI0(beta);
    const denominator = this.exact ? this.phases : INTERPOLATED_PHASES;
    for (let row = 0; row < this.tableRows; row++) {
      const frac = row / denominator;
      for (let i = 0; i < this.taps; i++) {
        // tap i reads input n0 - half + 1 + i; its distance from the output instant n0 + frac:
        const t = frac + this.half - 1 - i;
        this.table[row * this.taps + i] = kaiserSinc(t, cutoff, halfWidth, beta, i0Beta);
      }
    }
  }

  inputRange(outStart: number, outEnd: number): [number, number] {
    const first = Math.floor((outStart * this.step) / this.phases);
    const last = Math.floor(((outEnd - 1) * this.step) / this.phases);
    return [first - this.half + 1, last + this.half + 1];
  }

  run(src: Float64Array, srcStart: number, outStart: number, count: number, out: Float64Array): void {
    const { step, phases, taps, table } = this;
    const whole = Math.floor(step / phases);
    const rest = step - whole * phases;
    const product = outStart * step;
    let n0 = Math.floor(product / phases);
    let phase = product - n0 * phases;
    const base0 = -srcStart - this.half + 1;
    for (let j = 0; j < count; j++) {
      const at = n0 + base0;
      let acc: number;
      if (this.exact) {
        const row = phase * taps;
        acc = 0;
        for (let i = 0; i < taps; i++) acc += table[row + i]! * src[at + i]!;
      } else {
        const pos = (phase / phases) * INTERPOLATED_PHASES;
        const r0 = Math.floor(pos);
        const alpha = pos - r0;
        const rowA = r0 * taps;
        const rowB = rowA + taps;
        let a = 0;
        let b = 0;
        for (let i = 0; i < taps; i++) {
          const v = src[at + i]!;
          a += table[rowA + i]! * v;
          b += table[rowB + i]! * v;
        }
        acc = a + alpha * (b - a);
      }
      out[j] = acc;
      n0 += whole;
      phase += rest;
      if (phase >= phases) {
        phase -= phases;
        n0++;
      }
    }
  }
}

/**
 * Integer-factor rate change with a long (sharp) linear-phase FIR at the higher rate, applied by FFT
 * overlap-save: decimation by `factor` (filter, keep every factor-th sample) or interpolation by `factor`
 * (zero-stuff, filter with gain `factor`).
 */
export class FftFirStage implements Stage {
  private readonly factor: number;
  private readonly decimate: boolean;
  private readonly centre: number;
  private readonly size: number;
  private readonly fft: RealFft;
  private readonly hRe: Float64Array;
  private readonly hIm: Float64Array;
  private readonly block: Float64Array;
  private readonly specRe: Float64Array;
  private readonly specIm: Float64Array;
  /** length of the filter in taps (odd) */
  readonly taps: number;

  constructor(mode: 'decimate' | 'interpolate', factor: number, highRate: number, spec: LowpassSpec) {
    this.factor = factor;
    this.decimate = mode === 'decimate';
    const beta = kaiserBeta(spec.attenuationDb);
    this.centre = Math.ceil(kaiserSpan(spec.attenuationDb, (spec.stopHz - spec.passHz) / highRate) / 2);
    this.taps = 2 * this.centre + 1;
    const cutoff = (spec.passHz + spec.stopHz) / 2 / highRate;
    let size = 2048;
    while (size < 8 * this.taps) size *= 2;
    this.size = size;
    this.fft = new RealFft(size);
    const gain = this.decimate ? 1 : factor;
    const impulse = new Float64Array(size);
    const i0Beta = besselI0(beta);
    for (let k = 0; k < this.taps; k++) {
      impulse[k] = gain * kaiserSinc(k - this.centre, cutoff, this.centre, beta, i0Beta);
    }
    this.hRe = new Float64Array(size / 2 + 1);
    this.hIm = new Float64Array(size / 2 + 1);
    this.fft.forward(impulse, this.hRe, this.hIm);
    this.block = new Float64Array(size);
    this.specRe = new Float64Array(size / 2 + 1);
    this.specIm = new Float64Array(size / 2 + 1);
  }

  inputRange(outStart: number, outEnd: number): [number, number] {
    const c = this.centre;
    if (this.decimate) return [this.factor * outStart - c, this.factor * (outEnd - 1) + c + 1];
    return [Math.ceil((outStart - c) / this.factor), Math.floor((outEnd - 1 + c) / this.factor) + 1];
  }

  run(src: Float64Array, srcStart: number, outStart: number, count: number, out: Float64Array): void {
    const { factor, centre: c, size: N, block } = this;
    const valid = N - 2 * c;
    // high-rate indices produced per block; a multiple of the factor so every block starts on an output
    const advance = this.decimate ? Math.floor(valid / factor) * factor : valid;
    const highStart = this.decimate ? factor * outStart : outStart;
    const highEnd = this.decimate ? factor * (outStart + count - 1) + 1 : outStart + count;
    const srcEnd = srcStart + src.length;
    for (let h0 = highStart; h0 < highEnd; h0 += advance) {
      const s0 = h0 - c; // block holds high-rate input [s0, s0 + N)
      if (this.decimate) {
        for (let i = 0; i < N; i++) {
          const k = s0 + i;
          block[i] = k >= srcStart && k < srcEnd ? src[k - srcStart]! : 0;
        }
      } else {
        block.fill(0);
        const firstIn = Math.ceil(s0 / factor);
        const lastIn = Math.floor((s0 + N - 1) / factor);
        for (let m = Math.max(firstIn, srcStart); m <= lastIn && m < srcEnd; m++) {
          block[m * factor - s0] = src[m - srcStart]!;
        }
      }
      this.filterBlock();
      const end = Math.min(highEnd, h0 + advance);
      if (this.decimate) {
        for (let h = h0; h < end; h += factor) out[h / factor - outStart] = block[h - s0 + c]!;
      } else {
        for (let h = h0; h < end; h++) out[h - outStart] = block[h - s0 + c]!;
      }
    }
  }

  /** Circular convolution of the block with the filter; entries [2c, N) are the linear-convolution result. */
  private filterBlock(): void {
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
    this.fft.inverse(specRe, specIm, this.block);
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
