import { allocate, kernels, type MemoryView } from './wasm.js';

/**
 * Mixed-radix complex FFT (Stockham autosort, radices 8/4/2/5/3/7) on split re/im float64 arrays, and a real
 * FFT of even length n built on the complex FFT of length n/2. Planned here (factors, twiddles); run by the
 * WebAssembly SIMD kernels of wasm/fft.c, in buffers that live in the kernels' memory: callers on a hot path
 * write their input into the plan's views and read the result from them, with no copies; `forward`,
 * `inverse` and `powerSpectrum` copy from and to ordinary arrays.
 *
 * Pass s holds, for every offset k < r and frequency j < L (L = product of the radices done, r = n/L), the
 * length-L DFT of x[k + r*t] at index k*L + j; a radix-p pass combines p of those with twiddles w_{pL}^{jq}.
 * Outputs come out in natural order, so no bit reversal pass is needed.
 */

const RADICES = [8, 4, 2, 5, 3, 7];

function factorize(n: number): number[] | undefined {
  const factors: number[] = [];
  let rest = n;
  for (const p of RADICES) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  return rest === 1 ? factors : undefined;
}

/** A planned complex forward FFT of one length (its prime factors at most 7). Not thread-safe. */
export class ComplexFft {
  readonly size: number;
  /** plan for the kernel: [passes, then per pass radix, L, r, twiddle re, twiddle im] */
  readonly plan: number;
  readonly re: MemoryView<Float64Array>;
  readonly im: MemoryView<Float64Array>;
  readonly scratchRe: number;
  readonly scratchIm: number;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    }
    const radices = factorize(size);
    if (radices === undefined) {
      throw new RangeError(`FFT size must have no prime factor above 7, got ${size}`);
    }
    this.size = size;
    const [re, im, scratchRe, scratchIm] = allocate(this, Float64Array, size, size, size, size);
    this.re = re!;
    this.im = im!;
    this.scratchRe = scratchRe!.offset;
    this.scratchIm = scratchIm!.offset;
    const [plan] = allocate(this, Int32Array, 1 + 5 * radices.length);
    this.plan = plan!.offset;
    const passes: number[] = [radices.length];
    let span = 1;
    for (const radix of radices) {
      const len = span * radix;
      // twiddles w_{len}^{j q} stored [q - 1][j]: the kernel's j loop reads them contiguously
      const count = span * (radix - 1);
      const [twRe, twIm] = allocate(this, Float64Array, count, count);
      const cos = twRe!.array;
      const sin = twIm!.array;
      for (let q = 1; q < radix; q++) {
        for (let j = 0; j < span; j++) {
          const angle = (-2 * Math.PI * j * q) / len;
          cos[(q - 1) * span + j] = Math.cos(angle);
          sin[(q - 1) * span + j] = Math.sin(angle);
        }
      }
      passes.push(radix, span, size / len, twRe!.offset, twIm!.offset);
      span = len;
    }
    plan!.array.set(passes);
  }

  /** Transforms the plan's own buffers (`re`, `im`) in place. */
  run(): void {
    kernels.complex_fft(this.plan, this.re.offset, this.im.offset, this.scratchRe, this.scratchIm);
  }

  /** In-place forward transform X[k] = sum x[t] e^{-2 pi i k t / n} of ordinary arrays (copied in and out). */
  forward(re: Float64Array, im: Float64Array): void {
    this.re.array.set(re);
    this.im.array.set(im);
    this.run();
    re.set(this.re.array);
    im.set(this.im.array);
  }
}

/**
 * Real FFT of even length n through one complex FFT of length n/2. Forward: the caller writes even samples to
 * `packedRe`, odd ones to `packedIm`, and reads bins 0..n/2 from `spectrumRe` / `spectrumIm` (or `power`).
 * Inverse: bins into `spectrumRe` / `spectrumIm`, samples out of `signal` (the exact inverse, 1/n included).
 */
export class RealFft {
  readonly size: number;
  private readonly half: number;
  private readonly complex: ComplexFft;
  /** e^{-2 pi i k / n}, k = 0..n/2 */
  private readonly wRe: number;
  private readonly wIm: number;
  private readonly specRe: MemoryView<Float64Array>;
  private readonly specIm: MemoryView<Float64Array>;
  private readonly powerView: MemoryView<Float64Array>;
  private readonly signalView: MemoryView<Float64Array>;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || size % 2 !== 0) {
      throw new RangeError(`real FFT size must be an even integer >= 2, got ${size}`);
    }
    this.size = size;
    this.half = size / 2;
    this.complex = new ComplexFft(this.half);
    const bins = this.half + 1;
    const [wRe, wIm, specRe, specIm, power, signal] = allocate(
      this,
      Float64Array,
      bins,
      bins,
      bins,
      bins,
      bins,
      size,
    );
    this.wRe = wRe!.offset;
    this.wIm = wIm!.offset;
    for (let k = 0; k <= this.half; k++) {
      wRe!.array[k] = Math.cos((-2 * Math.PI * k) / size);
      wIm!.array[k] = Math.sin((-2 * Math.PI * k) / size);
    }
    this.specRe = specRe!;
    this.specIm = specIm!;
    this.powerView = power!;
    this.signalView = signal!;
  }

  /**
   * Byte offsets of the plan and buffers, for kernels that run this transform themselves: plan, packed re/im,
   * scratch re/im, twiddles re/im, spectrum re/im, signal.
   */
  get pointers(): number[] {
    const c = this.complex;
    return [
      c.plan,
      c.re.offset,
      c.im.offset,
      c.scratchRe,
      c.scratchIm,
      this.wRe,
      this.wIm,
      this.specRe.offset,
      this.specIm.offset,
      this.signalView.offset,
    ];
  }

  /** Byte offset of `power` (kernels that compute the power spectrum themselves write it there). */
  get powerOffset(): number {
    return this.powerView.offset;
  }

  /** Even samples of the forward transform's input (n/2). */
  get packedRe(): Float64Array {
    return this.complex.re.array;
  }

  /** Odd samples of the forward transform's input (n/2). */
  get packedIm(): Float64Array {
    return this.complex.im.array;
  }

  /** Bins 0..n/2: the forward transform's output and the inverse transform's input. */
  get spectrumRe(): Float64Array {
    return this.specRe.array;
  }

  get spectrumIm(): Float64Array {
    return this.specIm.array;
  }

  /** |X[k]|^2, k = 0..n/2, after `powerSpectrumPacked`. */
  get power(): Float64Array {
    return this.powerView.array;
  }

  /** The n samples of the inverse transform's output. */
  get signal(): Float64Array {
    return this.signalView.array;
  }

  /** Forward transform of the packed input into the spectrum, bins [0, bins) only. Overwrites the input. */
  forwardPacked(bins = this.half + 1): void {
    const c = this.complex;
    kernels.real_forward(
      c.plan,
      c.re.offset,
      c.im.offset,
      c.scratchRe,
      c.scratchIm,
      this.wRe,
      this.wIm,
      this.specRe.offset,
      this.specIm.offset,
      this.half,
      bins,
    );
  }

  /** |X[k]|^2 of the packed input into `power`. Overwrites the input. */
  powerSpectrumPacked(): void {
    const c = this.complex;
    kernels.real_power(
      c.plan,
      c.re.offset,
      c.im.offset,
      c.scratchRe,
      c.scratchIm,
      this.wRe,
      this.wIm,
      this.powerView.offset,
      this.half,
    );
  }

  /** Inverse transform of the spectrum (imaginary parts of bins 0 and n/2 ignored) into `signal`. */
  inverseSpectrum(): void {
    const c = this.complex;
    kernels.real_inverse(
      c.plan,
      this.specRe.offset,
      this.specIm.offset,
      c.re.offset,
      c.im.offset,
      c.scratchRe,
      c.scratchIm,
      this.wRe,
      this.wIm,
      this.signalView.offset,
      this.half,
    );
  }

  private pack(x: Float64Array): void {
    const even = this.packedRe;
    const odd = this.packedIm;
    for (let t = 0; t < this.half; t++) {
      even[t] = x[2 * t]!;
      odd[t] = x[2 * t + 1]!;
    }
  }

  /** x (length n) -> X[0..n/2] into outRe/outIm (length >= n/2 + 1), copying. */
  forward(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.pack(x);
    this.forwardPacked();
    outRe.set(this.spectrumRe);
    outIm.set(this.spectrumIm);
  }

  /** |X[k]|^2 for k = 0..n/2 into out (length >= n/2 + 1), copying. */
  powerSpectrum(x: Float64Array, out: Float64Array): void {
    this.pack(x);
    this.powerSpectrumPacked();
    out.set(this.power);
  }

  /** X[0..n/2] -> x (length n), copying; imaginary parts of bins 0 and n/2 are ignored. */
  inverse(inRe: Float64Array, inIm: Float64Array, x: Float64Array): void {
    this.spectrumRe.set(inRe.subarray(0, this.half + 1));
    this.spectrumIm.set(inIm.subarray(0, this.half + 1));
    this.inverseSpectrum();
    x.set(this.signal);
  }
}
