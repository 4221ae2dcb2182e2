import type { Tensor } from './tensor.js';

/**
 * Lifetime scopes. Every tensor created while a scope is open belongs to it; when `tidy` returns,
 * the tensors it owns are disposed except those returned (found in the result: a tensor, or arrays /
 * plain objects of them) and those marked with `keep`. Returned tensors move to the enclosing scope.
 */
const stack: Set<Tensor>[] = [];

/** @internal */
export function trackInScope(t: Tensor): void {
  const top = stack[stack.length - 1];
  if (top) top.add(t);
}

/** Runs `fn` in a new scope and disposes every tensor it created that is not returned or kept. */
export function tidy<T>(fn: () => T): T {
  const frame = new Set<Tensor>();
  stack.push(frame);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    stack.pop();
    for (const t of frame) t.dispose();
    throw e;
  }
  stack.pop();
  if (result instanceof Promise) throw new TypeError('tidy() takes a synchronous function');
  const returned = new Set<Tensor>();
  collectTensors(result, returned, 0);
  const parent = stack[stack.length - 1];
  for (const t of frame) {
    if (returned.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** Removes a tensor from every open scope so it survives them (parameters, caches, optimiser state). */
export function keep<T extends Tensor>(t: T): T {
  for (const frame of stack) frame.delete(t);
  return t;
}

function collectTensors(value: unknown, out: Set<Tensor>, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if (isTensor(value)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const v of value.values()) collectTensors(v, out, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out, depth + 1);
  }
}

function isTensor(v: object): v is Tensor {
  return 'storage' in v && 'shape' in v && typeof (v as Tensor).dispose === 'function';
}
