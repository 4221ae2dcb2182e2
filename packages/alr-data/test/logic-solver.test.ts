import { Rng } from '@soundmind/rl-core';
import { describe, expect, it } from 'vitest';
import { bruteForceEntails } from '../bench/brute-force-solver.js';
import {
  CATEGORICAL_FORMS,
  type CategoricalForm,
  entails,
  isConsistent,
  LogicOptionsError,
  type Statement,
  solveSyllogism,
  strongestStatements,
} from '../src/index.js';

const st = (form: CategoricalForm, subject: string, predicate: string): Statement => ({
  form,
  subject,
  predicate,
});

describe('Venn-region solver', () => {
  it('finds exactly the 24 valid categorical syllogisms (with existential import) among all 256', () => {
    const valid: string[] = [];
    // Figures: positions of the middle term M in the major (M-P / P-M) and minor (S-M / M-S) premise.
    const figures: [boolean, boolean][] = [
      [true, true],
      [false, true],
      [true, false],
      [false, false],
    ];
    figures.forEach(([majorMFirst, minorSFirst], f) => {
      for (const a of CATEGORICAL_FORMS)
        for (const b of CATEGORICAL_FORMS)
          for (const c of CATEGORICAL_FORMS) {
            const major = majorMFirst ? st(a, 'm', 'p') : st(a, 'p', 'm');
            const minor = minorSFirst ? st(b, 's', 'm') : st(b, 'm', 's');
            if (solveSyllogism([major, minor], st(c, 's', 'p')).entailed) valid.push(`${a}${b}${c}-${f + 1}`);
          }
    });
    expect(valid.sort()).toEqual(
      [
        'AAA-1',
        'EAE-1',
        'AII-1',
        'EIO-1',
        'AAI-1',
        'EAO-1', // Barbara, Celarent, Darii, Ferio, Barbari, Celaront
        'EAE-2',
        'AEE-2',
        'EIO-2',
        'AOO-2',
        'EAO-2',
        'AEO-2', // Cesare, Camestres, Festino, Baroco, Cesaro, Camestrop
        'IAI-3',
        'AII-3',
        'OAO-3',
        'EIO-3',
        'AAI-3',
        'EAO-3', // Disamis, Datisi, Bocardo, Ferison, Darapti, Felapton
        'AEE-4',
        'IAI-4',
        'EIO-4',
        'AEO-4',
        'EAO-4',
        'AAI-4', // Calemes, Dimatis, Fresison, Calemos, Fesapo, Bamalip
      ].sort(),
    );
  });

  it('agrees with plain model enumeration on 600 random problems over 3-4 terms', () => {
    const rng = new Rng('solver-check');
    const words = ['a', 'b', 'c', 'd'];
    let inconsistent = 0;
    let entailed = 0;
    for (let i = 0; i < 600; i++) {
      const n = 3 + rng.int(2);
      const terms = words.slice(0, n);
      const pair = () => {
        const [x, y] = rng.shuffle([...terms]);
        return [x as string, y as string] as const;
      };
      const premises = Array.from({ length: 1 + rng.int(3) }, () =>
        st(rng.pick(CATEGORICAL_FORMS), ...pair()),
      );
      const conclusion = st(rng.pick(CATEGORICAL_FORMS), ...pair());
      const expected = bruteForceEntails(premises, conclusion);
      const verdict = solveSyllogism(premises, conclusion);
      if (expected === 'inconsistent') {
        inconsistent++;
        expect(verdict.consistent).toBe(false);
      } else {
        expect(verdict).toEqual({ consistent: true, entailed: expected });
        if (expected) entailed++;
      }
    }
    expect(inconsistent).toBeGreaterThan(10);
    expect(entailed).toBeGreaterThan(50);
  });

  it('applies existential import and rejects inconsistent premises', () => {
    expect(entails([st('A', 'cats', 'dogs')], st('I', 'cats', 'dogs'))).toBe(true);
    expect(entails([st('E', 'cats', 'dogs')], st('O', 'dogs', 'cats'))).toBe(true);
    expect(isConsistent([st('A', 'cats', 'dogs'), st('E', 'cats', 'dogs')])).toBe(false);
    expect(
      solveSyllogism([st('A', 'cats', 'dogs'), st('O', 'cats', 'dogs')], st('A', 'cats', 'dogs')),
    ).toEqual({
      consistent: false,
      entailed: false,
    });
    expect(isConsistent([])).toBe(true);
    expect(() => isConsistent([st('A', 'cats', 'cats')])).toThrow(LogicOptionsError);
  });

  it('states the strongest conclusions about two terms', () => {
    const chain = [st('A', 'cats', 'birds'), st('E', 'birds', 'dogs')];
    expect(strongestStatements(chain.slice(0, 1), 'cats', 'birds')).toEqual([st('A', 'cats', 'birds')]);
    expect(strongestStatements(chain, 'cats', 'dogs')).toEqual([st('E', 'cats', 'dogs')]);
    expect(strongestStatements([st('A', 'birds', 'cats')], 'cats', 'birds')).toEqual([
      st('A', 'birds', 'cats'),
    ]);
    expect(strongestStatements([st('I', 'cats', 'birds'), st('I', 'birds', 'dogs')], 'cats', 'dogs')).toEqual(
      [],
    );
    expect(strongestStatements([st('O', 'cats', 'birds')], 'cats', 'birds')).toEqual([
      st('O', 'cats', 'birds'),
    ]);
  });
});
