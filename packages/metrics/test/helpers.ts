import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Plain O(nm) Levenshtein over any sequences: the reference the fast paths are checked against. */
export function dpDistance<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j]! + 1, cur[j - 1]! + 1);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Labels of an ALR split from the shared annotation files (the real data, text only). */
export function alrLabels(split: 'dev' | 'test'): (0 | 1)[] {
  const path = fileURLToPath(new URL(`../../../../shared/data/alr/${split}.jsonl`, import.meta.url));
  if (!existsSync(path))
    throw new Error(`ALR annotations not found at ${path} (shared/ must sit beside the checkout)`);
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => (JSON.parse(l) as { label: 0 | 1 }).label);
}
