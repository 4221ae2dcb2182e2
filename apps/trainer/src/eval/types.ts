import type { Modality } from '../config/schema.js';

/** Accuracy of one stage on one input modality over held-out problems. */
export interface ModalityEval {
  readonly accuracy: number;
  readonly n: number;
  readonly correct: number;
  /** Wilson 95% interval of the accuracy. */
  readonly ci95: readonly [number, number];
  /** Share of responses with a valid format (<think>...</think> then the final answer). */
  readonly formatRate: number;
  /** Accuracy of always answering the more frequent label of this evaluation set. */
  readonly majorityFloor: number;
  /** The same figures per problem family (e.g. `chain3-dist1`). */
  readonly byFamily: Readonly<
    Record<string, { accuracy: number; n: number; ci95: readonly [number, number] }>
  >;
}

/** One evaluated response with its reward breakdown, for the report. */
export interface SampleResponse {
  readonly id: string;
  readonly modality: Modality;
  readonly family: string;
  readonly prompt: string;
  readonly response: string;
  readonly label: string;
  readonly predicted: string | null;
  readonly reward: {
    readonly total: number;
    readonly components: Readonly<Record<string, number>>;
    readonly formatValid: boolean;
  };
}

/** Everything one evaluation of one stage produced (saved as eval/<stage>.json). */
export interface StageEvalRecord {
  readonly stage: string;
  readonly eval: Partial<Record<Modality, ModalityEval>>;
  /** Per-item correctness, in the evaluation set's order, for paired comparisons between stages. */
  readonly items: Partial<
    Record<Modality, { readonly ids: readonly string[]; readonly correct: readonly (0 | 1)[] }>
  >;
  readonly samples: readonly SampleResponse[];
  readonly seconds: number;
}

/** Stage b minus stage a on the same problems. */
export interface PairedComparison {
  readonly a: string;
  readonly b: string;
  readonly modality: Modality;
  readonly n: number;
  /** Accuracy of b minus accuracy of a (0-1 scale). */
  readonly diff: number;
  /** Newcombe's paired 95% interval of the difference (from @soundmind/metrics). */
  readonly ci95: readonly [number, number];
  /** Exact McNemar p-value of the discordant problems. */
  readonly pValue: number;
  /** Problems only b got right, and only a got right. */
  readonly bOnly: number;
  readonly aOnly: number;
}
