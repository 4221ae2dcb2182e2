import type { Modality } from '../config/schema.js';
import type { ModalityEval, PairedComparison, SampleResponse } from '../eval/types.js';

/** One stage of a run in summary.json: its held-out evaluation and what it cost. */
export interface StageSummary {
  readonly eval: Partial<Record<Modality, ModalityEval>>;
  /** Optimizer steps (SFT) or training steps (GRPO) the stage ran. */
  readonly steps?: number;
  /** Wall seconds the stage's training took (evaluation excluded). */
  readonly seconds?: number;
  /** What the stage trained on, in words. */
  readonly description?: string;
}

/**
 * summary.json (issue 8's contract): `stages.<name>.eval.<modality>.{accuracy, n, ci95}` and `wallSeconds`,
 * plus paired comparisons between stages, the samples shown in the report and where the run lives.
 */
export interface RunSummary {
  readonly stages: Readonly<Record<string, StageSummary>>;
  readonly wallSeconds: number;
  readonly comparisons: readonly PairedComparison[];
  readonly samples: readonly SampleResponse[];
  readonly run: {
    readonly dir: string;
    readonly model: string;
    readonly data: string;
    readonly preset?: string;
    readonly finishedAt: string;
    readonly status: 'complete' | 'interrupted';
  };
}

/** Stage order for tables and charts: the pipeline's own order, then anything else. */
export const STAGE_ORDER = ['base', 'sft', 'grpo', 'control'] as const;

export const STAGE_LABELS: Readonly<Record<string, string>> = {
  base: 'untrained',
  sft: 'SFT start',
  grpo: 'GRPO',
  control: 'SFT control (same budget)',
};

export function orderedStages(stages: Readonly<Record<string, StageSummary>>): [string, StageSummary][] {
  const rank = (s: string) => {
    const i = (STAGE_ORDER as readonly string[]).indexOf(s);
    return i < 0 ? STAGE_ORDER.length : i;
  };
  return Object.entries(stages).sort((a, b) => rank(a[0]) - rank(b[0]));
}
