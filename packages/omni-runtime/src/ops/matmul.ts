import { accumulableGrad, needsGrad, record } from '../autograd/record.js';
import { ShapeError } from '../errors.js';
import { empty } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFloat, kernels, prod, sameShape, shapeStr } from './util.js';

export interface MatmulOptions {
  /** Use a's last two axes transposed ([..., K, M] stored). */
  transA?: boolean;
  /** Use b's last two axes transposed ([..., N, K] stored, the layout of a Linear weight). */
  transB?: boolean;
}

/**
 * Batched matrix product op(a) @ op(b). a is [..., M, K] and b is [..., K, N] with equal leading
 * (batch) axes, or b is 2-D and shared across a's batch. Result [..., M, N].
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  checkFloat('matmul', a, b);
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  if (a.rank < 2 || b.rank < 2)
    throw new ShapeError(`matmul: needs rank >= 2, got ${a.describe()} and ${b.describe()}`);
  const [ar, ac] = [a.dim(-2), a.dim(-1)];
  const [br, bc] = [b.dim(-2), b.dim(-1)];
  const M = transA ? ac : ar;
  const K = transA ? ar : ac;
  const Kb = transB ? bc : br;
  const N = transB ? br : bc;
  if (K !== Kb)
    throw new ShapeError(
      `matmul: inner sizes differ: ${a.describe()}${transA ? '^T' : ''} @ ${b.describe()}${transB ? '^T' : ''}`,
    );
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const sharedB = b.rank === 2;
  if (!sharedB && !sameShape(batchA, batchB))
    throw new ShapeError(`matmul: batch axes ${shapeStr(batchA)} and ${shapeStr(batchB)} differ`);
  const batch = prod(batchA);
  const k = kernels(a);
  const out = empty([...batchA, M, N], a.dtype, a.device);
  const fold = sharedB && !transA; // one big GEMM with batch folded into M
  const gemm = (
    tA: boolean,
    tB: boolean,
    m: number,
    n: number,
    kk: number,
    x: Tensor,
    xs: number,
    y: Tensor,
    ys: number,
    c: Tensor,
    cs: number,
    nb: number,
    beta = 0,
  ) => k.gemm(tA, tB, m, n, kk, 1, x.storage, 0, xs, y.storage, 0, ys, beta, c.storage, 0, cs, nb);
  if (fold) gemm(false, transB, batch * M, N, K, a, 0, b, 0, out, 0, 1);
  else gemm(transA, transB, M, N, K, a, M * K, b, sharedB ? 0 : K * N, out, M * N, batch);

  if (needsGrad(a, b))
    record(out, 'matmul', [a, b], [a, b], (g, [sa, sb]) => {
      let da: Tensor | null = null;
      let db: Tensor | null = null;
      if (a.requiresGrad) {
        da = empty(a.shape, a.dtype, a.device);
        if (fold) gemm(false, !transB, batch * M, K, N, g, 0, sb!, 0, da, 0, 1);
        else if (!transA) gemm(false, !transB, M, K, N, g, M * N, sb!, sharedB ? 0 : K * N, da, M * K, batch);
        // stored dA = op(B) dC^T  [K, M]
        else gemm(transB, true, K, M, N, sb!, sharedB ? 0 : K * N, g, M * N, da, M * K, batch);
      }
      if (b.requiresGrad) {
        db = empty(b.shape, b.dtype, b.device);
        const tb = (x: Tensor, xs: number, y: Tensor, ys: number, nb: number, beta: number, m = M) => {
          // !transB: dB [K, N] = op(A)^T dC ; transB: dB [N, K] = dC^T op(A)
          if (!transB) gemm(!transA, false, K, N, m, x, xs, y, ys, db!, sharedB ? 0 : K * N, nb, beta);
          else gemm(true, transA, N, K, m, y, ys, x, xs, db!, sharedB ? 0 : K * N, nb, beta);
        };
        if (fold) tb(sa!, 0, g, 0, 1, 0, batch * M);
        else if (!sharedB) tb(sa!, M * K, g, M * N, batch, 0);
        else {
          // shared b with transposed a: accumulate the per-batch products in order (deterministic)
          for (let i = 0; i < batch; i++) {
            const ao = i * M * K;
            const go = i * M * N;
            const beta = i === 0 ? 0 : 1;
            if (!transB)
              k.gemm(
                !transA,
                false,
                K,
                N,
                M,
                1,
                sa!.storage,
                ao,
                0,
                g.storage,
                go,
                0,
                beta,
                db.storage,
                0,
                0,
                1,
              );
            else
              k.gemm(
                true,
                transA,
                N,
                K,
                M,
                1,
                g.storage,
                go,
                0,
                sa!.storage,
                ao,
                0,
                beta,
                db.storage,
                0,
                0,
                1,
              );
          }
          if (batch === 0) k.fill(db.storage, 0, 0, db.size);
        }
      }
      return [da, db];
    });
  return out;
}

/** x @ w^T + b for a Linear layer: x [..., in], w [out, in], b [out] (optional). */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  checkFloat('linear', x, w, b);
  if (w.rank !== 2 || x.rank < 1 || x.dim(-1) !== w.dim(1))
    throw new ShapeError(`linear: input ${x.describe()} does not match weight ${w.describe()} ([out, in])`);
  const outF = w.dim(0);
  const inF = w.dim(1);
  if (b && (b.rank !== 1 || b.dim(0) !== outF))
    throw new ShapeError(`linear: bias ${b.describe()} does not match weight ${w.describe()}`);
  const rows = x.size / inF;
  const k = kernels(x);
  const out = empty([...x.shape.slice(0, -1), outF], x.dtype, x.device);
  if (b) k.copyBlocks(b.storage, 0, 0, out.storage, 0, outF, rows, outF);
  k.gemm(false, true, rows, outF, inF, 1, x.storage, 0, 0, w.storage, 0, 0, b ? 1 : 0, out.storage, 0, 0, 1);
  if (needsGrad(x, w, b))
    record(out, 'linear', [x, w, b], [x, w], (g, [sx, sw]) => {
      let dx: Tensor | null = null;
      let dw: Tensor | null = null;
      let db: Tensor | null = null;
      if (x.requiresGrad) {
        dx = empty(x.shape, x.dtype, x.device);
        k.gemm(false, false, rows, inF, outF, 1, g.storage, 0, 0, sw!.storage, 0, 0, 0, dx.storage, 0, 0, 1);
      }
      if (w.requiresGrad) {
        const acc = accumulableGrad(w);
        if (!acc) dw = empty(w.shape, w.dtype, w.device);
        const target = acc ?? dw!;
        k.gemm(
          true,
          false,
          outF,
          inF,
          rows,
          1,
          g.storage,
          0,
          0,
          sx!.storage,
          0,
          0,
          acc ? 1 : 0,
          target.storage,
          0,
          0,
          1,
        );
      }
      if (b?.requiresGrad) {
        db = empty(b.shape, b.dtype, b.device);
        k.reduce('sum', g.storage, db.storage, 1, rows, outF, null);
      }
      return [dx, dw, db];
    });
  return out;
}
