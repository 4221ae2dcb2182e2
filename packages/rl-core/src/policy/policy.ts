import type { Rng } from '../random/rng.js';
import type { FloatArray, Matrix } from '../tensor/matrix.js';

/**
 * Sampling settings for one {@link Policy.generate} call. verl names in brackets
 * (`actor_rollout_ref.rollout.*`, `data.*`).
 */
export interface GenerationOptions {
  /** Most tokens to generate per prompt, stop token included [data.max_response_length]. */
  readonly maxNewTokens: number;
  /** Softmax temperature; log-probs are those of logits / temperature [rollout.temperature]. */
  readonly temperature: number;
  /** Nucleus sampling mass, 1 = off [rollout.top_p]. */
  readonly topP: number;
  /** Top-k sampling, -1 = off [rollout.top_k]. */
  readonly topK: number;
  /** false = greedy decoding (REMAX's baseline rollout) [rollout.do_sample]. */
  readonly doSample: boolean;
  /** Generation ends at the first of these ids (kept in the response); empty = the policy's own EOS ids. */
  readonly stopTokenIds: readonly number[];
  /** The only source of randomness for sampling: same rng state, same prompts, same output. */
  readonly rng: Rng;
  /** Progress over the prompts of this call (libraries never print). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One sampled response. */
export interface GeneratedSequence {
  /** The prompt's token ids as the policy encoded it (used for `prompt_length/*` metrics). */
  readonly promptIds: Int32Array;
  /** Generated token ids, including the stop token when one ended the response; length <= maxNewTokens. */
  readonly responseIds: Int32Array;
  /** Log-prob of each response token under the sampling distribution (verl's `rollout_log_probs`). */
  readonly logProbs: FloatArray;
  /** 'stop': a stop token ended it; 'length': it hit maxNewTokens (truncated, "overlong"). */
  readonly finishReason: 'stop' | 'length';
  /** Decoded response text, when the policy has a tokenizer (handed to the reward function). */
  readonly text?: string;
}

/**
 * A batch of (prompt, response) rows for a log-prob pass. Rows have prompts of different lengths and
 * responses of different lengths; responses are right-padded to `cols`.
 */
export interface PolicyBatch<P> {
  readonly prompts: readonly P[];
  /** Prompt token ids per row, as returned by generate (so the policy need not re-encode). */
  readonly promptIds: readonly Int32Array[];
  /** Response token ids per row; row i occupies columns [0, responseIds[i].length). */
  readonly responseIds: readonly Int32Array[];
  /** Padded response width of the matrices exchanged for this batch. */
  readonly cols: number;
  /** Temperature the log-probs are computed at (logits / temperature), as in verl [rollout.temperature]. */
  readonly temperature: number;
}

/** What a log-prob pass computes besides the log-probs. */
export interface LogProbOptions {
  /** Keep what backward() needs: the next backward() call on this same batch object uses this pass. */
  readonly requiresGrad?: boolean;
  /** Also return the per-token entropy of the (temperature-scaled) next-token distribution. */
  readonly withEntropy?: boolean;
}

/** Per-token results of a log-prob pass, each [rows, cols]; positions past a row's length must be 0. */
export interface LogProbResult {
  /** log pi(response token t | prompt, tokens < t) of the logits / temperature. */
  readonly logProbs: Matrix;
  /** Entropy of the next-token distribution at each position (present when withEntropy was asked). */
  readonly entropy?: Matrix;
}

/** Settings of one optimizer step. */
export interface OptimizerStepOptions {
  /** Clip the global L2 gradient norm to this value [actor.optim.clip_grad, alias actor.grad_clip]. */
  readonly maxGradNorm: number;
}

/** What one optimizer step did. */
export interface OptimizerStepReport {
  /** Global L2 norm of the accumulated gradient before clipping [actor/grad_norm]. */
  readonly gradNorm: number;
  /** true when the norm was not finite: the step was skipped and the gradients zeroed (torch semantics). */
  readonly skipped: boolean;
  /** Learning rate used by this step [actor/lr]. */
  readonly lr?: number;
}

/**
 * A trainable policy, in whatever runtime: rl-core never sees parameters, only per-token log-probs and
 * d(loss)/d(log-prob). All heavy methods are async so a policy may run native or GPU work.
 *
 * Call sequence in one PPO mini-batch: zeroGrad(); for each micro-batch: logProbs(b, { requiresGrad: true })
 * then backward(b, gradLogProb[, gradEntropy]) (gradients accumulate across micro-batches); then step().
 */
export interface Policy<P = unknown> {
  /** Sample one response per prompt (the trainer has already repeated each prompt n times). */
  generate(prompts: readonly P[], options: GenerationOptions): Promise<readonly GeneratedSequence[]>;
  /** Per-token log-probs (and optionally entropies) of the given responses. */
  logProbs(batch: PolicyBatch<P>, options?: LogProbOptions): Promise<LogProbResult>;
  /**
   * Back-propagate d(loss)/d(logProbs) (and d(loss)/d(entropy) when an entropy term is used) from the
   * last `logProbs(batch, { requiresGrad: true })` call on this batch, accumulating into the gradients.
   * Values past a row's length are 0.
   */
  backward(batch: PolicyBatch<P>, gradLogProb: Matrix, gradEntropy?: Matrix): Promise<void>;
  /** Clip by global norm and apply the optimizer; skip (and zero the gradients) when the norm is not finite. */
  step(options: OptimizerStepOptions): Promise<OptimizerStepReport>;
  /** Zero the accumulated gradients. */
  zeroGrad(): void | Promise<void>;
  /** Advance the learning-rate schedule; the trainer calls it once per training step, as verl does. */
  lrSchedulerStep?(): void;
  /** Whether logProbs can return entropy (needed when entropyCoeff != 0 or calculateEntropy). */
  readonly supportsEntropy?: boolean;
}

/** A frozen reference policy for the KL terms: only log-probs are needed. */
export type ReferencePolicy<P = unknown> = Pick<Policy<P>, 'logProbs'>;
