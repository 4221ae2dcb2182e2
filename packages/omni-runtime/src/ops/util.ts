import { DTypeError, IndexError, ShapeError } from '../errors.js';
import type { Kernels } from '../kernels/kernels.js';
import { kernelsFor } from '../kernels/registry.js';
import { tensor } from '../tensor/create.js';
import { sameDevice } from '../tensor/device.js';
import type { Tensor } from '../tensor/tensor.js';

/** The kernels for a tensor's dtype and device (and a check that it is alive). */
export function kernels(t: Tensor): Kernels {
  t.check();
  return kernelsFor(t.dtype, t.device);
}

/** Checks that every tensor is alive, floating, and shares the first one's dtype and device. */
export function checkFloat(op: string, ...ts: (Tensor | null | undefined)[]): void {
  const first = ts[0]!;
  for (const t of ts) {
    if (!t) continue;
    t.check();
    if (t.dtype === 'int32') throw new DTypeError(`${op}: ${t.describe()} must be floating point`);
    if (t.dtype !== first.dtype)
      throw new DTypeError(`${op}: ${t.describe()} and ${first.describe()} differ in dtype`);
    if (!sameDevice(t.device, first.device))
      throw new DTypeError(
        `${op}: ${t.describe()} is on ${t.device.name}, ${first.describe()} on ${first.device.name}`,
      );
  }
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    throw new ShapeError(`${op}: axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Product of dims [from, to). */
export function prod(shape: readonly number[], from = 0, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i]!;
  return n;
}

/** Index input accepted by embedding / gather ops: an int32 tensor, an Int32Array or numbers. */
export type IndexInput = Tensor | Int32Array | readonly number[];

/** An int32 tensor for an index input, and whether it was created here (the caller disposes it then). */
export function indexTensor(
  op: string,
  ids: IndexInput,
  shape?: readonly number[],
): { t: Tensor; owned: boolean } {
  if (ids instanceof Int32Array || Array.isArray(ids)) {
    const arr = ids instanceof Int32Array ? ids : Int32Array.from(ids as readonly number[]);
    return { t: tensor(arr, shape ?? [arr.length], { dtype: 'int32' }), owned: true };
  }
  const t = ids as Tensor;
  t.check();
  if (t.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${t.describe()}`);
  return { t, owned: false };
}

/** Checks every index is in [0, limit). */
export function checkIndices(op: string, what: string, ids: Tensor, limit: number): void {
  const d = ids.cpuData();
  for (let i = 0; i < d.length; i++) {
    const v = d[i] as number;
    if (v < 0 || v >= limit) throw new IndexError(`${op}: ${what}[${i}] = ${v} is outside [0, ${limit})`);
  }
}
