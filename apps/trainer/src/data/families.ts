import type { LogicFamily } from '@soundmind/alr-data';
import { ConfigError } from '../errors.js';

/**
 * A family from its name: `chain<K>` (K premises linking the conclusion's terms), `chain<K>-distractor`
 * (plus one irrelevant premise) or `chain<K>-distractor<N>` (plus N).
 */
export function familyFromName(name: string, supervision: 'trace' | 'label', key: string): LogicFamily {
  const m = /^chain([1-6])(?:-distractor([0-3])?)?$/.exec(name);
  if (!m) {
    throw new ConfigError(
      key,
      'resolved config',
      `"${name}" is not a family name; write chain<K> (K = 1-6), chain<K>-distractor or chain<K>-distractor<N> (N = 0-3)`,
    );
  }
  const distractors = name.includes('-distractor') ? Number(m[2] ?? 1) : 0;
  return { name, chainLength: Number(m[1]), distractors, supervision };
}

/** The trace and label families of a config, checked for overlap. */
export function configuredFamilies(embedded: {
  readonly trace_families: readonly string[];
  readonly label_families: readonly string[];
}): { trace: LogicFamily[]; label: LogicFamily[] } {
  const trace = embedded.trace_families.map((n) =>
    familyFromName(n, 'trace', 'data.embedded.trace_families'),
  );
  const label = embedded.label_families.map((n) =>
    familyFromName(n, 'label', 'data.embedded.label_families'),
  );
  const both = trace.filter((t) => label.some((l) => l.name === t.name));
  if (both.length) {
    throw new ConfigError(
      'data.embedded.label_families',
      'resolved config',
      `${both.map((f) => f.name).join(', ')} is both traced and label-only; a family is one or the other`,
    );
  }
  if (trace.length + label.length === 0) {
    throw new ConfigError('data.embedded.trace_families', 'resolved config', 'give at least one family');
  }
  return { trace, label };
}
