import { needsGrad, record } from '../autograd/record.js';
import { ShapeError } from '../errors.js';
import { empty, emptyZeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFloat, kernels } from './util.js';

export interface Conv1dOptions {
  /** Default 1. */
  stride?: number;
  /** Zero padding on both sides. Default 0. */
  padding?: number;
}

/**
 * 1-D convolution as PyTorch's Conv1d: x [B, Cin, L], weight [Cout, Cin, K], bias [Cout] ->
 * [B, Cout, Lout] with Lout = floor((L + 2 padding - K) / stride) + 1. Runs as im2col + GEMM.
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null, opts: Conv1dOptions = {}): Tensor {
  checkFloat('conv1d', x, weight, bias);
  const stride = opts.stride ?? 1;
  const padding = opts.padding ?? 0;
  if (x.rank !== 3 || weight.rank !== 3 || weight.dim(1) !== x.dim(1))
    throw new ShapeError(
      `conv1d: input ${x.describe()} ([B, Cin, L]) does not match weight ${weight.describe()} ([Cout, Cin, K])`,
    );
  const [B, Cin, L] = x.shape as [number, number, number];
  const [Cout, , K] = weight.shape as [number, number, number];
  if (bias && (bias.rank !== 1 || bias.dim(0) !== Cout))
    throw new ShapeError(`conv1d: bias ${bias.describe()} must be [${Cout}]`);
  if (!Number.isInteger(stride) || stride < 1 || !Number.isInteger(padding) || padding < 0)
    throw new ShapeError(`conv1d: bad stride ${stride} / padding ${padding}`);
  const Lout = Math.floor((L + 2 * padding - K) / stride) + 1;
  if (Lout < 0 || (L + 2 * padding < K && B * Cin > 0))
    throw new ShapeError(
      `conv1d: input length ${L} (+${2 * padding} padding) is shorter than the kernel ${K}`,
    );
  const CK = Cin * K;
  const k = kernels(x);
  const cols = empty([B, CK, Lout], x.dtype, x.device);
  k.im2col(x.storage, cols.storage, B, Cin, L, K, stride, padding, Lout);
  const out = empty([B, Cout, Lout], x.dtype, x.device);
  k.gemm(
    false,
    false,
    Cout,
    Lout,
    CK,
    1,
    weight.storage,
    0,
    0,
    cols.storage,
    0,
    CK * Lout,
    0,
    out.storage,
    0,
    Cout * Lout,
    B,
  );
  if (bias)
    k.binary('add', out.storage, [Cout * Lout, Lout, 1], bias.storage, [0, 1, 0], out.storage, out.shape);
  if (needsGrad(x, weight, bias))
    record(out, 'conv1d', [x, weight, bias], [cols, weight], (g, [sc, sw]) => {
      let dx: Tensor | null = null;
      let dw: Tensor | null = null;
      let db: Tensor | null = null;
      if (weight.requiresGrad) {
        dw = empty(weight.shape, x.dtype, x.device);
        if (B === 0) k.fill(dw.storage, 0, 0, dw.size);
        for (let b = 0; b < B; b++)
          k.gemm(
            false,
            true,
            Cout,
            CK,
            Lout,
            1,
            g.storage,
            b * Cout * Lout,
            0,
            sc!.storage,
            b * CK * Lout,
            0,
            b === 0 ? 0 : 1,
            dw.storage,
            0,
            0,
            1,
          );
      }
      if (bias?.requiresGrad) {
        const perRow = empty([B, Cout], x.dtype, x.device);
        k.reduce('sum', g.storage, perRow.storage, B * Cout, Lout, 1, null);
        db = emptyZeros([Cout], x.dtype, x.device);
        k.reduce('sum', perRow.storage, db.storage, 1, B, Cout, null);
        perRow.dispose();
      }
      if (x.requiresGrad) {
        const dcols = empty([B, CK, Lout], x.dtype, x.device);
        k.gemm(
          true,
          false,
          CK,
          Lout,
          Cout,
          1,
          sw!.storage,
          0,
          0,
          g.storage,
          0,
          Cout * Lout,
          0,
          dcols.storage,
          0,
          CK * Lout,
          B,
        );
        dx = empty(x.shape, x.dtype, x.device);
        k.col2im(dcols.storage, dx.storage, B, Cin, L, K, stride, padding, Lout);
        dcols.dispose();
      }
      return [dx, dw, db];
    });
  cols.dispose();
  return out;
}

/** Average pooling over the last axis: [..., L] -> [..., floor((L - kernel) / stride) + 1] (trailing rest dropped). */
export function avgPool1d(x: Tensor, kernel = 2, stride = kernel): Tensor {
  checkFloat('avgPool1d', x);
  if (x.rank < 1) throw new ShapeError(`avgPool1d: needs rank >= 1, got ${x.describe()}`);
  if (!Number.isInteger(kernel) || kernel < 1 || !Number.isInteger(stride) || stride < 1)
    throw new ShapeError(`avgPool1d: bad kernel ${kernel} / stride ${stride}`);
  const L = x.dim(-1);
  const outLen = L >= kernel ? Math.floor((L - kernel) / stride) + 1 : 0;
  const outer = L === 0 ? x.shape.slice(0, -1).reduce((a, b) => a * b, 1) : x.size / L;
  const k = kernels(x);
  const out = empty([...x.shape.slice(0, -1), outLen], x.dtype, x.device);
  k.avgPool(x.storage, out.storage, outer, L, outLen, kernel, stride);
  if (needsGrad(x))
    record(out, 'avgPool1d', [x], [], (g) => {
      const dx = empty(x.shape, x.dtype, x.device);
      k.avgPoolBackward(g.storage, dx.storage, outer, L, outLen, kernel, stride);
      return [dx];
    });
  return out;
}
