import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The plain DP the fast paths are checked against (the bench's baseline). */
export { dpWordDistance as dpDistance } from '../bench/baseline.js';

interface AlrRecord {
  id: string;
  answer: string;
  label: 0 | 1;
}

/** Records of an ALR split from the real annotation files (text only) committed under test-data/alr. */
export function alrRecords(split: 'dev' | 'test'): AlrRecord[] {
  const path = fileURLToPath(new URL(`../../../test-data/alr/${split}.jsonl`, import.meta.url));
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as AlrRecord);
}

export function alrLabels(split: 'dev' | 'test'): (0 | 1)[] {
  return alrRecords(split).map((r) => r.label);
}
