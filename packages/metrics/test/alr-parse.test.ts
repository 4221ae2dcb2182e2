import { describe, expect, it } from 'vitest';
import { MetricsInputError, parseAlrAnswer } from '../src/index.js';
import { alrRecords } from './helpers.js';

const inTags = (s: string) => `<think>reasoning</think><answer>${s}</answer>`;

describe('parseAlrAnswer', () => {
  it('audit B2: every negation SoundMind maps to entailed is not-entailed here', () => {
    for (const s of [
      'not-entailed',
      'Not-Entailed',
      'not  entailed',
      "isn't entailed",
      'The conclusion is not logically entailed',
      'cannot be entailed',
      'entailed? no, not-entailed',
    ]) {
      expect(parseAlrAnswer(inTags(s)), s).toBe('not-entailed');
    }
  });

  it('audit B1: the final lines of the reference CoTs parse to their polarity', () => {
    expect(parseAlrAnswer('... Answer: not entailed.')).toBe('not-entailed');
    expect(parseAlrAnswer('... Answer: not-entailed.')).toBe('not-entailed');
    expect(parseAlrAnswer('... Answer: entailed.')).toBe('entailed');
    expect(parseAlrAnswer(inTags('The conclusion is not entailed.'))).toBe('not-entailed');
  });

  it('audit B1 on the real references: every CoT final line reads as what it says (SoundMind: all entailed)', () => {
    // Final lines per alr-dataset.md §5: dev 342 "not entailed" + 33 "not-entailed" / 231 "entailed";
    // test 360 + 31 / 265.
    for (const [split, negatives, positives] of [
      ['dev', 375, 231],
      ['test', 391, 265],
    ] as const) {
      const parsed = alrRecords(split).map((r) => parseAlrAnswer(r.answer));
      expect(parsed.filter((p) => p === 'not-entailed').length, split).toBe(negatives);
      expect(parsed.filter((p) => p === 'entailed').length, split).toBe(positives);
    }
  });

  it('audit B3: truth phrasing without the verdict words is undecidable, never entailed', () => {
    for (const s of [
      'the conclusion is not true, although the premise is true',
      'we cannot say the conclusion is true',
      'It is unclear whether the conclusion is true',
      'the conclusion is true only if X, which fails',
    ]) {
      expect(parseAlrAnswer(inTags(s)), s).toBeNull();
    }
  });

  it('reads other negations in any case and spacing', () => {
    for (const s of [
      'NOT ENTAILED',
      'not_entailed',
      'not—entailed',
      '**not entailed**',
      "'not-entailed'",
      'is not necessarily entailed',
      'It isn’t entailed.',
      'The conclusion does not follow from the premises.',
      "doesn't follow",
      'non-entailed',
      'The conclusion is not, therefore, entailed.',
      'The premises do not entail the conclusion',
      'Answer: not-entailed',
      'It is not the case that the conclusion is entailed.',
      'There is no logical entailment.',
    ]) {
      expect(parseAlrAnswer(inTags(s)), s).toBe('not-entailed');
    }
    for (const s of [
      'entailed',
      'Entailed.',
      '**ENTAILED**',
      'The conclusion is entailed.',
      'Is it entailed? Yes, entailed.',
    ]) {
      expect(parseAlrAnswer(inTags(s)), s).toBe('entailed');
    }
  });

  it('a span asserting both verdicts, or neither, is undecidable', () => {
    for (const s of [
      "'entailed' or 'not-entailed'",
      'entailed. Actually not entailed.',
      'yes',
      'no',
      '',
      'maybe',
    ]) {
      expect(parseAlrAnswer(inTags(s)), s).toBeNull();
    }
  });

  it('reads the last <answer> block first, ignoring Answer: lines elsewhere', () => {
    expect(parseAlrAnswer('<answer>entailed</answer> ... <answer>not entailed</answer>')).toBe(
      'not-entailed',
    );
    expect(parseAlrAnswer('Answer: entailed\n<think>x</think><answer>not-entailed</answer>')).toBe(
      'not-entailed',
    );
    expect(parseAlrAnswer('<ANSWER>Entailed</ANSWER>')).toBe('entailed');
  });

  it('else reads the last Answer: line (also Final answer:, bold, or the next line)', () => {
    expect(parseAlrAnswer('<think>Answer: entailed?</think>\nAnswer: not entailed')).toBe('not-entailed');
    expect(parseAlrAnswer('blah\nFinal answer: entailed.\n')).toBe('entailed');
    expect(parseAlrAnswer('**Answer:** not-entailed')).toBe('not-entailed');
    expect(parseAlrAnswer('Answer:\n\nnot entailed')).toBe('not-entailed');
    expect(parseAlrAnswer('first Answer: entailed\nthen Answer: not entailed')).toBe('not-entailed');
    // An unclosed <answer> (a truncated generation) falls back to the Answer: line.
    expect(parseAlrAnswer('Answer: entailed\n<answer>not ent')).toBe('entailed');
  });

  it('audit A4: no chat-template delimiter is needed', () => {
    expect(parseAlrAnswer('<think>reasoning</think><answer>not entailed</answer>')).toBe('not-entailed');
  });

  it('returns null without an answer block or line, and rejects non-strings', () => {
    expect(parseAlrAnswer('The conclusion is not entailed.')).toBeNull();
    expect(parseAlrAnswer('')).toBeNull();
    expect(() => parseAlrAnswer(undefined as unknown as string)).toThrow(MetricsInputError);
    expect(() => parseAlrAnswer(42 as unknown as string)).toThrow(/must be a string, got number/);
  });
});
