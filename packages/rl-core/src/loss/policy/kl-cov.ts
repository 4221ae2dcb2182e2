import { EmptyBatchError } from '../../errors.js';
import { type LossContext, type TokenLoss, tokenWeight } from './types.js';

/**
 * KL-Cov (spec §4.8): ℓ = −A·r (log-ratio not clamped), plus ppo_kl_coef·|logp − old| on the top
 * max(1, ⌊N·ratio⌋) valid tokens by covariance (A − Ā)(logp − l̄ogp) (plain means over valid tokens).
 * Ties in the covariance go to the earlier token in row-major order.
 */
export function klCovLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, rows, cols, scale, grad, input, rowEnd } = ctx;
  const ratio = input.klCovRatio ?? 0.0002;
  const coef = input.ppoKlCoef ?? 0.1;
  const valid: number[] = [];
  let sumA = 0;
  let sumLp = 0;
  for (let k = 0; k < mask.length; k++) {
    if ((mask[k] as number) > 0) {
      valid.push(k);
      sumA += adv[k] as number;
      sumLp += lp[k] as number;
    }
  }
  if (valid.length === 0) throw new EmptyBatchError('kl_cov: the mask has no valid token to rank');
  const meanA = sumA / valid.length;
  const meanLp = sumLp / valid.length;
  const cov = new Float64Array(valid.length);
  valid.forEach((k, j) => {
    cov[j] = ((adv[k] as number) - meanA) * ((lp[k] as number) - meanLp);
  });
  const selected = new Uint8Array(mask.length);
  for (const j of topK(cov, Math.max(1, Math.floor(valid.length * ratio)))) selected[valid[j] as number] = 1;
  let loss = 0;
  let absKl = 0;
  for (let i = 0; i < rows; i++) {
    const s = scale[i] as number;
    for (let k = i * cols, end = k + (rowEnd[i] as number); k < end; k++) {
      const m = mask[k] as number;
      if (m === 0) continue;
      const a = adv[k] as number;
      const d = (lp[k] as number) - (old[k] as number);
      const r = Math.exp(d);
      let value = -a * r;
      let dl = -a * r;
      if (selected[k]) {
        value += coef * Math.abs(d);
        dl += coef * (d > 0 ? 1 : d < 0 ? -1 : 0);
      }
      const w = tokenWeight(ctx, s, m, k);
      loss += w * value;
      grad[k] = w * dl;
      absKl += Math.abs(d) * m;
    }
  }
  return { loss, metrics: { ppoKl: absKl / ctx.metricDen } };
}

/** Indices of the k largest values (earlier index first on ties), via a size-k min-heap: O(n log k). */
function topK(values: Float64Array, k: number): number[] {
  if (k >= values.length) return Array.from(values.keys());
  // "worse" = smaller value, or equal value and later index.
  const worse = (a: number, b: number) =>
    (values[a] as number) < (values[b] as number) ||
    ((values[a] as number) === (values[b] as number) && a > b);
  const heap: number[] = [];
  const siftUp = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i] as number, heap[p] as number)) break;
      [heap[i], heap[p]] = [heap[p] as number, heap[i] as number];
      i = p;
    }
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < heap.length && worse(heap[l] as number, heap[w] as number)) w = l;
      if (r < heap.length && worse(heap[r] as number, heap[w] as number)) w = r;
      if (w === i) return;
      [heap[i], heap[w]] = [heap[w] as number, heap[i] as number];
      i = w;
    }
  };
  for (let j = 0; j < values.length; j++) {
    if (heap.length < k) {
      heap.push(j);
      siftUp(heap.length - 1);
    } else if (worse(heap[0] as number, j)) {
      heap[0] = j;
      siftDown(0);
    }
  }
  return heap;
}
