import { describe, expect, it } from 'vitest';
import { formatAlignment, processCharacters, processWords } from '../src/index.js';

describe('formatAlignment', () => {
  const out = processWords(
    ['short one here', 'same words', 'quite a bit of longer sentence'],
    ['shoe order one', 'same words', 'quite bit of an even longest sentence here'],
  );

  it('prints REF/HYP/operation rows per erroneous sentence and the measures', () => {
    expect(formatAlignment(out)).toBe(
      [
        'sentence 1',
        'REF: **** short one here',
        'HYP: shoe order one ****',
        '     I    S         D',
        '',
        'sentence 3',
        'REF: quite a bit of ** **** longer  sentence ****',
        'HYP: quite * bit of an even longest sentence here',
        '           D        I  I    S                I',
        '',
        'sentences: 3  hits=7 substitutions=2 deletions=2 insertions=4',
        'wer=72.73% mer=53.33% wil=65.73% wip=34.27%',
      ].join('\n'),
    );
  });

  it('can keep correct sentences, drop the measures and wrap long rows', () => {
    const text = formatAlignment(out, { skipCorrect: false, showMeasures: false, lineWidth: 24 });
    expect(text).toContain('sentence 2\nREF: same words\nHYP: same words');
    expect(text).not.toContain('wer=');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(26);
    expect(text.split('\n').filter((l) => l.startsWith('REF:')).length).toBeGreaterThan(3);
  });

  it('prints characters without separators and reports cer', () => {
    expect(formatAlignment(processCharacters('kitten', 'sitting'))).toBe(
      [
        'sentence 1',
        'REF: kitten*',
        'HYP: sitting',
        '     S   S I',
        '',
        'sentences: 1  hits=4 substitutions=2 deletions=0 insertions=1',
        'cer=50.00%',
      ].join('\n'),
    );
  });
});
