import type { Storage } from '../../tensor/storage.js';
import type { BinaryOp, UnaryOp } from '../kernels.js';
import { arr, farr } from './arrays.js';
import { erf, GELU_TANH_C, INV_SQRT_2PI, INV_SQRT2, SQRT_2_OVER_PI, sigmoid } from './special.js';

export function fill(out: Storage, value: number, offset: number, n: number): void {
  arr(out).fill(value, offset, offset + n);
}

export function copy(src: Storage, srcOffset: number, dst: Storage, dstOffset: number, n: number): void {
  const s = arr(src);
  arr(dst).set(s.subarray(srcOffset, srcOffset + n) as never, dstOffset);
}

export function copyBlocks(
  src: Storage,
  srcOffset: number,
  srcStride: number,
  dst: Storage,
  dstOffset: number,
  dstStride: number,
  outer: number,
  n: number,
): void {
  const s = arr(src);
  const d = arr(dst);
  for (let o = 0; o < outer; o++) {
    const so = srcOffset + o * srcStride;
    d.set(s.subarray(so, so + n) as never, dstOffset + o * dstStride);
  }
}

export function permute(x: Storage, out: Storage, shape: readonly number[], perm: readonly number[]): void {
  const src = arr(x);
  const dst = arr(out);
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i]!;
  }
  const outShape = perm.map((p) => shape[p]!);
  const strides = perm.map((p) => inStrides[p]!);
  const idx = new Array<number>(rank).fill(0);
  const total = dst.length;
  let from = 0;
  for (let i = 0; i < total; i++) {
    dst[i] = src[from] as number;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      from += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      from -= strides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

function applyBinary(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case 'add':
      return x + y;
    case 'sub':
      return x - y;
    case 'mul':
      return x * y;
    case 'div':
      return x / y;
  }
}

export function binary(
  op: BinaryOp,
  aS: Storage,
  aStrides: readonly number[],
  bS: Storage,
  bStrides: readonly number[],
  outS: Storage,
  outShape: readonly number[],
): void {
  const a = farr(aS);
  const b = farr(bS);
  const out = farr(outS);
  const rank = outShape.length;
  const total = out.length;
  if (total === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < total; i++) {
    out[i] = applyBinary(op, a[ai] as number, b[bi] as number);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      ai += aStrides[d]!;
      bi += bStrides[d]!;
      if (idx[d]! < outShape[d]!) break;
      ai -= aStrides[d]! * outShape[d]!;
      bi -= bStrides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

export function affine(xS: Storage, alpha: number, beta: number, outS: Storage, n: number): void {
  const x = farr(xS);
  const out = farr(outS);
  for (let i = 0; i < n; i++) out[i] = alpha * (x[i] as number) + beta;
}

export function axpy(alpha: number, xS: Storage, yS: Storage, n: number): void {
  const x = farr(xS);
  const y = farr(yS);
  for (let i = 0; i < n; i++) y[i] = (y[i] as number) + alpha * (x[i] as number);
}

export function unaryValue(op: UnaryOp, x: number): number {
  switch (op) {
    case 'neg':
      return -x;
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'rsqrt':
      return 1 / Math.sqrt(x);
    case 'square':
      return x * x;
    case 'abs':
      return Math.abs(x);
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'relu':
      return Math.max(x, 0);
    case 'silu':
      return x * sigmoid(x);
    case 'gelu_erf':
      return 0.5 * x * (1 + erf(x * INV_SQRT2));
    case 'gelu_tanh':
      return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x)));
  }
}

/** d op(x) / dx. */
export function unaryDerivative(op: UnaryOp, x: number): number {
  switch (op) {
    case 'neg':
      return -1;
    case 'exp':
      return Math.exp(x);
    case 'log':
      return 1 / x;
    case 'sqrt':
      return 0.5 / Math.sqrt(x);
    case 'rsqrt':
      return -0.5 / (x * Math.sqrt(x));
    case 'square':
      return 2 * x;
    case 'abs':
      return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'tanh': {
      const t = Math.tanh(x);
      return 1 - t * t;
    }
    case 'sigmoid': {
      const s = sigmoid(x);
      return s * (1 - s);
    }
    case 'relu':
      return x > 0 ? 1 : 0;
    case 'silu': {
      const s = sigmoid(x);
      return s * (1 + x * (1 - s));
    }
    case 'gelu_erf':
      return 0.5 * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    case 'gelu_tanh': {
      const inner = SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x);
      const t = Math.tanh(inner);
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_C * x * x);
    }
  }
}

export function unary(op: UnaryOp, xS: Storage, outS: Storage, n: number): void {
  const x = farr(xS);
  const out = farr(outS);
  for (let i = 0; i < n; i++) out[i] = unaryValue(op, x[i] as number);
}

export function unaryBackward(
  op: UnaryOp,
  xS: Storage,
  gS: Storage,
  dxS: Storage,
  n: number,
  accumulate: boolean,
): void {
  const x = farr(xS);
  const g = farr(gS);
  const dx = farr(dxS);
  for (let i = 0; i < n; i++) {
    const v = (g[i] as number) * unaryDerivative(op, x[i] as number);
    dx[i] = accumulate ? (dx[i] as number) + v : v;
  }
}

export function reduce(
  op: 'sum' | 'max',
  xS: Storage,
  outS: Storage,
  outer: number,
  len: number,
  inner: number,
  argmaxS: Storage | null,
): void {
  const x = farr(xS);
  const out = farr(outS);
  const argmax = argmaxS ? (arr(argmaxS) as Int32Array) : null;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      if (op === 'sum') {
        let s = 0;
        for (let l = 0; l < len; l++) s += x[base + l * inner] as number;
        out[o * inner + i] = s;
      } else {
        let best = Number.NEGATIVE_INFINITY;
        let bestIdx = 0;
        for (let l = 0; l < len; l++) {
          const v = x[base + l * inner] as number;
          if (v > best || Number.isNaN(v)) {
            best = v;
            bestIdx = l;
            if (Number.isNaN(v)) break;
          }
        }
        out[o * inner + i] = best;
        if (argmax) argmax[o * inner + i] = bestIdx;
      }
    }
  }
}

export function sumSquares(xS: Storage, n: number): number {
  const x = farr(xS);
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] as number) * (x[i] as number);
  return s;
}

export function swiglu(gateS: Storage, upS: Storage, outS: Storage, n: number): void {
  const gate = farr(gateS);
  const up = farr(upS);
  const out = farr(outS);
  for (let i = 0; i < n; i++) {
    const a = gate[i] as number;
    out[i] = a * sigmoid(a) * (up[i] as number);
  }
}

export function swigluBackward(
  gateS: Storage,
  upS: Storage,
  gS: Storage,
  dgateS: Storage,
  dupS: Storage,
  n: number,
): void {
  const gate = farr(gateS);
  const up = farr(upS);
  const g = farr(gS);
  const dgate = farr(dgateS);
  const dup = farr(dupS);
  for (let i = 0; i < n; i++) {
    const a = gate[i] as number;
    const s = sigmoid(a);
    const gi = g[i] as number;
    dup[i] = gi * a * s;
    dgate[i] = gi * (up[i] as number) * s * (1 + a * (1 - s));
  }
}
