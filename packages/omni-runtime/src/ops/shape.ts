import { needsGrad, record } from '../autograd/record.js';
import { ShapeError } from '../errors.js';
import { empty } from '../tensor/create.js';
import { shapeSize, type Tensor } from '../tensor/tensor.js';
import { checkFloat, kernels, normAxis, prod, shapeStr } from './util.js';

/** A view with a new shape (one axis may be -1). Shares the buffer; no copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x.check();
  const s = shape.slice();
  const neg = s.indexOf(-1);
  if (neg >= 0) {
    const rest = s.reduce((a, d, i) => (i === neg ? a : a * d), 1);
    if (rest === 0 || x.size % rest !== 0)
      throw new ShapeError(`reshape: cannot infer -1 in ${shapeStr(shape)} for ${x.describe()}`);
    s[neg] = x.size / rest;
  }
  if (shapeSize(s) !== x.size)
    throw new ShapeError(
      `reshape: ${x.describe()} has ${x.size} elements, ${shapeStr(shape)} needs ${shapeSize(s)}`,
    );
  const out = x.view(s);
  if (needsGrad(x)) record(out, 'reshape', [x], [], (g) => [g.view(x.shape)]);
  return out;
}

/** Permutes axes (materialised: the result is contiguous). */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  x.check();
  if (perm.length !== x.rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i))
    throw new ShapeError(`permute: ${shapeStr(perm)} is not a permutation of the axes of ${x.describe()}`);
  const out = empty(
    perm.map((p) => x.shape[p]!),
    x.dtype,
    x.device,
  );
  kernels(x).permute(x.storage, out.storage, x.shape, perm);
  if (needsGrad(x)) {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => {
      inv[p] = i;
    });
    record(out, 'permute', [x], [], (g) => {
      const dx = empty(x.shape, x.dtype, x.device);
      kernels(g).permute(g.storage, dx.storage, g.shape, inv);
      return [dx];
    });
  }
  return out;
}

/** Swaps two axes (materialised). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const a = normAxis('transpose', axis0, x.rank);
  const b = normAxis('transpose', axis1, x.rank);
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Concatenates along an axis. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('concat: no tensors');
  checkFloat('concat', ...xs);
  const first = xs[0]!;
  const ax = normAxis('concat', axis, first.rank);
  for (const t of xs)
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i]))
      throw new ShapeError(`concat: ${t.describe()} does not match ${first.describe()} outside axis ${ax}`);
  const total = xs.reduce((a, t) => a + t.shape[ax]!, 0);
  const outShape = first.shape.slice();
  outShape[ax] = total;
  const outer = prod(first.shape, 0, ax);
  const inner = prod(first.shape, ax + 1);
  const out = empty(outShape, first.dtype, first.device);
  const k = kernels(first);
  let at = 0;
  for (const t of xs) {
    const n = t.shape[ax]! * inner;
    k.copyBlocks(t.storage, 0, n, out.storage, at * inner, total * inner, outer, n);
    at += t.shape[ax]!;
  }
  if (needsGrad(...xs))
    record(out, 'concat', xs, [], (g) => {
      let off = 0;
      return xs.map((t) => {
        const len = t.shape[ax]!;
        const start = off;
        off += len;
        if (!t.requiresGrad) return null;
        const d = empty(t.shape, t.dtype, t.device);
        k.copyBlocks(g.storage, start * inner, total * inner, d.storage, 0, len * inner, outer, len * inner);
        return d;
      });
    });
  return out;
}

/** x[..., start:end, ...] along one axis (a copy). */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  checkFloat('slice', x);
  const ax = normAxis('slice', axis, x.rank);
  const len = x.shape[ax]!;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > len || start > end)
    throw new ShapeError(`slice: [${start}, ${end}) is outside axis ${ax} of ${x.describe()}`);
  const outShape = x.shape.slice();
  outShape[ax] = end - start;
  const outer = prod(x.shape, 0, ax);
  const inner = prod(x.shape, ax + 1);
  const n = (end - start) * inner;
  const out = empty(outShape, x.dtype, x.device);
  const k = kernels(x);
  k.copyBlocks(x.storage, start * inner, len * inner, out.storage, 0, n, outer, n);
  if (needsGrad(x))
    record(out, 'slice', [x], [], (g) => {
      const dx = empty(x.shape, x.dtype, x.device);
      k.fill(dx.storage, 0, 0, dx.size);
      k.copyBlocks(g.storage, 0, n, dx.storage, start * inner, len * inner, outer, n);
      return [dx];
    });
  return out;
}

/** Splits along an axis into pieces of the given sizes. */
export function split(x: Tensor, sizes: readonly number[], axis = 0): Tensor[] {
  const ax = normAxis('split', axis, x.rank);
  if (sizes.reduce((a, b) => a + b, 0) !== x.shape[ax])
    throw new ShapeError(`split: sizes ${shapeStr(sizes)} do not add up to axis ${ax} of ${x.describe()}`);
  let at = 0;
  return sizes.map((s) => {
    const t = slice(x, ax, at, at + s);
    at += s;
    return t;
  });
}

/** A copy that is not part of the tape (its requiresGrad is false). */
export function detach(x: Tensor): Tensor {
  x.check();
  const out = empty(x.shape, x.dtype, x.device);
  kernels(x).copy(x.storage, 0, out.storage, 0, x.size);
  return out;
}

/** A copy that stays on the tape. */
export function clone(x: Tensor): Tensor {
  const out = detach(x);
  if (needsGrad(x)) record(out, 'clone', [x], [], (g) => [g]);
  return out;
}

/** Converts between float32 and float64 (gradient converted back). */
export function cast(x: Tensor, dtype: 'float32' | 'float64'): Tensor {
  x.check();
  const out = empty(x.shape, dtype, x.device);
  (out.cpuData() as Float32Array).set(x.cpuData());
  if (needsGrad(x))
    record(out, 'cast', [x], [], (g) => {
      const d = empty(x.shape, x.dtype, x.device);
      (d.cpuData() as Float32Array).set(g.cpuData());
      return [d];
    });
  return out;
}
