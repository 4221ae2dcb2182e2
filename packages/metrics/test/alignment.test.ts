import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alignTokens } from '../src/wer/alignment.js';

interface Case {
  ref: string;
  hyp: string;
  ops: string;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/rapidfuzz-alignments.json', import.meta.url), 'utf8'),
) as { cases: Case[]; long: Case[] };

const CODE = { equal: 'e', substitute: 's', delete: 'd', insert: 'i' } as const;
const render = (c: Case) =>
  alignTokens([...c.ref], [...c.hyp])
    .map((k) => `${CODE[k.type]}${k.refStart},${k.refEnd},${k.hypStart},${k.hypEnd};`)
    .join('');

describe('alignTokens matches rapidfuzz.Levenshtein.opcodes (jiwer) exactly', () => {
  it('on 1,000 short and medium pairs with many equal-cost alignments', () => {
    let mismatches = 0;
    let first = '';
    for (const c of fixture.cases) {
      const got = render(c);
      if (got !== c.ops) {
        mismatches++;
        if (!first) first = `${c.ref} | ${c.hyp}\n got ${got}\nwant ${c.ops}`;
      }
    }
    expect(first).toBe('');
    expect(mismatches).toBe(0);
  });
  it('on long pairs that take the Hirschberg split', () => {
    for (const c of fixture.long) expect(render(c)).toBe(c.ops);
  });
});
