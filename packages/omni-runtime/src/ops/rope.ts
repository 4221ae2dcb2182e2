import { needsGrad, record } from '../autograd/record.js';
import { ShapeError } from '../errors.js';
import { empty } from '../tensor/create.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFloat, checkIndices, type IndexInput, indexTensor, kernels } from './util.js';

/**
 * Precomputed rotary tables cos/sin [maxPositions, headDim/2] for inv_freq[i] = theta^(-2i/headDim).
 * `angles: 'float32'` (the default for float32 tables) rounds inv_freq, the angle pos * inv_freq and
 * cos/sin to float32 as transformers does, so long contexts match Hugging Face checkpoints;
 * 'float64' (the default for float64 tables) keeps full precision. Grows on demand. Dispose when done.
 */
export class RopeTable {
  readonly headDim: number;
  readonly theta: number;
  readonly dtype: 'float32' | 'float64';
  readonly angles: 'float32' | 'float64';
  cos!: Tensor;
  sin!: Tensor;
  private capacity = 0;

  constructor(opts: {
    headDim: number;
    theta?: number;
    maxPositions?: number;
    dtype?: 'float32' | 'float64';
    angles?: 'float32' | 'float64';
  }) {
    if (!Number.isInteger(opts.headDim) || opts.headDim <= 0 || opts.headDim % 2 !== 0)
      throw new ShapeError(`RopeTable: headDim must be a positive even integer, got ${opts.headDim}`);
    this.headDim = opts.headDim;
    this.theta = opts.theta ?? 10000;
    this.dtype = opts.dtype ?? 'float32';
    this.angles = opts.angles ?? this.dtype;
    this.ensure(opts.maxPositions ?? 2048);
  }

  get maxPositions(): number {
    return this.capacity;
  }

  /** Makes sure positions < n are covered. */
  ensure(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, this.capacity * 2);
    const half = this.headDim / 2;
    const cos = keep(empty([cap, half], this.dtype));
    const sin = keep(empty([cap, half], this.dtype));
    const cd = cos.cpuData();
    const sd = sin.cpuData();
    const f = this.angles === 'float32' ? Math.fround : (x: number) => x;
    for (let i = 0; i < half; i++) {
      // transformers: inv_freq = 1 / theta ** (arange(0, d, 2).float() / d), all in float32
      const invFreq = f(1 / f(f(this.theta) ** f((2 * i) / this.headDim)));
      for (let p = 0; p < cap; p++) {
        const a = f(p * invFreq);
        cd[p * half + i] = Math.cos(a);
        sd[p * half + i] = Math.sin(a);
      }
    }
    if (this.capacity > 0) {
      this.cos.dispose();
      this.sin.dispose();
    }
    this.cos = cos;
    this.sin = sin;
    this.capacity = cap;
  }

  dispose(): void {
    this.cos.dispose();
    this.sin.dispose();
  }
}

/**
 * Rotary embedding (rotate-half layout, as Qwen2 / HF) on x [B, T, H, D] (or [T, H, D]).
 * positions: B*T entries, or T entries shared by every batch row.
 */
export function rope(x: Tensor, positions: IndexInput, table: RopeTable): Tensor {
  checkFloat('rope', x);
  if (x.rank !== 3 && x.rank !== 4)
    throw new ShapeError(`rope: x must be [B, T, H, D] or [T, H, D], got ${x.describe()}`);
  const [B, T, H, D] =
    x.rank === 4
      ? (x.shape as [number, number, number, number])
      : [1, ...(x.shape as [number, number, number])];
  if (D !== table.headDim)
    throw new ShapeError(`rope: head dim ${D} of ${x.describe()} != table's ${table.headDim}`);
  if (table.dtype !== x.dtype) throw new ShapeError(`rope: table dtype ${table.dtype} != ${x.describe()}`);
  let { t: pos, owned } = indexTensor('rope', positions);
  if (pos.size === T && B > 1) {
    const full = empty([B * T], 'int32');
    const src = pos.cpuData();
    const dst = full.cpuData();
    for (let b = 0; b < B; b++) dst.set(src, b * T);
    if (owned) pos.dispose();
    pos = full;
    owned = true;
  }
  if (pos.size !== B * T)
    throw new ShapeError(`rope: ${pos.size} positions for ${B}x${T} tokens of ${x.describe()}`);
  let maxPos = -1;
  for (const p of pos.cpuData()) if (p > maxPos) maxPos = p;
  table.ensure(maxPos + 1);
  checkIndices('rope', 'positions', pos, table.maxPositions);
  const k = kernels(x);
  const out = empty(x.shape, x.dtype, x.device);
  k.rope(x.storage, out.storage, table.cos.storage, table.sin.storage, pos.storage, B, T, H, D, false);
  if (needsGrad(x))
    record(out, 'rope', [x], [pos, table.cos, table.sin], (g, [sp, sc, ss]) => {
      const dx = empty(x.shape, x.dtype, x.device);
      k.rope(g.storage, dx.storage, sc!.storage, ss!.storage, sp!.storage, B, T, H, D, true);
      return [dx];
    });
  if (owned) pos.dispose();
  return out;
}
