import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SafetensorsError } from '../../src/errors.js';
import { Checkpoint, saveCheckpoint } from '../../src/weights/checkpoint.js';
import { float32ToBf16Bits, float32ToF16Bits } from '../../src/weights/dtype.js';
import { SafetensorsFile, writeSafetensors } from '../../src/weights/safetensors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omni-st-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ramp = (n: number, scale = 0.37) => Float32Array.from({ length: n }, (_, i) => (i - n / 2) * scale);

/** A file written by hand, byte for byte, as the format defines it (header length, JSON, data). */
function rawFile(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

async function expectError(p: Promise<unknown>, code: string, tensor?: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SafetensorsError);
  expect((err as SafetensorsError).code).toBe(code);
  if (tensor !== undefined) {
    expect((err as SafetensorsError).tensor).toBe(tensor);
    expect((err as Error).message).toContain(tensor);
  }
}

describe('safetensors file', () => {
  it('round-trips F32 exactly and F64 exactly, with metadata and 8-byte aligned data', async () => {
    const path = join(dir, 'a.safetensors');
    const a = ramp(6);
    const b = Float32Array.from([1e-30, -3.5, 65504, Number.POSITIVE_INFINITY]);
    await writeSafetensors(
      path,
      [
        ['a', { dtype: 'F32', shape: [2, 3], data: a }],
        ['b', { dtype: 'F64', shape: [4], data: b }],
      ],
      { format: 'pt' },
    );
    const bytes = await readFile(path);
    const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const f = await SafetensorsFile.open(path);
    expect(f.metadata).toEqual({ format: 'pt' });
    expect(f.names()).toEqual(['a', 'b']);
    expect(f.info('a')).toMatchObject({ dtype: 'F32', shape: [2, 3] });
    expect(await f.read('a')).toEqual(a);
    expect(await f.read('b')).toEqual(b);
    await f.close();
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('converts BF16 and F16 with round-to-nearest-even, as torch does', async () => {
    // Bit patterns checked against torch.tensor([...]).to(torch.bfloat16 / torch.float16).view(int16).
    expect(float32ToBf16Bits(1)).toBe(0x3f80);
    expect(float32ToBf16Bits(1.00390625)).toBe(0x3f80); // tie -> even
    expect(float32ToBf16Bits(1.01171875)).toBe(0x3f82); // tie -> even (up)
    expect(float32ToBf16Bits(-2.5)).toBe(0xc020);
    expect(float32ToBf16Bits(Number.NaN) & 0x7f80).toBe(0x7f80);
    expect(float32ToF16Bits(1)).toBe(0x3c00);
    expect(float32ToF16Bits(65504)).toBe(0x7bff);
    expect(float32ToF16Bits(65520)).toBe(0x7c00); // overflows to inf
    expect(float32ToF16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float32ToF16Bits(2 ** -25)).toBe(0x0000); // tie -> even (zero)
    expect(float32ToF16Bits(-0.1)).toBe(0xae66);
    const path = join(dir, 'h.safetensors');
    const x = ramp(1000, 0.0137);
    await writeSafetensors(path, [
      ['bf', { dtype: 'BF16', shape: [10, 100], data: x }],
      ['hf', { dtype: 'F16', shape: [1000], data: x }],
    ]);
    const f = await SafetensorsFile.open(path);
    const bf = await f.read('bf');
    const hf = await f.read('hf');
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      expect(Math.abs((bf[i] as number) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -8 + 1e-30);
      expect(Math.abs((hf[i] as number) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
    }
    await f.close();
  });

  it('reads a file whose data is not aligned (odd header length) the same way', async () => {
    const path = join(dir, 'odd.safetensors');
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat32(0, 1.5, true);
    new DataView(data.buffer).setFloat32(4, -2, true);
    await writeFile(
      path,
      rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: 1 }, data).slice(0),
    );
    // 'y' is not a tensor entry: the header is malformed.
    await expectError(SafetensorsFile.open(path), 'BAD_HEADER', 'y');
    await writeFile(path, rawFile({ xx: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, data));
    const f = await SafetensorsFile.open(path);
    expect(Array.from(await f.read('xx'))).toEqual([1.5, -2]);
    await f.close();
  });

  it('rejects malformed and truncated files with errors naming the tensor', async () => {
    const path = join(dir, 'bad.safetensors');
    const data = new Uint8Array(16);
    await writeFile(path, new Uint8Array(5));
    await expectError(SafetensorsFile.open(path), 'TRUNCATED');
    await writeFile(
      path,
      rawFile({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, data).slice(0, 20),
    );
    await expectError(SafetensorsFile.open(path), 'TRUNCATED');
    await writeFile(
      path,
      rawFile({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, data).slice(0, -4),
    );
    await expectError(SafetensorsFile.open(path), 'TRUNCATED', 'w');
    await writeFile(path, rawFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, data));
    await expectError(SafetensorsFile.open(path), 'BAD_OFFSETS', 'w');
    await writeFile(path, rawFile({ w: { dtype: 'Q4', shape: [4], data_offsets: [0, 16] } }, data));
    await expectError(SafetensorsFile.open(path), 'BAD_DTYPE', 'w');
    await writeFile(path, rawFile({ w: { dtype: 'F32', shape: [-4], data_offsets: [0, 16] } }, data));
    await expectError(SafetensorsFile.open(path), 'BAD_SHAPE', 'w');
    await writeFile(
      path,
      rawFile(
        {
          a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] },
          b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
        },
        data,
      ),
    );
    await expectError(SafetensorsFile.open(path), 'BAD_OFFSETS', 'b');
    await writeFile(path, new Uint8Array([...rawFile({}, new Uint8Array()).slice(0, 8), 0x7b, 0x7b]));
    await expectError(SafetensorsFile.open(path), 'BAD_HEADER');
    const notJson = rawFile({}, data);
    notJson[8] = 0x5b; // '[' : not an object
    notJson[9] = 0x5d;
    await writeFile(path, notJson);
    await expectError(SafetensorsFile.open(path), 'BAD_HEADER');
    await writeFile(path, rawFile({ i: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data));
    const f = await SafetensorsFile.open(path);
    await expectError(f.read('i'), 'UNSUPPORTED_DTYPE', 'i');
    await expectError(f.read('nope'), 'TENSOR_NOT_FOUND', 'nope');
    expect((await f.readRaw('i')).length).toBe(16);
    await f.close();
    await expectError(SafetensorsFile.open(join(dir, 'missing.safetensors')), 'FILE_NOT_FOUND');
  });

  it('refuses to write a tensor whose shape does not match its data, leaving nothing behind', async () => {
    const path = join(dir, 'w.safetensors');
    await expectError(
      writeSafetensors(path, [['w', { dtype: 'F32', shape: [3], data: ramp(4) }]]),
      'SHAPE_MISMATCH',
      'w',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('a failure while streaming tensors removes the temporary file and leaves the old file as it was', async () => {
    const path = join(dir, 'w.safetensors');
    await writeSafetensors(path, [['w', { dtype: 'F32', shape: [4], data: ramp(4) }]]);
    const before = await readFile(path);
    // the first tensor is streamed out, then the second one's lazily produced data has the wrong length
    await expectError(
      writeSafetensors(path, [
        ['a', { dtype: 'F32', shape: [1024], data: ramp(1024) }],
        ['b', { dtype: 'F32', shape: [3], data: async () => ramp(5) }],
      ]),
      'SHAPE_MISMATCH',
      'b',
    );
    expect(await readdir(dir)).toEqual(['w.safetensors']);
    expect(await readFile(path)).toEqual(before);
  });
});

describe('sharded checkpoints', () => {
  const tensors = (): [string, { dtype: 'F32' | 'BF16'; shape: number[]; data: Float32Array }][] => [
    ['thinker.model.embed_tokens.weight', { dtype: 'F32', shape: [8, 4], data: ramp(32) }],
    ['thinker.model.norm.weight', { dtype: 'BF16', shape: [4], data: Float32Array.from([1, 2, 3, 4]) }],
    ['talker.codec_head.weight', { dtype: 'F32', shape: [4, 4], data: ramp(16, 1) }],
    ['thinker.lm_head.weight', { dtype: 'F32', shape: [8, 4], data: ramp(32, 2) }],
  ];

  it('writes one file below the shard size and shards with an index above it; both read back', async () => {
    await saveCheckpoint(dir, tensors());
    expect((await readdir(dir)).sort()).toEqual(['model.safetensors']);
    let ck = await Checkpoint.open(dir);
    expect(ck.names().sort()).toEqual(
      tensors()
        .map(([n]) => n)
        .sort(),
    );
    expect(await ck.read('thinker.lm_head.weight')).toEqual(ramp(32, 2));
    await ck.close();

    const progress: number[] = [];
    await saveCheckpoint(dir, tensors(), { maxShardBytes: 130, onProgress: (d) => progress.push(d) });
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      'model.safetensors.index.json',
    ]);
    expect(progress).toEqual([0, 1, 2, 3]);
    const index = JSON.parse(await readFile(join(dir, 'model.safetensors.index.json'), 'utf8'));
    expect(index.metadata.total_size).toBe(32 * 4 + 4 * 2 + 16 * 4 + 32 * 4);
    expect(index.weight_map['thinker.lm_head.weight']).toBe('model-00003-of-00003.safetensors');
    ck = await Checkpoint.open(dir, { prefixes: ['thinker.'] });
    expect(ck.names().sort()).toEqual([
      'thinker.lm_head.weight',
      'thinker.model.embed_tokens.weight',
      'thinker.model.norm.weight',
    ]);
    expect(ck.info('thinker.model.norm.weight')).toMatchObject({ dtype: 'BF16', shape: [4] });
    expect(Array.from(await ck.read('thinker.model.norm.weight'))).toEqual([1, 2, 3, 4]);
    await expectError(ck.read('talker.codec_head.weight'), 'TENSOR_NOT_FOUND', 'talker.codec_head.weight');
    await ck.close();
  });

  it('names the tensor when a shard is missing, and does not open shards outside the prefixes', async () => {
    await saveCheckpoint(dir, tensors(), { maxShardBytes: 130 });
    await rm(join(dir, 'model-00002-of-00003.safetensors'));
    await expectError(Checkpoint.open(dir), 'MISSING_SHARD', 'thinker.model.norm.weight');
    const ck = await Checkpoint.open(dir, { prefixes: ['thinker.lm_head.', 'thinker.model.embed_tokens.'] });
    expect(ck.names().length).toBe(2);
    await ck.close();
  });

  it('names the tensor when the index points at a shard that does not hold it', async () => {
    await saveCheckpoint(dir, tensors(), { maxShardBytes: 130 });
    const indexPath = join(dir, 'model.safetensors.index.json');
    const index = JSON.parse(await readFile(indexPath, 'utf8'));
    index.weight_map['thinker.model.norm.weight'] = 'model-00003-of-00003.safetensors';
    await writeFile(indexPath, JSON.stringify(index));
    await expectError(Checkpoint.open(dir), 'TENSOR_NOT_FOUND', 'thinker.model.norm.weight');
    await writeFile(indexPath, '{"weight_map": {"x": "../etc/passwd"}}');
    await expectError(Checkpoint.open(dir), 'BAD_INDEX', 'x');
    await writeFile(indexPath, '{oops');
    await expectError(Checkpoint.open(dir), 'BAD_INDEX');
  });

  it('reports a folder without weights', async () => {
    await expectError(Checkpoint.open(dir), 'NO_WEIGHTS');
  });
});

describe('readInto', () => {
  it('fills a caller buffer (no second copy) and refuses one of the wrong size', async () => {
    const path = join(dir, 'r.safetensors');
    await writeSafetensors(path, [
      ['w', { dtype: 'BF16', shape: [2, 2], data: Float32Array.from([1, -2, 0.5, 3]) }],
    ]);
    const f = await SafetensorsFile.open(path);
    const out = new Float32Array(4);
    await f.readInto('w', out);
    expect(Array.from(out)).toEqual([1, -2, 0.5, 3]);
    await expectError(f.readInto('w', new Float32Array(3)), 'SHAPE_MISMATCH', 'w');
    await f.close();
  });
});
