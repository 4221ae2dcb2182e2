import { ALR_ANSWERS, type AlrAnswer, alrAnswerFromLabel } from '../alr/answer-format.js';
import { MetricsInputError } from '../errors.js';
import { wilsonInterval } from './wilson.js';

export interface AccuracyResult {
  correct: number;
  n: number;
  accuracy: number;
  /** Wilson score interval at the requested confidence (95% by default). */
  ci: [number, number];
}

/** Two-sided normal quantile for a confidence level (0.95 -> 1.95996...), by bisection on erf. */
export function zForConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new MetricsInputError(`confidence must be in (0, 1), got ${confidence}`);
  }
  if (confidence === 0.95) return 1.959963984540054;
  const target = (1 + confidence) / 2;
  let lo = 0;
  let hi = 40;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Standard normal CDF via the complementary error function (Numerical Recipes erfc, 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Share of true outcomes with a Wilson interval (default 95%). */
export function accuracy(outcomes: readonly boolean[], confidence = 0.95): AccuracyResult {
  if (!Array.isArray(outcomes) || outcomes.length === 0) {
    throw new MetricsInputError('accuracy: outcomes must be a non-empty array of booleans');
  }
  let correct = 0;
  outcomes.forEach((o, i) => {
    if (typeof o !== 'boolean')
      throw new MetricsInputError(`accuracy: outcomes[${i}] must be a boolean, got ${typeof o}`);
    if (o) correct++;
  });
  const n = outcomes.length;
  return { correct, n, accuracy: correct / n, ci: wilsonInterval(correct, n, zForConfidence(confidence)) };
}

/** Gold verdicts from integer labels (1 = entailed, 0 = not-entailed) or verdict strings, validated. */
export function goldAnswers(gold: readonly (AlrAnswer | 0 | 1)[], fn: string): AlrAnswer[] {
  if (!Array.isArray(gold) || gold.length === 0)
    throw new MetricsInputError(`${fn}: gold must be a non-empty array`);
  return gold.map((g, i) =>
    g === 'entailed' || g === 'not-entailed' ? g : alrAnswerFromLabel(g, `${fn}: gold[${i}]`),
  );
}

export interface MajorityFloor extends AccuracyResult {
  /** The constant answer that scores best. Ties go to 'not-entailed'. */
  answer: AlrAnswer;
}

/**
 * The accuracy of always giving the most frequent gold verdict: the floor any real system must clear
 * (ALR test: always 'not-entailed' scores 360/656 = 54.9%).
 */
export function majorityFloor(gold: readonly (AlrAnswer | 0 | 1)[], confidence = 0.95): MajorityFloor {
  const answers = goldAnswers(gold, 'majorityFloor');
  const entailed = answers.filter((a) => a === ALR_ANSWERS[0]).length;
  const answer: AlrAnswer = entailed > answers.length - entailed ? 'entailed' : 'not-entailed';
  return {
    answer,
    ...accuracy(
      answers.map((a) => a === answer),
      confidence,
    ),
  };
}
