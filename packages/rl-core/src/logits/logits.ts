import { InvalidOptionError, ShapeMismatchError } from '../errors.js';
import { assertShape, type FloatArray, type Matrix, zerosLike } from '../tensor/matrix.js';

/**
 * Helpers for policies that expose logits (spec §7): `logits` is [tokens, vocab], row-major; z = logits / T.
 * Results are per token, in the logits' precision; gradients are with respect to the raw logits.
 */

function checkTemperature(t: number): number {
  if (!(t > 0) || !Number.isFinite(t))
    throw new InvalidOptionError('temperature', `must be finite and > 0, got ${t}`);
  return t;
}

/** log Σ exp(z_k) and the softmax of one row of z = logits / T, stable. */
function softmaxRow(logits: FloatArray, base: number, vocab: number, invT: number, p: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < vocab; k++) max = Math.max(max, (logits[base + k] as number) * invT);
  let sum = 0;
  for (let k = 0; k < vocab; k++) {
    const e = Math.exp((logits[base + k] as number) * invT - max);
    p[k] = e;
    sum += e;
  }
  for (let k = 0; k < vocab; k++) p[k] = (p[k] as number) / sum;
  return max + Math.log(sum);
}

function output(like: Matrix, n: number): FloatArray {
  return like.data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

/** log softmax(z)[label] per token: verl's logprobs_from_logits. */
export function logProbsFromLogits(logits: Matrix, labels: ArrayLike<number>, temperature = 1): FloatArray {
  const invT = 1 / checkTemperature(temperature);
  checkLabels(logits, labels);
  const out = output(logits, logits.rows);
  const p = new Float64Array(logits.cols);
  for (let i = 0; i < logits.rows; i++) {
    const base = i * logits.cols;
    const lse = softmaxRow(logits.data, base, logits.cols, invT, p);
    out[i] = (logits.data[base + (labels[i] as number)] as number) * invT - lse;
  }
  return out;
}

/** d(Σ_i g_i·logp_i)/d logits: g_i·(δ_{k,y} − p_k)/T. */
export function logProbsFromLogitsBackward(
  logits: Matrix,
  labels: ArrayLike<number>,
  gradLogProbs: ArrayLike<number>,
  temperature = 1,
): Matrix {
  const invT = 1 / checkTemperature(temperature);
  checkLabels(logits, labels);
  checkLength(gradLogProbs, logits.rows, 'gradLogProbs');
  const out = zerosLike(logits);
  const p = new Float64Array(logits.cols);
  for (let i = 0; i < logits.rows; i++) {
    const g = gradLogProbs[i] as number;
    if (g === 0) continue;
    const base = i * logits.cols;
    softmaxRow(logits.data, base, logits.cols, invT, p);
    for (let k = 0; k < logits.cols; k++) out.data[base + k] = -g * (p[k] as number) * invT;
    out.data[base + (labels[i] as number)] = (out.data[base + (labels[i] as number)] as number) + g * invT;
  }
  return out;
}

/** Entropy of softmax(z) per token: logsumexp(z) − Σ_k p_k z_k (verl's entropy_from_logits). */
export function entropyFromLogits(logits: Matrix, temperature = 1): FloatArray {
  const invT = 1 / checkTemperature(temperature);
  const out = output(logits, logits.rows);
  const p = new Float64Array(logits.cols);
  for (let i = 0; i < logits.rows; i++) {
    const base = i * logits.cols;
    const lse = softmaxRow(logits.data, base, logits.cols, invT, p);
    let pz = 0;
    for (let k = 0; k < logits.cols; k++) pz += (p[k] as number) * (logits.data[base + k] as number) * invT;
    out[i] = lse - pz;
  }
  return out;
}

/** d(Σ_i g_i·H_i)/d logits: −g_i·p_k·(z_k − Σ_j p_j z_j)/T. */
export function entropyFromLogitsBackward(
  logits: Matrix,
  gradEntropy: ArrayLike<number>,
  temperature = 1,
): Matrix {
  const invT = 1 / checkTemperature(temperature);
  checkLength(gradEntropy, logits.rows, 'gradEntropy');
  const out = zerosLike(logits);
  const p = new Float64Array(logits.cols);
  for (let i = 0; i < logits.rows; i++) {
    const g = gradEntropy[i] as number;
    if (g === 0) continue;
    const base = i * logits.cols;
    softmaxRow(logits.data, base, logits.cols, invT, p);
    let pz = 0;
    for (let k = 0; k < logits.cols; k++) pz += (p[k] as number) * (logits.data[base + k] as number) * invT;
    for (let k = 0; k < logits.cols; k++) {
      const z = (logits.data[base + k] as number) * invT;
      out.data[base + k] = -g * (p[k] as number) * (z - pz) * invT;
    }
  }
  return out;
}

function checkLabels(logits: Matrix, labels: ArrayLike<number>): void {
  assertShape(logits, logits.rows, logits.cols, 'logits');
  checkLength(labels, logits.rows, 'labels');
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= logits.cols) {
      throw new ShapeMismatchError(`labels[${i}] = ${y} is not a token id in [0, ${logits.cols})`);
    }
  }
}

function checkLength(a: ArrayLike<number>, n: number, name: string): void {
  if (a.length !== n) throw new ShapeMismatchError(`${name} has ${a.length} entries for ${n} logit rows`);
}
