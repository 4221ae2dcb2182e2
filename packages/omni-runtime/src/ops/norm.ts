import { accumulableGrad, needsGrad, record } from '../autograd/record.js';
import { ShapeError } from '../errors.js';
import { empty, emptyZeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFloat, kernels } from './util.js';

function normRows(
  op: string,
  x: Tensor,
  ...params: (Tensor | null | undefined)[]
): { rows: number; cols: number } {
  checkFloat(op, x, ...params);
  const cols = x.rank === 0 ? 1 : x.dim(-1);
  for (const p of params)
    if (p && (p.rank !== 1 || p.dim(0) !== cols))
      throw new ShapeError(`${op}: ${p.describe()} must be [${cols}] to match ${x.describe()}`);
  return { rows: cols === 0 ? 0 : x.size / cols, cols };
}

/** RMSNorm over the last axis: x * rsqrt(mean(x^2) + eps) * weight (Qwen2: eps 1e-6). */
export function rmsNorm(x: Tensor, weight: Tensor, eps = 1e-6): Tensor {
  const { rows, cols } = normRows('rmsNorm', x, weight);
  const k = kernels(x);
  const out = empty(x.shape, x.dtype, x.device);
  const rstd = empty([rows], x.dtype, x.device);
  k.rmsNorm(x.storage, weight.storage, out.storage, rstd.storage, rows, cols, eps);
  if (needsGrad(x, weight))
    record(out, 'rmsNorm', [x, weight], [x, weight, rstd], (g, [sx, sw, sr]) => {
      const dx = empty(x.shape, x.dtype, x.device);
      const accW = accumulableGrad(weight);
      const dw = weight.requiresGrad && !accW ? emptyZeros(weight.shape, x.dtype, x.device) : null;
      k.rmsNormBackward(
        sx!.storage,
        sw!.storage,
        sr!.storage,
        g.storage,
        dx.storage,
        (accW ?? dw)?.storage ?? null,
        rows,
        cols,
      );
      return [dx, dw];
    });
  rstd.dispose();
  return out;
}

/** LayerNorm over the last axis with optional affine weight and bias (Whisper: eps 1e-5). */
export function layerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  const { rows, cols } = normRows('layerNorm', x, weight, bias);
  const k = kernels(x);
  const out = empty(x.shape, x.dtype, x.device);
  const mean = empty([rows], x.dtype, x.device);
  const rstd = empty([rows], x.dtype, x.device);
  k.layerNorm(
    x.storage,
    weight?.storage ?? null,
    bias?.storage ?? null,
    out.storage,
    mean.storage,
    rstd.storage,
    rows,
    cols,
    eps,
  );
  if (needsGrad(x, weight, bias)) {
    const saved = weight ? [x, mean, rstd, weight] : [x, mean, rstd];
    record(out, 'layerNorm', [x, weight, bias], saved, (g, [sx, sm, sr, sw]) => {
      const dx = empty(x.shape, x.dtype, x.device);
      const accW = accumulableGrad(weight);
      const accB = accumulableGrad(bias);
      const dw = weight?.requiresGrad && !accW ? emptyZeros(weight.shape, x.dtype, x.device) : null;
      const db = bias?.requiresGrad && !accB ? emptyZeros(bias.shape, x.dtype, x.device) : null;
      k.layerNormBackward(
        sx!.storage,
        sw?.storage ?? null,
        sm!.storage,
        sr!.storage,
        g.storage,
        dx.storage,
        (accW ?? dw)?.storage ?? null,
        (accB ?? db)?.storage ?? null,
        rows,
        cols,
      );
      return [dx, dw, db];
    });
  }
  mean.dispose();
  rstd.dispose();
  return out;
}
