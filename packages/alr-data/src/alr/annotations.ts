import { dirname, join } from 'node:path';
import { type AlrLocation, AlrRecordError } from '../errors.js';
import { checkAudioFile } from './audio-check.js';
import { writeIssueReport } from './issue-report.js';
import type { AlrItem, AlrLabel } from './item.js';
import { readJsonlLines } from './jsonl.js';

/** How audio paths are checked while reading: not at all, existence, or existence plus a RIFF/WAVE header. */
export type AudioCheck = 'none' | 'exists' | 'readable';

export interface ReadAlrOptions {
  /** Folder holding `{id}/question.wav` and `{id}/answer_{label}.wav` (GitHub layout). No audio paths when absent. */
  audioRoot?: string;
  /** Stamped on every item. */
  split?: string;
  /** Default 'exists' when audio paths are known. */
  audioCheck?: AudioCheck;
  /** 'optional' accepts items without `answer_{label}.wav` (their `answerAudio` is then unset). Default 'require'. */
  answerAudio?: 'require' | 'optional';
  /** 'throw' (default) stops at the first bad line; 'skip' leaves it out, reports it and reads on. */
  onInvalid?: 'throw' | 'skip';
  /** Called once per skipped line under `onInvalid: 'skip'`. */
  onIssue?: (issue: AlrRecordError) => void;
  /** Under 'skip', a readable report of every skipped line is written here when reading ends. */
  reportPath?: string;
}

/** The key names of one published layout. */
interface LayoutKeys {
  userContent: string;
  answer: string;
  /** Hugging Face names the audio files per item; GitHub derives them from the id and label. */
  questionFile?: string;
  answerFile?: string;
}

const GITHUB_KEYS: LayoutKeys = { userContent: 'user_content', answer: 'answer' };
const HUGGINGFACE_KEYS: LayoutKeys = {
  userContent: 'annotation_question',
  answer: 'annotation_answer',
  questionFile: 'question_file_name',
  answerFile: 'answer_file_name',
};

/**
 * Streams the items of a GitHub-layout annotation file (`id`, `user_content`, `answer`, `label` per line).
 * With `audioRoot`, each item gets `{audioRoot}/{id}/question.wav` and `answer_{label}.wav`, checked as
 * `audioCheck` says. Bad lines throw an AlrRecordError naming file, line and field, or are skipped and
 * reported under `onInvalid: 'skip'`; every other line is still read.
 */
export function readAlrAnnotations(jsonlPath: string, options: ReadAlrOptions = {}): AsyncGenerator<AlrItem> {
  return readAlrRecords(jsonlPath, 'github', options.audioRoot, options);
}

/**
 * Streams the items of a Hugging Face `metadata.jsonl` (`id`, `question_file_name`, `answer_file_name`,
 * `annotation_question`, `annotation_answer`, `label`); audio paths are resolved against `audioRoot`, by
 * default the folder of the metadata file.
 */
export function readHuggingFaceMetadata(
  metadataPath: string,
  options: ReadAlrOptions = {},
): AsyncGenerator<AlrItem> {
  return readAlrRecords(metadataPath, 'huggingface', options.audioRoot ?? dirname(metadataPath), options);
}

/** Both layouts' reader; `audioRoot` undefined means text only (no audio paths, no audio checks). */
export async function* readAlrRecords(
  file: string,
  layout: 'github' | 'huggingface',
  audioRoot: string | undefined,
  options: ReadAlrOptions,
): AsyncGenerator<AlrItem> {
  const keys = layout === 'github' ? GITHUB_KEYS : HUGGINGFACE_KEYS;
  const policy = options.onInvalid ?? 'throw';
  const audioCheck = options.audioCheck ?? 'exists';
  const seen = new Map<string, number>();
  const issues: AlrRecordError[] = [];
  const report = (issue: AlrRecordError) => {
    if (policy === 'throw') throw issue;
    issues.push(issue);
    options.onIssue?.(issue);
  };
  try {
    for await (const entry of readJsonlLines(file)) {
      if ('error' in entry) {
        report(entry.error);
        continue;
      }
      let item: AlrItem;
      try {
        item = parseRecord(entry.value, keys, { file, line: entry.line }, audioRoot, options.split);
        const firstLine = seen.get(item.id);
        if (firstLine !== undefined) {
          throw new AlrRecordError(
            'DUPLICATE_ID',
            { file, line: entry.line, field: 'id', id: item.id },
            `duplicate id, first seen on line ${firstLine}`,
          );
        }
        seen.set(item.id, entry.line);
        if (audioRoot !== undefined && audioCheck !== 'none') await checkItemAudio(item, audioCheck, options);
      } catch (error) {
        if (!(error instanceof AlrRecordError)) throw error;
        report(error);
        continue;
      }
      yield item;
    }
  } finally {
    if (options.reportPath !== undefined && policy === 'skip')
      await writeIssueReport(options.reportPath, file, issues);
  }
}

function parseRecord(
  value: unknown,
  keys: LayoutKeys,
  at: { file: string; line: number },
  audioRoot: string | undefined,
  split: string | undefined,
): AlrItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AlrRecordError('BAD_FIELD', at, `expected a JSON object, got ${describe(value)}`);
  }
  const record = value as Record<string, unknown>;
  const id = requireString(record, 'id', at);
  const where = { ...at, id };
  const userContent = requireString(record, keys.userContent, where);
  if (userContent.trim() === '')
    throw new AlrRecordError('BAD_FIELD', { ...where, field: keys.userContent }, 'is empty');
  const answer = requireString(record, keys.answer, where);
  const label = parseLabel(record, where);
  const item: AlrItem = { id, userContent, answer, label, source: at };
  if (split !== undefined) item.split = split;
  if (audioRoot !== undefined) {
    if (keys.questionFile !== undefined && keys.answerFile !== undefined) {
      const questionFile = requireString(record, keys.questionFile, where);
      const answerFile = requireString(record, keys.answerFile, where);
      const expected = `answer_${label}.wav`;
      if (!answerFile.endsWith(expected)) {
        throw new AlrRecordError(
          'BAD_FIELD',
          { ...where, field: keys.answerFile },
          `"${answerFile}" does not match label ${label} (expected a file named ${expected})`,
        );
      }
      item.questionAudio = join(audioRoot, questionFile);
      item.answerAudio = join(audioRoot, answerFile);
    } else {
      item.questionAudio = join(audioRoot, id, 'question.wav');
      item.answerAudio = join(audioRoot, id, `answer_${label}.wav`);
    }
  }
  const known = new Set(['id', 'label', keys.userContent, keys.answer, keys.questionFile, keys.answerFile]);
  const extraKeys = Object.keys(record).filter((k) => !known.has(k));
  if (extraKeys.length > 0) item.extra = Object.fromEntries(extraKeys.map((k) => [k, record[k]]));
  return item;
}

async function checkItemAudio(
  item: AlrItem,
  check: 'exists' | 'readable',
  options: ReadAlrOptions,
): Promise<void> {
  const at: AlrLocation = { ...item.source, id: item.id };
  if (item.questionAudio !== undefined)
    await checkAudioFile(item.questionAudio, check, { ...at, field: 'question audio' });
  if (item.answerAudio !== undefined) {
    try {
      await checkAudioFile(item.answerAudio, check, { ...at, field: 'answer audio' });
    } catch (error) {
      const missing = error instanceof AlrRecordError && error.code === 'MISSING_AUDIO';
      if (!(missing && options.answerAudio === 'optional')) throw error;
      delete item.answerAudio;
    }
  }
}

function requireString(record: Record<string, unknown>, field: string, at: AlrLocation): string {
  const value = record[field];
  if (value === undefined) throw new AlrRecordError('MISSING_FIELD', { ...at, field }, 'is missing');
  if (typeof value !== 'string') {
    throw new AlrRecordError('BAD_FIELD', { ...at, field }, `must be a string, got ${describe(value)}`);
  }
  return value;
}

/** SoundMind's loader applies Python's int() to the label, so "0" and "1" are accepted as well. */
function parseLabel(record: Record<string, unknown>, at: AlrLocation): AlrLabel {
  const value = record['label'];
  if (value === undefined) throw new AlrRecordError('MISSING_FIELD', { ...at, field: 'label' }, 'is missing');
  if (value === 0 || value === '0') return 0;
  if (value === 1 || value === '1') return 1;
  throw new AlrRecordError(
    'BAD_LABEL',
    { ...at, field: 'label' },
    `must be 1 (entailed) or 0 (not-entailed), got ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
