import type { Rng } from '@soundmind/rl-core';
import { GenerationError } from '../errors.js';

/** How the next token is chosen from a row of logits. */
export interface SamplerOptions {
  /** Divide logits by this before the softmax (default 1). Log-probs are those of logits / temperature. */
  readonly temperature?: number;
  /** Keep only the k most likely tokens; 0 or -1 = off (default off). */
  readonly topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p; 1 = off (default). */
  readonly topP?: number;
  /** false = greedy (argmax), true = sample (default). */
  readonly doSample?: boolean;
}

export function checkSamplerOptions(o: SamplerOptions): void {
  const t = o.temperature ?? 1;
  if (!(t > 0) || !Number.isFinite(t))
    throw new GenerationError('BAD_OPTION', `temperature must be a positive number, got ${o.temperature}`);
  const k = o.topK ?? -1;
  if (!Number.isInteger(k) || k < -1)
    throw new GenerationError('BAD_OPTION', `topK must be -1, 0 or a positive integer, got ${k}`);
  const p = o.topP ?? 1;
  if (!(p > 0 && p <= 1)) throw new GenerationError('BAD_OPTION', `topP must be in (0, 1], got ${o.topP}`);
}

/**
 * log softmax(logits / temperature)[token], in float64: the log-prob verl's actor computes for a sampled
 * token (verl-grpo-spec.md §7; top-k / top-p are not re-applied).
 */
export function tokenLogProb(logits: Float32Array, token: number, temperature: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) if ((logits[i] as number) > max) max = logits[i] as number;
  const inv = 1 / temperature;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(((logits[i] as number) - max) * inv);
  return ((logits[token] as number) - max) * inv - Math.log(sum);
}

/** The index of the largest logit (the first one on ties, as torch.argmax). */
export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
  return best;
}

/**
 * Picks the next token of one row. Sampling follows transformers' order: temperature, then top-k (ties at
 * the k-th value kept), then top-p (the most likely token always kept), then one uniform draw from `rng`.
 */
export function sampleToken(logits: Float32Array, o: SamplerOptions, rng: Rng | undefined): number {
  if (o.doSample === false) return argmax(logits);
  if (!rng) throw new GenerationError('BAD_OPTION', 'sampling needs an rng (or doSample: false for greedy)');
  const inv = 1 / (o.temperature ?? 1);
  const V = logits.length;
  const topK = o.topK ?? -1;
  const topP = o.topP ?? 1;
  // Candidates sorted by logit, descending; only as many as top-k needs when top-p is off.
  let order: Int32Array;
  if (topK > 0 && topK < V) order = topCandidates(logits, topK);
  else {
    order = new Int32Array(V).map((_, i) => i);
    if (topK > 0 || topP < 1) order.sort((a, b) => (logits[b] as number) - (logits[a] as number));
  }
  let n = order.length;
  if (topK > 0 && topK < n) {
    const kth = logits[order[topK - 1] as number] as number;
    n = topK;
    while (n < order.length && logits[order[n] as number] === kth) n++;
  }
  const max = logits[order[0] as number] as number;
  const probs = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(((logits[order[i] as number] as number) - max) * inv);
    probs[i] = e;
    sum += e;
  }
  if (topP < 1) {
    let cum = 0;
    let keep = n;
    for (let i = 0; i < n; i++) {
      cum += (probs[i] as number) / sum;
      if (cum >= topP) {
        keep = i + 1;
        break;
      }
    }
    n = keep;
    sum = 0;
    for (let i = 0; i < n; i++) sum += probs[i] as number;
  }
  let u = rng.next() * sum;
  for (let i = 0; i < n - 1; i++) {
    u -= probs[i] as number;
    if (u < 0) return order[i] as number;
  }
  return order[n - 1] as number;
}

// The k largest logits, sorted descending, plus any other token tied with the k-th (top-k keeps ties).
function topCandidates(values: Float32Array, k: number): Int32Array {
  const top = topIndices(values, k);
  const kth = values[top[k - 1] as number] as number;
  const chosen = new Set(top);
  const ties: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === kth && !chosen.has(i)) ties.push(i);
  if (ties.length === 0) return top;
  const out = new Int32Array(k + ties.length);
  out.set(top);
  out.set(ties, k);
  return out;
}

// Indices of the k largest values, sorted descending (ties: lower index first).
function topIndices(values: Float32Array, k: number): Int32Array {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (idx.length === k && v <= (values[idx[k - 1] as number] as number)) continue;
    let j = idx.length === k ? k - 1 : idx.length;
    if (idx.length < k) idx.push(i);
    while (j > 0 && (values[idx[j - 1] as number] as number) < v) {
      idx[j] = idx[j - 1] as number;
      j--;
    }
    idx[j] = i;
  }
  return Int32Array.from(idx);
}
