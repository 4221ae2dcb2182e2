import { needsGrad, record } from '../autograd/record.js';
import type { UnaryOp } from '../kernels/kernels.js';
import { empty } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFloat, kernels } from './util.js';

/** Applies an elementwise function; its backward uses the derivative kernel on the saved input. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  checkFloat(op, x);
  const k = kernels(x);
  const out = empty(x.shape, x.dtype, x.device);
  k.unary(op, x.storage, out.storage, x.size);
  if (needsGrad(x))
    record(out, op, [x], [x], (g, [sx]) => {
      const dx = empty(x.shape, x.dtype, x.device);
      k.unaryBackward(op, sx!.storage, g.storage, dx.storage, x.size, false);
      return [dx];
    });
  return out;
}

export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
export const silu = (x: Tensor): Tensor => unary('silu', x);

/** GELU: 'erf' (exact, the default; Whisper / Qwen2.5-Omni audio encoder) or 'tanh' (approximate). */
export function gelu(x: Tensor, approximate: 'erf' | 'tanh' = 'erf'): Tensor {
  return unary(approximate === 'erf' ? 'gelu_erf' : 'gelu_tanh', x);
}
