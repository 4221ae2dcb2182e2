import { describe, expect, it } from 'vitest';
import {
  ALR_DEFAULT_WEIGHTS,
  AlrLabelError,
  checkAlrFormat,
  MetricsInputError,
  renderAlrResponse,
  scoreAlr,
} from '../src/index.js';
import { alrLabels } from './helpers.js';

const NOT = 0 as const;
const YES = 1 as const;

describe('checkAlrFormat: audit C1 table (the "should" column)', () => {
  const table: [string, boolean][] = [
    ['<think>x</think><answer>entailed</answer>', true],
    ['<think>x</think><answer>entailed</answer> Answer: entailed', true],
    ['<think>x</think><answer>Answer: entailed</answer>', true],
    ['<think>x</think><answer>entailed</answer>Answer:', false],
    ['<think>x</think><answer>not-entailed</answer> Answer: no', false],
  ];
  it.each(table)('%j -> %s', (response, valid) => {
    expect(checkAlrFormat(response).valid).toBe(valid);
  });

  it('accepts the SoundMind prompt format (Answer: line) and text between think and answer', () => {
    expect(checkAlrFormat('<think>r</think>\nAnswer: not-entailed').valid).toBe(true);
    expect(
      checkAlrFormat(
        '\n <think>r</think>\nSo it fails.\n<speak>It is not entailed.</speak>\n<answer>not entailed</answer>\n',
      ).valid,
    ).toBe(true);
    expect(checkAlrFormat(renderAlrResponse('because', 'entailed', 'line')).valid).toBe(true);
  });

  it('rejects each broken shape with a reason', () => {
    const bad: [string, RegExp][] = [
      ['<answer>entailed</answer>', /exactly one <think>/],
      ['<think>a</think><think>b</think><answer>entailed</answer>', /found 2 and 2/],
      ['intro <think>a</think><answer>entailed</answer>', /text before <think>/],
      ['<think>  </think><answer>entailed</answer>', /empty <think>/],
      ['</think>a<think><answer>entailed</answer>', /comes before/],
      ['<think>a</think><answer>entailed</answer><answer>entailed</answer>', /one <answer>/],
      ['<think>a</think><answer>maybe</answer>', /does not state one verdict/],
      ['<think>a</think><answer>entailed</answer>\nmore text\nhere', /text after <\/answer>/],
      ['<think>a</think><answer>entailed</answer> Answer: not entailed', /does not repeat/],
      ['<think>a</think>The conclusion is entailed.', /no final answer/],
      ['<think>a</think>Answer: entailed\nand then more', /no final answer/],
      ['<think>a <answer>x</answer></think><answer>entailed</answer>', /inside the <think>/],
      ['<think>a', /exactly one/],
    ];
    for (const [response, reason] of bad) {
      const r = checkAlrFormat(response);
      expect(r.valid, response).toBe(false);
      expect(r.verdict).toBeNull();
      expect(r.problems.join('; '), response).toMatch(reason);
    }
  });
});

describe('scoreAlr', () => {
  it("uses the paper's weights by default: format 1 + answer 2", () => {
    const s = scoreAlr('<think>r</think><answer>not-entailed</answer>', NOT);
    expect(s.total).toBe(3);
    expect(s.components).toEqual({
      format: 1,
      answer: 2,
      textLength: 0,
      spokenLength: 0,
      speak: 0,
      penalty: 0,
    });
    expect([s.predicted, s.gold, s.correct, s.formatValid]).toEqual([
      'not-entailed',
      'not-entailed',
      true,
      true,
    ]);
    expect(ALR_DEFAULT_WEIGHTS).toEqual({
      format: 1,
      answer: 2,
      textLength: 1,
      spokenLength: 0.75,
      speak: 0.5,
    });
  });

  it('audit A3/B1: the gold comes from the integer label, whatever the reference text says', () => {
    expect(scoreAlr('<think>r</think>Answer: entailed', YES).components.answer).toBe(2);
    expect(scoreAlr('<think>r</think>Answer: entailed', NOT).components.answer).toBe(0);
    for (const bad of [2, -1, '1', 'entailed', null, undefined, 1.0000001]) {
      expect(() => scoreAlr('x', bad as 0)).toThrow(AlrLabelError);
    }
  });

  it('audit A4: scores the whole response, and a planted "Assistant:" buys nothing', () => {
    expect(scoreAlr('<think>reasoning</think><answer>not entailed</answer>', NOT).total).toBe(3);
    const hack = scoreAlr(
      '<think>long reasoning</think> Assistant: <think>x</think><answer>entailed</answer> Answer:',
      NOT,
    );
    expect(hack.total).toBe(0);
    expect(hack.formatValid).toBe(false);
  });

  it('audit B2: a correct hyphenated negative earns the answer reward; a wrong "entailed" does not', () => {
    for (const neg of [
      'not-entailed',
      'Not-Entailed',
      'not  entailed',
      "isn't entailed",
      'not logically entailed',
    ]) {
      expect(scoreAlr(`<think>r</think><answer>${neg}</answer>`, NOT).components.answer, neg).toBe(2);
      expect(scoreAlr(`<think>r</think><answer>${neg}</answer>`, YES).components.answer, neg).toBe(0);
    }
  });

  it('audit B4: on the real dev and test labels a constant policy earns exactly its true accuracy', () => {
    for (const [split, entailedShare] of [
      ['dev', 0.436],
      ['test', 0.451],
    ] as const) {
      const labels = alrLabels(split);
      const credit = (answer: string) =>
        labels.filter(
          (l) => scoreAlr(`Assistant: <think>x</think><answer>${answer}</answer> Answer:`, l).correct,
        ).length / labels.length;
      expect(credit('entailed')).toBeCloseTo(entailedShare, 3);
      expect(credit('not-entailed')).toBeCloseTo(1 - entailedShare, 3);
      expect(credit('not entailed')).toBeCloseTo(1 - entailedShare, 3);
    }
  });

  it('audit C1/C2: a well-formed response earns the format term; the degenerate trailing "Answer:" does not', () => {
    expect(scoreAlr('<think>x</think><answer>entailed</answer>', YES).components.format).toBe(1);
    expect(scoreAlr('<think>x</think>\nAnswer: entailed', YES).components.format).toBe(1);
    expect(scoreAlr('<think>x</think><answer>entailed</answer>Answer:', YES).components.format).toBe(0);
    // Format is independent of correctness (audit §3.4): a wrong but well-formed answer keeps it.
    expect(scoreAlr('<think>x</think><answer>entailed</answer>', NOT).total).toBe(1);
  });

  it('audit C4: <speak> pays nothing without audio, and nothing for a wrong answer beyond format', () => {
    expect(scoreAlr('<speak></speak>', NOT).total).toBe(0);
    const wrong = scoreAlr(
      'Assistant: <think>x</think><answer>entailed</answer><speak></speak> Answer:',
      NOT,
    );
    expect(wrong.total).toBe(0);
    const r = '<think>x</think><speak>It is not entailed.</speak><answer>not-entailed</answer>';
    expect(scoreAlr(r, NOT).components.speak).toBe(0);
    expect(scoreAlr(r, NOT, { speech: { seconds: 2.5 } }).components.speak).toBe(0.5);
    expect(scoreAlr(r, NOT, { speech: { seconds: 0 } }).components.speak).toBe(0);
    expect(
      scoreAlr(r.replace('It is not entailed.', ' '), NOT, { speech: { seconds: 2 } }).components.speak,
    ).toBe(0);
  });

  it('audit D1: length terms pay only for correct answers, bounded by 1 x weight', () => {
    const wrong = scoreAlr('<think>a b c d e f g</think><answer>entailed</answer>', NOT, {
      textLength: { tokens: 9, referenceTokens: 5 },
    });
    expect(wrong.components.textLength).toBe(0);
    expect(wrong.total).toBe(1);
    const right = (tokens: number) =>
      scoreAlr('<think>a</think><answer>not-entailed</answer>', NOT, {
        textLength: { tokens, referenceTokens: 200 },
      }).components.textLength;
    expect(right(100)).toBe(0.5);
    expect(right(1000)).toBe(1);
    const spoken = scoreAlr('<think>a</think><answer>not-entailed</answer>', NOT, {
      speech: { seconds: 12, reasoningSeconds: 6, referenceReasoningSeconds: 8 },
    });
    expect(spoken.components.spokenLength).toBeCloseTo(0.75 * 0.75, 12);
  });

  it('audit E2/D2: every term is reported, with a reason, even when off', () => {
    const s = scoreAlr('<think>x</think><answer>not-entailed</answer>', NOT);
    expect(Object.keys(s.components).sort()).toEqual([
      'answer',
      'format',
      'penalty',
      'speak',
      'spokenLength',
      'textLength',
    ]);
    expect(s.reasons.join('\n')).toMatch(/textLength: off/);
    expect(s.reasons.join('\n')).toMatch(/speak: off/);
  });

  it('audit E4: optional penalties for a wrong or a missing answer', () => {
    const opts = { wrongAnswerPenalty: 1, missingAnswerPenalty: 0.5 };
    expect(scoreAlr('<think>x</think><answer>entailed</answer>', NOT, opts).total).toBe(0);
    expect(scoreAlr('<think>x</think><answer>entailed</answer>', NOT, opts).components.penalty).toBe(-1);
    expect(scoreAlr('no answer at all', NOT, opts).total).toBe(-0.5);
    expect(scoreAlr('<think>x</think><answer>not-entailed</answer>', NOT, opts).components.penalty).toBe(0);
  });

  it('custom weights, and requireFormatForAnswer', () => {
    const s = scoreAlr('<think>x</think><answer>entailed</answer>', YES, {
      weights: { format: 0.2, answer: 1 },
    });
    expect(s.total).toBeCloseTo(1.2, 12);
    expect(scoreAlr('Answer: entailed', YES).components.answer).toBe(2);
    expect(scoreAlr('Answer: entailed', YES, { requireFormatForAnswer: true }).components.answer).toBe(0);
  });

  it('rejects bad options with errors that name them', () => {
    const r = '<think>x</think><answer>entailed</answer>';
    expect(() => scoreAlr(r, YES, { weights: { fromat: 1 } as never })).toThrow(/unknown weight 'fromat'/);
    expect(() => scoreAlr(r, YES, { weights: { answer: Number.NaN } })).toThrow(/weights.answer/);
    expect(() => scoreAlr(r, YES, { wrongAnswerPenalty: -1 })).toThrow(/wrongAnswerPenalty/);
    expect(() => scoreAlr(r, YES, { textLength: { tokens: 3, referenceTokens: 0 } })).toThrow(
      /referenceTokens must be > 0/,
    );
    expect(() => scoreAlr(r, YES, { textLength: { tokens: -3, referenceTokens: 5 } })).toThrow(
      /textLength.tokens/,
    );
    expect(() => scoreAlr(r, YES, { speech: { seconds: Number.POSITIVE_INFINITY } })).toThrow(
      /speech.seconds/,
    );
    expect(() =>
      scoreAlr(r, YES, { speech: { seconds: 1, reasoningSeconds: 1, referenceReasoningSeconds: 0 } }),
    ).toThrow(/referenceReasoningSeconds/);
    expect(() => scoreAlr(null as unknown as string, YES)).toThrow(MetricsInputError);
  });
});
