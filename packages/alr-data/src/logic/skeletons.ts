import type { CategoricalForm, Statement } from './statements.js';
import { solveSyllogism } from './venn-solver.js';

/**
 * A chain problem with the category words left out: the form and direction of each link and the
 * direction of the conclusion. Link i relates chain positions i and i + 1, with position i as subject
 * when `forward[i]`; the conclusion relates positions 0 and k, with 0 as subject when `conclusionForward`.
 * Distractors never change the answer (they only involve a term outside the chain), so the answer is a
 * function of the skeleton.
 */
export interface Skeleton {
  forms: CategoricalForm[];
  forward: boolean[];
  conclusionForm: CategoricalForm;
  conclusionForward: boolean;
}

/** Skeletons of one bucket (conclusion form + multiset of link forms), split by answer. */
export interface SkeletonTable {
  entailed: Skeleton[];
  notEntailed: Skeleton[];
}

const tables = new Map<string, SkeletonTable>();

/**
 * Every consistent skeleton with these link forms (in any order) and conclusion form, labelled by the
 * exact solver. Cached for the process: a bucket of a 4-link chain has at most 768 skeletons.
 */
export function skeletonTable(
  conclusionForm: CategoricalForm,
  linkForms: readonly CategoricalForm[],
): SkeletonTable {
  const sorted = [...linkForms].sort();
  const key = `${conclusionForm}|${sorted.join('')}`;
  let table = tables.get(key);
  if (table !== undefined) return table;
  table = { entailed: [], notEntailed: [] };
  const k = sorted.length;
  const chain = Array.from({ length: k + 1 }, (_, i) => `t${i}`);
  for (const forms of distinctPermutations(sorted)) {
    for (let bits = 0; bits < 1 << (k + 1); bits++) {
      const skeleton: Skeleton = {
        forms,
        forward: forms.map((_, i) => ((bits >> i) & 1) === 1),
        conclusionForm,
        conclusionForward: ((bits >> k) & 1) === 1,
      };
      const { links, conclusion } = instantiate(skeleton, chain);
      const verdict = solveSyllogism(links, conclusion);
      if (!verdict.consistent) continue;
      (verdict.entailed ? table.entailed : table.notEntailed).push(skeleton);
    }
  }
  tables.set(key, table);
  return table;
}

/** The links and conclusion of a skeleton over concrete chain terms. */
export function instantiate(
  skeleton: Skeleton,
  chain: readonly string[],
): { links: Statement[]; conclusion: Statement } {
  const links = skeleton.forms.map((form, i): Statement => {
    const a = chain[i] as string;
    const b = chain[i + 1] as string;
    return skeleton.forward[i] ? { form, subject: a, predicate: b } : { form, subject: b, predicate: a };
  });
  const first = chain[0] as string;
  const last = chain[chain.length - 1] as string;
  const conclusion: Statement = skeleton.conclusionForward
    ? { form: skeleton.conclusionForm, subject: first, predicate: last }
    : { form: skeleton.conclusionForm, subject: last, predicate: first };
  return { links, conclusion };
}

/** The distinct orderings of a sorted multiset, in lexicographic order. */
function distinctPermutations<T>(sorted: readonly T[]): T[][] {
  const out: T[][] = [];
  const current: T[] = [];
  const used = new Array<boolean>(sorted.length).fill(false);
  const visit = () => {
    if (current.length === sorted.length) {
      out.push([...current]);
      return;
    }
    for (let i = 0; i < sorted.length; i++) {
      if (used[i] || (i > 0 && sorted[i] === sorted[i - 1] && !used[i - 1])) continue;
      used[i] = true;
      current.push(sorted[i] as T);
      visit();
      current.pop();
      used[i] = false;
    }
  };
  visit();
  return out;
}

/** A bucket that admits both answers, with its probability weight under uniform random forms. */
export interface LiveBucket {
  conclusionForm: CategoricalForm;
  /** Sorted link forms. */
  linkForms: CategoricalForm[];
  /** Number of orderings of the link forms (the multinomial coefficient). */
  weight: number;
  table: SkeletonTable;
}

const liveBuckets = new Map<string, LiveBucket[]>();

/**
 * Every bucket of chains of `chainLength` links (forms from `premiseForms`, conclusion from
 * `conclusionForms`) that has both entailed and not-entailed skeletons. Drawing a bucket in proportion
 * to `weight` is drawing forms uniformly at random, conditioned on both answers being possible.
 */
export function liveBucketsFor(
  chainLength: number,
  premiseForms: readonly CategoricalForm[],
  conclusionForms: readonly CategoricalForm[],
): LiveBucket[] {
  const forms = [...new Set(premiseForms)].sort();
  const key = `${chainLength}|${forms.join('')}|${[...new Set(conclusionForms)].sort().join('')}`;
  let buckets = liveBuckets.get(key);
  if (buckets !== undefined) return buckets;
  buckets = [];
  for (const linkForms of multisets(forms, chainLength)) {
    for (const conclusionForm of new Set(conclusionForms)) {
      const table = skeletonTable(conclusionForm, linkForms);
      if (table.entailed.length === 0 || table.notEntailed.length === 0) continue;
      buckets.push({ conclusionForm, linkForms, weight: orderings(linkForms), table });
    }
  }
  liveBuckets.set(key, buckets);
  return buckets;
}

/** Sorted multisets of size k over sorted `items`. */
function multisets<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of multisets(items.slice(i), k - 1)) out.push([item, ...rest]);
  });
  return out;
}

function orderings<T>(sorted: readonly T[]): number {
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const counts = new Map<T, number>();
  for (const x of sorted) counts.set(x, (counts.get(x) ?? 0) + 1);
  let n = factorial(sorted.length);
  for (const c of counts.values()) n /= factorial(c);
  return n;
}
