import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { ConfigError } from '../errors.js';
import { PRESETS, type PresetName } from './presets.js';
import { CONFIG_SCHEMA, type TrainerConfig } from './schema.js';
import { defaultsOf, fieldAt, mergeConfig, type Partial, validatePartial } from './schema-dsl.js';
import { closestKeys } from './suggest.js';

export type ConfigLayer = Partial<typeof CONFIG_SCHEMA>;

/** Where a run's config comes from, lowest precedence first: preset, file, flags, key=value overrides. */
export interface ConfigSources {
  readonly preset?: string;
  /** A YAML (.yaml/.yml) or JSON (.json) file with any subset of the tree. */
  readonly file?: string;
  /** Values set by command-line flags (--minutes, --model, --data, ...), already shaped as a layer. */
  readonly flags?: ConfigLayer;
  /** `dotted.key=value` strings; values are read as YAML scalars or flow lists (`[0.9, 0.99]`). */
  readonly overrides?: readonly string[];
}

/** Resolves and validates a config; throws ConfigError naming the bad key, its source and the fix. */
export function resolveConfig(sources: ConfigSources = {}): TrainerConfig {
  const layers: ConfigLayer[] = [];
  if (sources.preset !== undefined) layers.push(presetLayer(sources.preset));
  if (sources.file !== undefined) layers.push(loadConfigFile(sources.file));
  if (sources.flags !== undefined)
    layers.push(validatePartial(CONFIG_SCHEMA, sources.flags, 'command-line flag'));
  for (const o of sources.overrides ?? []) layers.push(parseOverride(o));
  const config = mergeConfig(defaultsOf(CONFIG_SCHEMA), ...layers);
  checkConsistency(config);
  return config;
}

export function presetLayer(name: string): ConfigLayer {
  if (!Object.hasOwn(PRESETS, name)) {
    const near = closestKeys(name, Object.keys(PRESETS));
    throw new ConfigError(
      '',
      `--preset ${name}`,
      `unknown preset; known presets: ${Object.keys(PRESETS).join(', ')}${near.length ? ` (did you mean "${near[0]}"?)` : ''}`,
    );
  }
  return PRESETS[name as PresetName];
}

/** Reads a YAML or JSON config file and validates every key in it. */
export function loadConfigFile(path: string): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      '',
      path,
      `cannot read the config file (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  const ext = extname(path).toLowerCase();
  let value: unknown;
  if (ext === '.json') {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new ConfigError('', path, `invalid JSON: ${(err as Error).message}`);
    }
  } else if (ext === '.yaml' || ext === '.yml') {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    const first = doc.errors[0];
    if (first) {
      const at = first.linePos?.[0];
      throw new ConfigError(
        '',
        at ? `${path}:${at.line}:${at.col}` : path,
        `invalid YAML: ${first.message.split('\n')[0]}`,
      );
    }
    value = doc.toJS();
  } else {
    throw new ConfigError('', path, 'a config file must end in .yaml, .yml or .json');
  }
  if (value === null || value === undefined) return {};
  return validatePartial(CONFIG_SCHEMA, value, path);
}

/** Parses `dotted.key=value` into a one-key layer, checking the key and the value's type. */
export function parseOverride(arg: string): ConfigLayer {
  const eq = arg.indexOf('=');
  if (eq <= 0)
    throw new ConfigError(
      '',
      `override "${arg}"`,
      'expected dotted.key=value, e.g. actor_rollout_ref.rollout.n=8',
    );
  const key = arg.slice(0, eq).trim().replace(/^\+/, '');
  const raw = arg.slice(eq + 1);
  const source = `override "${arg}"`;
  const field = fieldAt(CONFIG_SCHEMA, key, source);
  // A string leaf keeps the text as written (a model folder named "1e-3" stays a string).
  let value: unknown = raw === 'null' || raw === '~' ? null : raw;
  if (field.kind !== 'string') {
    const doc = parseDocument(raw);
    value = doc.errors.length ? raw : (doc.toJS() ?? null);
  }
  try {
    value = field.check(value);
  } catch (err) {
    throw new ConfigError(key, source, (err as Error).message);
  }
  const layer: Record<string, unknown> = {};
  let node = layer;
  const parts = key.split('.');
  for (const p of parts.slice(0, -1)) {
    const next: Record<string, unknown> = {};
    node[p] = next;
    node = next;
  }
  node[parts[parts.length - 1] as string] = value;
  return layer as ConfigLayer;
}

/** Checks rules that span keys (verl's own validation, plus ours). */
export function checkConsistency(c: TrainerConfig): void {
  const src = 'resolved config';
  const a = c.actor_rollout_ref.actor;
  const n = c.actor_rollout_ref.rollout.n;
  if ((c.algorithm.adv_estimator === 'grpo' || c.algorithm.adv_estimator === 'rloo') && n < 2) {
    throw new ConfigError(
      'actor_rollout_ref.rollout.n',
      src,
      `${c.algorithm.adv_estimator} compares responses within a group: set rollout.n >= 2 (got ${n})`,
    );
  }
  if (c.data.train_batch_size % a.ppo_mini_batch_size !== 0) {
    throw new ConfigError(
      'actor_rollout_ref.actor.ppo_mini_batch_size',
      src,
      `data.train_batch_size (${c.data.train_batch_size}) must be a multiple of ppo_mini_batch_size (${a.ppo_mini_batch_size}) (verl asserts this)`,
    );
  }
  const micro = a.ppo_micro_batch_size ?? a.ppo_micro_batch_size_per_gpu;
  const miniRows = a.ppo_mini_batch_size * n;
  if (miniRows % micro !== 0) {
    throw new ConfigError(
      'actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu',
      src,
      `the mini-batch has ppo_mini_batch_size x rollout.n = ${miniRows} rows, which must be a multiple of the micro-batch (${micro})`,
    );
  }
  if (c.budget.sft_share + c.budget.grpo_share > 1) {
    throw new ConfigError(
      'budget.grpo_share',
      src,
      `sft_share + grpo_share must be <= 1 (got ${c.budget.sft_share} + ${c.budget.grpo_share}); the rest goes to data, evaluation and the report`,
    );
  }
  if (c.data.source === 'parquet' && c.data.train_files === null) {
    throw new ConfigError(
      'data.train_files',
      src,
      'data.source is parquet: pass --data DIR (made by `soundmind prepare`) or set data.train_files',
    );
  }
  if (c.sft.batch_size % c.sft.micro_batch_size !== 0) {
    throw new ConfigError(
      'sft.micro_batch_size',
      src,
      `sft.batch_size (${c.sft.batch_size}) must be a multiple of it (${c.sft.micro_batch_size})`,
    );
  }
  const m = c.actor_rollout_ref.model.embedded;
  if (m.hidden_size % m.num_attention_heads !== 0 || m.num_attention_heads % m.num_key_value_heads !== 0) {
    throw new ConfigError(
      'actor_rollout_ref.model.embedded.num_attention_heads',
      src,
      'hidden_size must be a multiple of num_attention_heads, and num_attention_heads a multiple of num_key_value_heads',
    );
  }
}

/** The resolved config as YAML, saved with every run (and accepted back by --config). */
export function serializeConfig(config: TrainerConfig): string {
  return `# Resolved soundmind config (every key; usable as --config).\n${stringify(config)}`;
}
