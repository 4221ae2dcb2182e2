import { type AlrItem, loadSpokenDataset, logicMetaOf, synthesizeSpokenDataset } from '@soundmind/alr-data';
import { loadAudio } from '@soundmind/audio-io';
import type { TrainerConfig } from '../config/schema.js';
import { DataError } from '../errors.js';
import { cacheDirOf, type Problem } from './embedded.js';
import { configuredFamilies } from './families.js';

/** One spoken problem: the question's 16 kHz samples with its transcript, label and family. */
export interface SpokenProblem extends Problem {
  readonly samples: Float32Array;
}

export interface SpokenData {
  /** Spoken training problems of the trace families (SFT with audio input). */
  readonly train: readonly SpokenProblem[];
  /** Spoken held-out problems: the first eval.audio_size problems of the text test set, read aloud. */
  readonly test: readonly SpokenProblem[];
  readonly root: string;
  readonly cached: boolean;
  readonly seconds: number;
}

/**
 * The embedded dataset read aloud (eSpeak NG through @soundmind/alr-data, cached on disk in ALR's layout).
 * Its test split is drawn with the same seed and families as the text test set, so spoken test problem k
 * is text test problem k: text and audio accuracy are measured on the same problems.
 */
export async function loadSpokenData(
  config: TrainerConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<SpokenData> {
  const e = config.data.embedded;
  const { trace, label } = configuredFamilies(e);
  const t0 = performance.now();
  const ds = await synthesizeSpokenDataset({
    cacheDir: cacheDirOf(config),
    seed: e.seed,
    sizes: { train: e.audio_size, dev: 0, test: Math.min(config.eval.audio_size, e.test_size) },
    families: [...trace, ...label],
    ...(onProgress ? { onProgress: (done: number, total: number) => onProgress(done, total) } : {}),
  });
  const splits = await loadSpokenDataset(ds.root);
  const traceNames = new Set(trace.map((f) => f.name));
  const read = async (items: readonly AlrItem[], set: string): Promise<SpokenProblem[]> =>
    Promise.all(
      items.map(async (it) => {
        const family = logicMetaOf(it)?.family ?? 'unknown';
        if (!it.questionAudio) throw new DataError(ds.root, `spoken item ${it.id} has no question audio`);
        return {
          id: `${set}-${it.id}`,
          family,
          question: it.userContent,
          trace: it.answer,
          label: it.label,
          samples: await loadAudio(it.questionAudio, { sampleRate: 16000, workers: 1 }),
        };
      }),
    );
  const train = (await read(splits.train, 'audio-train')).filter((p) => traceNames.has(p.family));
  const test = await read(splits.test, 'test');
  return { train, test, root: ds.root, cached: ds.cached, seconds: (performance.now() - t0) / 1000 };
}
