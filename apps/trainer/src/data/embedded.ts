import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  generateLogicProblems,
  type LogicFamily,
  type LogicProblem,
  logicVocabulary,
} from '@soundmind/alr-data';
import type { TrainerConfig } from '../config/schema.js';
import { writeFileAtomic } from '../run/atomic.js';
import { configuredFamilies } from './families.js';

/** One problem of the embedded dataset, as the trainer uses it. */
export interface Problem {
  /** `<set>-<index>`, unique across the dataset. */
  readonly id: string;
  readonly family: string;
  readonly question: string;
  /** Reference response (think block + answer tag); only shown to the model for trace families. */
  readonly trace: string;
  readonly label: 0 | 1;
}

/** The embedded dataset: SFT problems (trace families), GRPO prompts (label families), held-out test (all). */
export interface EmbeddedData {
  readonly sft: readonly Problem[];
  readonly rl: readonly Problem[];
  readonly test: readonly Problem[];
  readonly traceFamilies: readonly LogicFamily[];
  readonly labelFamilies: readonly LogicFamily[];
  /** Every word a question or response can contain (the embedded tokenizer's vocabulary). */
  readonly vocabulary: readonly string[];
  readonly cacheFile: string;
  readonly cached: boolean;
}

/** Where the embedded data is cached: data.embedded.cache_dir, or <cwd>/.cache/soundmind. */
export function cacheDirOf(config: TrainerConfig): string {
  return config.data.embedded.cache_dir ?? join(process.cwd(), '.cache', 'soundmind');
}

/**
 * Generates the embedded problems (deterministic by data.embedded.seed) or reads them from the cache.
 * Test problems are drawn first and excluded from both training sets, so none is ever trained on.
 */
export function loadEmbeddedData(
  config: TrainerConfig,
  onProgress?: (done: number, total: number, info: { set: string }) => void,
): EmbeddedData {
  const e = config.data.embedded;
  const { trace, label } = configuredFamilies(e);
  const all = [...trace, ...label];
  const key = {
    v: 1,
    seed: e.seed,
    families: all,
    sizes: { sft: e.sft_size, rl: e.rl_size, test: e.test_size },
  };
  const hash = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16);
  const dir = cacheDirOf(config);
  const cacheFile = join(dir, `logic-${hash}.json`);
  const vocabulary = logicVocabulary();
  if (existsSync(cacheFile)) {
    try {
      const c = JSON.parse(readFileSync(cacheFile, 'utf8')) as {
        sft: Problem[];
        rl: Problem[];
        test: Problem[];
      };
      return { ...c, traceFamilies: trace, labelFamilies: label, vocabulary, cacheFile, cached: true };
    } catch {
      // a damaged cache file is regenerated below
    }
  }
  const total = e.test_size + (trace.length ? e.sft_size : 0) + (label.length ? e.rl_size : 0);
  let done = 0;
  const exclude = new Set<string>();
  const make = (set: string, families: readonly LogicFamily[], count: number): Problem[] => {
    if (families.length === 0 || count === 0) return [];
    onProgress?.(done, total, { set });
    const out = generateLogicProblems({ seed: e.seed, split: set, count, families, exclude }).map((p) =>
      toProblem(p, set),
    );
    done += count;
    onProgress?.(done, total, { set });
    return out;
  };
  const test = make('test', all, e.test_size);
  const sft = make('sft', trace, e.sft_size);
  const rl = make('rl', label, e.rl_size);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(cacheFile, JSON.stringify({ key, sft, rl, test }));
  return { sft, rl, test, traceFamilies: trace, labelFamilies: label, vocabulary, cacheFile, cached: false };
}

function toProblem(p: LogicProblem, set: string): Problem {
  return {
    id: `${set}-${p.id}`,
    family: p.meta.family,
    question: p.question,
    trace: p.trace,
    label: p.label,
  };
}
