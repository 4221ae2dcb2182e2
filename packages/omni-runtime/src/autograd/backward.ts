import { AutogradError, ShapeError } from '../errors.js';
import { kernelsFor } from '../kernels/registry.js';
import { empty } from '../tensor/create.js';
import { keep } from '../tensor/scope.js';
import type { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from './mode.js';

export interface BackwardOptions {
  /** Keep the tape so backward can run through it again. Default false (buffers are freed). */
  retainGraph?: boolean;
}

/** Tensors reachable from `root` through recorded nodes, in reverse topological order (outputs first). */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const inp = inputs[i];
      if (inp && !seen.has(inp)) {
        seen.add(inp);
        stack.push([inp, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

function copyOf(t: Tensor): Tensor {
  const c = empty(t.shape, t.dtype, t.device);
  kernelsFor(t.dtype, t.device).copy(t.storage, 0, c.storage, 0, t.size);
  return c;
}

/**
 * Reverse-mode pass from `output`: accumulates d(output . gradOutput)/d(leaf) into every leaf's
 * `.grad` (adding to what is there, so gradients accumulate across calls until zeroed).
 * `gradOutput` defaults to 1 for a one-element output and is required otherwise (the
 * vector-Jacobian product: pass rl-core's d(loss)/d(logProb) here).
 */
export function backward(output: Tensor, gradOutput?: Tensor, opts: BackwardOptions = {}): void {
  output.check();
  if (!output.requiresGrad)
    throw new AutogradError(`backward: ${output.describe()} does not require grad (no tape was recorded)`);
  let seed: Tensor;
  if (gradOutput) {
    gradOutput.check();
    if (gradOutput.size !== output.size || gradOutput.dtype !== output.dtype)
      throw new ShapeError(
        `backward: gradient ${gradOutput.describe()} does not match output ${output.describe()}`,
      );
    seed = copyOf(gradOutput).view(output.shape);
  } else {
    if (output.size !== 1)
      throw new AutogradError(`backward: ${output.describe()} is not a scalar; pass the output gradient`);
    seed = empty(output.shape, output.dtype, output.device);
    kernelsFor(seed.dtype, seed.device).fill(seed.storage, 1, 0, 1);
  }
  noGrad(() => run(output, seed, opts.retainGraph ?? false));
}

function run(output: Tensor, seed: Tensor, retain: boolean): void {
  const order = topoOrder(output);
  const grads = new Map<Tensor, Tensor>();
  grads.set(output, seed);
  try {
    for (const t of order) {
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const node = t.node;
      if (!node) {
        accumulateLeaf(t, g);
        continue;
      }
      if (node.freed)
        throw new AutogradError(
          `backward: the tape through '${node.op}' was already freed (use retainGraph to run backward twice)`,
        );
      const results = node.backward(g);
      // Every stored gradient must own its buffer (it is updated in place later). The first
      // pass-through use of g takes g itself; later uses of the same buffer get copies.
      const inserted = new Set<Storage>();
      let gTaken = false;
      for (let i = 0; i < node.inputs.length; i++) {
        const inp = node.inputs[i];
        let r = results[i] ?? null;
        if (!inp || !r) {
          if (r && r !== g) r.dispose();
          continue;
        }
        if (r.size !== inp.size)
          throw new AutogradError(`backward: '${node.op}' returned ${r.describe()} for ${inp.describe()}`);
        const existing = grads.get(inp);
        if (existing) {
          kernelsFor(r.dtype, r.device).axpy(1, r.storage, existing.storage, r.size);
          if (r !== g) r.dispose();
          continue;
        }
        if (inserted.has(r.storage)) r = copyOf(r);
        else if (r === g) gTaken = true;
        inserted.add(r.storage);
        grads.set(inp, reshaped(r, inp.shape));
      }
      if (!gTaken) g.dispose();
      if (!retain) freeNode(t);
    }
  } finally {
    for (const g of grads.values()) g.dispose();
  }
}

function freeNode(t: Tensor): void {
  const node = t.node;
  if (!node || node.freed) return;
  node.freed = true;
  for (const s of node.saved) s.dispose();
}

function accumulateLeaf(t: Tensor, g: Tensor): void {
  if (!t.requiresGrad) {
    g.dispose();
    return;
  }
  if (t.grad && !t.grad.disposed) {
    kernelsFor(g.dtype, g.device).axpy(1, g.storage, t.grad.storage, g.size);
    g.dispose();
  } else {
    t.grad = keep(reshaped(g, t.shape));
  }
}

/** r itself when the shapes agree, else a view with `shape` (r's handle is released). */
function reshaped(r: Tensor, shape: readonly number[]): Tensor {
  if (r.shape.length === shape.length && r.shape.every((d, i) => d === shape[i])) return r;
  const v = r.view(shape);
  r.dispose();
  return v;
}

/** Frees the tape below `t` without running backward (e.g. after an evaluation forward with grad on). */
export function releaseGraph(t: Tensor): void {
  for (const x of topoOrder(t)) freeNode(x);
}
