import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AlrFileError, type AlrRecordError } from '../errors.js';
import { type ReadAlrOptions, readAlrRecords } from './annotations.js';
import type { AlrItem } from './item.js';

/**
 * 'github': `{root}/{split}.jsonl` with audio under `{root}/{split}/{id}/` (SoundMind's loader and the
 * embedded dataset). 'huggingface': `{root}/{split}/metadata.jsonl` with one folder per item.
 * 'auto' picks huggingface when that metadata file exists.
 */
export type AlrLayout = 'github' | 'huggingface' | 'auto';

export interface LoadAlrSplitOptions extends Omit<ReadAlrOptions, 'audioRoot' | 'split'> {
  layout?: AlrLayout;
  /** false reads text only: no audio paths, no audio checks (the annotation files alone). Default true. */
  audio?: boolean;
}

export interface LoadedAlrSplit {
  items: AlrItem[];
  /** Lines skipped under `onInvalid: 'skip'` (empty otherwise). */
  issues: AlrRecordError[];
  /** The annotation file that was read. */
  file: string;
  layout: 'github' | 'huggingface';
}

/** Reads one split of an ALR copy in either published layout into memory. */
export async function loadAlrSplit(
  root: string,
  split: string,
  options: LoadAlrSplitOptions = {},
): Promise<LoadedAlrSplit> {
  const hfMetadata = join(root, split, 'metadata.jsonl');
  let layout = options.layout ?? 'auto';
  if (layout === 'auto') layout = (await isFile(hfMetadata)) ? 'huggingface' : 'github';
  const file = layout === 'huggingface' ? hfMetadata : join(root, `${split}.jsonl`);
  if (!(await isFile(file))) {
    throw new AlrFileError(
      file,
      `no ${split} annotations for the ${layout} layout (expected this file under ${root})`,
    );
  }
  const issues: AlrRecordError[] = [];
  const readOptions: ReadAlrOptions = {
    ...options,
    split,
    onIssue: (issue) => {
      issues.push(issue);
      options.onIssue?.(issue);
    },
  };
  const audioRoot = options.audio === false ? undefined : join(root, split);
  const items: AlrItem[] = [];
  for await (const item of readAlrRecords(file, layout, audioRoot, readOptions)) items.push(item);
  return { items, issues, file, layout };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
