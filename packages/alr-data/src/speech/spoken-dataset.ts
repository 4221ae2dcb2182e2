import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '@soundmind/audio-io';
import { Rng } from '@soundmind/rl-core';
import type { AlrItem } from '../alr/item.js';
import { loadAlrSplit } from '../alr/load-split.js';
import { LogicOptionsError } from '../errors.js';
import { DEFAULT_LOGIC_FAMILIES, DEFAULT_TERMS, type LogicFamily } from '../logic/families.js';
import {
  generateLogicSplits,
  type LogicProblem,
  type LogicProblemMeta,
  type LogicSplitSizes,
} from '../logic/generator.js';
import { logicVocabulary } from '../logic/vocabulary.js';
import { SPEECH_SAMPLE_RATE } from './speak.js';
import type { TtsJob } from './tts-messages.js';
import { defaultWorkerCount, runTtsJobs } from './tts-pool.js';
import { resolveVoiceOptions, type SpeechVoice, type VoiceOptions, voicesForSplit } from './voices.js';

/** Bump when the files written change, so old caches are not reused. */
const FORMAT = 'soundmind-spoken-logic/1';
const ENGINE = { name: 'espeak-ng', package: '@echogarden/espeak-ng-emscripten', version: '0.3.5' } as const;
const SPLITS = ['train', 'dev', 'test'] as const;

export interface SpokenDatasetOptions extends VoiceOptions {
  /** Datasets are cached here, one folder per options hash. */
  cacheDir: string;
  seed?: number | string;
  /** Spoken items per split. Problems are those of generateLogicSplits with the same seed, sizes, families and terms. */
  sizes: LogicSplitSizes;
  families?: readonly LogicFamily[];
  terms?: readonly string[];
  /** Also read each reference trace aloud as `answer_{label}.wav` (doubles the work). Default false. */
  speakAnswers?: boolean;
  /** Worker threads (default: 2, or the cores available if fewer). Does not change the output. */
  workers?: number;
  /** Called after each written WAV file. */
  onProgress?: (done: number, total: number, info: { split: string; id: string }) => void;
}

export interface SpokenDatasetManifest {
  format: string;
  hash: string;
  engine: typeof ENGINE & { sampleRate: number };
  /** Every option that shaped the files (the hash covers exactly these). */
  options: {
    seed: number | string;
    sizes: LogicSplitSizes;
    families: LogicFamily[];
    terms: string[];
    voices: ReturnType<typeof resolveVoiceOptions>;
    speakAnswers: boolean;
  };
  splits: Record<string, { items: number; entailed: number; seconds: number; voices: string[] }>;
  /** Every word of the questions and traces (build the word-level tokenizer from it). */
  vocabulary: string[];
}

export interface SpokenDataset {
  /** The dataset folder, in ALR's GitHub layout: `{split}.jsonl` and `{split}/{id}/question.wav`. */
  root: string;
  manifest: SpokenDatasetManifest;
  /** True when the folder already existed for these options and nothing was synthesized. */
  cached: boolean;
}

/**
 * The embedded spoken logic dataset: generated problems read aloud by eSpeak NG with varied voice, rate
 * and pitch, resampled to 16 kHz, and written in ALR's GitHub layout so loadAlrSplit reads it like the
 * real data (`answerAudio: 'optional'` unless `speakAnswers`). Each annotation line carries the problem's
 * `meta` (family, knobs, bucket) and `speech` (voice, rate, pitch, seconds). The folder is named by a hash
 * of the options, built under a temporary name and renamed when complete, so a second call with the same
 * options returns at once and a crash never leaves a half-written dataset behind.
 */
export async function synthesizeSpokenDataset(options: SpokenDatasetOptions): Promise<SpokenDataset> {
  const resolved: SpokenDatasetManifest['options'] = {
    seed: options.seed ?? 0,
    sizes: { train: options.sizes?.train, dev: options.sizes?.dev, test: options.sizes?.test },
    families: [...(options.families ?? DEFAULT_LOGIC_FAMILIES)],
    terms: [...(options.terms ?? DEFAULT_TERMS)],
    voices: resolveVoiceOptions(options),
    speakAnswers: options.speakAnswers ?? false,
  };
  if (typeof options.cacheDir !== 'string' || options.cacheDir === '') {
    throw new LogicOptionsError('cacheDir: give the folder that holds the cached datasets');
  }
  const hash = createHash('sha256')
    .update(JSON.stringify({ FORMAT, ENGINE, resolved }))
    .digest('hex')
    .slice(0, 16);
  const root = join(options.cacheDir, `spoken-logic-${hash}`);
  const existing = await readManifest(root);
  if (existing !== null) return { root, manifest: existing, cached: true };

  const problems = generateLogicSplits(resolved);
  await removeStalePartials(root);
  const partial = `${root}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const manifest = await build(partial, problems, resolved, hash, options);
    try {
      await rename(partial, root);
    } catch (error) {
      // Another process finished the same dataset first: keep theirs.
      const theirs = await readManifest(root);
      if (theirs === null) throw error;
      await rm(partial, { recursive: true, force: true });
      return { root, manifest: theirs, cached: true };
    }
    return { root, manifest, cached: false };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

async function build(
  dir: string,
  problems: Record<(typeof SPLITS)[number], LogicProblem[]>,
  resolved: SpokenDatasetManifest['options'],
  hash: string,
  options: SpokenDatasetOptions,
): Promise<SpokenDatasetManifest> {
  const jobs: TtsJob[] = [];
  const plans: { split: string; problem: LogicProblem; voice: SpeechVoice; questionJob: number }[] = [];
  const planOfJob: number[] = [];
  for (const split of SPLITS) {
    const rng = new Rng(`${resolved.seed}/voices/${split}`);
    const voices = voicesForSplit(resolved.voices, split);
    const [rateLo, rateHi] = resolved.voices.rateRange;
    const [pitchLo, pitchHi] = resolved.voices.pitchRange;
    for (const problem of problems[split]) {
      const voice: SpeechVoice = {
        voice: rng.pick(voices),
        rate: Math.round(rateLo + rng.next() * (rateHi - rateLo)),
        pitch: Math.round(pitchLo + rng.next() * (pitchHi - pitchLo)),
      };
      const folder = join(dir, split, problem.id);
      plans.push({ split, problem, voice, questionJob: jobs.length });
      planOfJob.push(plans.length - 1);
      jobs.push({
        index: jobs.length,
        text: problem.question,
        voice,
        path: join(folder, 'question.wav'),
        sampleRate: SPEECH_SAMPLE_RATE,
      });
      if (resolved.speakAnswers) {
        const text = spokenTrace(problem.trace);
        planOfJob.push(plans.length - 1);
        jobs.push({
          index: jobs.length,
          text,
          voice,
          path: join(folder, `answer_${problem.label}.wav`),
          sampleRate: SPEECH_SAMPLE_RATE,
        });
      }
    }
  }
  let done = 0;
  const samples = await runTtsJobs(jobs, {
    workers: options.workers ?? defaultWorkerCount(),
    onDone: (job) => {
      const plan = plans[planOfJob[job.index] as number]!;
      options.onProgress?.(++done, jobs.length, { split: plan.split, id: plan.problem.id });
    },
  });

  const splits: SpokenDatasetManifest['splits'] = {};
  for (const split of SPLITS) {
    const mine = plans.filter((p) => p.split === split);
    const lines = mine.map(({ problem, voice, questionJob }) =>
      JSON.stringify({
        id: problem.id,
        user_content: problem.question,
        answer: problem.trace,
        label: problem.label,
        meta: problem.meta,
        speech: { ...voice, seconds: (samples[questionJob] as number) / SPEECH_SAMPLE_RATE },
      }),
    );
    await writeFileAtomic(join(dir, `${split}.jsonl`), lines.length ? `${lines.join('\n')}\n` : '', {
      createFolder: true,
    });
    splits[split] = {
      items: mine.length,
      entailed: mine.filter((p) => p.problem.label === 1).length,
      seconds: mine.reduce((s, p) => s + (samples[p.questionJob] as number), 0) / SPEECH_SAMPLE_RATE,
      voices: voicesForSplit(resolved.voices, split),
    };
  }
  const manifest: SpokenDatasetManifest = {
    format: FORMAT,
    hash,
    engine: { ...ENGINE, sampleRate: SPEECH_SAMPLE_RATE },
    options: resolved,
    splits,
    vocabulary: logicVocabulary({ terms: resolved.terms }),
  };
  // Written last: its presence marks the folder complete.
  await writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, {
    createFolder: true,
  });
  return manifest;
}

/** The trace as it is read aloud: without the tags, answer spelled out. */
function spokenTrace(trace: string): string {
  return trace
    .replace(/<\/?think>/g, ' ')
    .replace(/<answer>(.*?)<\/answer>/, (_, answer: string) => ` answer : ${answer.replace('-', ' ')} .`)
    .replace(/\s+/g, ' ')
    .trim();
}

async function readManifest(root: string): Promise<SpokenDatasetManifest | null> {
  try {
    const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as SpokenDatasetManifest;
    return manifest.format === FORMAT ? manifest : null;
  } catch {
    return null;
  }
}

/** Partial folders of this dataset left by processes that no longer run. */
async function removeStalePartials(root: string): Promise<void> {
  const prefix = `${basename(root)}.partial-`;
  let names: string[];
  try {
    names = await readdir(dirname(root));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && isRunning(pid)) continue;
    await rm(join(dirname(root), name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads every split of a spoken dataset (or any GitHub-layout copy) with its audio paths checked. */
export async function loadSpokenDataset(root: string): Promise<Record<'train' | 'dev' | 'test', AlrItem[]>> {
  const out = {} as Record<'train' | 'dev' | 'test', AlrItem[]>;
  for (const split of SPLITS) {
    out[split] = (await loadAlrSplit(root, split, { layout: 'github', answerAudio: 'optional' })).items;
  }
  return out;
}

/** The generator metadata of an item read from a spoken dataset, or undefined for other items. */
export function logicMetaOf(item: AlrItem): LogicProblemMeta | undefined {
  const meta = item.extra?.['meta'];
  if (typeof meta !== 'object' || meta === null) return undefined;
  const m = meta as Partial<LogicProblemMeta>;
  return typeof m.family === 'string' && typeof m.chainLength === 'number'
    ? (meta as LogicProblemMeta)
    : undefined;
}
