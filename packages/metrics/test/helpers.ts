import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The plain DP the fast paths are checked against (the bench's baseline). */
export { dpWordDistance as dpDistance } from '../bench/baseline.js';

interface AlrRecord {
  id: string;
  answer: string;
  label: 0 | 1;
}

/** Records of an ALR split from the shared annotation files (the real data, text only). */
export function alrRecords(split: 'dev' | 'test'): AlrRecord[] {
  const path = fileURLToPath(new URL(`../../../../shared/data/alr/${split}.jsonl`, import.meta.url));
  if (!existsSync(path)) {
    throw new Error(`ALR annotations not found at ${path} (shared/ must sit beside the checkout)`);
  }
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as AlrRecord);
}

export function alrLabels(split: 'dev' | 'test'): (0 | 1)[] {
  return alrRecords(split).map((r) => r.label);
}
