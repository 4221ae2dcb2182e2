import { LogicOptionsError } from '../errors.js';
import { CATEGORICAL_FORMS, type CategoricalForm } from './statements.js';

/**
 * A named kind of problem: the difficulty knobs in one place. A trainer can warm-start with traces on
 * the 'trace' families and run GRPO from labels alone on the 'label' families, which SFT never sees.
 */
export interface LogicFamily {
  /** Unique name; it appears in every item's metadata. */
  name: string;
  /** Premises in the chain that links the conclusion's two terms (1-5). */
  chainLength: number;
  /** Extra premises relating a chain term to a term outside the chain (0-3); they never change the answer. */
  distractors: number;
  /** Forms the chain premises may take (default all four). */
  premiseForms?: readonly CategoricalForm[];
  /** Forms the conclusion may take (default all four). */
  conclusionForms?: readonly CategoricalForm[];
  /** Suggested use: 'trace' for supervised warm start, 'label' for RL from labels only. */
  supervision: 'trace' | 'label';
  /** Relative share of the problems of each split (default 1). */
  weight?: number;
}

/**
 * The default curriculum: short chains with traces for the warm start; longer chains and chains with
 * distractors held out of SFT for GRPO from labels.
 */
export const DEFAULT_LOGIC_FAMILIES: readonly LogicFamily[] = [
  { name: 'chain2', chainLength: 2, distractors: 0, supervision: 'trace' },
  { name: 'chain2-distractor', chainLength: 2, distractors: 1, supervision: 'trace' },
  { name: 'chain3', chainLength: 3, distractors: 0, supervision: 'trace' },
  { name: 'chain3-distractor', chainLength: 3, distractors: 1, supervision: 'label' },
  { name: 'chain4', chainLength: 4, distractors: 0, supervision: 'label' },
  { name: 'chain4-distractor', chainLength: 4, distractors: 1, supervision: 'label' },
];

/** Category words of the default vocabulary: short, common and distinct when spoken. */
export const DEFAULT_TERMS: readonly string[] = [
  'cats',
  'dogs',
  'birds',
  'fish',
  'frogs',
  'bees',
  'cows',
  'owls',
];

export function validateFamilies(families: readonly LogicFamily[], terms: readonly string[]): void {
  if (families.length === 0) throw new LogicOptionsError('families: give at least one problem family');
  const names = new Set<string>();
  for (const f of families) {
    const where = `family ${JSON.stringify(f.name)}`;
    if (typeof f.name !== 'string' || !/^[\w-]+$/.test(f.name)) {
      throw new LogicOptionsError(`${where}: name must be letters, digits, _ or -`);
    }
    if (names.has(f.name)) throw new LogicOptionsError(`${where}: duplicate family name`);
    names.add(f.name);
    if (!Number.isInteger(f.chainLength) || f.chainLength < 1 || f.chainLength > 5) {
      throw new LogicOptionsError(
        `${where}: chainLength must be an integer from 1 to 5, got ${f.chainLength}`,
      );
    }
    if (!Number.isInteger(f.distractors) || f.distractors < 0 || f.distractors > 3) {
      throw new LogicOptionsError(
        `${where}: distractors must be an integer from 0 to 3, got ${f.distractors}`,
      );
    }
    const needed = f.chainLength + 1 + f.distractors;
    if (needed > terms.length) {
      throw new LogicOptionsError(
        `${where}: needs ${needed} distinct terms but only ${terms.length} are given`,
      );
    }
    for (const [key, forms] of [
      ['premiseForms', f.premiseForms],
      ['conclusionForms', f.conclusionForms],
    ] as const) {
      if (forms === undefined) continue;
      if (forms.length === 0 || forms.some((x) => !CATEGORICAL_FORMS.includes(x))) {
        throw new LogicOptionsError(`${where}: ${key} must be a non-empty list of A, E, I, O`);
      }
    }
    if (f.supervision !== 'trace' && f.supervision !== 'label') {
      throw new LogicOptionsError(`${where}: supervision must be 'trace' or 'label'`);
    }
    if (f.weight !== undefined && !(f.weight > 0 && Number.isFinite(f.weight))) {
      throw new LogicOptionsError(`${where}: weight must be a positive number`);
    }
  }
}

export function validateTerms(terms: readonly string[]): void {
  if (new Set(terms).size !== terms.length)
    throw new LogicOptionsError('terms: category words must be distinct');
  for (const t of terms) {
    if (!/^[a-z]+$/.test(t))
      throw new LogicOptionsError(`terms: ${JSON.stringify(t)} must be one lower-case word`);
  }
}
