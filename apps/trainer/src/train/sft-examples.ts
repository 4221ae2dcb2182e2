import type { OmniPolicy, OmniPrompt } from '@soundmind/omni-runtime';
import type { ModelHost } from '../model/host.js';
import type { SftExample } from './sft-step.js';

/** A supervised example before encoding: a prompt and the full reference response. */
export interface SftSource {
  readonly prompt: OmniPrompt;
  readonly response: string;
}

// Encodings are kept per source: an epoch re-reads the same examples, and audio prompts are costly to encode.
const MAX_CACHED = 50_000;

/** Encodes reference examples for `policy` (prompt ids, target ids ending with the end-of-turn token). */
export function sftExampleEncoder(
  host: ModelHost,
  policy: OmniPolicy,
): (src: SftSource) => SftExample<OmniPrompt> {
  const cache = new Map<SftSource, SftExample<OmniPrompt>>();
  return (src) => {
    let e = cache.get(src);
    if (!e) {
      e = {
        prompt: src.prompt,
        promptIds: policy.encode(src.prompt).ids,
        targetIds: host.targetIds(src.response),
      };
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(src, e);
    }
    return e;
  };
}
