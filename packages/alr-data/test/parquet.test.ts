import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AlrItem,
  arrowToVerlRecords,
  buildVerlRecords,
  loadAlrSplit,
  PROMPT_VARIANTS,
  readVerlParquet,
  type VerlRecord,
  VerlRecordError,
  verlRecordsToArrow,
  writeVerlParquet,
} from '../src/index.js';
import { ALR_DIR, tempDir, wavBytes } from './helpers.js';

const duckdb = await DuckDBInstance.create(':memory:');
afterAll(() => duckdb.closeSync());
const duck = await duckdb.connect();

/** Reads a Parquet file with DuckDB (an independent reader) into the shape of VerlRecord. */
async function readWithDuckDb(path: string): Promise<VerlRecord[]> {
  const reader = await duck.runAndReadAll(`select * from read_parquet('${path.replaceAll("'", "''")}')`);
  return reader.getRowObjectsJS().map((row) => fromDuckDb(row) as VerlRecord);
}

/** DuckDB gives bigint for BIGINT, Buffer for BLOB, and every struct field (null when absent). */
function fromDuckDb(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(fromDuckDb);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o['type'] === 'text' || o['type'] === 'audio') {
      const key = o['type'] as string;
      return { type: key, [key]: o[key] };
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fromDuckDb(v)]));
  }
  return value;
}

describe('verl Parquet', async () => {
  const dir = await tempDir();
  const { items: test } = await loadAlrSplit(ALR_DIR, 'test', { audio: false });
  const withAudio: AlrItem[] = test.map((item) => ({
    ...item,
    questionAudio: `/data/alr/test/${item.id}/question.wav`,
    answerAudio: `/data/alr/test/${item.id}/answer_${item.label}.wav`,
  }));

  it('round-trips every field of every variant through our reader and through DuckDB', async () => {
    for (const variant of PROMPT_VARIANTS) {
      const records = buildVerlRecords(withAudio, { variant, split: 'test', dataSource: './mmdata/alr' });
      const path = join(dir, `test-${variant}.parquet`);
      await writeVerlParquet(records, path);
      expect(await readVerlParquet(path)).toEqual(records);
      expect(await readWithDuckDb(path)).toEqual(records);
    }
  });

  it('keeps SoundMind nesting: prompt is a list of {role, content: list of {type, text, audio}}', async () => {
    const path = join(dir, 'schema.parquet');
    await writeVerlParquet(
      buildVerlRecords(withAudio.slice(0, 2), { variant: 'audio-text', split: 'test' }),
      path,
    );
    const reader = await duck.runAndReadAll(`describe select * from read_parquet('${path}')`);
    const types = Object.fromEntries(
      reader.getRowObjectsJS().map((r) => [r['column_name'], r['column_type']]),
    );
    expect(types).toEqual({
      data_source: 'VARCHAR',
      prompt: 'STRUCT("role" VARCHAR, "content" STRUCT("type" VARCHAR, "text" VARCHAR, audio VARCHAR)[])[]',
      audio_question: 'STRUCT(bytes BLOB, path VARCHAR)',
      audio_answer: 'STRUCT(bytes BLOB, path VARCHAR)',
      ability: 'VARCHAR',
      reward_model: 'STRUCT(style VARCHAR, ground_truth VARCHAR)',
      extra_info:
        'STRUCT(split VARCHAR, "index" BIGINT, ori_idx VARCHAR, test_answer VARCHAR, audio_answer VARCHAR, text_question VARCHAR, audio_question VARCHAR, "label" INTEGER)',
    });
  });

  it('embeds audio bytes on request, byte for byte', async () => {
    const root = join(dir, 'audio');
    const items: AlrItem[] = [];
    for (const [n, id] of ['0001', '0002'].entries()) {
      await mkdir(join(root, id), { recursive: true });
      await writeFile(join(root, id, 'question.wav'), wavBytes(100 + n));
      await writeFile(join(root, id, 'answer_1.wav'), wavBytes(200 + n));
      items.push({
        ...(test[n] as AlrItem),
        label: 1,
        questionAudio: join(root, id, 'question.wav'),
        answerAudio: join(root, id, 'answer_1.wav'),
      });
    }
    const records = buildVerlRecords(items, { variant: 'improved-audio', split: 'test' });
    const path = join(dir, 'embedded.parquet');
    await writeVerlParquet(records, path, { embedAudio: true, compression: 'zstd' });
    for (const read of [await readVerlParquet(path), await readWithDuckDb(path)]) {
      expect(read[1]?.audio_question).toEqual({
        path: items[1]?.questionAudio,
        bytes: new Uint8Array(wavBytes(101)),
      });
      expect(read[0]?.audio_answer?.bytes).toEqual(new Uint8Array(wavBytes(200)));
    }
    const missing = [
      { ...(records[0] as VerlRecord), audio_question: { path: join(root, 'nope.wav'), bytes: null } },
    ];
    await expect(writeVerlParquet(missing, join(dir, 'x.parquet'), { embedAudio: true })).rejects.toThrow(
      /item 0001: cannot embed audio .*nope\.wav/,
    );
  });

  it('prepares 6,446 items (ALR scale, audio by path) and reads them back', async () => {
    const { items: dev } = await loadAlrSplit(ALR_DIR, 'dev', { audio: false });
    const pool = [...withAudio, ...dev];
    const items = Array.from({ length: 6446 }, (_, i) => ({
      ...(pool[i % pool.length] as AlrItem),
      id: String(i + 1).padStart(4, '0'),
    }));
    const records = buildVerlRecords(items, { variant: 'text', split: 'train' });
    const path = join(dir, 'train.parquet');
    await writeVerlParquet(records, path);
    const back = await readVerlParquet(path);
    expect(back.length).toBe(6446);
    expect(back[6445]).toEqual(records[6445]);
  });

  it('in-memory Arrow tables convert both ways', () => {
    const records = buildVerlRecords(withAudio.slice(0, 5), {
      variant: 'improved-audio-text',
      split: 'test',
    });
    const table = verlRecordsToArrow(records);
    expect(table.numRows).toBe(5);
    expect(table.schema.fields.map((f) => f.name)).toEqual([
      'data_source',
      'prompt',
      'audio_question',
      'audio_answer',
      'ability',
      'reward_model',
      'extra_info',
    ]);
    expect(arrowToVerlRecords(table)).toEqual(records);
  });

  it('a write that cannot replace its target leaves the target as it was and no temporary file', async () => {
    const folder = join(dir, 'replace');
    const taken = join(folder, 'taken.parquet'); // a non-empty folder: the final rename fails
    await mkdir(taken, { recursive: true });
    await writeFile(join(taken, 'keep'), 'x');
    const records = buildVerlRecords(withAudio.slice(0, 3), { variant: 'text', split: 'test' });
    await expect(writeVerlParquet(records, taken)).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(await readdir(folder)).toEqual(['taken.parquet']);
    expect(await readFile(join(taken, 'keep'), 'utf8')).toBe('x');
  });

  it('rejects files that are not Parquet or lack verl columns', async () => {
    const notParquet = join(dir, 'not.parquet');
    await writeFile(notParquet, 'hello');
    await expect(
      writeVerlParquet([], join(dir, 'c.parquet'), { compression: 'lz4' as never }),
    ).rejects.toThrow(/unknown compression "lz4"/);
    await expect(readVerlParquet(notParquet)).rejects.toThrow(/not\.parquet: not a readable Parquet file/);
    await expect(readVerlParquet(join(dir, 'absent.parquet'))).rejects.toThrow(
      /absent\.parquet: cannot read Parquet file/,
    );
    const other = join(dir, 'other.parquet');
    await duck.run(`copy (select 'x' as data_source, 1 as prompt) to '${other}' (format parquet)`);
    await expect(readVerlParquet(other)).rejects.toThrow(VerlRecordError);
    await expect(readVerlParquet(other)).rejects.toThrow(
      /other\.parquet: column "prompt": expected list, got Int32/,
    );
  });
});
