import { Rng } from '@soundmind/rl-core';
import { describe, expect, it } from 'vitest';
import {
  cer,
  EmptyReferenceError,
  MetricsInputError,
  mer,
  processCharacters,
  processWords,
  toLowerCase,
  wer,
  wil,
  wip,
} from '../src/index.js';
import { tokenizeWords } from '../src/wer/tokenize.js';
import { dpDistance } from './helpers.js';

describe('wer family: jiwer semantics', () => {
  it("reproduces jiwer's documented two-sentence example (counts, chunks and all measures)", () => {
    const out = processWords(
      ['short one here', 'quite a bit of longer sentence'],
      ['shoe order one', 'quite bit of an even longest sentence here'],
    );
    expect([out.hits, out.substitutions, out.deletions, out.insertions]).toEqual([5, 2, 2, 4]);
    expect(out.wer).toBeCloseTo(8 / 9, 12);
    expect(out.mer).toBeCloseTo(8 / 13, 12);
    expect(out.wip).toBeCloseTo((5 / 9) * (5 / 11), 12);
    expect(out.wil).toBeCloseTo(1 - (5 / 9) * (5 / 11), 12);
    expect(out.alignments[0]).toEqual([
      { type: 'insert', refStart: 0, refEnd: 0, hypStart: 0, hypEnd: 1 },
      { type: 'substitute', refStart: 0, refEnd: 1, hypStart: 1, hypEnd: 2 },
      { type: 'equal', refStart: 1, refEnd: 2, hypStart: 2, hypEnd: 3 },
      { type: 'delete', refStart: 2, refEnd: 3, hypStart: 3, hypEnd: 3 },
    ]);
    expect(out.references[1]).toEqual(['quite', 'a', 'bit', 'of', 'longer', 'sentence']);
  });

  it('pools a corpus: total edits over total reference words, not a mean of sentence rates', () => {
    // 1 edit in a 1-word sentence and 0 in a 9-word one: pooled 1/10, mean of rates 0.5.
    const refs = ['hello', 'a b c d e f g h i'];
    const hyps = ['world', 'a b c d e f g h i'];
    expect(wer(refs, hyps)).toBeCloseTo(0.1, 12);
  });

  it('mer, wil and wip equal their processWords fields, and a perfect match gives 0 / 0 / 1', () => {
    expect(mer('a b c', 'a x c d')).toBeCloseTo(2 / 4, 12);
    expect(wil('a b c', 'a x c d')).toBeCloseTo(1 - (2 / 3) * (2 / 4), 12);
    expect(wip('a b c', 'a x c d')).toBeCloseTo((2 / 3) * (2 / 4), 12);
    expect([wer('x y', 'x y'), mer('x y', 'x y'), wil('x y', 'x y'), wip('x y', 'x y')]).toEqual([
      0, 0, 0, 1,
    ]);
  });

  it('keeps case and punctuation by default, and applies a transform to both sides when given', () => {
    expect(wer('Hello world', 'hello world')).toBe(0.5);
    expect(wer('Hello world', 'hello world', { transform: toLowerCase })).toBe(0);
    expect(
      wer('Hello world', 'HELLO WORLD', {
        transform: { reference: (s) => s, hypothesis: (s) => s.toLowerCase() },
      }),
    ).toBe(0.5);
  });

  it('an empty hypothesis is all deletions: wer 1, wip 0, wil 1', () => {
    const out = processWords('one two three', '');
    expect([out.deletions, out.wer, out.mer, out.wip, out.wil]).toEqual([3, 1, 1, 0, 1]);
    expect(wer(['one two', 'three'], ['', 'three'])).toBeCloseTo(2 / 3, 12);
  });

  it('wer can exceed 1 with insertions', () => {
    expect(wer('a', 'b c d')).toBe(3);
  });

  it('cer counts Unicode code points, spaces included, and strips only the ends', () => {
    expect(cer('ab cd', 'abcd')).toBeCloseTo(1 / 5, 12);
    expect(cer('  ab  ', 'ab')).toBe(0);
    expect(cer('a  b', 'a b')).toBeCloseTo(1 / 4, 12);
    // One astral character is one token, not two UTF-16 units.
    expect(cer('a😀b', 'a😃b')).toBeCloseTo(1 / 3, 12);
    const out = processCharacters('kitten', 'sitting');
    expect([out.substitutions, out.insertions, out.cer]).toEqual([2, 1, 3 / 6]);
  });

  it('tokenises like jiwer: runs of 2+ whitespace split, a single tab or newline does not', () => {
    expect(tokenizeWords('  a   b\tc \t d\n\ne ')).toEqual(['a', 'b\tc', 'd', 'e']);
    expect(tokenizeWords('a\u00a0b')).toEqual(['a\u00a0b']);
    expect(tokenizeWords('a\u00a0\u00a0b')).toEqual(['a', 'b']);
    // U+FEFF is whitespace to JavaScript but not to Python, so jiwer keeps it inside the word.
    expect(tokenizeWords('\ufeffa')).toEqual(['\ufeffa']);
    expect(wer('a b\tc', 'a b c')).toBe(1);
  });

  it('rejects an empty reference with a typed error naming the sentence', () => {
    expect(() => wer('', 'a')).toThrow(EmptyReferenceError);
    expect(() => wer(['a b', '   '], ['a b', 'c'])).toThrow(/reference 1 is empty/);
    expect(() => processWords(['ok', ''], ['ok', 'x'])).toThrow(EmptyReferenceError);
    expect(() => cer(' \t ', 'a')).toThrow(EmptyReferenceError);
    expect(() => wer('  ', 'a')).toThrow(EmptyReferenceError);
    expect(() => wer('[noise]', 'a', { transform: (s) => s.replace(/\[.*?\]/g, '') })).toThrow(
      EmptyReferenceError,
    );
    try {
      wer(['a', 'b', ''], ['a', 'b', 'c']);
    } catch (e) {
      expect((e as EmptyReferenceError).code).toBe('EMPTY_REFERENCE');
      expect((e as EmptyReferenceError).index).toBe(2);
    }
  });

  it('rejects unpaired or mistyped inputs', () => {
    expect(() => wer(['a', 'b'], ['a'])).toThrow(/2 reference sentence\(s\) but 1 hypothesis/);
    expect(() => wer('a b', ['a', 'b'])).toThrow(MetricsInputError);
    expect(() => wer([], [])).toThrow(/empty array/);
    expect(() => wer(['a', 3 as unknown as string], ['a', 'b'])).toThrow(/reference\[1\] must be a string/);
    expect(() => mer('a', null as unknown as string)).toThrow(/hypothesis must be a string or an array/);
    expect(() => wer('a', 'b', { transform: 'lower' as unknown as () => string })).toThrow(
      /options.transform/,
    );
  });
});

describe('wer family: properties against a plain DP', () => {
  const rng = new Rng('wer-properties');
  const vocab = ['a', 'b', 'c', 'dd', 'e', 'ff', 'g', 'a\tb', 'É', '😀'];
  const sentence = (maxWords: number) =>
    Array.from({ length: rng.int(maxWords + 1) }, () => rng.pick(vocab)).join(rng.next() < 0.2 ? '  ' : ' ');

  it('identical strings give 0 for wer, cer, mer, wil and wip = 1', () => {
    for (let k = 0; k < 200; k++) {
      const s = `${sentence(40)} z`;
      expect(wer(s, s)).toBe(0);
      expect(cer(s, s)).toBe(0);
      const out = processWords(s, s);
      expect([out.mer, out.wil, out.wip]).toEqual([0, 0, 1]);
    }
  });

  it('random pairs (0 to 150 words, so 1 to 5 bit blocks) agree with the DP, and wer equals processWords', () => {
    for (let k = 0; k < 400; k++) {
      // k % 4 === 2: both long, so the bit-parallel pattern spans several 32-word blocks.
      const ref = `${sentence(k % 4 === 0 || k % 4 === 2 ? 150 : 35)} z`;
      const hyp = sentence(k % 4 === 1 || k % 4 === 2 ? 150 : 35);
      const d = dpDistance(tokenizeWords(ref), tokenizeWords(hyp));
      const words = tokenizeWords(ref).length;
      expect(wer(ref, hyp)).toBe(d / words);
      const out = processWords(ref, hyp);
      expect(out.substitutions + out.deletions + out.insertions).toBe(d);
      expect(out.hits + out.substitutions + out.deletions).toBe(words);
      expect(out.hits + out.substitutions + out.insertions).toBe(tokenizeWords(hyp).length);
      expect(cer(ref, hyp)).toBe(
        dpDistance(Array.from(ref.trim()), Array.from(hyp.trim())) / Array.from(ref.trim()).length,
      );
    }
  });

  it('pairs that share their first and last words (which wer leaves out) agree with the DP', () => {
    for (let k = 0; k < 300; k++) {
      const words = Array.from({ length: 1 + rng.int(70) }, () => rng.pick(vocab));
      const edited = words.slice();
      // a few edits somewhere (or none), so heads and tails of every length are shared
      for (let e = rng.int(4); e > 0; e--) {
        const at = rng.int(edited.length + 1);
        const op = rng.int(3);
        if (op === 0) edited.splice(at, 0, rng.pick(vocab));
        else if (op === 1) edited.splice(at, 1);
        else edited[Math.min(at, edited.length - 1)] = rng.pick(vocab);
      }
      // the same words written with other separators on one side
      const ref = words.join(' ');
      const hyp = `${rng.next() < 0.3 ? '  ' : ''}${edited.join(rng.next() < 0.3 ? '  ' : ' ')}`;
      const d = dpDistance(tokenizeWords(ref), tokenizeWords(hyp));
      expect(wer(ref, hyp)).toBe(d / tokenizeWords(ref).length);
    }
  });

  it('corpus totals equal the sum of the sentence edits and counts', () => {
    const refs = Array.from({ length: 60 }, () => `${sentence(30)} z`);
    const hyps = Array.from({ length: 60 }, () => sentence(30));
    const corpus = processWords(refs, hyps);
    let edits = 0;
    let words = 0;
    let hits = 0;
    for (let k = 0; k < refs.length; k++) {
      const one = processWords(refs[k]!, hyps[k]!);
      edits += one.substitutions + one.deletions + one.insertions;
      hits += one.hits;
      words += one.hits + one.substitutions + one.deletions;
      expect(corpus.alignments[k]).toEqual(one.alignments[0]);
    }
    expect(corpus.substitutions + corpus.deletions + corpus.insertions).toBe(edits);
    expect(corpus.hits).toBe(hits);
    expect(wer(refs, hyps)).toBeCloseTo(edits / words, 12);
    expect(corpus.wer).toBeCloseTo(edits / words, 12);
  });

  it('alignment chunks tile both sequences in order', () => {
    for (let k = 0; k < 100; k++) {
      const out = processWords(`${sentence(30)} z`, sentence(30));
      let i = 0;
      let j = 0;
      for (const c of out.alignments[0]!) {
        expect([c.refStart, c.hypStart]).toEqual([i, j]);
        if (c.type === 'equal' || c.type === 'substitute')
          expect(c.refEnd - c.refStart).toBe(c.hypEnd - c.hypStart);
        if (c.type === 'insert') expect(c.refEnd).toBe(c.refStart);
        if (c.type === 'delete') expect(c.hypEnd).toBe(c.hypStart);
        i = c.refEnd;
        j = c.hypEnd;
      }
      expect([i, j]).toEqual([out.references[0]!.length, out.hypotheses[0]!.length]);
    }
  });
});
