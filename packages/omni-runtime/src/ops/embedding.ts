import { accumulableGrad, needsGrad, record } from '../autograd/record.js';
import { ShapeError } from '../errors.js';
import { empty, emptyZeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFloat, checkIndices, type IndexInput, indexTensor, kernels } from './util.js';

/**
 * Row lookup: weight [V, D], ids [...] -> [..., D]. The gradient scatter-adds into weight's rows in
 * index order (deterministic). `shape` gives the ids' shape when they are a plain array.
 */
export function embedding(weight: Tensor, ids: IndexInput, shape?: readonly number[]): Tensor {
  checkFloat('embedding', weight);
  if (weight.rank !== 2)
    throw new ShapeError(`embedding: weight must be [vocab, dim], got ${weight.describe()}`);
  const { t, owned } = indexTensor('embedding', ids, shape);
  checkIndices('embedding', 'ids', t, weight.dim(0));
  const dim = weight.dim(1);
  const k = kernels(weight);
  const out = empty([...t.shape, dim], weight.dtype, weight.device);
  k.embedding(weight.storage, t.storage, out.storage, t.size, dim);
  if (needsGrad(weight))
    record(out, 'embedding', [weight], [t], (g, [st]) => {
      const acc = accumulableGrad(weight);
      const dw = acc ? null : emptyZeros(weight.shape, weight.dtype, weight.device);
      k.embeddingBackward(g.storage, st!.storage, (acc ?? dw!).storage, st!.size, dim);
      return [dw];
    });
  if (owned) t.dispose();
  return out;
}
