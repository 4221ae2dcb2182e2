import type { Statement } from '../src/index.js';

/**
 * Plain model enumeration, the reference for the region solver: every choice of which Venn regions are
 * non-empty (a bit set over regions 1..2^n - 1), keeping those where every term is non-empty and every
 * premise holds; entailed when the conclusion holds in all of them.
 */
export function bruteForceEntails(premises: Statement[], conclusion: Statement): boolean | 'inconsistent' {
  const terms = [...new Set([...premises, conclusion].flatMap((s) => [s.subject, s.predicate]))];
  const regionCount = (1 << terms.length) - 1;
  // inside[t]: the regions (as model bits) that lie inside term t
  const inside = new Map(
    terms.map((t, b) => {
      let mask = 0;
      for (let r = 1; r <= regionCount; r++) if ((r >> b) & 1) mask |= 1 << (r - 1);
      return [t, mask] as const;
    }),
  );
  const holds = (s: Statement, model: number) => {
    const sIn = inside.get(s.subject) as number;
    const pIn = inside.get(s.predicate) as number;
    const some = (model & sIn & pIn) !== 0;
    const someNot = (model & sIn & ~pIn) !== 0;
    return { A: !someNot, E: !some, I: some, O: someNot }[s.form];
  };
  let anyModel = false;
  for (let model = 0; model < 1 << regionCount; model++) {
    if (![...inside.values()].every((mask) => (model & mask) !== 0)) continue;
    if (!premises.every((p) => holds(p, model))) continue;
    anyModel = true;
    if (!holds(conclusion, model)) return false;
  }
  return anyModel ? true : 'inconsistent';
}
