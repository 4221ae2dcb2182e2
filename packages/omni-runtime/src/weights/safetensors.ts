import { type FileHandle, open } from 'node:fs/promises';
import { writeFileAtomic } from '@soundmind/audio-io';
import { SafetensorsError } from '../errors.js';
import {
  decodeToFloat32,
  encodeFromFloat32,
  type FloatDtype,
  isFloatDtype,
  isSafetensorsDtype,
  SAFETENSORS_DTYPE_BYTES,
  type SafetensorsDtype,
} from './dtype.js';

/** One tensor as a safetensors header describes it. `byteOffset` is absolute within the file. */
export interface SafetensorsTensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly byteOffset: number;
  readonly byteLength: number;
}

/**
 * A float32 tensor to write, and the dtype to store it as (F32, BF16, F16 or F64). `data` may be a function
 * that reads it when its turn comes, so a checkpoint is copied one tensor at a time.
 */
export interface TensorToWrite {
  readonly dtype: FloatDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | (() => Promise<Float32Array>);
}

// A header larger than this is not a safetensors header (the format's own limit is 100 MB).
const MAX_HEADER_BYTES = 100_000_000;
// Reads and conversions go through chunks of this size, so a bf16 tensor never sits twice in memory.
const CHUNK_BYTES = 16 << 20;

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * A safetensors file opened for reading. Only the header is read on open (and fully validated:
 * dtypes, shapes, offsets inside the file, sizes that match the shapes, no overlaps); tensors are
 * read one at a time, in chunks, so a multi-gigabyte shard is never loaded whole.
 */
export class SafetensorsFile {
  private constructor(
    readonly path: string,
    readonly metadata: Readonly<Record<string, string>>,
    private readonly tensors: ReadonlyMap<string, SafetensorsTensorInfo>,
    private file: FileHandle | undefined,
  ) {}

  static async open(path: string): Promise<SafetensorsFile> {
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (err) {
      throw new SafetensorsError(
        'FILE_NOT_FOUND',
        `cannot open safetensors file ${path}: ${(err as Error).message}`,
        {
          file: path,
        },
      );
    }
    try {
      const { metadata, tensors } = await readHeader(file, path);
      return new SafetensorsFile(path, metadata, tensors, file);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  /** Tensor names in file order (by data offset). */
  names(): string[] {
    return [...this.tensors.keys()];
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): SafetensorsTensorInfo {
    const info = this.tensors.get(name);
    if (!info)
      throw new SafetensorsError('TENSOR_NOT_FOUND', `tensor '${name}' is not in ${this.path}`, {
        file: this.path,
        tensor: name,
      });
    return info;
  }

  /** Reads one tensor, converted to float32 (from F32, BF16, F16 or F64). */
  async read(name: string): Promise<Float32Array> {
    const out = new Float32Array(this.info(name).byteLength / SAFETENSORS_DTYPE_BYTES[this.info(name).dtype]);
    await this.readInto(name, out);
    return out;
  }

  /**
   * Reads one tensor into `out` (which must have exactly its element count), converting to float32 chunk
   * by chunk: loading a model this way needs no second copy of any weight.
   */
  async readInto(name: string, out: Float32Array): Promise<void> {
    const info = this.info(name);
    const dtype = info.dtype;
    if (!isFloatDtype(dtype))
      throw new SafetensorsError(
        'UNSUPPORTED_DTYPE',
        `tensor '${name}' in ${this.path} has dtype ${dtype}; only F32, BF16, F16 and F64 convert to float32`,
        { file: this.path, tensor: name },
      );
    const elemBytes = SAFETENSORS_DTYPE_BYTES[dtype];
    const count = info.byteLength / elemBytes;
    if (out.length !== count)
      throw new SafetensorsError(
        'SHAPE_MISMATCH',
        `tensor '${name}' in ${this.path} has ${count} elements but the destination holds ${out.length}`,
        { file: this.path, tensor: name },
      );
    const chunkElems = Math.max(1, Math.floor(CHUNK_BYTES / elemBytes));
    const buf = new Uint8Array(Math.min(info.byteLength, chunkElems * elemBytes));
    for (let start = 0; start < count; start += chunkElems) {
      const n = Math.min(chunkElems, count - start);
      const bytes = buf.subarray(0, n * elemBytes);
      await this.readExactly(bytes, info.byteOffset + start * elemBytes, name);
      decodeToFloat32(dtype, bytes, n, out, start);
    }
  }

  /** Reads one tensor's raw little-endian bytes, whatever its dtype. */
  async readRaw(name: string): Promise<Uint8Array> {
    const info = this.info(name);
    const out = new Uint8Array(info.byteLength);
    await this.readExactly(out, info.byteOffset, name);
    return out;
  }

  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }

  private async readExactly(dst: Uint8Array, position: number, name: string): Promise<void> {
    if (!this.file)
      throw new SafetensorsError('CLOSED', `${this.path} is closed (reading '${name}')`, {
        file: this.path,
        tensor: name,
      });
    let done = 0;
    while (done < dst.length) {
      const { bytesRead } = await this.file.read(dst, done, dst.length - done, position + done);
      if (bytesRead === 0)
        throw new SafetensorsError(
          'TRUNCATED',
          `tensor '${name}' in ${this.path} is truncated: the file ended while reading it`,
          { file: this.path, tensor: name },
        );
      done += bytesRead;
    }
  }
}

async function readHeader(
  file: FileHandle,
  path: string,
): Promise<{ metadata: Record<string, string>; tensors: Map<string, SafetensorsTensorInfo> }> {
  const fail = (code: string, msg: string, tensor?: string): never => {
    throw new SafetensorsError(
      code,
      `${path}: ${msg}`,
      tensor === undefined ? { file: path } : { file: path, tensor },
    );
  };
  const { size } = await file.stat();
  if (size < 8) fail('TRUNCATED', `file is ${size} bytes, too short for a safetensors header`);
  const lenBuf = new Uint8Array(8);
  await file.read(lenBuf, 0, 8, 0);
  const headerLen = Number(new DataView(lenBuf.buffer).getBigUint64(0, true));
  if (headerLen > MAX_HEADER_BYTES) fail('BAD_HEADER', `header length ${headerLen} is not plausible`);
  if (8 + headerLen > size)
    fail('TRUNCATED', `header claims ${headerLen} bytes but the file has only ${size - 8} after the length`);
  const headerBuf = new Uint8Array(headerLen);
  await file.read(headerBuf, 0, headerLen, 8);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBuf));
  } catch (err) {
    fail('BAD_HEADER', `header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('BAD_HEADER', 'header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataSize = size - dataStart;
  const metadata: Record<string, string> = {};
  const list: SafetensorsTensorInfo[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null) fail('BAD_HEADER', '__metadata__ is not an object');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail('BAD_HEADER', `__metadata__.${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof entry !== 'object' || entry === null)
      fail('BAD_HEADER', `entry for tensor '${name}' is not an object`, name);
    if (!isSafetensorsDtype(entry.dtype))
      fail('BAD_DTYPE', `tensor '${name}' has unknown dtype ${JSON.stringify(entry.dtype)}`, name);
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail('BAD_SHAPE', `tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`, name);
    const offsets = entry.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    )
      fail('BAD_OFFSETS', `tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`, name);
    const dtype = entry.dtype as SafetensorsDtype;
    const [begin, end] = offsets as [number, number];
    const expected = numel(shape as number[]) * SAFETENSORS_DTYPE_BYTES[dtype];
    if (end - begin !== expected)
      fail(
        'BAD_OFFSETS',
        `tensor '${name}' spans ${end - begin} bytes but ${dtype}${JSON.stringify(shape)} needs ${expected}`,
        name,
      );
    if (end > dataSize)
      fail(
        'TRUNCATED',
        `tensor '${name}' ends at data byte ${end} but the file holds only ${dataSize} data bytes (truncated file?)`,
        name,
      );
    list.push({
      name,
      dtype,
      shape: shape as number[],
      byteOffset: dataStart + begin,
      byteLength: end - begin,
    });
  }
  list.sort((a, b) => a.byteOffset - b.byteOffset);
  for (let i = 1; i < list.length; i++) {
    const prev = list[i - 1] as SafetensorsTensorInfo;
    const cur = list[i] as SafetensorsTensorInfo;
    if (cur.byteOffset < prev.byteOffset + prev.byteLength)
      fail('BAD_OFFSETS', `tensors '${prev.name}' and '${cur.name}' overlap`, cur.name);
  }
  return { metadata, tensors: new Map(list.map((t) => [t.name, t])) };
}

/**
 * Writes tensors to one safetensors file, atomically (temporary file, fsync, rename). Tensors are laid
 * out in the order given; each is converted from float32 to its `dtype` in chunks.
 */
export async function writeSafetensors(
  path: string,
  tensors: Iterable<readonly [string, TensorToWrite]>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const entries = [...tensors];
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__' || Object.hasOwn(header, name))
      throw new SafetensorsError(
        'BAD_NAME',
        `cannot write tensor '${name}' to ${path}: duplicate or reserved name`,
        {
          file: path,
          tensor: name,
        },
      );
    if (typeof t.data !== 'function') checkLength(path, name, t.shape, t.data);
    const bytes = numel(t.shape) * SAFETENSORS_DTYPE_BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(headerBytes);
    headerBytes = p;
  }
  await writeFileAtomic(path, async (file) => {
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
    await file.write(len);
    await file.write(headerBytes);
    for (const [name, t] of entries) {
      const data = typeof t.data === 'function' ? await t.data() : t.data;
      checkLength(path, name, t.shape, data);
      const elemBytes = SAFETENSORS_DTYPE_BYTES[t.dtype];
      const chunkElems = Math.max(1, Math.floor(CHUNK_BYTES / elemBytes));
      const buf = new Uint8Array(Math.min(data.length, chunkElems) * elemBytes);
      for (let start = 0; start < data.length; start += chunkElems) {
        const src = data.subarray(start, Math.min(data.length, start + chunkElems));
        const dst = buf.subarray(0, src.length * elemBytes);
        encodeFromFloat32(t.dtype, src, dst);
        await file.write(dst);
      }
    }
  });
}

function checkLength(path: string, name: string, shape: readonly number[], data: Float32Array): void {
  if (numel(shape) !== data.length)
    throw new SafetensorsError(
      'SHAPE_MISMATCH',
      `cannot write tensor '${name}' to ${path}: shape ${JSON.stringify(shape)} has ${numel(shape)} elements but the data has ${data.length}`,
      { file: path, tensor: name },
    );
}
