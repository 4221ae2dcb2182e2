import { LogicOptionsError } from '../errors.js';
import { negateStatement, type Statement } from './statements.js';

/** More terms than this would make the 2^n-region diagram large; the generator uses at most 8. */
const MAX_TERMS = 16;

/**
 * Exact satisfiability of categorical statements over the Venn diagram of their terms, with existential
 * import for every term (each category is non-empty). Region r (a bit set of terms) holds the things in
 * exactly those categories; sets of regions are bit sets, 32 regions per word. Universal statements empty regions; existential statements need one allowed
 * region in their set. Because existential constraints only ask for some non-empty region, the statements
 * are satisfiable exactly when every existential set meets the regions the universals leave allowed
 * (then making all allowed regions non-empty satisfies everything at once).
 */
export function isConsistent(statements: readonly Statement[]): boolean {
  const terms = termIndex(statements);
  if (terms.size === 0) return true;
  const masks = termMasks(terms.size);
  const words = (masks[0] as Uint32Array).length;
  const allowed = new Uint32Array(words).fill(0xffffffff);
  allowed[0]! &= ~1; // region 0 lies outside every term; no statement constrains it
  const maskOf = (term: string) => masks[terms.get(term) as number] as Uint32Array;
  for (const s of statements) {
    const sub = maskOf(s.subject);
    const pred = maskOf(s.predicate);
    if (s.form === 'A') for (let w = 0; w < words; w++) allowed[w]! &= ~(sub[w]! & ~pred[w]!);
    else if (s.form === 'E') for (let w = 0; w < words; w++) allowed[w]! &= ~(sub[w]! & pred[w]!);
  }
  for (const mask of masks) if (!intersects(allowed, mask, mask)) return false;
  for (const s of statements) {
    const sub = maskOf(s.subject);
    const pred = maskOf(s.predicate);
    if (s.form === 'I' && !intersects(allowed, sub, pred)) return false;
    if (s.form === 'O' && !intersectsNot(allowed, sub, pred)) return false;
  }
  return true;
}

/** Some allowed region lies in both a and b. */
function intersects(allowed: Uint32Array, a: Uint32Array, b: Uint32Array): boolean {
  for (let w = 0; w < allowed.length; w++) if ((allowed[w]! & a[w]! & b[w]!) !== 0) return true;
  return false;
}

/** Some allowed region lies in a and not in b. */
function intersectsNot(allowed: Uint32Array, a: Uint32Array, b: Uint32Array): boolean {
  for (let w = 0; w < allowed.length; w++) if ((allowed[w]! & a[w]! & ~b[w]!) !== 0) return true;
  return false;
}

const maskCache = new Map<number, Uint32Array[]>();

/** For each of n terms, the bit set (over the 2^n regions) of regions inside that term. */
function termMasks(n: number): Uint32Array[] {
  let masks = maskCache.get(n);
  if (masks === undefined) {
    const regions = 1 << n;
    const words = Math.max(1, regions >> 5);
    masks = Array.from({ length: n }, (_, b) => {
      const mask = new Uint32Array(words);
      for (let r = 0; r < regions; r++) if ((r >> b) & 1) mask[r >> 5]! |= 1 << (r & 31);
      return mask;
    });
    maskCache.set(n, masks);
  }
  return masks;
}

/** True when every model of the premises makes `statement` true (premises + its negation are unsatisfiable). */
export function entails(premises: readonly Statement[], statement: Statement): boolean {
  return !isConsistent([...premises, negateStatement(statement)]);
}

export interface SyllogismVerdict {
  /** The premises have a model (with every term non-empty). */
  consistent: boolean;
  /** The conclusion holds in every model of the premises (false when they are inconsistent). */
  entailed: boolean;
}

/** Decides a categorical argument exactly; inconsistent premises are reported, not treated as entailing. */
export function solveSyllogism(premises: readonly Statement[], conclusion: Statement): SyllogismVerdict {
  const consistent = isConsistent(premises);
  return { consistent, entailed: consistent && entails(premises, conclusion) };
}

function termIndex(statements: readonly Statement[]): Map<string, number> {
  const terms = new Map<string, number>();
  for (const s of statements) {
    if (s.subject === s.predicate) {
      throw new LogicOptionsError(
        `a statement relates "${s.subject}" to itself; subject and predicate must differ`,
      );
    }
    for (const t of [s.subject, s.predicate]) if (!terms.has(t)) terms.set(t, terms.size);
  }
  if (terms.size > MAX_TERMS) throw new LogicOptionsError(`at most ${MAX_TERMS} terms, got ${terms.size}`);
  return terms;
}
