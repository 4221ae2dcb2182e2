import { kernelsFor } from '../kernels/registry.js';
import type { Tensor } from '../tensor/tensor.js';

export interface GradNormResult {
  /** Global L2 norm of all gradients before clipping (Infinity or NaN when non-finite). */
  norm: number;
  /** Whether the norm is finite (a non-finite step should be skipped). */
  finite: boolean;
  /** The factor the gradients are (or would be) multiplied by: min(1, maxNorm / (norm + 1e-6)). */
  scale: number;
}

/** The global gradient norm over params (in order, float64 sum: deterministic). */
export function gradNorm(params: readonly Tensor[]): number {
  let ss = 0;
  for (const p of params) {
    if (!p.grad) continue;
    ss += kernelsFor(p.grad.dtype, p.grad.device).sumSquares(p.grad.storage, p.grad.size);
  }
  return Math.sqrt(ss);
}

/** The clipping factor for a norm (as torch.nn.utils.clip_grad_norm_). */
export function clipScale(norm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (norm + 1e-6));
}

/**
 * Scales gradients in place so their global norm is at most maxNorm (PyTorch's clip_grad_norm_).
 * Leaves them untouched when the norm is not finite; check `finite` and skip that step.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): GradNormResult {
  const norm = gradNorm(params);
  const finite = Number.isFinite(norm);
  const scale = finite ? clipScale(norm, maxNorm) : 1;
  if (finite && scale < 1)
    for (const p of params)
      if (p.grad)
        kernelsFor(p.grad.dtype, p.grad.device).affine(p.grad.storage, scale, 0, p.grad.storage, p.grad.size);
  return { norm, finite, scale };
}
