import { describe, expect, it } from 'vitest';
import {
  collapseWhitespace,
  compose,
  englishNormalizer,
  expandContractions,
  nfkc,
  removeBracketed,
  removeDiacritics,
  removeFillers,
  removePunctuation,
  toLowerCase,
  wer,
} from '../src/index.js';

describe('text transforms', () => {
  it('each does one thing', () => {
    expect(toLowerCase('ÉCOLE Hello')).toBe('école hello');
    expect(nfkc('ｆｕｌｌ ﬁne x²')).toBe('full fine x2');
    // % is punctuation (Po) in Unicode, $ and + are symbols (Sc, Sm).
    expect(removePunctuation('well-known, "don\'t" stop! $5 + 3%')).toBe('wellknown dont stop $5 + 3');
    expect(collapseWhitespace('  a \t\n b\u3000c  ')).toBe('a b c');
    expect(removeBracketed('you <unk> like [laugh] it (inaudible)')).toBe('you   like   it  ');
    expect(removeFillers('um so uh the humming mm')).toBe('  so   the humming  ');
    expect(removeDiacritics('Café Øster naïve Łódź straße')).toBe('Cafe Oster naive Lodz strasse');
  });

  it("expands contractions in jiwer's order, any case, straight or typographic apostrophe", () => {
    expect(expandContractions("she'll make sure you can't make it")).toBe(
      'she will make sure you can not make it',
    );
    expect(expandContractions("let's party, I'm sure it's ok, they've won't")).toBe(
      'let us party, I am sure it is ok, they have will not',
    );
    expect(expandContractions('We’re here, you’d go')).toBe('We are here, you would go');
    expect(expandContractions("Don't")).toBe('Do not');
  });

  it('compose applies left to right', () => {
    const t = compose(
      (s) => `${s}a`,
      (s) => `${s}b`,
    );
    expect(t('x')).toBe('xab');
    expect(compose()('same')).toBe('same');
  });
});

describe('englishNormalizer', () => {
  const cases: [string, string][] = [
    [
      "Mr. Smith won't go; he's been to St. Louis [laughter] uh twice.",
      'mister smith will not go he has been to saint louis twice',
    ],
    ['It costs $1,000.50, i.e. 20% off!', 'it costs $1000.50 i e 20% off'],
    ['Café Øster’s naïve crème brûlée', 'cafe oster is naive creme brulee'],
    ["the students' books (inaudible) I'm gonna", 'the students books i am going to'],
    ['The conclusion is NOT-entailed.', 'the conclusion is not entailed'],
    ["y'all wanna know, ma'am?", 'you all want to know madam'],
    ['  Dr.  Who\n\tsaid   "hmm"  ', 'doctor who said'],
  ];
  it.each(cases)('%j -> %j', (input, expected) => {
    expect(englishNormalizer(input)).toBe(expected);
  });

  it('makes WER insensitive to case, punctuation and contraction spelling', () => {
    expect(wer("It's NOT entailed.", 'it is not entailed', { transform: englishNormalizer })).toBe(0);
    // Documented difference from Whisper: numbers are not normalised.
    expect(wer('twenty one', '21', { transform: englishNormalizer })).toBe(1);
  });
});
