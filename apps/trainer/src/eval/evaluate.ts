import { type AlrScore, majorityFloor, scoreAlr, wilsonInterval } from '@soundmind/metrics';
import { type Policy, Rng } from '@soundmind/rl-core';
import type { Modality, TrainerConfig } from '../config/schema.js';
import type { ModalityEval, SampleResponse } from './types.js';

/** One held-out problem as the policy reads it. */
export interface EvalItem<P> {
  readonly id: string;
  readonly family: string;
  readonly prompt: P;
  /** The prompt's text, for the report (the spoken question's transcript for audio input). */
  readonly promptText: string;
  readonly label: 0 | 1;
}

export interface ModalityEvalResult {
  readonly eval: ModalityEval;
  readonly ids: string[];
  readonly correct: (0 | 1)[];
  readonly samples: SampleResponse[];
}

/** The reward the trainer uses, from the config's weights (also used to score evaluations). */
export function alrReward(config: TrainerConfig): (text: string, label: 0 | 1) => AlrScore {
  const r = config.reward;
  return (text, label) =>
    scoreAlr(text, label, {
      weights: { format: r.format_weight, answer: r.answer_weight },
      wrongAnswerPenalty: r.wrong_answer_penalty,
    });
}

/**
 * Greedy evaluation of a policy on held-out problems of one input modality: accuracy with a Wilson 95%
 * interval (an unreadable answer counts as wrong), format rate, majority floor, accuracy by family, and
 * the first `samples` responses with their reward breakdown.
 */
export async function evaluatePolicy<P>(
  policy: Policy<P>,
  items: readonly EvalItem<P>[],
  opts: {
    readonly modality: Modality;
    readonly batchSize: number;
    readonly maxNewTokens: number;
    readonly samples: number;
    readonly score: (text: string, label: 0 | 1) => AlrScore;
    readonly decode?: (ids: Int32Array) => string;
    readonly onProgress?: (done: number, total: number, accuracy: number) => void;
  },
): Promise<ModalityEvalResult> {
  const correct: (0 | 1)[] = [];
  const formatOk: boolean[] = [];
  const samples: SampleResponse[] = [];
  const fam = new Map<string, { c: number; n: number }>();
  const rng = new Rng(0); // unused by greedy decoding, required by the interface
  for (let start = 0; start < items.length; start += opts.batchSize) {
    const chunk = items.slice(start, start + opts.batchSize);
    const out = await policy.generate(
      chunk.map((it) => it.prompt),
      {
        maxNewTokens: opts.maxNewTokens,
        temperature: 1,
        topP: 1,
        topK: -1,
        doSample: false,
        stopTokenIds: [],
        rng,
      },
    );
    chunk.forEach((it, i) => {
      const seq = out[i];
      const text = seq?.text ?? (seq && opts.decode ? opts.decode(seq.responseIds) : '');
      const s = opts.score(text, it.label);
      correct.push(s.correct ? 1 : 0);
      formatOk.push(s.formatValid);
      const f = fam.get(it.family) ?? { c: 0, n: 0 };
      f.c += s.correct ? 1 : 0;
      f.n++;
      fam.set(it.family, f);
      if (samples.length < opts.samples) {
        samples.push({
          id: it.id,
          modality: opts.modality,
          family: it.family,
          prompt: it.promptText,
          response: text,
          label: s.gold,
          predicted: s.predicted,
          reward: { total: s.total, components: { ...s.components }, formatValid: s.formatValid },
        });
      }
    });
    const done = correct.length;
    opts.onProgress?.(done, items.length, correct.reduce<number>((a, b) => a + b, 0) / done);
  }
  const n = correct.length;
  const c = correct.reduce<number>((a, b) => a + b, 0);
  const byFamily: Record<string, { accuracy: number; n: number; ci95: [number, number] }> = {};
  for (const [k, v] of [...fam.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    byFamily[k] = { accuracy: v.c / v.n, n: v.n, ci95: wilsonInterval(v.c, v.n) };
  }
  return {
    eval: {
      accuracy: n ? c / n : 0,
      n,
      correct: c,
      ci95: wilsonInterval(c, n),
      formatRate: n ? formatOk.filter(Boolean).length / n : 0,
      majorityFloor: n ? majorityFloor(items.map((it) => it.label)).accuracy : 0,
      byFamily,
    },
    ids: items.map((it) => it.id),
    correct,
    samples,
  };
}
