import type { Tensor } from '../tensor/tensor.js';

/**
 * One recorded op on the tape. `inputs[i]` is the i-th differentiable input (null where no gradient
 * is needed); `backward` maps the output gradient to one gradient per input (null = no contribution).
 * Tensors the op needs for backward are saved as aliases, owned by the node and freed with it.
 */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly (Tensor | null)[];
  readonly saved: Tensor[];
  backward(grad: Tensor): (Tensor | null)[];
  freed: boolean;
}
