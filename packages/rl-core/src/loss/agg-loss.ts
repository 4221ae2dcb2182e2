import { EmptyBatchError, InvalidOptionError, UnknownModeError } from '../errors.js';
import { LOSS_AGG_MODES, type LossAggMode, type VerlVariant } from '../names.js';
import { MASK_EPS } from '../stats/masked.js';
import { assertMask, assertShape, type Matrix } from '../tensor/matrix.js';

/**
 * The global normalisers of current verl (spec §5). Pass the mini-batch's totals when a mini-batch is split
 * into micro-batches: then the micro-batch gradients sum to the mini-batch gradient, whatever the split.
 */
export interface AggLossOptions {
  /** Data-parallel world size D; the loss is multiplied by it (ranks average gradients) [dp_size]. Default 1. */
  readonly dpSize?: number;
  /** token-mean divisor N: valid tokens of the whole mini-batch on all ranks; default local Σ mask [batch_num_tokens]. */
  readonly batchNumTokens?: number;
  /** seq-mean-* divisor G: rows of the mini-batch (empty rows included); default local non-empty rows [global_batch_size]. */
  readonly globalBatchSize?: number;
  /** seq-mean-token-sum-norm divisor C; default the padded width L [actor.loss_scale_factor]. */
  readonly lossScaleFactor?: number;
  /** verl version: jan2026 has no token-sum and a plain-sum seq-mean-token-sum-norm; soundmind is local-only. */
  readonly variant?: VerlVariant;
}

/** A scalar loss and its gradient with respect to each element of the loss matrix. */
export interface AggLossResult {
  readonly loss: number;
  /** d(loss)/d(values), [B, L]; exactly 0 at masked positions. */
  readonly grad: Matrix;
}

/**
 * Per-position weights W with loss = Σ W·ℓ (every mode is linear in ℓ). Masked positions get weight 0 and
 * are never read, so padding may hold anything.
 */
export function aggWeights(mask: Matrix, mode: LossAggMode, options: AggLossOptions = {}): Float64Array {
  const variant = options.variant ?? 'current';
  if (
    !(LOSS_AGG_MODES as readonly string[]).includes(mode) ||
    (mode === 'token-sum' && variant !== 'current')
  ) {
    const known = variant === 'current' ? LOSS_AGG_MODES : LOSS_AGG_MODES.filter((x) => x !== 'token-sum');
    throw new UnknownModeError(`loss_agg_mode (verl ${variant})`, String(mode), known);
  }
  const dp = checkPositive(options.dpSize ?? 1, 'dpSize', true);
  const { rows, cols } = mask;
  const w = new Float64Array(rows * cols);
  const m = mask.data;
  const tok = new Float64Array(rows);
  let total = 0;
  let nonEmpty = 0;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = i * cols; k < (i + 1) * cols; k++) s += m[k] as number;
    tok[i] = s;
    total += s;
    if (s > 0) nonEmpty++;
  }
  const fill = (rowScale: (i: number) => number) => {
    for (let i = 0; i < rows; i++) {
      const a = rowScale(i);
      if (a === 0) continue;
      for (let k = i * cols; k < (i + 1) * cols; k++) {
        const mk = m[k] as number;
        if (mk !== 0) w[k] = mk * a;
      }
    }
    return w;
  };
  const scaleFactor = () => {
    const c = checkPositive(options.lossScaleFactor ?? cols, 'lossScaleFactor');
    if (c === 0)
      throw new InvalidOptionError(
        'lossScaleFactor',
        'must be > 0 (it divides the loss; 0 = a width-0 batch)',
      );
    return c;
  };

  if (variant === 'soundmind') {
    if (mode === 'token-mean') return fill(() => 1 / (total + MASK_EPS));
    if (rows === 0) throw new EmptyBatchError(`loss_agg_mode ${mode} (soundmind): the batch has no rows`);
    if (mode === 'seq-mean-token-sum') return fill(() => 1 / rows);
    if (mode === 'seq-mean-token-mean') {
      const empty = tok.indexOf(0);
      if (empty >= 0) {
        throw new EmptyBatchError(
          `loss_agg_mode seq-mean-token-mean (soundmind): row ${empty} has no valid token; verl 0.3 returns NaN here`,
        );
      }
      return fill((i) => 1 / (tok[i] as number) / rows);
    }
    return fill(() => 1 / scaleFactor());
  }

  if (mode === 'token-mean' || mode === 'token-sum') {
    if (mode === 'token-sum') return fill(() => dp);
    if (options.batchNumTokens === undefined && dp > 1 && variant === 'current') {
      throw new InvalidOptionError(
        'batchNumTokens',
        'token-mean with dpSize > 1 needs the global token count',
      );
    }
    const n =
      options.batchNumTokens === undefined ? total : checkPositive(options.batchNumTokens, 'batchNumTokens');
    if (n === 0) {
      throw new EmptyBatchError(
        'loss_agg_mode token-mean: the mask has no valid token (verl returns 0/0 = NaN)',
      );
    }
    return fill(() => dp / n);
  }
  if (mode === 'seq-mean-token-sum-norm' && variant === 'jan2026') return fill(() => 1 / scaleFactor());
  if (options.globalBatchSize === undefined && dp > 1 && variant === 'current') {
    throw new InvalidOptionError('globalBatchSize', `${mode} with dpSize > 1 needs the global batch size`);
  }
  const g =
    options.globalBatchSize === undefined
      ? nonEmpty
      : checkPositive(options.globalBatchSize, 'globalBatchSize');
  if (g === 0) {
    throw new EmptyBatchError(`loss_agg_mode ${mode}: no row has a valid token (verl returns 0/0 = NaN)`);
  }
  const norm = mode === 'seq-mean-token-sum-norm' ? scaleFactor() : 1;
  const tokMean = mode === 'seq-mean-token-mean';
  return fill((i) => {
    const t = tok[i] as number;
    if (!(t > 0)) return 0;
    return ((tokMean ? 1 / (t + MASK_EPS) : 1) * dp) / g / norm;
  });
}

/**
 * verl's agg_loss: reduce a [B, L] loss matrix to a scalar with `mode` [actor.loss_agg_mode] and return the
 * gradient with respect to the matrix. An empty normaliser is an {@link EmptyBatchError}, never a NaN.
 */
export function aggLoss(
  values: Matrix,
  mask: Matrix,
  mode: LossAggMode,
  options: AggLossOptions = {},
): AggLossResult {
  assertMask(mask, 'mask');
  assertShape(values, mask.rows, mask.cols, 'values', 'mask');
  const w = aggWeights(mask, mode, options);
  const grad = {
    data: values.data instanceof Float32Array ? Float32Array.from(w) : w,
    rows: mask.rows,
    cols: mask.cols,
  };
  return { loss: weightedSum(w, values.data), grad };
}

/** Σ w·x over positions with w != 0. */
export function weightedSum(w: Float64Array, x: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) {
    const wk = w[k] as number;
    if (wk !== 0) s += wk * (x[k] as number);
  }
  return s;
}

function checkPositive(v: number, name: string, integer = false): number {
  if (!Number.isFinite(v) || v < 0 || (integer && (!Number.isInteger(v) || v < 1))) {
    throw new InvalidOptionError(
      name,
      `must be a ${integer ? 'positive integer' : 'finite number >= 0'}, got ${v}`,
    );
  }
  return v;
}
