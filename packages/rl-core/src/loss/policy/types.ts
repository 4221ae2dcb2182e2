import type { LossAggMode } from '../../names.js';
import type { Rng } from '../../random/rng.js';
import type { FloatArray, Matrix } from '../../tensor/matrix.js';
import type { AggLossOptions } from '../agg-loss.js';

/** Inputs of {@link computePolicyLoss}; verl's names in brackets (actor_rollout_ref.actor.*). */
export interface PolicyLossInput extends AggLossOptions {
  /** [B, L] behaviour-policy log-probs [old_log_probs]. */
  readonly oldLogProb: Matrix;
  /** [B, L] current-policy log-probs, the variable the gradient is taken with respect to [log_prob]. */
  readonly logProb: Matrix;
  /** [B, L] advantages. */
  readonly advantages: Matrix;
  /** [B, L] 0/1 response mask. */
  readonly responseMask: Matrix;
  /** [actor.loss_agg_mode], default 'token-mean' (gspo/sapo force seq-mean-token-mean, geo_mean a row mean). */
  readonly lossAggMode?: LossAggMode;
  /** Fallback of both clip ratios, default 0.2 [actor.clip_ratio]. */
  readonly clipRatio?: number;
  /** ε_low (geo_mean: a log-ratio bound; dppo: a TV/KL bound) [actor.clip_ratio_low]. */
  readonly clipRatioLow?: number;
  /** ε_high [actor.clip_ratio_high]. */
  readonly clipRatioHigh?: number;
  /** Dual-clip c > 1 (vanilla), IS truncation (dppo), default 3 [actor.clip_ratio_c]. */
  readonly clipRatioC?: number;
  /** [B, L] truncated importance weights from rollout correction; multiply the per-token loss [rollout_is_weights]. */
  readonly rolloutIsWeights?: Matrix;
  /** clip_cov, default 2e-4 [policy_loss.clip_cov_ratio]. */
  readonly clipCovRatio?: number;
  /** clip_cov, default 1 [policy_loss.clip_cov_lb]. */
  readonly clipCovLb?: number;
  /** clip_cov, default 5 [policy_loss.clip_cov_ub]. */
  readonly clipCovUb?: number;
  /** kl_cov, default 2e-4 [policy_loss.kl_cov_ratio]. */
  readonly klCovRatio?: number;
  /** kl_cov, default 0.1 [policy_loss.ppo_kl_coef]. */
  readonly ppoKlCoef?: number;
  /** sapo, default 1 [actor.tau_pos]. */
  readonly tauPos?: number;
  /** sapo, default 1.05 [actor.tau_neg]. */
  readonly tauNeg?: number;
  /** dro, default 0.1, must be > 0 [policy_loss.dro_beta]. */
  readonly droBeta?: number;
  /** clip_cov's random subset when there are more candidates than it may detach (verl: torch.randperm). */
  readonly rng?: Rng;
  /** 'error' (default): non-finite inputs at kept positions throw; 'propagate': they flow into loss and gradient. */
  readonly nonFinite?: 'error' | 'propagate';
}

/** verl's actor metrics of a policy loss; a field is absent where verl's loss does not report it. */
export interface PolicyLossMetrics {
  /** [actor/pg_clipfrac] */
  readonly pgClipfrac?: number;
  /** [actor/ppo_kl] */
  readonly ppoKl?: number;
  /** [actor/pg_clipfrac_lower] */
  readonly pgClipfracLower?: number;
}

/** A policy loss, its exact gradient d(loss)/d(logProb) (torch tie-breaking) and its metrics. */
export interface PolicyLossOutput {
  readonly loss: number;
  /** [B, L] in logProb's precision; 0 at masked positions. */
  readonly gradLogProb: Matrix;
  readonly metrics: PolicyLossMetrics;
}

/**
 * Settings resolved once per call and handed to a token-level kernel. Each kernel (vanilla.ts, cispo.ts, ...)
 * writes its own loop over rows and kept tokens rather than sharing one loop that calls a per-token function:
 * a call site shared by every loss is megamorphic and not inlined, and this loop is the update's hot path.
 */
export interface LossContext {
  readonly input: PolicyLossInput;
  readonly old: ArrayLike<number>;
  readonly lp: ArrayLike<number>;
  readonly adv: ArrayLike<number>;
  readonly mask: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
  /** Σ mask + 1e-8, the denominator of verl's masked_mean metrics. */
  readonly metricDen: number;
  readonly clipLow: number;
  readonly clipHigh: number;
  readonly clipC: number;
  /** Per-row scale of the aggregation: the loss is Σ_i scale_i Σ_t m·w·ℓ (w = rollout IS weight). */
  readonly scale: Float64Array;
  /** Per row, one past its last kept column: kernels stop there, so trailing padding is read once (by the validation). */
  readonly rowEnd: Int32Array;
  /** Rollout importance weights, or undefined. */
  readonly isWeights: ArrayLike<number> | undefined;
  /** Output: d(loss)/d(logp), written at every kept position (the rest stays 0). */
  readonly grad: FloatArray;
}

/**
 * What a per-token kernel returns after writing d(loss)/d(logp) into ctx.grad. Every loss except geo_mean is
 * per-token: its gradient with respect to logp[i, t] only goes through ℓ[i, t].
 */
export interface TokenLoss {
  readonly loss: number;
  readonly metrics: PolicyLossMetrics;
}

/**
 * d max(L1, L2)/dr for PPO's clip, L1 = −A·r and L2 = −A·clamp(r, lo, hi), divided by −A: torch sends the
 * gradient to the larger branch and half to each on a tie (or NaN), and clamp passes it inside its
 * inclusive range. `inRange` is clamp(r) === r.
 */
export function clipMaxGrad(l1: number, l2: number, inRange: boolean): number {
  if (l1 > l2) return 1;
  if (l2 > l1) return inRange ? 1 : 0;
  return inRange ? 1 : 0.5;
}

/** The weight of position k in row scale s: s·m (times the IS weight when there are some). */
export function tokenWeight(ctx: LossContext, s: number, m: number, k: number): number {
  const w = ctx.isWeights;
  return w === undefined ? s * m : s * m * (w[k] as number);
}
