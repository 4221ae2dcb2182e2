import { EmptyBatchError } from '../../errors.js';
import type { LossContext, TokenLoss } from './types.js';

/**
 * KL-Cov (spec §4.8): ℓ = −A·r (log-ratio not clamped), plus ppo_kl_coef·|logp − old| on the top
 * max(1, ⌊N·ratio⌋) valid tokens by covariance (A − Ā)(logp − l̄ogp) (plain means over valid tokens).
 * Ties in the covariance go to the earlier token in row-major order.
 */
export function klCovLoss(ctx: LossContext): TokenLoss {
  const { old, lp, adv, mask, input } = ctx;
  const ratio = input.klCovRatio ?? 0.0002;
  const coef = input.ppoKlCoef ?? 0.1;
  const n = mask.length;
  const valid: number[] = [];
  let sumA = 0;
  let sumLp = 0;
  for (let k = 0; k < n; k++) {
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
  const selected = topK(cov, Math.max(1, Math.floor(valid.length * ratio)));
  const loss = new Float64Array(n);
  const grad = new Float64Array(n);
  let absKl = 0;
  for (let k = 0; k < n; k++) {
    const m = mask[k] as number;
    if (m === 0) continue;
    const a = adv[k] as number;
    const d = (lp[k] as number) - (old[k] as number);
    const r = Math.exp(d);
    loss[k] = -a * r;
    grad[k] = -a * r;
    absKl += Math.abs(d) * m;
  }
  for (const j of selected) {
    const k = valid[j] as number;
    const d = (lp[k] as number) - (old[k] as number);
    loss[k] = (loss[k] as number) + coef * Math.abs(d);
    grad[k] = (grad[k] as number) + coef * (d > 0 ? 1 : d < 0 ? -1 : 0);
  }
  return { loss, grad, metrics: { ppoKl: absKl / ctx.metricDen } };
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
