/**
 * Mixed-radix complex FFT (Stockham autosort, radices 8/4/2/5/3/7 plus a generic odd-prime butterfly) on split
 * re/im Float64Arrays, and a real FFT of even length n built on the complex FFT of length n/2.
 *
 * Stage s holds, for every offset k < r and frequency j < L (L = product of the radices done, r = n/L), the
 * length-L DFT of x[k + r*t] at index k*L + j; a radix-p stage combines p of those with twiddles w_{pL}^{jq}.
 * Outputs come out in natural order, so no bit reversal pass is needed. The twiddles are applied inside each
 * butterfly: a separate twist pass reads more clearly but measured 30% slower.
 */

type Butterfly = (
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
  L: number,
  r: number,
  tw: Float64Array,
) => void;

interface Stage {
  radix: number;
  /** transform length before this stage (L); the stage makes length L * radix */
  span: number;
  /** twiddles w_{L*radix}^{j*q}, j < L, q = 1..radix-1, as [re, im] per (j, q) */
  twiddles: Float64Array;
  run: Butterfly;
}

function factorize(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  for (const p of [8, 4, 2, 5, 3, 7]) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  for (let p = 11; rest > 1; p += 2) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  return factors;
}

/** A planned complex forward FFT of one length. Reusable; not thread-safe (owns scratch buffers). */
export class ComplexFft {
  readonly size: number;
  private readonly stages: Stage[];
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    this.size = size;
    this.stages = [];
    let span = 1;
    for (const radix of factorize(size)) {
      const len = span * radix;
      const twiddles = new Float64Array(2 * span * (radix - 1));
      for (let j = 0; j < span; j++) {
        for (let q = 1; q < radix; q++) {
          const angle = (-2 * Math.PI * j * q) / len;
          const at = 2 * (j * (radix - 1) + (q - 1));
          twiddles[at] = Math.cos(angle);
          twiddles[at + 1] = Math.sin(angle);
        }
      }
      this.stages.push({ radix, span, twiddles, run: butterflyFor(radix) });
      span = len;
    }
    this.scratchRe = new Float64Array(size);
    this.scratchIm = new Float64Array(size);
  }

  /** In-place forward transform X[k] = sum x[t] e^{-2 pi i k t / n}. */
  forward(re: Float64Array, im: Float64Array): void {
    let srcRe = re;
    let srcIm = im;
    let dstRe = this.scratchRe;
    let dstIm = this.scratchIm;
    const n = this.size;
    for (const stage of this.stages) {
      stage.run(srcRe, srcIm, dstRe, dstIm, stage.span, n / (stage.span * stage.radix), stage.twiddles);
      const tRe = srcRe;
      const tIm = srcIm;
      srcRe = dstRe;
      srcIm = dstIm;
      dstRe = tRe;
      dstIm = tIm;
    }
    if (srcRe !== re) {
      re.set(srcRe);
      im.set(srcIm);
    }
  }
}

function butterflyFor(radix: number): Butterfly {
  switch (radix) {
    case 8:
      return radix8;
    case 4:
      return radix4;
    case 2:
      return radix2;
    case 5:
      return radix5;
    case 3:
      return radix3;
    case 7:
      return radix7;
    default:
      return (aRe, aIm, bRe, bIm, L, r, tw) => radixGeneric(radix, aRe, aIm, bRe, bIm, L, r, tw);
  }
}

// Each butterfly reads, for offset k < r and frequency j < L, the p inputs a[(k + r*q) * L + j]
// (q = 0..p-1), twists input q by w^{jq}, and writes its p-point DFT to b[k*L*p + j + L*s] (s = 0..p-1).
// Twiddles are skipped when L = 1 (they are all 1).

const SQRT1_2 = Math.SQRT1_2;

function radix8(
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
  L: number,
  r: number,
  tw: Float64Array,
) {
  const st = r * L;
  for (let k = 0; k < r; k++) {
    const inBase = k * L;
    const outBase = 8 * k * L;
    for (let j = 0; j < L; j++) {
      const i0 = inBase + j;
      const x0r = aRe[i0]!;
      const x0i = aIm[i0]!;
      let x1r = aRe[i0 + st]!;
      let x1i = aIm[i0 + st]!;
      let x2r = aRe[i0 + 2 * st]!;
      let x2i = aIm[i0 + 2 * st]!;
      let x3r = aRe[i0 + 3 * st]!;
      let x3i = aIm[i0 + 3 * st]!;
      let x4r = aRe[i0 + 4 * st]!;
      let x4i = aIm[i0 + 4 * st]!;
      let x5r = aRe[i0 + 5 * st]!;
      let x5i = aIm[i0 + 5 * st]!;
      let x6r = aRe[i0 + 6 * st]!;
      let x6i = aIm[i0 + 6 * st]!;
      let x7r = aRe[i0 + 7 * st]!;
      let x7i = aIm[i0 + 7 * st]!;
      if (L > 1) {
        const t = 14 * j;
        let wr = tw[t]!;
        let wi = tw[t + 1]!;
        let y = x1r * wr - x1i * wi;
        x1i = x1r * wi + x1i * wr;
        x1r = y;
        wr = tw[t + 2]!;
        wi = tw[t + 3]!;
        y = x2r * wr - x2i * wi;
        x2i = x2r * wi + x2i * wr;
        x2r = y;
        wr = tw[t + 4]!;
        wi = tw[t + 5]!;
        y = x3r * wr - x3i * wi;
        x3i = x3r * wi + x3i * wr;
        x3r = y;
        wr = tw[t + 6]!;
        wi = tw[t + 7]!;
        y = x4r * wr - x4i * wi;
        x4i = x4r * wi + x4i * wr;
        x4r = y;
        wr = tw[t + 8]!;
        wi = tw[t + 9]!;
        y = x5r * wr - x5i * wi;
        x5i = x5r * wi + x5i * wr;
        x5r = y;
        wr = tw[t + 10]!;
        wi = tw[t + 11]!;
        y = x6r * wr - x6i * wi;
        x6i = x6r * wi + x6i * wr;
        x6r = y;
        wr = tw[t + 12]!;
        wi = tw[t + 13]!;
        y = x7r * wr - x7i * wi;
        x7i = x7r * wi + x7i * wr;
        x7r = y;
      }
      // DFT-4 of the even inputs (0, 2, 4, 6) and of the odd inputs (1, 3, 5, 7)
      const a0r = x0r + x4r;
      const a0i = x0i + x4i;
      const a1r = x0r - x4r;
      const a1i = x0i - x4i;
      const a2r = x2r + x6r;
      const a2i = x2i + x6i;
      const a3r = x2r - x6r;
      const a3i = x2i - x6i;
      const e0r = a0r + a2r;
      const e0i = a0i + a2i;
      const e2r = a0r - a2r;
      const e2i = a0i - a2i;
      const e1r = a1r + a3i;
      const e1i = a1i - a3r;
      const e3r = a1r - a3i;
      const e3i = a1i + a3r;
      const c0r = x1r + x5r;
      const c0i = x1i + x5i;
      const c1r = x1r - x5r;
      const c1i = x1i - x5i;
      const c2r = x3r + x7r;
      const c2i = x3i + x7i;
      const c3r = x3r - x7r;
      const c3i = x3i - x7i;
      const o0r = c0r + c2r;
      const o0i = c0i + c2i;
      const o2r = c0r - c2r;
      const o2i = c0i - c2i;
      const o1r = c1r + c3i;
      const o1i = c1i - c3r;
      const o3r = c1r - c3i;
      const o3i = c1i + c3r;
      // times w8^k: w8 = (1 - i)/sqrt2, w8^2 = -i, w8^3 = -(1 + i)/sqrt2
      const p1r = SQRT1_2 * (o1r + o1i);
      const p1i = SQRT1_2 * (o1i - o1r);
      const p2r = o2i;
      const p2i = -o2r;
      const p3r = SQRT1_2 * (o3i - o3r);
      const p3i = -SQRT1_2 * (o3r + o3i);
      const o = outBase + j;
      bRe[o] = e0r + o0r;
      bIm[o] = e0i + o0i;
      bRe[o + L] = e1r + p1r;
      bIm[o + L] = e1i + p1i;
      bRe[o + 2 * L] = e2r + p2r;
      bIm[o + 2 * L] = e2i + p2i;
      bRe[o + 3 * L] = e3r + p3r;
      bIm[o + 3 * L] = e3i + p3i;
      bRe[o + 4 * L] = e0r - o0r;
      bIm[o + 4 * L] = e0i - o0i;
      bRe[o + 5 * L] = e1r - p1r;
      bIm[o + 5 * L] = e1i - p1i;
      bRe[o + 6 * L] = e2r - p2r;
      bIm[o + 6 * L] = e2i - p2i;
      bRe[o + 7 * L] = e3r - p3r;
      bIm[o + 7 * L] = e3i - p3i;
    }
  }
}

function radix4(
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
  L: number,
  r: number,
  tw: Float64Array,
) {
  const st = r * L;
  for (let k = 0; k < r; k++) {
    const inBase = k * L;
    const outBase = 4 * k * L;
    for (let j = 0; j < L; j++) {
      const i0 = inBase + j;
      let x1r = aRe[i0 + st]!;
      let x1i = aIm[i0 + st]!;
      let x2r = aRe[i0 + 2 * st]!;
      let x2i = aIm[i0 + 2 * st]!;
      let x3r = aRe[i0 + 3 * st]!;
      let x3i = aIm[i0 + 3 * st]!;
      if (L > 1) {
        const t = 6 * j;
        let wr = tw[t]!;
        let wi = tw[t + 1]!;
        let y = x1r * wr - x1i * wi;
        x1i = x1r * wi + x1i * wr;
        x1r = y;
        wr = tw[t + 2]!;
        wi = tw[t + 3]!;
        y = x2r * wr - x2i * wi;
        x2i = x2r * wi + x2i * wr;
        x2r = y;
        wr = tw[t + 4]!;
        wi = tw[t + 5]!;
        y = x3r * wr - x3i * wi;
        x3i = x3r * wi + x3i * wr;
        x3r = y;
      }
      const x0r = aRe[i0]!;
      const x0i = aIm[i0]!;
      const s02r = x0r + x2r;
      const s02i = x0i + x2i;
      const d02r = x0r - x2r;
      const d02i = x0i - x2i;
      const s13r = x1r + x3r;
      const s13i = x1i + x3i;
      const d13r = x1r - x3r;
      const d13i = x1i - x3i;
      const o = outBase + j;
      bRe[o] = s02r + s13r;
      bIm[o] = s02i + s13i;
      bRe[o + L] = d02r + d13i;
      bIm[o + L] = d02i - d13r;
      bRe[o + 2 * L] = s02r - s13r;
      bIm[o + 2 * L] = s02i - s13i;
      bRe[o + 3 * L] = d02r - d13i;
      bIm[o + 3 * L] = d02i + d13r;
    }
  }
}

function radix2(
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
  L: number,
  r: number,
  tw: Float64Array,
) {
  const st = r * L;
  for (let k = 0; k < r; k++) {
    const inBase = k * L;
    const outBase = 2 * k * L;
    for (let j = 0; j < L; j++) {
      const i0 = inBase + j;
      let x1r = aRe[i0 + st]!;
      let x1i = aIm[i0 + st]!;
      if (L > 1) {
        const wr = tw[2 * j]!;
        const wi = tw[2 * j + 1]!;
        const y = x1r * wr - x1i * wi;
        x1i = x1r * wi + x1i * wr;
        x1r = y;
      }
      const x0r = aRe[i0]!;
      const x0i = aIm[i0]!;
      const o = outBase + j;
      bRe[o] = x0r + x1r;
      bIm[o] = x0i + x1i;
      bRe[o + L] = x0r - x1r;
      bIm[o + L] = x0i - x1i;
    }
  }
}

const C5_1 = Math.cos((2 * Math.PI) / 5);
const C5_2 = Math.cos((4 * Math.PI) / 5);
const S5_1 = Math.sin((2 * Math.PI) / 5);
const S5_2 = Math.sin((4 * Math.PI) / 5);

function radix5(
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
  L: number,
  r: number,
  tw: Float64Array,
) {
  const st = r * L;
  for (let k = 0; k < r; k++) {
    const inBase = k * L;
    const outBase = 5 * k * L;
    for (let j = 0; j < L; j++) {
      const i0 = inBase + j;
      let x1r = aRe[i0 + st]!;
      let x1i = aIm[i0 + st]!;
      let x2r = aRe[i0 + 2 * st]!;
      let x2i = aIm[i0 + 2 * st]!;
      let x3r = aRe[i0 + 3 * st]!;
      let x3i = aIm[i0 + 3 * st]!;
      let x4r = aRe[i0 + 4 * st]!;
      let x4i = aIm[i0 + 4 * st]!;
      if (L > 1) {
        const t = 8 * j;
        let wr = tw[t]!;
        let wi = tw[t + 1]!;
        let y = x1r * wr - x1i * wi;
        x1i = x1r * wi + x1i * wr;
        x1r = y;
        wr = tw[t + 2]!;
        wi = tw[t + 3]!;
        y = x2r * wr - x2i * wi;
        x2i = x2r * wi + x2i * wr;
        x2r = y;
        wr = tw[t + 4]!;
        wi = tw[t + 5]!;
        y = x3r * wr - x3i * wi;
        x3i = x3r * wi + x3i * wr;
        x3r = y;
        wr = tw[t + 6]!;
        wi = tw[t + 7]!;
        y = x4r * wr - x4i * wi;
        x4i = x4r * wi + x4i * wr;
        x4r = y;
      }
      const x0r = aRe[i0]!;
      const x0i = aIm[i0]!;
      const s14r = x1r + x4r;
      const s14i = x1i + x4i;
      const d14r = x1r - x4r;
      const d14i = x1i - x4i;
      const s23r = x2r + x3r;
      const s23i = x2i + x3i;
      const d23r = x2r - x3r;
      const d23i = x2i - x3i;
      const a1r = x0r + C5_1 * s14r + C5_2 * s23r;
      const a1i = x0i + C5_1 * s14i + C5_2 * s23i;
      const a2r = x0r + C5_2 * s14r + C5_1 * s23r;
      const a2i = x0i + C5_2 * s14i + C5_1 * s23i;
      // -i (S1 d14 + S2 d23) and -i (S2 d14 - S1 d23)
      const b1r = S5_1 * d14i + S5_2 * d23i;
      const b1i = -(S5_1 * d14r + S5_2 * d23r);
      const b2r = S5_2 * d14i - S5_1 * d23i;
      const b2i = -(S5_2 * d14r - S5_1 * d23r);
      const o = outBase + j;
      bRe[o] = x0r + s14r + s23r;
      bIm[o] = x0i + s14i + s23i;
      bRe[o + L] = a1r + b1r;
      bIm[o + L] = a1i + b1i;
      bRe[o + 2 * L] = a2r + b2r;
      bIm[o + 2 * L] = a2i + b2i;
      bRe[o + 3 * L] = a2r - b2r;
      bIm[o + 3 * L] = a2i - b2i;
      bRe[o + 4 * L] = a1r - b1r;
      bIm[o + 4 * L] = a1i - b1i;
    }
  }
}

const S3 = Math.sin((2 * Math.PI) / 3);

function radix3(
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
  L: number,
  r: number,
  tw: Float64Array,
) {
  const st = r * L;
  for (let k = 0; k < r; k++) {
    const inBase = k * L;
    const outBase = 3 * k * L;
    for (let j = 0; j < L; j++) {
      const i0 = inBase + j;
      let x1r = aRe[i0 + st]!;
      let x1i = aIm[i0 + st]!;
      let x2r = aRe[i0 + 2 * st]!;
      let x2i = aIm[i0 + 2 * st]!;
      if (L > 1) {
        const t = 4 * j;
        let wr = tw[t]!;
        let wi = tw[t + 1]!;
        let y = x1r * wr - x1i * wi;
        x1i = x1r * wi + x1i * wr;
        x1r = y;
        wr = tw[t + 2]!;
        wi = tw[t + 3]!;
        y = x2r * wr - x2i * wi;
        x2i = x2r * wi + x2i * wr;
        x2r = y;
      }
      const x0r = aRe[i0]!;
      const x0i = aIm[i0]!;
      const sr = x1r + x2r;
      const si = x1i + x2i;
      const mr = x0r - 0.5 * sr;
      const mi = x0i - 0.5 * si;
      const dr = S3 * (x1i - x2i);
      const di = S3 * (x2r - x1r);
      const o = outBase + j;
      bRe[o] = x0r + sr;
      bIm[o] = x0i + si;
      bRe[o + L] = mr + dr;
      bIm[o + L] = mi + di;
      bRe[o + 2 * L] = mr - dr;
      bIm[o + 2 * L] = mi - di;
    }
  }
}

const C7_1 = Math.cos((2 * Math.PI) / 7);
const C7_2 = Math.cos((4 * Math.PI) / 7);
const C7_3 = Math.cos((6 * Math.PI) / 7);
const S7_1 = Math.sin((2 * Math.PI) / 7);
const S7_2 = Math.sin((4 * Math.PI) / 7);
const S7_3 = Math.sin((6 * Math.PI) / 7);

// 44.1 kHz resampling runs FFTs of 441 * 2^k points (3^2 7^2): the generic butterfly was 4x slower there.
function radix7(
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
  L: number,
  r: number,
  tw: Float64Array,
) {
  const st = r * L;
  for (let k = 0; k < r; k++) {
    const inBase = k * L;
    const outBase = 7 * k * L;
    for (let j = 0; j < L; j++) {
      const i0 = inBase + j;
      let x1r = aRe[i0 + st]!;
      let x1i = aIm[i0 + st]!;
      let x2r = aRe[i0 + 2 * st]!;
      let x2i = aIm[i0 + 2 * st]!;
      let x3r = aRe[i0 + 3 * st]!;
      let x3i = aIm[i0 + 3 * st]!;
      let x4r = aRe[i0 + 4 * st]!;
      let x4i = aIm[i0 + 4 * st]!;
      let x5r = aRe[i0 + 5 * st]!;
      let x5i = aIm[i0 + 5 * st]!;
      let x6r = aRe[i0 + 6 * st]!;
      let x6i = aIm[i0 + 6 * st]!;
      if (L > 1) {
        const t = 12 * j;
        let wr = tw[t]!;
        let wi = tw[t + 1]!;
        let y = x1r * wr - x1i * wi;
        x1i = x1r * wi + x1i * wr;
        x1r = y;
        wr = tw[t + 2]!;
        wi = tw[t + 3]!;
        y = x2r * wr - x2i * wi;
        x2i = x2r * wi + x2i * wr;
        x2r = y;
        wr = tw[t + 4]!;
        wi = tw[t + 5]!;
        y = x3r * wr - x3i * wi;
        x3i = x3r * wi + x3i * wr;
        x3r = y;
        wr = tw[t + 6]!;
        wi = tw[t + 7]!;
        y = x4r * wr - x4i * wi;
        x4i = x4r * wi + x4i * wr;
        x4r = y;
        wr = tw[t + 8]!;
        wi = tw[t + 9]!;
        y = x5r * wr - x5i * wi;
        x5i = x5r * wi + x5i * wr;
        x5r = y;
        wr = tw[t + 10]!;
        wi = tw[t + 11]!;
        y = x6r * wr - x6i * wi;
        x6i = x6r * wi + x6i * wr;
        x6r = y;
      }
      const x0r = aRe[i0]!;
      const x0i = aIm[i0]!;
      const s16r = x1r + x6r;
      const s16i = x1i + x6i;
      const d16r = x1r - x6r;
      const d16i = x1i - x6i;
      const s25r = x2r + x5r;
      const s25i = x2i + x5i;
      const d25r = x2r - x5r;
      const d25i = x2i - x5i;
      const s34r = x3r + x4r;
      const s34i = x3i + x4i;
      const d34r = x3r - x4r;
      const d34i = x3i - x4i;
      const a1r = x0r + C7_1 * s16r + C7_2 * s25r + C7_3 * s34r;
      const a1i = x0i + C7_1 * s16i + C7_2 * s25i + C7_3 * s34i;
      const a2r = x0r + C7_2 * s16r + C7_3 * s25r + C7_1 * s34r;
      const a2i = x0i + C7_2 * s16i + C7_3 * s25i + C7_1 * s34i;
      const a3r = x0r + C7_3 * s16r + C7_1 * s25r + C7_2 * s34r;
      const a3i = x0i + C7_3 * s16i + C7_1 * s25i + C7_2 * s34i;
      // -i sum_q d_q sin(2 pi q s / 7) for s = 1, 2, 3
      const b1r = S7_1 * d16i + S7_2 * d25i + S7_3 * d34i;
      const b1i = -(S7_1 * d16r + S7_2 * d25r + S7_3 * d34r);
      const b2r = S7_2 * d16i - S7_3 * d25i - S7_1 * d34i;
      const b2i = -(S7_2 * d16r - S7_3 * d25r - S7_1 * d34r);
      const b3r = S7_3 * d16i - S7_1 * d25i + S7_2 * d34i;
      const b3i = -(S7_3 * d16r - S7_1 * d25r + S7_2 * d34r);
      const o = outBase + j;
      bRe[o] = x0r + s16r + s25r + s34r;
      bIm[o] = x0i + s16i + s25i + s34i;
      bRe[o + L] = a1r + b1r;
      bIm[o + L] = a1i + b1i;
      bRe[o + 2 * L] = a2r + b2r;
      bIm[o + 2 * L] = a2i + b2i;
      bRe[o + 3 * L] = a3r + b3r;
      bIm[o + 3 * L] = a3i + b3i;
      bRe[o + 4 * L] = a3r - b3r;
      bIm[o + 4 * L] = a3i - b3i;
      bRe[o + 5 * L] = a2r - b2r;
      bIm[o + 5 * L] = a2i - b2i;
      bRe[o + 6 * L] = a1r - b1r;
      bIm[o + 6 * L] = a1i - b1i;
    }
  }
}

/** Plain O(p^2) butterfly for a prime radix above 7 (only sizes with such factors reach it). */
function radixGeneric(
  p: number,
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
  L: number,
  r: number,
  tw: Float64Array,
) {
  const st = r * L;
  const xr = new Float64Array(p);
  const xi = new Float64Array(p);
  const cos = new Float64Array(p);
  const sin = new Float64Array(p);
  for (let q = 0; q < p; q++) {
    cos[q] = Math.cos((-2 * Math.PI * q) / p);
    sin[q] = Math.sin((-2 * Math.PI * q) / p);
  }
  for (let k = 0; k < r; k++) {
    for (let j = 0; j < L; j++) {
      const i0 = k * L + j;
      for (let q = 0; q < p; q++) {
        const vr = aRe[i0 + q * st]!;
        const vi = aIm[i0 + q * st]!;
        if (q === 0) {
          xr[0] = vr;
          xi[0] = vi;
          continue;
        }
        const t = 2 * (j * (p - 1) + (q - 1));
        xr[q] = vr * tw[t]! - vi * tw[t + 1]!;
        xi[q] = vr * tw[t + 1]! + vi * tw[t]!;
      }
      for (let s = 0; s < p; s++) {
        let accR = 0;
        let accI = 0;
        for (let q = 0; q < p; q++) {
          const e = (s * q) % p;
          accR += xr[q]! * cos[e]! - xi[q]! * sin[e]!;
          accI += xr[q]! * sin[e]! + xi[q]! * cos[e]!;
        }
        bRe[k * L * p + j + s * L] = accR;
        bIm[k * L * p + j + s * L] = accI;
      }
    }
  }
}

/**
 * Real FFT of even length n through one complex FFT of length n/2. `forward` fills bins 0..n/2;
 * `inverse` is its exact inverse (including the 1/n scale).
 */
export class RealFft {
  readonly size: number;
  private readonly half: number;
  private readonly complex: ComplexFft;
  private readonly zRe: Float64Array;
  private readonly zIm: Float64Array;
  /** e^{-2 pi i k / n}, k = 0..n/2 */
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || size % 2 !== 0) {
      throw new RangeError(`real FFT size must be an even integer >= 2, got ${size}`);
    }
    this.size = size;
    this.half = size / 2;
    this.complex = new ComplexFft(this.half);
    this.zRe = new Float64Array(this.half);
    this.zIm = new Float64Array(this.half);
    this.wRe = new Float64Array(this.half + 1);
    this.wIm = new Float64Array(this.half + 1);
    for (let k = 0; k <= this.half; k++) {
      this.wRe[k] = Math.cos((-2 * Math.PI * k) / size);
      this.wIm[k] = Math.sin((-2 * Math.PI * k) / size);
    }
  }

  /** x (length n) -> X[0..n/2] into outRe/outIm (length >= n/2 + 1). */
  forward(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const { zRe, zIm } = this;
    for (let t = 0; t < this.half; t++) {
      zRe[t] = x[2 * t]!;
      zIm[t] = x[2 * t + 1]!;
    }
    this.forwardPacked(outRe, outIm);
  }

  /**
   * `forward` of the signal whose even samples the caller wrote to `packedRe` and odd samples to `packedIm`
   * (saves a copy when the caller builds the input anyway). Overwrites the packed arrays.
   */
  forwardPacked(outRe: Float64Array, outIm: Float64Array): void {
    const m = this.half;
    const { zRe, zIm, wRe, wIm } = this;
    this.complex.forward(zRe, zIm);
    const z0r = zRe[0]!;
    const z0i = zIm[0]!;
    outRe[0] = z0r + z0i;
    outIm[0] = 0;
    outRe[m] = z0r - z0i;
    outIm[m] = 0;
    // X[k] = E + w^k O and X[m-k] = conj(E - w^k O), with E, O the spectra of the even and odd samples
    for (let k = 1, k2 = m - 1; k <= k2; k++, k2--) {
      const ar = zRe[k]!;
      const ai = zIm[k]!;
      const br = zRe[k2]!;
      const bi = -zIm[k2]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const wr = wRe[k]!;
      const wi = wIm[k]!;
      const pr = or * wr - oi * wi;
      const pi = or * wi + oi * wr;
      outRe[k] = er + pr;
      outIm[k] = ei + pi;
      outRe[k2] = er - pr;
      outIm[k2] = pi - ei;
    }
  }

  /** |X[k]|^2 for k = 0..n/2 into out (length >= n/2 + 1). */
  powerSpectrum(x: Float64Array, out: Float64Array): void {
    const { packedRe, packedIm } = this;
    for (let t = 0; t < this.half; t++) {
      packedRe[t] = x[2 * t]!;
      packedIm[t] = x[2 * t + 1]!;
    }
    this.powerSpectrumPacked(out);
  }

  /**
   * `powerSpectrum` of the signal whose even samples the caller wrote to `packedRe` and odd samples to
   * `packedIm` (saves a copy when the caller builds the frame anyway). Overwrites the packed arrays.
   */
  powerSpectrumPacked(out: Float64Array): void {
    const { zRe, zIm, wRe, wIm } = this;
    this.complex.forward(zRe, zIm);
    const m = this.half;
    const z0r = zRe[0]!;
    const z0i = zIm[0]!;
    out[0] = (z0r + z0i) * (z0r + z0i);
    out[m] = (z0r - z0i) * (z0r - z0i);
    for (let k = 1, k2 = m - 1; k <= k2; k++, k2--) {
      const ar = zRe[k]!;
      const ai = zIm[k]!;
      const br = zRe[k2]!;
      const bi = -zIm[k2]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const wr = wRe[k]!;
      const wi = wIm[k]!;
      const pr = or * wr - oi * wi;
      const pi = or * wi + oi * wr;
      const sr = er + pr;
      const si = ei + pi;
      const dr = er - pr;
      const di = ei - pi;
      out[k] = sr * sr + si * si;
      out[k2] = dr * dr + di * di;
    }
  }

  /** The packed input of `forwardPacked` and `powerSpectrumPacked`: even samples (real part) ... */
  get packedRe(): Float64Array {
    return this.zRe;
  }

  /** ... and odd samples (imaginary part), n/2 each. */
  get packedIm(): Float64Array {
    return this.zIm;
  }

  /** X[0..n/2] -> x (length n); imaginary parts of bins 0 and n/2 are ignored. */
  inverse(inRe: Float64Array, inIm: Float64Array, x: Float64Array): void {
    const m = this.half;
    const zRe = this.zRe;
    const zIm = this.zIm;
    const wRe = this.wRe;
    const wIm = this.wIm;
    for (let k = 0; k < m; k++) {
      const ar = inRe[k]!;
      const ai = k === 0 ? 0 : inIm[k]!;
      const br = inRe[m - k]!;
      const bi = k === 0 ? 0 : -inIm[m - k]!; // conj(X[m-k])
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      // O = d * conj(w), Z = E + i O; conjugated here so the forward complex FFT computes the inverse
      const wr = wRe[k]!;
      const wi = wIm[k]!;
      const or = dr * wr + di * wi;
      const oi = di * wr - dr * wi;
      zRe[k] = er - oi;
      zIm[k] = -(ei + or);
    }
    this.complex.forward(zRe, zIm);
    const scale = 1 / m;
    for (let t = 0; t < m; t++) {
      x[2 * t] = zRe[t]! * scale;
      x[2 * t + 1] = -zIm[t]! * scale;
    }
  }
}
