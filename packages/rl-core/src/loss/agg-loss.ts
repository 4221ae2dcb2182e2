import { EmptyBatchError, InvalidOptionError, UnknownModeError } from '../errors.js';
import { LOSS_AGG_MODES, type LossAggMode, type VerlVariant } from '../names.js';
import { MASK_EPS } from '../stats/masked.js';
import { assertMask, assertShape, type Matrix, zerosLike } from '../tensor/matrix.js';

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
 * Per-row scales a_i with loss = Σ_i a_i Σ_t m[i, t]·ℓ[i, t]: every mode is linear in ℓ and weights a row's
 * tokens by its mask. Masked positions get weight 0 and are never read, so padding may hold anything.
 */
export function aggRowScales(
  mask: Matrix,
  mode: LossAggMode,
  options: AggLossOptions = {},
  /** Σ_t mask[i, t] per row, when the caller already has it. */
  rowTokens?: Float64Array,
): Float64Array {
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
  const m = mask.data;
  const tok = rowTokens ?? new Float64Array(rows);
  let total = 0;
  let nonEmpty = 0;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    if (rowTokens) s = rowTokens[i] as number;
    else for (let k = i * cols; k < (i + 1) * cols; k++) s += m[k] as number;
    tok[i] = s;
    total += s;
    if (s > 0) nonEmpty++;
  }
  const scales = (rowScale: (i: number) => number) => Float64Array.from(tok, (_, i) => rowScale(i));
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
    if (mode === 'token-mean') return scales(() => 1 / (total + MASK_EPS));
    if (rows === 0) throw new EmptyBatchError(`loss_agg_mode ${mode} (soundmind): the batch has no rows`);
    if (mode === 'seq-mean-token-sum') return scales(() => 1 / rows);
    if (mode === 'seq-mean-token-mean') {
      const empty = tok.indexOf(0);
      if (empty >= 0) {
        throw new EmptyBatchError(
          `loss_agg_mode seq-mean-token-mean (soundmind): row ${empty} has no valid token; verl 0.3 returns NaN here`,
        );
      }
      return scales((i) => 1 / (tok[i] as number) / rows);
    }
    const c = scaleFactor();
    return scales(() => 1 / c);
  }

  if (mode === 'token-sum') return scales(() => dp);
  if (mode === 'token-mean') {
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
    return scales(() => dp / n);
  }
  if (mode === 'seq-mean-token-sum-norm' && variant === 'jan2026') {
    const c = scaleFactor();
    return scales(() => 1 / c);
  }
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
  return scales((i) => {
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
  const scale = aggRowScales(mask, mode, options);
  const grad = zerosLike(values);
  const { cols } = mask;
  let loss = 0;
  for (let i = 0; i < mask.rows; i++) {
    const a = scale[i] as number;
    if (a === 0) continue;
    for (let k = i * cols; k < (i + 1) * cols; k++) {
      const m = mask.data[k] as number;
      if (m === 0) continue;
      const w = a * m;
      loss += w * (values.data[k] as number);
      grad.data[k] = w;
    }
  }
  return { loss, grad };
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
