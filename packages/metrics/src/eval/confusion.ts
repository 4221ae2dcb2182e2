import { ALR_ANSWERS, type AlrAnswer } from '../alr/answer-format.js';
import { MetricsInputError } from '../errors.js';
import { goldAnswers } from './accuracy.js';

/** Predicted-verdict counts for one gold class; `none` counts responses with no readable verdict. */
export type ConfusionRow = Record<AlrAnswer | 'none', number>;

export interface ClassScores {
  /** Items of this gold class. */
  support: number;
  /** Of the items predicted as this class, the share that are; NaN when none were predicted. */
  precision: number;
  /** Of this class's items, the share predicted as it (per-label accuracy); NaN when support is 0. */
  recall: number;
  /** Harmonic mean of precision and recall; NaN when either is NaN, 0 when both are 0. */
  f1: number;
}

export interface ConfusionMatrix {
  /** counts[gold][predicted]. */
  counts: Record<AlrAnswer, ConfusionRow>;
  n: number;
  accuracy: number;
  /** Responses whose verdict could not be read (counted as wrong in accuracy). */
  unparsed: number;
  perClass: Record<AlrAnswer, ClassScores>;
  /** Mean F1 over the two classes. */
  macroF1: number;
}

/** Confusion matrix of predicted against gold verdicts, with per-class precision, recall (per-label accuracy) and F1. */
export function confusionMatrix(
  predicted: readonly (AlrAnswer | null)[],
  gold: readonly (AlrAnswer | 0 | 1)[],
): ConfusionMatrix {
  const golds = goldAnswers(gold, 'confusionMatrix');
  if (!Array.isArray(predicted) || predicted.length !== golds.length) {
    throw new MetricsInputError(
      `confusionMatrix: ${Array.isArray(predicted) ? predicted.length : 'no'} predictions for ${golds.length} gold labels`,
    );
  }
  const row = (): ConfusionRow => ({ entailed: 0, 'not-entailed': 0, none: 0 });
  const counts: Record<AlrAnswer, ConfusionRow> = { entailed: row(), 'not-entailed': row() };
  predicted.forEach((p: AlrAnswer | null, i) => {
    if (p !== null && p !== 'entailed' && p !== 'not-entailed') {
      throw new MetricsInputError(
        `confusionMatrix: predicted[${i}] must be 'entailed', 'not-entailed' or null, got ${JSON.stringify(p)}`,
      );
    }
    const column: AlrAnswer | 'none' = p ?? 'none';
    counts[golds[i]!][column]++;
  });
  const n = golds.length;
  let correct = 0;
  const perClass = {} as Record<AlrAnswer, ClassScores>;
  for (const c of ALR_ANSWERS) {
    const tp = counts[c][c];
    correct += tp;
    const support = counts[c].entailed + counts[c]['not-entailed'] + counts[c].none;
    const predictedAs = counts.entailed[c] + counts['not-entailed'][c];
    const precision = predictedAs === 0 ? Number.NaN : tp / predictedAs;
    const recall = support === 0 ? Number.NaN : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[c] = { support, precision, recall, f1 };
  }
  const unparsed = counts.entailed.none + counts['not-entailed'].none;
  const macroF1 = (perClass.entailed.f1 + perClass['not-entailed'].f1) / 2;
  return { counts, n, accuracy: correct / n, unparsed, perClass, macroF1 };
}
