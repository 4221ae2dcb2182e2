import { needsGrad, record } from '../autograd/record.js';
import { ShapeError } from '../errors.js';
import { empty } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFloat, checkIndices, type IndexInput, indexTensor, kernels } from './util.js';

function softmaxImpl(x: Tensor, log: boolean): Tensor {
  const op = log ? 'logSoftmax' : 'softmax';
  checkFloat(op, x);
  if (x.rank < 1) throw new ShapeError(`${op}: needs rank >= 1, got ${x.describe()}`);
  const cols = x.dim(-1);
  const rows = cols === 0 ? 0 : x.size / cols;
  const k = kernels(x);
  const out = empty(x.shape, x.dtype, x.device);
  k.softmax(x.storage, out.storage, rows, cols, log);
  if (needsGrad(x))
    record(out, op, [x], [out], (g, [y]) => {
      const dx = empty(x.shape, x.dtype, x.device);
      k.softmaxBackward(y!.storage, g.storage, dx.storage, rows, cols, log, false);
      return [dx];
    });
  return out;
}

/** Softmax over the last axis. */
export function softmax(x: Tensor): Tensor {
  return softmaxImpl(x, false);
}

/** Log-softmax over the last axis. */
export function logSoftmax(x: Tensor): Tensor {
  return softmaxImpl(x, true);
}

function rowsOf(op: string, logits: Tensor): { rows: number; cols: number } {
  checkFloat(op, logits);
  if (logits.rank < 1)
    throw new ShapeError(`${op}: logits must have a vocabulary axis, got ${logits.describe()}`);
  const cols = logits.dim(-1);
  if (cols === 0) throw new ShapeError(`${op}: empty vocabulary axis in ${logits.describe()}`);
  return { rows: logits.size / cols, cols };
}

export interface LogitsOptions {
  /** Divide logits by this before the softmax (sampling temperature, as verl does). Default 1. */
  temperature?: number;
}

/**
 * log softmax(logits / temperature)[target] for every row: logits [..., V], targets [...] -> [...].
 * Fused: only the per-row logsumexp is kept for backward (no [rows, V] probabilities).
 */
export function gatherLogProbs(logits: Tensor, targets: IndexInput, opts: LogitsOptions = {}): Tensor {
  const { rows, cols } = rowsOf('gatherLogProbs', logits);
  const outShape = logits.shape.slice(0, -1);
  const { t: ids, owned } = indexTensor('gatherLogProbs', targets, outShape);
  if (ids.size !== rows)
    throw new ShapeError(`gatherLogProbs: ${ids.size} targets for ${rows} rows of ${logits.describe()}`);
  checkIndices('gatherLogProbs', 'targets', ids, cols);
  const invTemp = 1 / (opts.temperature ?? 1);
  const k = kernels(logits);
  const out = empty(outShape, logits.dtype, logits.device);
  const lse = empty([rows], logits.dtype, logits.device);
  k.logSoftmaxGather(logits.storage, ids.storage, out.storage, lse.storage, rows, cols, invTemp);
  if (needsGrad(logits))
    record(out, 'gatherLogProbs', [logits], [logits, ids, lse], (g, [x, t, l]) => {
      const dx = empty(logits.shape, logits.dtype, logits.device);
      k.logSoftmaxGatherBackward(
        x!.storage,
        t!.storage,
        l!.storage,
        g.storage,
        dx.storage,
        rows,
        cols,
        invTemp,
        false,
      );
      return [dx];
    });
  lse.dispose();
  if (owned) ids.dispose();
  return out;
}

/** Entropy of softmax(logits / temperature) per row: [..., V] -> [...]. */
export function entropy(logits: Tensor, opts: LogitsOptions = {}): Tensor {
  const { rows, cols } = rowsOf('entropy', logits);
  const invTemp = 1 / (opts.temperature ?? 1);
  const k = kernels(logits);
  const out = empty(logits.shape.slice(0, -1), logits.dtype, logits.device);
  const lse = empty([rows], logits.dtype, logits.device);
  k.entropy(logits.storage, out.storage, lse.storage, rows, cols, invTemp);
  if (needsGrad(logits))
    record(out, 'entropy', [logits], [logits, lse, out], (g, [x, l, h]) => {
      const dx = empty(logits.shape, logits.dtype, logits.device);
      k.entropyBackward(
        x!.storage,
        l!.storage,
        h!.storage,
        g.storage,
        dx.storage,
        rows,
        cols,
        invTemp,
        false,
      );
      return [dx];
    });
  lse.dispose();
  return out;
}
