import { needsGrad, record } from '../autograd/record.js';
import { ShapeError } from '../errors.js';
import type { BinaryOp } from '../kernels/kernels.js';
import { empty } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShape, broadcastStrides, sumTo } from './broadcast.js';
import { checkFloat, kernels, sameShape } from './util.js';

function binaryForward(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  checkFloat(op, a, b);
  const outShape = broadcastShape(op, a.shape, b.shape);
  const out = empty(outShape, a.dtype, a.device);
  const [shape, as, bs] = collapseAxes(
    outShape,
    broadcastStrides(a.shape, outShape),
    broadcastStrides(b.shape, outShape),
  );
  kernels(a).binary(op, a.storage, as, b.storage, bs, out.storage, shape);
  return out;
}

/** Merges adjacent axes that both operands traverse contiguously ([M, N] + [M, N] -> [M*N]). */
function collapseAxes(shape: number[], as: number[], bs: number[]): [number[], number[], number[]] {
  if (shape.length <= 1) return [shape, as, bs];
  const s = [shape[0]!];
  const a = [as[0]!];
  const b = [bs[0]!];
  for (let i = 1; i < shape.length; i++) {
    const d = shape[i]!;
    const last = s.length - 1;
    if (a[last] === as[i]! * d && b[last] === bs[i]! * d) {
      s[last] = s[last]! * d;
      a[last] = as[i]!;
      b[last] = bs[i]!;
    } else {
      s.push(d);
      a.push(as[i]!);
      b.push(bs[i]!);
    }
  }
  return [s, a, b];
}

function affineOf(x: Tensor, alpha: number, beta: number): Tensor {
  const out = empty(x.shape, x.dtype, x.device);
  kernels(x).affine(x.storage, alpha, beta, out.storage, x.size);
  return out;
}

/** a + b with broadcasting; b may be a number. */
export function add(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, 1, b);
  const out = binaryForward('add', a, b);
  if (needsGrad(a, b))
    record(out, 'add', [a, b], [], (g) => [
      a.requiresGrad ? sumTo(g, a.shape) : null,
      b.requiresGrad ? sumTo(g, b.shape) : null,
    ]);
  return out;
}

/** a - b with broadcasting; b may be a number. */
export function sub(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, 1, -b);
  const out = binaryForward('sub', a, b);
  if (needsGrad(a, b))
    record(out, 'sub', [a, b], [], (g) => {
      let gb: Tensor | null = null;
      if (b.requiresGrad) {
        const s = sumTo(g, b.shape);
        gb = affineOf(s, -1, 0);
        if (s !== g) s.dispose();
      }
      return [a.requiresGrad ? sumTo(g, a.shape) : null, gb];
    });
  return out;
}

/** a * b with broadcasting; b may be a number. */
export function mul(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, b, 0);
  const out = binaryForward('mul', a, b);
  if (needsGrad(a, b))
    record(out, 'mul', [a, b], [a, b], (g, [sa, sb]) => [
      a.requiresGrad ? productGrad(g, sb!, a.shape) : null,
      b.requiresGrad ? productGrad(g, sa!, b.shape) : null,
    ]);
  return out;
}

/** sumTo(g * other, shape). */
function productGrad(g: Tensor, other: Tensor, shape: readonly number[]): Tensor {
  const full = binaryForward('mul', g, other);
  const r = sumTo(full, shape);
  if (r !== full) full.dispose();
  return r;
}

/** a / b with broadcasting; b may be a number. */
export function div(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, 1 / b, 0);
  const out = binaryForward('div', a, b);
  if (needsGrad(a, b))
    record(out, 'div', [a, b], [a, b, out], (g, [sa, sb, so]) => {
      let ga: Tensor | null = null;
      let gb: Tensor | null = null;
      if (a.requiresGrad) {
        const q = binaryForward('div', g, sb!);
        ga = sumTo(q, a.shape);
        if (ga !== q) q.dispose();
      }
      if (b.requiresGrad) {
        // d(a/b)/db = -(a/b)/b
        const q = binaryForward('div', so!, sb!);
        const p = binaryForward('mul', g, q);
        q.dispose();
        const s = sumTo(p, b.shape);
        if (s !== p) p.dispose();
        gb = affineOf(s, -1, 0);
        s.dispose();
      }
      void sa;
      return [ga, gb];
    });
  return out;
}

/** alpha * x + beta, elementwise. */
export function affine(x: Tensor, alpha: number, beta = 0): Tensor {
  checkFloat('affine', x);
  const out = affineOf(x, alpha, beta);
  if (needsGrad(x)) record(out, 'affine', [x], [], (g) => [affineOf(g, alpha, 0)]);
  return out;
}

/** -x. */
export function neg(x: Tensor): Tensor {
  return affine(x, -1, 0);
}

/** In-place y += alpha * x (no tape; for optimisers and gradient accumulation). */
export function addScaledInPlace(y: Tensor, x: Tensor, alpha = 1): void {
  checkFloat('addScaledInPlace', y, x);
  if (!sameShape(x.shape, y.shape) && x.size !== y.size)
    throw new ShapeError(`addScaledInPlace: ${x.describe()} does not match ${y.describe()}`);
  kernels(y).axpy(alpha, x.storage, y.storage, y.size);
}
