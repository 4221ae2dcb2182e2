/**
 * The four categorical forms: A "all S are P", E "no S are P", I "some S are P", O "some S are not P".
 * Terms are plural category words ("cats").
 */
export type CategoricalForm = 'A' | 'E' | 'I' | 'O';
export const CATEGORICAL_FORMS: readonly CategoricalForm[] = ['A', 'E', 'I', 'O'];

export interface Statement {
  form: CategoricalForm;
  subject: string;
  predicate: string;
}

/** The statement as the dataset writes it: lower case, words separated by single spaces. */
export function renderStatement({ form, subject, predicate }: Statement): string {
  switch (form) {
    case 'A':
      return `all ${subject} are ${predicate}`;
    case 'E':
      return `no ${subject} are ${predicate}`;
    case 'I':
      return `some ${subject} are ${predicate}`;
    case 'O':
      return `some ${subject} are not ${predicate}`;
  }
}

/** The contradictory statement: true exactly when `s` is false. */
export function negateStatement(s: Statement): Statement {
  const form = ({ A: 'O', O: 'A', E: 'I', I: 'E' } as const)[s.form];
  return { ...s, form };
}

/** The words renderStatement can emit besides the terms. */
export const STATEMENT_WORDS = ['all', 'no', 'some', 'are', 'not'] as const;
