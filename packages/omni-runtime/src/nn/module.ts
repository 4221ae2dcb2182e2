import { StateDictError } from '../errors.js';
import { kernelsFor } from '../kernels/registry.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Base class of layers and models. Parameters and child modules are registered by name; their
 * dotted paths (`layers.0.self_attn.q_proj.weight`) are the names a checkpoint uses, so a weights
 * loader maps checkpoint tensors to parameters by name alone.
 */
export class Module {
  private readonly params = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** Registers (or replaces) a parameter: marks it requiresGrad, names it, keeps it out of scopes. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    if (name.includes('.')) throw new StateDictError(`parameter name '${name}' must not contain '.'`);
    const old = this.params.get(name);
    if (old && old !== t) old.dispose();
    keep(t);
    t.requiresGrad = true;
    t.name ??= name;
    this.params.set(name, t);
    return t;
  }

  /** Registers a child module under `name`. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    if (name.includes('.')) throw new StateDictError(`module name '${name}' must not contain '.'`);
    this.children.set(name, m);
    return m;
  }

  /** Every parameter with its dotted path, in registration order (depth first). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.params) out.push([prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Child modules with their dotted paths. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [n, m] of this.children) {
      out.push([prefix + n, m]);
      out.push(...m.namedModules(`${prefix}${n}.`));
    }
    return out;
  }

  /** Total number of parameter elements. */
  numParameters(): number {
    return this.parameters().reduce((a, t) => a + t.size, 0);
  }

  /** The parameter at a dotted path (throws a StateDictError naming it when absent). */
  getParameter(path: string): Tensor {
    const t = this.namedParameters().find(([n]) => n === path)?.[1];
    if (!t) throw new StateDictError(`no parameter '${path}' in ${this.constructor.name}`);
    return t;
  }

  /** Sets every parameter's gradient to zero (keeping the buffers). */
  zeroGrad(): void {
    for (const t of this.parameters())
      if (t.grad) kernelsFor(t.grad.dtype, t.grad.device).fill(t.grad.storage, 0, 0, t.grad.size);
  }

  /** Turns gradient tracking of every parameter on or off (off = frozen, e.g. a KL reference model). */
  setRequiresGrad(on: boolean): void {
    for (const t of this.parameters()) t.requiresGrad = on;
  }

  /** The parameters by dotted path (the tensors themselves, not copies). */
  stateDict(): Map<string, Tensor> {
    return new Map(this.namedParameters());
  }

  /**
   * Copies values into the parameters by dotted path. Values are tensors or flat typed arrays of the
   * right size. `strict` (default true) requires every parameter to be given and no extra names.
   * Shapes are checked before anything is written, so a mismatch leaves the module unchanged.
   */
  loadStateDict(values: Map<string, Tensor | ArrayLike<number>>, opts: { strict?: boolean } = {}): void {
    const strict = opts.strict ?? true;
    const params = this.stateDict();
    const problems: string[] = [];
    for (const [name, v] of values) {
      const p = params.get(name);
      if (!p) {
        if (strict) problems.push(`unexpected tensor '${name}'`);
        continue;
      }
      const size = 'shape' in v ? (v as Tensor).size : v.length;
      if ('shape' in v && (v as Tensor).shape.join(',') !== p.shape.join(','))
        problems.push(`'${name}' has shape [${(v as Tensor).shape}] but the parameter is [${p.shape}]`);
      else if (size !== p.size)
        problems.push(`'${name}' has ${size} values but the parameter [${p.shape}] needs ${p.size}`);
    }
    if (strict)
      for (const name of params.keys()) if (!values.has(name)) problems.push(`missing tensor '${name}'`);
    if (problems.length > 0)
      throw new StateDictError(
        `loadStateDict(${this.constructor.name}): ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; and ${problems.length - 10} more` : ''}`,
      );
    for (const [name, v] of values) {
      const p = params.get(name);
      if (!p) continue;
      const src = 'shape' in v ? (v as Tensor).cpuData() : v;
      (p.cpuData() as Float32Array).set(src as ArrayLike<number>);
    }
  }

  /** Frees every parameter (and its gradient). */
  dispose(): void {
    for (const t of this.parameters()) t.dispose();
  }
}

/** An indexed list of modules; children are named 0, 1, 2, ... */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[];
  constructor(items: M[]) {
    super();
    this.items = items;
    items.forEach((m, i) => {
      this.registerModule(String(i), m);
    });
  }
  get length(): number {
    return this.items.length;
  }
  at(i: number): M {
    const m = this.items[i];
    if (!m) throw new RangeError(`ModuleList index ${i} outside [0, ${this.items.length})`);
    return m;
  }
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}
