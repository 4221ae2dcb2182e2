import type { GeneratedSequence } from './policy.js';

/** One training prompt: what the policy reads (P) and what the reward needs to score it (M, e.g. the label). */
export interface PromptItem<P, M = unknown> {
  readonly prompt: P;
  readonly meta: M;
  /** Stable id of the dataset item, for logs and sample reports. */
  readonly id?: string;
}

/** One response to score. */
export interface RewardRequest<P, M = unknown> {
  readonly item: PromptItem<P, M>;
  /** Group label shared by the n responses of one prompt in this step. */
  readonly uid: string;
  readonly sequence: GeneratedSequence;
}

/** A reward with named parts; `score` is what the estimators use. */
export interface RewardResult {
  /** The scalar outcome reward R_i, placed on the last response token [token_level_scores]. */
  readonly score: number;
  /** Accuracy-like value for DAPO dynamic sampling with metric 'acc' and for logs. */
  readonly acc?: number;
  /** Further numbers to average into the step metrics as `reward_extra/<name>/mean`. */
  readonly extra?: Readonly<Record<string, number>>;
}

/** Scores a batch of responses; one result (a number or a {@link RewardResult}) per request, in order. */
export type RewardFn<P, M = unknown> = (
  requests: readonly RewardRequest<P, M>[],
) => readonly (number | RewardResult)[] | Promise<readonly (number | RewardResult)[]>;

/**
 * Where the trainer gets prompts: called with the number of prompts wanted; called again to refill
 * when dynamic sampling drops groups. Return fewer (or none) when the data runs out.
 */
export type PromptSource<P, M = unknown> = (
  count: number,
) => readonly PromptItem<P, M>[] | Promise<readonly PromptItem<P, M>[]>;
