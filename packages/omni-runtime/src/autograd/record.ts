import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './mode.js';
import type { GradNode } from './node.js';

/** True when an op with these inputs must record a node. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t?.requiresGrad) return true;
  return false;
}

/**
 * Attaches a node to `out`. `inputs` are the op's differentiable inputs (those not requiring grad are
 * stored as null so backward skips them); `saved` are aliased so they outlive a dispose of the originals.
 */
export function record(
  out: Tensor,
  op: string,
  inputs: readonly (Tensor | null | undefined)[],
  saved: readonly Tensor[],
  backward: (grad: Tensor, saved: Tensor[]) => (Tensor | null)[],
): void {
  const savedAliases = saved.map((t) => t.alias());
  const node: GradNode = {
    op,
    inputs: inputs.map((t) => (t?.requiresGrad ? t : null)),
    saved: savedAliases,
    backward: (g) => backward(g, savedAliases),
    freed: false,
  };
  out.node = node;
  out.requiresGrad = true;
}

/**
 * The existing gradient buffer of a leaf (a parameter after its first backward), which an op's
 * backward may accumulate into directly instead of returning a new tensor (it then returns null for
 * that input). Saves an allocation and a pass over the gradient, and for an embedding table avoids a
 * zero-filled [vocab, dim] temporary.
 */
export function accumulableGrad(t: Tensor | null | undefined): Tensor | null {
  return t?.requiresGrad && t.node === null && t.grad && !t.grad.disposed ? t.grad : null;
}
