import { EmptyBatchError } from '../errors.js';
import { assertShape, type Matrix, zerosLike } from '../tensor/matrix.js';

/** Added to mask sums in masked means, as verl does (`masked_mean`, seq-mean-token-mean). */
export const MASK_EPS = 1e-8;

/** Σ where(m != 0, x, 0) · m: non-finite values at masked-out positions are ignored. */
export function maskedSum(x: Matrix, mask: Matrix): number {
  assertShape(x, mask.rows, mask.cols, 'x');
  const d = x.data;
  const w = mask.data;
  let s = 0;
  for (let k = 0; k < d.length; k++) {
    const m = w[k] as number;
    if (m !== 0) s += (d[k] as number) * m;
  }
  return s;
}

/** Σ of a mask. */
export function maskTotal(mask: Matrix): number {
  let s = 0;
  for (let k = 0; k < mask.data.length; k++) s += mask.data[k] as number;
  return s;
}

/** verl's masked_mean: masked sum / (Σ mask + 1e-8). */
export function maskedMean(x: Matrix, mask: Matrix): number {
  return maskedSum(x, mask) / (maskTotal(mask) + MASK_EPS);
}

/** verl's masked_mean over the last axis: one value per row. */
export function maskedRowMean(x: Matrix, mask: Matrix): Float64Array {
  assertShape(x, mask.rows, mask.cols, 'x');
  const out = new Float64Array(x.rows);
  const { cols } = x;
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    let n = 0;
    for (let k = i * cols; k < (i + 1) * cols; k++) {
      const m = mask.data[k] as number;
      if (m !== 0) s += (x.data[k] as number) * m;
      n += m;
    }
    out[i] = s / (n + MASK_EPS);
  }
  return out;
}

/** verl's masked_var: batch-global, unbiased (Bessel) by default; needs at least two valid tokens. */
export function maskedVar(x: Matrix, mask: Matrix, unbiased = true): number {
  const mu = maskedMean(x, mask);
  const d = x.data;
  const w = mask.data;
  let s = 0;
  for (let k = 0; k < d.length; k++) {
    const m = w[k] as number;
    if (m !== 0) {
      const c = (d[k] as number) - mu;
      s += c * c * m;
    }
  }
  const n = maskTotal(mask);
  const v = s / (n + MASK_EPS);
  if (!unbiased) return v;
  if (n === 0) throw new EmptyBatchError('masked_var: the mask is empty (no valid token to whiten over)');
  if (n === 1)
    throw new EmptyBatchError(
      'masked_var: the mask holds a single valid token (unbiased variance needs >= 2)',
    );
  return (v * n) / (n - 1);
}

/**
 * verl's masked_whiten: (x − μ) / sqrt(var + 1e-8) with batch-global statistics over valid tokens.
 * Not re-masked: padded positions get (x − μ)/σ. With shiftMean = false, μ is added back.
 */
export function maskedWhiten(x: Matrix, mask: Matrix, shiftMean = true): Matrix {
  const mu = maskedMean(x, mask);
  const scale = 1 / Math.sqrt(maskedVar(x, mask) + 1e-8);
  const out = zerosLike(x);
  for (let k = 0; k < x.data.length; k++) {
    const v = ((x.data[k] as number) - mu) * scale;
    out.data[k] = shiftMean ? v : v + mu;
  }
  return out;
}
