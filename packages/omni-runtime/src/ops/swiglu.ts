import { needsGrad, record } from '../autograd/record.js';
import { ShapeError } from '../errors.js';
import { empty } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFloat, kernels, sameShape } from './util.js';

/** silu(gate) * up, fused (the Qwen2 MLP's activation). */
export function swiglu(gate: Tensor, up: Tensor): Tensor {
  checkFloat('swiglu', gate, up);
  if (!sameShape(gate.shape, up.shape))
    throw new ShapeError(`swiglu: gate ${gate.describe()} and up ${up.describe()} differ in shape`);
  const k = kernels(gate);
  const out = empty(gate.shape, gate.dtype, gate.device);
  k.swiglu(gate.storage, up.storage, out.storage, gate.size);
  if (needsGrad(gate, up))
    record(out, 'swiglu', [gate, up], [gate, up], (g, [sg, su]) => {
      const dgate = empty(gate.shape, gate.dtype, gate.device);
      const dup = empty(up.shape, up.dtype, up.device);
      k.swigluBackward(sg!.storage, su!.storage, g.storage, dgate.storage, dup.storage, gate.size);
      return [dgate, dup];
    });
  return out;
}
