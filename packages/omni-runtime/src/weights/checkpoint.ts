import { mkdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@soundmind/audio-io';
import { SafetensorsError } from '../errors.js';
import { SAFETENSORS_DTYPE_BYTES, type SafetensorsDtype } from './dtype.js';
import { exists } from './exists.js';
import { numel, SafetensorsFile, type TensorToWrite, writeSafetensors } from './safetensors.js';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

/** Where one tensor of a checkpoint lives, and what it is. */
export interface CheckpointTensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly file: string;
}

export interface OpenCheckpointOptions {
  /**
   * Keep only tensors whose name starts with one of these prefixes (e.g. `['thinker.']`). Shards
   * holding none of them are never opened: an audio-to-text runtime does not touch talker shards.
   */
  prefixes?: readonly string[];
}

/**
 * A Hugging Face safetensors checkpoint folder: `model.safetensors`, or shards listed by
 * `model.safetensors.index.json`. Opening checks that every needed shard exists and that every tensor the
 * index names is really in its shard, before a single weight is read.
 */
export class Checkpoint {
  private constructor(
    readonly dir: string,
    private readonly tensors: ReadonlyMap<string, CheckpointTensorInfo>,
    private readonly files: ReadonlyMap<string, SafetensorsFile>,
  ) {}

  static async open(dir: string, options: OpenCheckpointOptions = {}): Promise<Checkpoint> {
    const keep = (name: string) => !options.prefixes || options.prefixes.some((p) => name.startsWith(p));
    const indexPath = join(dir, INDEX_FILE);
    const singlePath = join(dir, SINGLE_FILE);
    let weightMap: Map<string, string>;
    if (await exists(indexPath)) {
      weightMap = await readIndex(indexPath);
    } else if (await exists(singlePath)) {
      weightMap = new Map();
    } else {
      throw new SafetensorsError('NO_WEIGHTS', `no ${SINGLE_FILE} or ${INDEX_FILE} in ${dir}`, { file: dir });
    }
    const files = new Map<string, SafetensorsFile>();
    const tensors = new Map<string, CheckpointTensorInfo>();
    try {
      if (weightMap.size === 0) {
        const f = await SafetensorsFile.open(singlePath);
        files.set(SINGLE_FILE, f);
        for (const name of f.names()) if (keep(name)) tensors.set(name, describe(f, name, SINGLE_FILE));
      } else {
        const byFile = new Map<string, string[]>();
        for (const [name, file] of weightMap) {
          if (!keep(name)) continue;
          const list = byFile.get(file) ?? [];
          list.push(name);
          byFile.set(file, list);
        }
        for (const [file, names] of byFile) {
          const path = join(dir, file);
          if (!(await exists(path)))
            throw new SafetensorsError(
              'MISSING_SHARD',
              `shard ${path} is missing; ${INDEX_FILE} puts ${names.length} tensor(s) in it, e.g. '${names[0]}'`,
              { file: path, tensor: names[0] as string },
            );
          const f = await SafetensorsFile.open(path);
          files.set(file, f);
          for (const name of names) {
            if (!f.has(name))
              throw new SafetensorsError(
                'TENSOR_NOT_FOUND',
                `${INDEX_FILE} puts tensor '${name}' in ${file}, but that shard does not contain it`,
                { file: path, tensor: name },
              );
            tensors.set(name, describe(f, name, file));
          }
        }
      }
    } catch (err) {
      await Promise.all([...files.values()].map((f) => f.close()));
      throw err;
    }
    return new Checkpoint(dir, tensors, files);
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): CheckpointTensorInfo {
    const info = this.tensors.get(name);
    if (!info)
      throw new SafetensorsError(
        'TENSOR_NOT_FOUND',
        `tensor '${name}' is not in the checkpoint at ${this.dir}`,
        {
          file: this.dir,
          tensor: name,
        },
      );
    return info;
  }

  /** Reads one tensor as float32. */
  async read(name: string): Promise<Float32Array> {
    const info = this.info(name);
    return (this.files.get(info.file) as SafetensorsFile).read(name);
  }

  /** Reads one tensor as float32 into `out` (exactly its element count), without another copy. */
  async readInto(name: string, out: Float32Array): Promise<void> {
    const info = this.info(name);
    await (this.files.get(info.file) as SafetensorsFile).readInto(name, out);
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.close()));
  }
}

export interface SaveCheckpointOptions {
  /** Split into `model-0000i-of-0000n.safetensors` shards above this many bytes (default 4 GiB, as HF). */
  maxShardBytes?: number;
  /** Stored in every shard's `__metadata__` (transformers writes `{ format: 'pt' }`). */
  metadata?: Readonly<Record<string, string>>;
  onProgress?: (done: number, total: number, info?: { file: string }) => void;
}

/**
 * Saves named tensors the way transformers does: one `model.safetensors`, or shards plus
 * `model.safetensors.index.json` (`metadata.total_size` and `weight_map`). Each file is written atomically;
 * the index is written last, and a stale single file or index of the other layout is removed.
 */
export async function saveCheckpoint(
  dir: string,
  tensors: Iterable<readonly [string, TensorToWrite]>,
  options: SaveCheckpointOptions = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const maxShard = options.maxShardBytes ?? 4 * 1024 ** 3;
  const metadata = options.metadata ?? { format: 'pt' };
  const shards: [string, TensorToWrite][][] = [[]];
  let shardBytes = 0;
  let total = 0;
  for (const entry of tensors) {
    const bytes = numel(entry[1].shape) * SAFETENSORS_DTYPE_BYTES[entry[1].dtype];
    let current = shards[shards.length - 1] as [string, TensorToWrite][];
    if (current.length > 0 && shardBytes + bytes > maxShard) {
      current = [];
      shards.push(current);
      shardBytes = 0;
    }
    current.push([entry[0], entry[1]]);
    shardBytes += bytes;
    total += bytes;
  }
  if (shards.length === 1) {
    options.onProgress?.(0, 1, { file: SINGLE_FILE });
    await writeSafetensors(join(dir, SINGLE_FILE), shards[0] as [string, TensorToWrite][], metadata);
    await unlink(join(dir, INDEX_FILE)).catch(() => {});
    options.onProgress?.(1, 1, { file: SINGLE_FILE });
    return;
  }
  const n = shards.length;
  const pad = (i: number) => String(i).padStart(5, '0');
  const weightMap: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const file = `model-${pad(i + 1)}-of-${pad(n)}.safetensors`;
    options.onProgress?.(i, n, { file });
    const shard = shards[i] as [string, TensorToWrite][];
    await writeSafetensors(join(dir, file), shard, metadata);
    for (const [name] of shard) weightMap[name] = file;
  }
  const index = { metadata: { total_size: total }, weight_map: weightMap };
  await writeFileAtomic(join(dir, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  await unlink(join(dir, SINGLE_FILE)).catch(() => {});
  options.onProgress?.(n, n, { file: INDEX_FILE });
}

function describe(f: SafetensorsFile, name: string, file: string): CheckpointTensorInfo {
  const { dtype, shape } = f.info(name);
  return { name, dtype, shape, file };
}

async function readIndex(path: string): Promise<Map<string, string>> {
  let index: unknown;
  try {
    index = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new SafetensorsError('BAD_INDEX', `${path} is not valid JSON: ${(err as Error).message}`, {
      file: path,
    });
  }
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap))
    throw new SafetensorsError('BAD_INDEX', `${path} has no "weight_map" object`, { file: path });
  const out = new Map<string, string>();
  for (const [name, file] of Object.entries(weightMap)) {
    if (typeof file !== 'string' || file.includes('/') || file.includes('\\') || file.startsWith('.'))
      throw new SafetensorsError('BAD_INDEX', `${path}: weight_map["${name}"] is not a shard file name`, {
        file: path,
        tensor: name,
      });
    out.set(name, file);
  }
  if (out.size === 0) throw new SafetensorsError('BAD_INDEX', `${path}: weight_map is empty`, { file: path });
  return out;
}
