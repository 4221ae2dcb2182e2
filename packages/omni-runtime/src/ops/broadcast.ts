import { ShapeError } from '../errors.js';
import { empty } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { kernels, prod, sameShape, shapeStr } from './util.js';

/** The broadcast shape of two shapes (numpy rules). */
export function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new ShapeError(`${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} do not broadcast`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Element strides of `shape` read as `outShape` (0 on broadcast axes). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    strides[rank - shape.length + i] = d === 1 ? 0 : s;
    s *= d;
  }
  return strides;
}

/**
 * Sums a gradient of shape `from` down to `shape` (the adjoint of broadcasting). Returns `g` itself
 * when the shapes match; otherwise a new tensor.
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const k = kernels(g);
  const rank = g.shape.length;
  const target = new Array<number>(rank - shape.length).fill(1).concat(shape);
  let cur = g;
  let curShape = g.shape.slice();
  for (let axis = 0; axis < rank; axis++) {
    if (target[axis] === 1 && curShape[axis] !== 1) {
      const outer = prod(curShape, 0, axis);
      const len = curShape[axis]!;
      const inner = prod(curShape, axis + 1);
      const nextShape = curShape.slice();
      nextShape[axis] = 1;
      const next = empty(nextShape, g.dtype, g.device);
      k.reduce('sum', cur.storage, next.storage, outer, len, inner, null);
      if (cur !== g) cur.dispose();
      cur = next;
      curShape = nextShape;
    }
  }
  const out = cur === g ? cur : cur.view(shape);
  if (cur !== g) cur.dispose();
  return out;
}
