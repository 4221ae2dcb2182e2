import { describe, expect, it } from 'vitest';
import { type AlrItem, auditAlr, formatAuditReport, loadAlrSplit } from '../src/index.js';
import { ALR_DIR } from './helpers.js';

describe('auditAlr on the real dev and test annotations', async () => {
  const dev = (await loadAlrSplit(ALR_DIR, 'dev', { audio: false })).items;
  const test = (await loadAlrSplit(ALR_DIR, 'test', { audio: false })).items;
  const audit = auditAlr({ dev, test });
  const [d, t] = audit.splits as [
    NonNullable<(typeof audit.splits)[0]>,
    NonNullable<(typeof audit.splits)[1]>,
  ];

  it('reports label balance and the majority floor', () => {
    expect(d).toMatchObject({ split: 'dev', items: 606, labels: [342, 264] });
    expect(t).toMatchObject({ split: 'test', items: 656, labels: [360, 296] });
    expect(t.majorityFloor?.answer).toBe('not-entailed');
    expect(t.majorityFloor?.accuracy).toBeCloseTo(360 / 656, 10);
  });

  it('finds the reference reasoning that contradicts its label (33 dev, 31 test, all gold entailed)', () => {
    expect(d.contradictions.length).toBe(33);
    expect(t.contradictions.length).toBe(31);
    for (const c of [...d.contradictions, ...t.contradictions])
      expect(c).toMatchObject({ label: 1, finalVerdict: 'not-entailed' });
    expect(d.noVerdict).toEqual([]);
  });

  it('computes length statistics', () => {
    expect(d.promptWords.mean).toBeCloseTo(156.9, 1);
    expect(d.promptWords).toMatchObject({ median: 153.5, min: 103, max: 282 });
    expect(t.promptWords).toMatchObject({ median: 154, min: 103, max: 354 });
    expect(d.answerWords).toMatchObject({ median: 697, min: 222, max: 5045 });
  });

  it('finds duplicates within and across splits, and shared passages', () => {
    expect(d.duplicatePrompts).toEqual([
      ['0111', '0321'],
      ['0378', '0495'],
    ]);
    expect(t.duplicatePrompts).toEqual([['0073', '0186']]);
    const pairs = audit.crossSplitDuplicates.map((x) => `${x.a.id}=${x.b.id}:${x.labelsAgree}`).sort();
    expect(pairs).toEqual(['0069=0359:true', '0187=0612:true', '0279=0462:true', '0464=0582:false']);
    expect(audit.sharedMajorPremises).toEqual([{ splits: ['dev', 'test'], count: 111 }]);
  });

  it('formats a readable report', () => {
    const report = formatAuditReport(audit);
    expect(report).toContain('| test | 656 | 360 / 296 | 54.9% (not-entailed) | 31 (4.7%) | 0 | 1 groups |');
    expect(report).toContain('- dev 0464 = test 0582: labels entailed / not-entailed (CONFLICTING LABELS)');
    expect(report).toContain('111 major premises (passages) appear in both dev and test.');
  });

  it('handles empty splits', () => {
    const empty = auditAlr({ train: [] as AlrItem[] });
    expect(empty.splits[0]).toMatchObject({ items: 0, majorityFloor: null });
    expect(formatAuditReport(empty)).toContain('| train | 0 | 0 / 0 | - |');
  });
});
