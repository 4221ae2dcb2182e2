import { Rng } from '@soundmind/rl-core';
import { describe, expect, it } from 'vitest';
import {
  AlrLabelError,
  accuracy,
  confusionMatrix,
  formatModalityTable,
  MetricsInputError,
  majorityFloor,
  modalityTable,
  pairedComparison,
  wilsonInterval,
} from '../src/index.js';
import { alrLabels } from './helpers.js';

describe('accuracy and the majority floor', () => {
  it('accuracy carries a Wilson 95% interval (and other levels)', () => {
    const r = accuracy([true, true, false, true]);
    expect([r.correct, r.n, r.accuracy]).toEqual([3, 4, 0.75]);
    expect(r.ci).toEqual(wilsonInterval(3, 4));
    const r99 = accuracy([true, true, false, true], 0.99);
    expect(r99.ci[0]).toBeLessThan(r.ci[0]);
    // z for 99% is 2.5758...; Wilson with it by hand:
    expect(r99.ci[0]).toBeCloseTo(wilsonInterval(3, 4, 2.5758293035489)[0], 6);
  });

  it('ALR test: always answering not-entailed scores 360/656 = 54.9%', () => {
    const floor = majorityFloor(alrLabels('test'));
    expect(floor.answer).toBe('not-entailed');
    expect([floor.correct, floor.n]).toEqual([360, 656]);
    expect(Number((floor.accuracy * 100).toFixed(1))).toBe(54.9);
    expect(floor.ci[0]).toBeGreaterThan(0.5);
    expect(majorityFloor(alrLabels('dev')).accuracy).toBeCloseTo(342 / 606, 12);
    expect(majorityFloor(['entailed', 'entailed', 'not-entailed']).answer).toBe('entailed');
    expect(majorityFloor([1, 0]).answer).toBe('not-entailed');
  });

  it('rejects empty or mistyped inputs', () => {
    expect(() => accuracy([])).toThrow(MetricsInputError);
    expect(() => accuracy([true, 1 as unknown as boolean])).toThrow(/outcomes\[1\]/);
    expect(() => accuracy([true], 1)).toThrow(/confidence/);
    expect(() => majorityFloor([1, 2 as 1])).toThrow(AlrLabelError);
    expect(() => majorityFloor([])).toThrow(/non-empty/);
  });
});

describe('confusionMatrix', () => {
  it('counts gold x predicted (with unreadable answers), per-class precision / recall / F1', () => {
    const m = confusionMatrix(
      ['entailed', 'entailed', 'not-entailed', null, 'not-entailed', 'entailed'],
      [1, 0, 0, 0, 1, 1],
    );
    expect(m.counts).toEqual({
      entailed: { entailed: 2, 'not-entailed': 1, none: 0 },
      'not-entailed': { entailed: 1, 'not-entailed': 1, none: 1 },
    });
    expect([m.n, m.accuracy, m.unparsed]).toEqual([6, 3 / 6, 1]);
    expect(m.perClass.entailed).toEqual({ support: 3, precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 });
    expect(m.perClass['not-entailed'].recall).toBeCloseTo(1 / 3, 12);
    expect(m.perClass['not-entailed'].precision).toBeCloseTo(1 / 2, 12);
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0.4) / 2, 12);
  });

  it('precision is NaN for a class never predicted (a constant policy)', () => {
    const m = confusionMatrix(['not-entailed', 'not-entailed'], ['entailed', 'not-entailed']);
    expect(m.perClass.entailed.precision).toBeNaN();
    expect(m.perClass.entailed.recall).toBe(0);
  });

  it('rejects mismatched lengths and unknown verdicts', () => {
    expect(() => confusionMatrix(['entailed'], [1, 0])).toThrow(/1 predictions for 2 gold/);
    expect(() => confusionMatrix(['yes' as 'entailed'], [1])).toThrow(/predicted\[0\]/);
  });
});

describe('modalityTable', () => {
  const items = [
    { input: 'audio', output: 'text', predicted: 'entailed', gold: 1, formatValid: true },
    { input: 'audio', output: 'text', predicted: null, gold: 0, formatValid: false },
    {
      input: 'text',
      output: 'audio',
      predicted: 'not-entailed',
      gold: 0,
      spoken: { text: "It's not entailed.", transcript: 'it is not entailed' },
    },
    {
      input: 'audio',
      output: 'audio',
      predicted: 'entailed',
      gold: 0,
      spoken: { text: 'The answer is entailed', transcript: 'the answer is in tailed' },
    },
  ] as const;

  it('groups by (input, output) in the paper order with accuracy, CI, format rate and WER', () => {
    const rows = modalityTable(items);
    expect(rows.map((r) => `${r.input}>${r.output}`)).toEqual(['audio>text', 'audio>audio', 'text>audio']);
    const [a2t, a2a, t2a] = rows;
    expect([a2t!.n, a2t!.correct, a2t!.accuracy, a2t!.formatRate, a2t!.wer]).toEqual([2, 1, 0.5, 0.5, null]);
    expect(t2a!.wer).toBe(0);
    expect(a2a!.wer).toBeCloseTo(2 / 4, 12);
    expect(a2a!.accuracy).toBe(0);
    expect(a2a!.formatRate).toBeNull();
    const md = formatModalityTable(rows);
    expect(md.split('\n')[0]).toBe('| Input | Output | n | Accuracy (%) | CI (%) | Format (%) | WER (%) |');
    expect(md).toContain('| Audio | Text | 2 | 50.00 |');
    expect(md).toContain('| Text | Audio | 1 | 100.00 |');
  });

  it('rejects unknown modalities and bad gold labels', () => {
    expect(() => modalityTable([{ ...items[0], input: 'video' as 'audio' }])).toThrow(
      /items\[0\] has input 'video'/,
    );
    expect(() => modalityTable([{ ...items[0], gold: 3 as 1 }])).toThrow(AlrLabelError);
    expect(() => modalityTable([])).toThrow(/non-empty/);
  });
});

describe('pairedComparison', () => {
  it('counts concordant and discordant items and gives the exact McNemar p-value', () => {
    // 10 both, 6 only A, 1 only B, 3 neither.
    const a = [
      ...Array(10).fill(true),
      ...Array(6).fill(true),
      ...Array(1).fill(false),
      ...Array(3).fill(false),
    ];
    const b = [
      ...Array(10).fill(true),
      ...Array(6).fill(false),
      ...Array(1).fill(true),
      ...Array(3).fill(false),
    ];
    const r = pairedComparison(a, b);
    expect([r.n, r.bothCorrect, r.onlyA, r.onlyB, r.neither]).toEqual([20, 10, 6, 1, 3]);
    expect(r.difference).toBeCloseTo(0.25, 12);
    // Two-sided binomial: 2 * P(X <= 1 | n = 7, p = 1/2) = 2 * 8 / 128.
    expect(r.pValue).toBeCloseTo(16 / 128, 12);
    expect(r.ci[0]).toBeLessThan(0.25);
    expect(r.ci[1]).toBeGreaterThan(0.25);
  });

  it('identical systems: difference 0, interval around 0, p = 1', () => {
    const a = [true, false, true, true];
    const r = pairedComparison(a, a);
    expect(r.difference).toBe(0);
    expect(r.pValue).toBe(1);
    expect(r.ci[0]).toBeLessThan(0);
    expect(r.ci[1]).toBeGreaterThan(0);
  });

  it('the pairing narrows the interval when the systems agree on most items', () => {
    const rng = new Rng('paired-width');
    const a = Array.from({ length: 400 }, () => rng.next() < 0.6);
    const b = a.map((x) => (rng.next() < 0.05 ? !x : x));
    const r = pairedComparison(a, b);
    const unpaired =
      1.96 * Math.sqrt((r.accuracyA * (1 - r.accuracyA) + r.accuracyB * (1 - r.accuracyB)) / 400);
    expect(r.ci[1] - r.ci[0]).toBeLessThan(unpaired);
  });

  it('covers the true difference about 95% of the time (simulation)', () => {
    const rng = new Rng('paired-coverage');
    const trials = 1500;
    let covered = 0;
    // Correlated systems: true accuracies 0.70 and 0.62, true difference 0.08.
    for (let t = 0; t < trials; t++) {
      const a: boolean[] = [];
      const b: boolean[] = [];
      for (let i = 0; i < 150; i++) {
        const u = rng.next();
        a.push(u < 0.7);
        b.push(u < 0.55 || (u >= 0.7 && u < 0.77));
      }
      const r = pairedComparison(a, b);
      if (r.ci[0] <= 0.08 && 0.08 <= r.ci[1]) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.975);
  });

  it('rejects unpaired inputs', () => {
    expect(() => pairedComparison([true], [true, false])).toThrow(/same length/);
    expect(() => pairedComparison([], [])).toThrow(MetricsInputError);
    expect(() => pairedComparison([true], ['yes' as unknown as boolean])).toThrow(/outcome 0/);
  });
});
