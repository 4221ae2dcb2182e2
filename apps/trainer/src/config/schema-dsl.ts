import { ConfigError } from '../errors.js';
import { closestKeys } from './suggest.js';

/** One leaf of the config tree: its type, default, bounds and documentation. */
export abstract class Field<T> {
  declare readonly _type: T;
  abstract readonly kind: 'number' | 'boolean' | 'string' | 'list';
  constructor(
    readonly defaultValue: T,
    readonly doc: string,
  ) {}
  /** Checks a value from a file or override; returns it (possibly normalised) or throws with a reason. */
  abstract check(value: unknown): T;
  /** Human-readable type, for errors and `soundmind config --help`. */
  abstract describe(): string;
}

interface NumberOptions {
  integer?: boolean;
  min?: number;
  max?: number;
  /** min is exclusive (value must be > min). */
  above?: boolean;
}

class NumberField<T extends number | null> extends Field<T> {
  readonly kind = 'number';
  constructor(
    defaultValue: T,
    doc: string,
    readonly opts: NumberOptions & { nullable: boolean },
  ) {
    super(defaultValue, doc);
  }
  check(value: unknown): T {
    if (value === null && this.opts.nullable) return value as T;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`expected ${this.describe()}`);
    const { integer, min, max, above } = this.opts;
    if (integer && !Number.isInteger(value)) throw new Error(`expected an integer, got ${value}`);
    if (min !== undefined && (above ? value <= min : value < min)) {
      throw new Error(`must be ${above ? '>' : '>='} ${min}, got ${value}`);
    }
    if (max !== undefined && value > max) throw new Error(`must be <= ${max}, got ${value}`);
    return value as T;
  }
  describe(): string {
    const { integer, min, max, above, nullable } = this.opts;
    let s = integer ? 'an integer' : 'a number';
    if (min !== undefined) s += ` ${above ? '>' : '>='} ${min}`;
    if (max !== undefined) s += `${min !== undefined ? ' and' : ''} <= ${max}`;
    return nullable ? `${s} or null` : s;
  }
}

class BooleanField extends Field<boolean> {
  readonly kind = 'boolean';
  check(value: unknown): boolean {
    if (typeof value !== 'boolean') throw new Error(`expected true or false, got ${JSON.stringify(value)}`);
    return value;
  }
  describe(): string {
    return 'true or false';
  }
}

class StringField<T extends string | null> extends Field<T> {
  readonly kind = 'string';
  constructor(
    defaultValue: T,
    doc: string,
    readonly values: readonly string[] | undefined,
    readonly nullable: boolean,
  ) {
    super(defaultValue, doc);
  }
  check(value: unknown): T {
    if (value === null && this.nullable) return value as T;
    if (typeof value === 'number' && this.values === undefined) return String(value) as T;
    if (typeof value !== 'string')
      throw new Error(`expected ${this.describe()}, got ${JSON.stringify(value)}`);
    if (this.values && !this.values.includes(value)) {
      const near = closestKeys(value, this.values);
      throw new Error(
        `"${value}" is not one of ${this.values.map((v) => `"${v}"`).join(', ')}` +
          (near.length ? ` (did you mean "${near[0]}"?)` : ''),
      );
    }
    return value as T;
  }
  describe(): string {
    const s = this.values ? `one of ${this.values.map((v) => `"${v}"`).join(', ')}` : 'a string';
    return this.nullable ? `${s} or null` : s;
  }
}

class ListField<T extends number | string> extends Field<readonly T[]> {
  readonly kind = 'list';
  constructor(
    defaultValue: readonly T[],
    doc: string,
    readonly item: 'number' | 'string',
    readonly opts: { length?: number; values?: readonly string[]; min?: number },
  ) {
    super(defaultValue, doc);
  }
  check(value: unknown): readonly T[] {
    const list = typeof value === 'string' && this.item === 'string' ? value.split(',') : value;
    if (!Array.isArray(list)) throw new Error(`expected ${this.describe()}, got ${JSON.stringify(value)}`);
    if (this.opts.length !== undefined && list.length !== this.opts.length) {
      throw new Error(`expected exactly ${this.opts.length} items, got ${list.length}`);
    }
    for (const [i, v] of list.entries()) {
      if (this.item === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw new Error(`item ${i}: expected a number, got ${JSON.stringify(v)}`);
      }
      if (this.item === 'number' && this.opts.min !== undefined && (v as number) < this.opts.min) {
        throw new Error(`item ${i}: must be >= ${this.opts.min}, got ${v}`);
      }
      if (this.item === 'string' && typeof v !== 'string') {
        throw new Error(`item ${i}: expected a string, got ${JSON.stringify(v)}`);
      }
      if (this.opts.values && !this.opts.values.includes(v as string)) {
        throw new Error(
          `item ${i}: "${v}" is not one of ${this.opts.values.map((x) => `"${x}"`).join(', ')}`,
        );
      }
    }
    return list as T[];
  }
  describe(): string {
    const n = this.opts.length !== undefined ? `${this.opts.length} ` : '';
    const what = this.opts.values
      ? `of ${this.opts.values.map((v) => `"${v}"`).join(' / ')}`
      : `${this.item}s`;
    return `a list of ${n}${what}`;
  }
}

/** A number leaf; pass `nullable: true` with a `null` default for optional numbers. */
export function num(defaultValue: number, doc: string, opts?: NumberOptions): Field<number>;
export function num(
  defaultValue: number | null,
  doc: string,
  opts: NumberOptions & { nullable: true },
): Field<number | null>;
export function num(
  defaultValue: number | null,
  doc: string,
  opts: NumberOptions & { nullable?: boolean } = {},
): Field<number | null> {
  return new NumberField(defaultValue, doc, { ...opts, nullable: opts.nullable ?? false });
}

export function int(defaultValue: number, doc: string, opts?: Omit<NumberOptions, 'integer'>): Field<number>;
export function int(
  defaultValue: number | null,
  doc: string,
  opts: Omit<NumberOptions, 'integer'> & { nullable: true },
): Field<number | null>;
export function int(
  defaultValue: number | null,
  doc: string,
  opts: NumberOptions & { nullable?: boolean } = {},
): Field<number | null> {
  return new NumberField(defaultValue, doc, { ...opts, integer: true, nullable: opts.nullable ?? false });
}

export function bool(defaultValue: boolean, doc: string): Field<boolean> {
  return new BooleanField(defaultValue, doc);
}

export function str(defaultValue: string, doc: string): Field<string>;
export function str(defaultValue: string | null, doc: string, nullable: true): Field<string | null>;
export function str(defaultValue: string | null, doc: string, nullable = false): Field<string | null> {
  return new StringField(defaultValue, doc, undefined, nullable);
}

/** A string leaf restricted to a fixed set of values. */
export function oneOf<const V extends readonly string[]>(values: V, defaultValue: V[number], doc: string) {
  return new StringField<V[number]>(defaultValue, doc, values, false);
}

export function numList(
  defaultValue: readonly number[],
  doc: string,
  opts: { length?: number; min?: number } = {},
): Field<readonly number[]> {
  return new ListField<number>(defaultValue, doc, 'number', opts);
}

export function strList<const V extends readonly string[]>(
  defaultValue: readonly V[number][],
  doc: string,
  values?: V,
): Field<readonly V[number][]> {
  return new ListField<V[number]>(defaultValue, doc, 'string', values ? { values } : {});
}

/** A node of the config tree: named leaves and sub-sections. */
export interface Section {
  readonly [key: string]: Field<unknown> | Section;
}

/** The TypeScript type of a resolved config with this schema. */
export type Resolved<S> = S extends Field<infer T> ? T : { readonly [K in keyof S]: Resolved<S[K]> };

/** What a config file, preset or override may hold: any subset of the tree. */
export type Partial<S> = S extends Field<infer T> ? T : { readonly [K in keyof S]?: Partial<S[K]> };

export function isField(node: Field<unknown> | Section): node is Field<unknown> {
  return node instanceof Field;
}

/** The defaults of every leaf. */
export function defaultsOf<S extends Section>(schema: S): Resolved<S> {
  const out: Record<string, unknown> = {};
  for (const [k, node] of Object.entries(schema))
    out[k] = isField(node) ? node.defaultValue : defaultsOf(node);
  return out as Resolved<S>;
}

/** Finds the leaf at a dotted path, or throws a ConfigError naming the nearest known keys. */
export function fieldAt(schema: Section, path: string, source: string): Field<unknown> {
  let node: Field<unknown> | Section = schema;
  const parts = path.split('.');
  for (const [i, part] of parts.entries()) {
    const here = parts.slice(0, i).join('.');
    if (isField(node)) throw new ConfigError(path, source, `"${here}" is a value, not a section`);
    const next: Field<unknown> | Section | undefined = Object.hasOwn(node, part) ? node[part] : undefined;
    if (next === undefined) throw unknownKey(node, here, part, source);
    node = next;
  }
  if (!isField(node)) {
    throw new ConfigError(path, source, `is a section; set one of its keys: ${Object.keys(node).join(', ')}`);
  }
  return node;
}

function unknownKey(section: Section, here: string, key: string, source: string): ConfigError {
  const full = here ? `${here}.${key}` : key;
  const near = closestKeys(key, Object.keys(section));
  const hint = near.length
    ? `did you mean ${near.map((k) => `"${here ? `${here}.` : ''}${k}"`).join(' or ')}?`
    : `known keys here: ${Object.keys(section).join(', ')}`;
  return new ConfigError(full, source, `unknown key; ${hint}`);
}

/**
 * Validates a (partial) config object against the schema: every key must exist and every value must have
 * the leaf's type. Returns the same object, checked; throws a ConfigError naming the first bad key.
 */
export function validatePartial<S extends Section>(
  schema: S,
  value: unknown,
  source: string,
  prefix = '',
): Partial<S> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(prefix, source, `expected a mapping of keys, got ${JSON.stringify(value)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const node = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (node === undefined) throw unknownKey(schema, prefix, key, source);
    if (isField(node)) {
      try {
        out[key] = node.check(v);
      } catch (err) {
        throw new ConfigError(path, source, (err as Error).message);
      }
    } else {
      out[key] = validatePartial(node, v, source, path);
    }
  }
  return out as Partial<S>;
}

/** Deep-merges checked partial configs over a base (later wins; lists are replaced, not merged). */
export function mergeConfig<T>(base: T, ...layers: readonly unknown[]): T {
  let acc: unknown = base;
  for (const layer of layers) acc = mergeTwo(acc, layer);
  return acc as T;
}

function mergeTwo(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (!isPlainObject(a) || !isPlainObject(b)) return b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = mergeTwo(a[k], v);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every leaf as `[dottedPath, field]`, in schema order (for help output and docs). */
export function leaves(schema: Section, prefix = ''): [string, Field<unknown>][] {
  const out: [string, Field<unknown>][] = [];
  for (const [k, node] of Object.entries(schema)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isField(node)) out.push([path, node]);
    else out.push(...leaves(node, path));
  }
  return out;
}
