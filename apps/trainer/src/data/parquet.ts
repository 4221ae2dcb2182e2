import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildVerlRecords,
  loadAlrSplit,
  PROMPT_VARIANTS,
  type PromptVariant,
  readVerlParquet,
  type VerlMessage,
  type VerlRecord,
  writeVerlParquet,
} from '@soundmind/alr-data';
import { loadAudio } from '@soundmind/audio-io';
import { alrAnswerFromLabel, renderAlrResponse } from '@soundmind/metrics';
import type { ChatMessage, ContentPart } from '@soundmind/omni-runtime';
import { DataError, UsageError } from '../errors.js';

/** What `soundmind prepare` writes: one Parquet file per split found. */
export interface PrepareResult {
  readonly files: { split: string; path: string; rows: number; issues: number }[];
}

/**
 * ALR annotations (GitHub or Hugging Face layout, with or without audio) -> verl Parquet in one of
 * SoundMind's prompt variants (or an improved one): `<out>/<split>.parquet`.
 */
export async function prepareAlr(opts: {
  readonly root: string;
  readonly out: string;
  readonly splits?: readonly string[];
  readonly layout?: 'github' | 'huggingface';
  readonly variant: string;
  readonly embedAudio: boolean;
  readonly onProgress?: (split: string, rows: number) => void;
}): Promise<PrepareResult> {
  if (!(PROMPT_VARIANTS as readonly string[]).includes(opts.variant)) {
    throw new UsageError(`--variant must be one of ${PROMPT_VARIANTS.join(', ')}, got "${opts.variant}"`);
  }
  if (!existsSync(opts.root))
    throw new DataError(
      opts.root,
      'ALR folder not found; --alr takes the folder with <split>.jsonl (or <split>/metadata.jsonl)',
    );
  const variant = opts.variant as PromptVariant;
  const wantsAudio = variant !== 'text' && variant !== 'improved-text';
  const splits =
    opts.splits ??
    ['train', 'dev', 'test'].filter(
      (s) => existsSync(join(opts.root, `${s}.jsonl`)) || existsSync(join(opts.root, s, 'metadata.jsonl')),
    );
  if (splits.length === 0) throw new DataError(opts.root, 'no train/dev/test annotations found here');
  await mkdir(opts.out, { recursive: true });
  const files: PrepareResult['files'] = [];
  for (const split of splits) {
    const loaded = await loadAlrSplit(opts.root, split, {
      ...(opts.layout ? { layout: opts.layout } : {}),
      ...(wantsAudio ? {} : { audio: false }),
    });
    const records = buildVerlRecords(loaded.items, { variant, split });
    const path = join(opts.out, `${split}.parquet`);
    await writeVerlParquet(records, path, { embedAudio: opts.embedAudio });
    files.push({ split, path, rows: records.length, issues: loaded.issues.length });
    opts.onProgress?.(split, records.length);
  }
  return { files };
}

/** One row of a prepared Parquet, ready for the model. */
export interface ParquetProblem {
  readonly id: string;
  readonly messages: ChatMessage[];
  /** The question text, for reports. */
  readonly question: string;
  readonly label: 0 | 1;
  /** Reference response in the scorer's format (reference reasoning + the label's answer tag). */
  readonly response: string;
  readonly hasAudio: boolean;
}

/** Reads a prepared Parquet (ours or SoundMind's columns), loading audio parts as 16 kHz samples. */
export async function readParquetProblems(path: string): Promise<ParquetProblem[]> {
  if (!existsSync(path))
    throw new DataError(path, 'Parquet file not found; make it with `soundmind prepare`');
  const rows = await readVerlParquet(path);
  return Promise.all(rows.map((r, i) => toProblem(r, i, path)));
}

async function toProblem(r: VerlRecord, i: number, path: string): Promise<ParquetProblem> {
  const label = r.extra_info.label;
  if (label !== 0 && label !== 1) throw new DataError(path, `row ${i}: extra_info.label must be 0 or 1`);
  let hasAudio = false;
  const messages: ChatMessage[] = await Promise.all(
    r.prompt.map(async (m: VerlMessage) => ({
      role: m.role,
      content: await Promise.all(
        m.content.map(async (part): Promise<ContentPart> => {
          if (part.type === 'text') return { type: 'text', text: part.text };
          hasAudio = true;
          const bytes = r.audio_question?.bytes;
          const source = bytes && bytes.length > 0 ? bytes : part.audio;
          return { type: 'audio', audio: await loadAudio(source, { sampleRate: 16000, workers: 1 }) };
        }),
      ),
    })),
  );
  return {
    id: `${r.extra_info.split}-${r.extra_info.ori_idx}`,
    messages,
    question: r.extra_info.text_question,
    label,
    response: renderAlrResponse(r.extra_info.test_answer, alrAnswerFromLabel(label)),
    hasAudio,
  };
}
