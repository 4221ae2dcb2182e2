import { checkAlrFormat, renderAlrFinalAnswer, scoreAlr } from '@soundmind/metrics';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOGIC_FAMILIES,
  generateLogicProblems,
  generateLogicSplits,
  LogicOptionsError,
  type LogicProblem,
  logicProblemToAlrItem,
  logicVocabulary,
  problemKey,
  solveSyllogism,
  splitLogicWords,
} from '../src/index.js';

const sizes = { train: 1200, dev: 200, test: 400 };
const splits = generateLogicSplits({ seed: 7, sizes });
const all = [...splits.train, ...splits.dev, ...splits.test];

describe('generateLogicSplits', () => {
  it('is deterministic by seed', () => {
    expect(generateLogicSplits({ seed: 7, sizes })).toEqual(splits);
    expect(generateLogicSplits({ seed: 8, sizes }).test).not.toEqual(splits.test);
  });

  it('labels every problem with the exact solver and keeps premises consistent', () => {
    for (const p of all) {
      expect(solveSyllogism(p.premises, p.conclusion)).toEqual({ consistent: true, entailed: p.label === 1 });
    }
  });

  it('balances labels 50/50 inside every (family, conclusion form, premise forms) bucket of every split', () => {
    for (const split of Object.values(splits)) {
      const buckets = new Map<string, number[]>();
      for (const p of split) {
        const counts = buckets.get(p.meta.bucket) ?? [0, 0];
        counts[p.label]! += 1;
        buckets.set(p.meta.bucket, counts);
        expect(p.meta.bucket).toBe(
          `${p.meta.family}|${p.conclusion.form}|${p.premises
            .map((q: { form: string }) => q.form)
            .sort()
            .join('')}`,
        );
      }
      for (const [, [no, yes]] of buckets) expect(no).toBe(yes);
    }
  });

  it('never repeats a problem within or across splits (no test problem in training)', () => {
    const keys = all.map((p) => problemKey(p.premises, p.conclusion));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a larger train split starts with the smaller one (same seed and dev/test sizes)', () => {
    const bigger = generateLogicSplits({ seed: 7, sizes: { ...sizes, train: 1600 } });
    expect(bigger.test).toEqual(splits.test);
    expect(bigger.train.slice(0, sizes.train)).toEqual(splits.train);
  });

  it('draws every default family, with its knobs and suggested supervision in the metadata', () => {
    const families = new Map(DEFAULT_LOGIC_FAMILIES.map((f) => [f.name, f]));
    const seen = new Set<string>();
    for (const p of splits.train) {
      const f = families.get(p.meta.family);
      expect(f).toBeDefined();
      seen.add(p.meta.family);
      expect(p.meta).toMatchObject({
        chainLength: f?.chainLength,
        distractors: f?.distractors,
        supervision: f?.supervision,
      });
      expect(p.premises.length).toBe(p.meta.chainLength + p.meta.distractors);
      expect(p.meta.premiseForms).toBe(p.premises.map((q) => q.form).join(''));
    }
    expect([...seen].sort()).toEqual([...families.keys()].sort());
  });

  it('shows chain premises in chain order; distractors tie one chain term to an outside term', () => {
    for (const p of all) {
      const { chain, distractorPositions } = p.meta;
      const links = p.premises.filter((_, i) => !distractorPositions.includes(i));
      links.forEach((link, i) => {
        expect([link.subject, link.predicate].sort()).toEqual([chain[i], chain[i + 1]].sort());
      });
      for (const i of distractorPositions) {
        const d = p.premises[i]!;
        expect([chain.includes(d.subject), chain.includes(d.predicate)].sort()).toEqual([false, true]);
      }
      expect([p.conclusion.subject, p.conclusion.predicate].sort()).toEqual([chain[0], chain.at(-1)].sort());
    }
  });

  it('writes questions and traces in the closed vocabulary, traces ending in the answer tag', () => {
    const vocabulary = new Set(logicVocabulary());
    const unknown = all
      .flatMap((p) => [...splitLogicWords(p.question), ...splitLogicWords(p.trace)])
      .filter((w) => !vocabulary.has(w));
    expect(unknown).toEqual([]);
    for (const p of all) {
      expect(p.question).toMatch(/^(.+ \. )+does it follow that .+ \?$/);
      expect(p.trace.startsWith('<think> ')).toBe(true);
      expect(
        p.trace.endsWith(`</think>\n${renderAlrFinalAnswer(p.label === 1 ? 'entailed' : 'not-entailed')}`),
      ).toBe(true);
      const steps = p.trace.slice('<think> '.length, p.trace.indexOf(' </think>')).split(' . ');
      expect(steps.length).toBe(p.meta.chainLength);
    }
    expect(logicVocabulary().length).toBe(27);
  });

  it('traces get full format and answer credit from the metrics scorer, also as a word-level decoder joins them', () => {
    for (const p of all) {
      for (const response of [p.trace, splitLogicWords(p.trace).join(' ')]) {
        expect(checkAlrFormat(response)).toEqual({
          valid: true,
          verdict: p.label ? 'entailed' : 'not-entailed',
          problems: [],
        });
        const score = scoreAlr(response, p.label);
        expect(score.correct && score.formatValid).toBe(true);
      }
    }
  });

  it('gives a worked trace for a known problem', () => {
    const p = all.find(
      (q) => q.meta.chainLength === 2 && q.meta.distractors === 0 && q.label === 1,
    ) as LogicProblem;
    const words = p.trace.split(/\s+/);
    expect(words.filter((w) => w === '.').length).toBe(2);
    const q = generateLogicProblems({
      seed: 1,
      split: 'x',
      count: 2,
      families: [DEFAULT_LOGIC_FAMILIES[0]!],
    });
    expect(q.map((x) => x.id)).toEqual(['0001', '0002']);
    expect(q.map((x) => x.label).sort()).toEqual([0, 1]);
  });

  it('converts to ALR items that carry the metadata', () => {
    const p = splits.test[0]!;
    expect(logicProblemToAlrItem(p)).toMatchObject({
      id: p.id,
      split: 'test',
      userContent: p.question,
      answer: p.trace,
      label: p.label,
      extra: { meta: p.meta },
    });
  });

  it('restricts forms per family, and rejects impossible or bad options clearly', () => {
    const universal = generateLogicProblems({
      split: 'x',
      count: 50,
      families: [
        { name: 'u', chainLength: 3, distractors: 0, premiseForms: ['A', 'E'], supervision: 'trace' },
      ],
    });
    expect(universal.every((p) => /^[AE]+$/.test(p.meta.premiseForms))).toBe(true);
    const bad = (families: object[], terms?: string[]) => () =>
      generateLogicProblems({
        split: 'x',
        count: 10,
        families: families as never,
        ...(terms ? { terms } : {}),
      });
    const fam = { name: 'f', chainLength: 2, distractors: 0, supervision: 'trace' as const };
    expect(bad([{ ...fam, chainLength: 7 }])).toThrow(
      /family "f": chainLength must be an integer from 1 to 5/,
    );
    expect(bad([{ ...fam, premiseForms: ['I'], conclusionForms: ['A'] }])).toThrow(
      /never allow both answers/,
    );
    expect(bad([fam, fam])).toThrow(/duplicate family name/);
    expect(bad([{ ...fam, chainLength: 4, distractors: 2 }], ['cats', 'dogs', 'owls'])).toThrow(
      /needs 7 distinct terms/,
    );
    expect(bad([fam], ['cats', 'dogs', 'some'])).toThrow(/"some" is a structure word/);
    expect(bad([fam], ['cats', 'Dogs', 'owls'])).toThrow(/must be one lower-case word/);
    expect(bad([{ ...fam, supervision: 'both' }])).toThrow(LogicOptionsError);
    expect(bad([{ ...fam, premiseForms: ['X'] }])).toThrow(
      /premiseForms must be a non-empty list of A, E, I, O/,
    );
    expect(bad([{ ...fam, weight: 0 }])).toThrow(/weight must be a positive number/);
    expect(bad([{ ...fam, distractors: 4 }])).toThrow(/distractors must be an integer from 0 to 3/);
    expect(bad([{ ...fam, name: 'a b' }])).toThrow(/name must be letters/);
    expect(bad([])).toThrow(/at least one problem family/);
    expect(bad([fam], ['cats', 'cats', 'owls'])).toThrow(/must be distinct/);
    expect(() => generateLogicProblems({ split: 'x', count: -1 })).toThrow(
      /count must be a non-negative integer/,
    );
    expect(() =>
      generateLogicProblems({
        split: 'x',
        count: 5000,
        families: [{ ...fam, chainLength: 1 }],
        terms: ['cats', 'dogs'],
      }),
    ).toThrow(/problems are used up/);
    expect(() => generateLogicSplits({ sizes: { train: -1, dev: 0, test: 0 } })).toThrow(/sizes\.train/);
  });
});
