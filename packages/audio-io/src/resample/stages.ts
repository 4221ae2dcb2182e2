import { RealFft } from '../dsp/fft.js';
import { besselI0, kaiserBeta, kaiserSinc, kaiserSincSpectrum, kaiserSpan } from '../dsp/kaiser.js';
import { allocate, kernels, type MemoryView } from '../dsp/wasm.js';

/**
 * One step of a resampling chain. Every stage is a pure function of its input signal, so any range of its
 * output can be computed from the matching range of its input: chains run in bounded memory, chunk by chunk.
 */
export interface Stage {
  /** Outputs per run that waste no work (a multiple of the stage's block). */
  readonly chunk: number;
  /** Input indices [start, end) needed for outputs [outStart, outEnd). */
  inputRange(outStart: number, outEnd: number): [number, number];
  /**
   * Writes outputs [outStart, outStart + count) into out[0..count); src[i] is input sample srcStart + i and
   * covers inputRange. Float32 between stages: its rounding (-150 dB) is far below the filters' stop band.
   */
  run(src: Float32Array, srcStart: number, outStart: number, count: number, out: Float32Array): void;
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
  readonly chunk = 16_384;
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

  run(src: Float32Array, srcStart: number, outStart: number, count: number, out: Float32Array): void {
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
function dot(w: Float64Array, wAt: number, x: Float32Array, xAt: number, n: number): number {
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

/** Largest FFT a rational stage runs (input or output block), in points. */
const MAX_BLOCK = 1 << 18;
/** Blocks grow until the overlap between them costs at most this fraction of the transform's outputs. */
const MAX_OVERLAP = 0.08;

/**
 * Rational rate change inRate -> outRate (reduced ratio inStep : outStep) with the Kaiser-windowed sinc
 * applied in the frequency domain, overlap-save: a block of inStep * K input samples is transformed, its bins
 * below the stop band are multiplied by the kernel's continuous-time response and transformed back at
 * outStep * K points, which are the filter's outputs at the new rate (the bins' spacing is the same at both
 * rates). No zero-stuffing and no polyphase sums: the cost per output is two FFTs' worth, whatever the ratio.
 * Output m is the time-domain sum_i x[i] kernel(m * inStep / outStep - i) up to the stop-band terms the
 * kernel leaves (< -120 dB), which the direct form would fold back and this one drops.
 *
 * Blocks sit on a fixed grid (block b keeps outputs [b * advance, (b + 1) * advance)), so an output never
 * depends on which range of outputs was asked for: splits across threads give the same samples.
 */
export class FftResampleStage implements Stage {
  readonly chunk: number;
  private readonly inStep: number;
  private readonly outStep: number;
  private readonly inSize: number;
  /** a block's first kept output (from the block's start) and how many it keeps; multiples of outStep */
  private readonly lead: number;
  private readonly advance: number;
  /** blocks per kernel call, and the float32 input and output buffers in kernel memory they need */
  private readonly batch: number;
  private readonly input: MemoryView<Float32Array>;
  private readonly output: MemoryView<Float32Array>;
  /** the kernel's stage descriptor (wasm/resample.c) */
  private readonly descriptor: number;
  /** the forward and inverse transforms: the descriptor points into their buffers, so the stage holds them */
  readonly transforms: [RealFft, RealFft];

  /**
   * The stage, or undefined when the reduced ratio has prime factors above 7 (no fast FFT of those sizes) or
   * needs blocks over MAX_BLOCK points.
   */
  static create(inRate: number, outRate: number, spec: LowpassSpec): FftResampleStage | undefined {
    const g = gcd(inRate, outRate);
    const inStep = inRate / g;
    const outStep = outRate / g;
    if (!smooth(inStep * outStep)) return undefined;
    const halfWidth = kaiserSpan(spec.attenuationDb, (spec.stopHz - spec.passHz) / inRate) / 2;
    let best: BlockLayout | undefined;
    for (let factor = 2; Math.max(inStep, outStep) * factor <= MAX_BLOCK; factor *= 2) {
      const layout = blockLayout(inStep, outStep, factor, halfWidth);
      if (layout.advance > 0) best = layout;
      if (layout.advance >= (1 - MAX_OVERLAP) * layout.outSize) break;
    }
    if (best === undefined || best.advance < best.outSize / 2) return undefined;
    return new FftResampleStage(inRate, spec, halfWidth, best);
  }

  private constructor(inRate: number, spec: LowpassSpec, halfWidth: number, layout: BlockLayout) {
    const { inStep, outStep, inSize, outSize, lead, advance } = layout;
    this.inStep = inStep;
    this.outStep = outStep;
    this.inSize = inSize;
    this.lead = lead;
    this.advance = advance;
    this.batch = Math.max(1, Math.round(16_384 / advance));
    this.chunk = advance * this.batch;
    const forward = new RealFft(inSize);
    const inverse = new RealFft(outSize);
    this.transforms = [forward, inverse];
    // kernel in input samples: cutoff mid-transition, Kaiser window over the span for the attenuation
    const cutoff = (spec.passHz + spec.stopHz) / 2 / inRate;
    const binHz = inRate / inSize;
    const bins = Math.min(Math.ceil(spec.stopHz / binHz), inSize / 2, outSize / 2);
    const kernel = kaiserSincSpectrum(cutoff, halfWidth, kaiserBeta(spec.attenuationDb), 1 / inSize, bins);
    const inAdvance = (advance / outStep) * inStep;
    const [response] = allocate(this, Float64Array, bins);
    const [input, output] = allocate(this, Float32Array, (this.batch - 1) * inAdvance + inSize, this.chunk);
    this.input = input!;
    this.output = output!;
    for (let k = 0; k < bins; k++) response!.array[k] = kernel[k]! * (outSize / inSize);
    // bins from the stop band on stay 0 in the inverse transform's input
    inverse.spectrumRe.fill(0);
    inverse.spectrumIm.fill(0);
    const [descriptor] = allocate(this, Int32Array, 26);
    this.descriptor = descriptor!.offset;
    descriptor!.array.set([
      inSize,
      outSize,
      lead,
      advance,
      inAdvance,
      bins,
      ...forward.pointers.slice(0, 9),
      ...inverse.pointers,
      response!.offset,
    ]);
  }

  /** First input sample of block b. */
  private blockInput(b: number): number {
    return ((b * this.advance - this.lead) / this.outStep) * this.inStep;
  }

  inputRange(outStart: number, outEnd: number): [number, number] {
    const first = Math.floor(outStart / this.advance);
    const last = Math.floor((outEnd - 1) / this.advance);
    return [this.blockInput(first), this.blockInput(last) + this.inSize];
  }

  run(src: Float32Array, srcStart: number, outStart: number, count: number, out: Float32Array): void {
    const { advance, batch } = this;
    const outEnd = outStart + count;
    const last = Math.floor((outEnd - 1) / advance);
    for (let b = Math.floor(outStart / advance); b <= last; b += batch) {
      const blocks = Math.min(batch, last - b + 1);
      const from = this.blockInput(b) - srcStart;
      this.input.array.set(src.subarray(from, this.blockInput(b + blocks - 1) - srcStart + this.inSize));
      kernels.resample_blocks(this.descriptor, this.input.offset, blocks, this.output.offset);
      const first = b * advance;
      const lo = Math.max(outStart, first);
      const hi = Math.min(outEnd, first + blocks * advance);
      out.set(this.output.array.subarray(lo - first, hi - first), lo - outStart);
    }
  }
}

interface BlockLayout {
  inStep: number;
  outStep: number;
  inSize: number;
  outSize: number;
  lead: number;
  advance: number;
}

/**
 * Blocks of inStep * factor inputs and outStep * factor outputs. The outputs with all of the kernel's support
 * inside the block (no wrap-around) are kept: [lead, lead + advance) from its start, both multiples of
 * outStep so that every block starts on an input sample.
 */
function blockLayout(inStep: number, outStep: number, factor: number, halfWidth: number): BlockLayout {
  const inSize = inStep * factor;
  // output j of the block sits at input time j * inStep / outStep and reads inputs within halfWidth of it
  const first = Math.ceil(((halfWidth + 1) * outStep) / inStep);
  const last = Math.floor(((inSize - 2 - halfWidth) * outStep) / inStep);
  const lead = outStep * Math.ceil(first / outStep);
  const advance = outStep * Math.floor((last - lead + 1) / outStep);
  return { inStep, outStep, inSize, outSize: outStep * factor, lead, advance };
}

/** Whether n has no prime factor above 7 (the FFT has butterflies for 2, 3, 5 and 7). */
function smooth(n: number): boolean {
  let rest = n;
  for (const p of [2, 3, 5, 7]) while (rest % p === 0) rest /= p;
  return rest === 1;
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
