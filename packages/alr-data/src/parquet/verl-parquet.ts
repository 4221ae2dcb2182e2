import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@soundmind/audio-io';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import {
  Compression,
  readParquet,
  Table as WasmTable,
  WriterPropertiesBuilder,
  writeParquet,
} from 'parquet-wasm/node';
import { AlrFileError, VerlRecordError } from '../errors.js';
import type { VerlAudio, VerlRecord } from '../prompts/verl-record.js';
import { arrowToVerlRecords, verlRecordsToArrow } from './verl-arrow.js';

export interface WriteVerlParquetOptions {
  /** Store each audio file's bytes in `audio_question.bytes` / `audio_answer.bytes` (HF Audio storage). Default false. */
  embedAudio?: boolean;
  /** Default 'snappy' (pyarrow's default, readable everywhere). */
  compression?: 'snappy' | 'zstd' | 'none';
  /** Rows per row group. Default 1024 (smaller groups keep embedded audio readable in pieces). */
  rowGroupSize?: number;
}

const COMPRESSION = {
  snappy: Compression.SNAPPY,
  zstd: Compression.ZSTD,
  none: Compression.UNCOMPRESSED,
} as const;

/**
 * Writes verl rows to a Parquet file that verl (through Hugging Face datasets / pyarrow) and DuckDB read:
 * Arrow in memory, encoded by parquet-wasm (arrow-rs), written atomically.
 */
export async function writeVerlParquet(
  records: readonly VerlRecord[],
  path: string,
  options: WriteVerlParquetOptions = {},
): Promise<void> {
  const rows = options.embedAudio ? await Promise.all(records.map(embedAudio)) : records;
  const compression = COMPRESSION[options.compression ?? 'snappy'];
  if (compression === undefined)
    throw new VerlRecordError(`unknown compression ${JSON.stringify(options.compression)}`);
  const table = verlRecordsToArrow(rows);
  const wasmTable = WasmTable.fromIPCStream(tableToIPC(table, 'stream'));
  const properties = new WriterPropertiesBuilder()
    .setCompression(compression)
    .setMaxRowGroupSize(options.rowGroupSize ?? 1024)
    .build();
  // writeParquet takes ownership of (and frees) the wasm table and the properties.
  await writeFileAtomic(path, writeParquet(wasmTable, properties), { createFolder: true });
}

/** Reads a Parquet file of verl rows (written here, or by any tool with the same columns) into typed records. */
export async function readVerlParquet(path: string): Promise<VerlRecord[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new AlrFileError(path, `cannot read Parquet file (${(error as Error).message})`, { cause: error });
  }
  let ipc: Uint8Array;
  try {
    ipc = readParquet(bytes).intoIPCStream();
  } catch (error) {
    throw new AlrFileError(path, `not a readable Parquet file (${String(error)})`, { cause: error });
  }
  return arrowToVerlRecords(tableFromIPC(ipc), path);
}

async function embedAudio(record: VerlRecord): Promise<VerlRecord> {
  return {
    ...record,
    audio_question: await withBytes(record.audio_question, record.extra_info.ori_idx),
    audio_answer: await withBytes(record.audio_answer, record.extra_info.ori_idx),
  };
}

async function withBytes(audio: VerlAudio | null, id: string): Promise<VerlAudio | null> {
  if (audio === null || audio.bytes !== null) return audio;
  if (audio.path === null) return audio;
  try {
    return { path: audio.path, bytes: new Uint8Array(await readFile(audio.path)) };
  } catch (error) {
    throw new VerlRecordError(`item ${id}: cannot embed audio ${audio.path} (${(error as Error).message})`, {
      cause: error,
    });
  }
}
