import { ShapeError } from '../errors.js';
import { kernelsFor } from '../kernels/registry.js';
import { empty } from '../tensor/create.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export interface KVCacheOptions {
  layers: number;
  batch: number;
  maxLength: number;
  kvHeads: number;
  headDim: number;
  dtype?: 'float32' | 'float64';
  /**
   * A cache of shared prompts that row b reads first (its row `rows[b]`), before its own positions:
   * GRPO's n samples of a prompt keep one copy of the prompt's keys and values. Not disposed with
   * this cache (its owner disposes it once every cache reading it is done).
   */
  prefix?: { cache: KVCache; rows: readonly number[] | Int32Array };
}

/**
 * Keys and values of past positions for incremental decoding: per layer keys [batch, kvHeads,
 * headDim, maxLength] (transposed, so a decoding query reads them contiguously) and values
 * [batch, maxLength, kvHeads, headDim]. `attention(..., { cache, layer })` appends the new keys and
 * values of that layer and attends over everything cached so far; each layer tracks its own length.
 * With a `prefix`, positions count from the end of the prefix: `length` is the row's own positions.
 */
export class KVCache {
  readonly layers: number;
  readonly batch: number;
  readonly maxLength: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** @internal */ readonly keys: Tensor[];
  /** @internal */ readonly values: Tensor[];
  /** @internal */ readonly lengths: number[];
  /** The shared prompts' cache this one reads first, or null. */
  readonly prefix: KVCache | null;
  /** @internal Per batch row, its row of the prefix. */
  readonly prefixRows: Int32Array | null;

  constructor(opts: KVCacheOptions) {
    for (const [k, v] of Object.entries(opts))
      if (k !== 'dtype' && k !== 'prefix' && (!Number.isInteger(v) || (v as number) <= 0))
        throw new ShapeError(`KVCache: ${k} must be a positive integer, got ${v}`);
    const p = opts.prefix;
    if (p) {
      const c = p.cache;
      if (c.layers !== opts.layers || c.kvHeads !== opts.kvHeads || c.headDim !== opts.headDim)
        throw new ShapeError(
          `KVCache: prefix cache [layers ${c.layers}, kvHeads ${c.kvHeads}, headDim ${c.headDim}] does not match [${opts.layers}, ${opts.kvHeads}, ${opts.headDim}]`,
        );
      if (p.rows.length !== opts.batch)
        throw new ShapeError(`KVCache: ${p.rows.length} prefix rows for batch ${opts.batch}`);
      for (const r of p.rows)
        if (!Number.isInteger(r) || r < 0 || r >= c.batch)
          throw new ShapeError(`KVCache: prefix row ${r} outside [0, ${c.batch})`);
    }
    this.prefix = p?.cache ?? null;
    this.prefixRows = p ? Int32Array.from(p.rows) : null;
    this.layers = opts.layers;
    this.batch = opts.batch;
    this.maxLength = opts.maxLength;
    this.kvHeads = opts.kvHeads;
    this.headDim = opts.headDim;
    const dtype = opts.dtype ?? 'float32';
    // Not zeroed: attention only reads positions it has written.
    this.keys = Array.from({ length: opts.layers }, () =>
      keep(empty([opts.batch, opts.kvHeads, opts.headDim, opts.maxLength], dtype)),
    );
    this.values = Array.from({ length: opts.layers }, () =>
      keep(empty([opts.batch, opts.maxLength, opts.kvHeads, opts.headDim], dtype)),
    );
    this.lengths = new Array<number>(opts.layers).fill(0);
  }

  /** Positions cached in layer 0 (the sequence length so far). */
  get length(): number {
    return this.lengths[0]!;
  }

  /** Forgets every cached position. */
  reset(): void {
    this.lengths.fill(0);
  }

  /**
   * Keeps only the given batch rows, in the given order (rows may repeat: [0, 0, 1, 1] duplicates
   * prompts for several samples each). Returns a new cache (reading the same prefix); this one is left
   * unchanged.
   */
  selectRows(rows: readonly number[]): KVCache {
    for (const r of rows)
      if (!Number.isInteger(r) || r < 0 || r >= this.batch)
        throw new ShapeError(`KVCache.selectRows: row ${r} outside [0, ${this.batch})`);
    const out = new KVCache({
      layers: this.layers,
      batch: rows.length,
      maxLength: this.maxLength,
      kvHeads: this.kvHeads,
      headDim: this.headDim,
      dtype: this.keys[0]!.dtype as 'float32' | 'float64',
      ...(this.prefix ? { prefix: { cache: this.prefix, rows: rows.map((r) => this.prefixRows![r]!) } } : {}),
    });
    const per = this.maxLength * this.kvHeads * this.headDim;
    const rowsPerBatch = this.kvHeads * this.headDim;
    const k = kernelsFor(this.keys[0]!.dtype, this.keys[0]!.device);
    for (let l = 0; l < this.layers; l++) {
      // only the filled positions of each row are copied
      const len = this.lengths[l]!;
      rows.forEach((r, i) => {
        k.copyBlocks(
          this.keys[l]!.storage,
          r * per,
          this.maxLength,
          out.keys[l]!.storage,
          i * per,
          this.maxLength,
          rowsPerBatch,
          len,
        );
        k.copyBlocks(
          this.values[l]!.storage,
          r * per,
          0,
          out.values[l]!.storage,
          i * per,
          0,
          1,
          len * rowsPerBatch,
        );
      });
      out.lengths[l] = len;
    }
    return out;
  }

  dispose(): void {
    for (const t of this.keys) t.dispose();
    for (const t of this.values) t.dispose();
  }
}
