import { needsGrad, record } from '../autograd/record.js';
import { empty } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastStrides } from './broadcast.js';
import { checkFloat, kernels, normAxis, prod } from './util.js';

export interface ReduceOptions {
  /** Keep the reduced axis with size 1. Default false. */
  keepDims?: boolean;
}

function reducedShape(shape: readonly number[], axis: number, keepDims: boolean): number[] {
  const s = shape.slice();
  if (keepDims) s[axis] = 1;
  else s.splice(axis, 1);
  return s;
}

/** Broadcasts g (shape with the axis reduced) back over the axis, times `scale`. */
function expandGrad(
  g: Tensor,
  inShape: readonly number[],
  axis: number,
  scale: number,
  outShape: readonly number[],
): Tensor {
  const kept = inShape.slice();
  kept[axis] = 1;
  const out = empty(outShape, g.dtype, g.device);
  const k = kernels(g);
  const ones = empty([1], g.dtype, g.device);
  k.fill(ones.storage, scale, 0, 1);
  k.binary(
    'mul',
    g.storage,
    broadcastStrides(kept, inShape),
    ones.storage,
    inShape.map(() => 0),
    out.storage,
    inShape,
  );
  ones.dispose();
  return out;
}

/** Sum over one axis, or over everything when axis is undefined (a 0-d result). */
export function sum(x: Tensor, axis?: number, opts: ReduceOptions = {}): Tensor {
  return sumScaled('sum', x, axis, opts, false);
}

/** Mean over one axis, or over everything. */
export function mean(x: Tensor, axis?: number, opts: ReduceOptions = {}): Tensor {
  return sumScaled('mean', x, axis, opts, true);
}

function sumScaled(
  op: string,
  x: Tensor,
  axis: number | undefined,
  opts: ReduceOptions,
  average: boolean,
): Tensor {
  checkFloat(op, x);
  const k = kernels(x);
  const all = axis === undefined;
  const ax = all ? 0 : normAxis(op, axis, x.rank);
  const shape = all ? [x.size] : x.shape;
  const outShape = all ? [] : reducedShape(x.shape, ax, opts.keepDims ?? false);
  const len = shape[ax] ?? 1;
  const scale = average ? 1 / len : 1;
  const out = empty(outShape, x.dtype, x.device);
  k.reduce('sum', x.storage, out.storage, prod(shape, 0, ax), len, prod(shape, ax + 1), null);
  if (average) k.affine(out.storage, scale, 0, out.storage, out.size);
  if (needsGrad(x)) record(out, op, [x], [], (g) => [expandGrad(g, shape, ax, scale, x.shape)]);
  return out;
}

/** Max over one axis (gradient flows to the first maximal element). */
export function max(x: Tensor, axis = -1, opts: ReduceOptions = {}): Tensor {
  checkFloat('max', x);
  const k = kernels(x);
  const ax = normAxis('max', axis, x.rank);
  const outer = prod(x.shape, 0, ax);
  const len = x.shape[ax]!;
  const inner = prod(x.shape, ax + 1);
  const out = empty(reducedShape(x.shape, ax, opts.keepDims ?? false), x.dtype, x.device);
  const argmax = empty([outer * inner], 'int32', x.device);
  k.reduce('max', x.storage, out.storage, outer, len, inner, argmax.storage);
  if (needsGrad(x))
    record(out, 'max', [x], [argmax], (g, [am]) => {
      const dx = empty(x.shape, x.dtype, x.device);
      const dd = dx.cpuData();
      dd.fill(0);
      const gd = g.cpuData();
      const ad = am!.cpuData();
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++)
          dd[(o * len + (ad[o * inner + i] as number)) * inner + i] = gd[o * inner + i] as number;
      return [dx];
    });
  argmax.dispose();
  return out;
}
