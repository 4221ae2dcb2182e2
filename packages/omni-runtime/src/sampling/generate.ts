import type { Rng } from '@soundmind/rl-core';
import { noGrad } from '../autograd/mode.js';
import { GenerationError } from '../errors.js';
import type { AudioFeatures } from '../model/audio-encoder.js';
import type { OmniThinker } from '../model/thinker.js';
import { KVCache } from '../ops/kv-cache.js';
import { slice } from '../ops/shape.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { promptKey } from './prompt-key.js';
import { checkSamplerOptions, type SamplerOptions, sampleToken, tokenLogProb } from './sampler.js';

/** One prompt: token ids (audio runs already expanded) and the features of its clips, in order. */
export interface PromptInput {
  readonly ids: Int32Array;
  readonly audio?: readonly AudioFeatures[];
}

/** A token as it is produced (streaming). */
export interface StreamedToken {
  readonly row: number;
  readonly step: number;
  readonly token: number;
  readonly logProb: number;
}

export interface GenerateOptions extends SamplerOptions {
  /** Most new tokens per prompt, stop token included. */
  readonly maxNewTokens: number;
  /** Generation of a row ends at the first of these (kept in its output). */
  readonly stopTokenIds?: readonly number[];
  /** The only source of randomness; required unless doSample is false. */
  readonly rng?: Rng;
  /** Called for every generated token, in row order within a step. */
  readonly onToken?: (t: StreamedToken) => void;
  /** Called after each decoding step with the number of finished rows. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One generated continuation. */
export interface GeneratedIds {
  readonly promptIds: Int32Array;
  /** New tokens, ending with the stop token when one ended the row. */
  readonly tokens: Int32Array;
  /** log softmax(logits / temperature) of each new token, as verl computes it (verl-grpo-spec.md §7). */
  readonly logProbs: Float32Array;
  readonly finishReason: 'stop' | 'length';
}

/**
 * Batched, KV-cached generation. Prompts of different lengths are left-padded into one batch (padding
 * masked out of attention, positions counted from each prompt's first token), prefilled in one pass, then
 * decoded one token per row per step; finished rows are dropped from the batch as they stop.
 */
export function generateIds(
  thinker: OmniThinker,
  prompts: readonly PromptInput[],
  options: GenerateOptions,
): GeneratedIds[] {
  checkSamplerOptions(options);
  if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 1)
    throw new GenerationError(
      'BAD_OPTION',
      `maxNewTokens must be a positive integer, got ${options.maxNewTokens}`,
    );
  if (options.doSample !== false && !options.rng)
    throw new GenerationError('BAD_OPTION', 'sampling needs an rng (or doSample: false for greedy)');
  prompts.forEach((p, i) => {
    if (p.ids.length === 0) throw new GenerationError('BAD_INPUT', `prompt ${i} is empty`);
  });
  if (prompts.length === 0) return [];
  const temperature = options.temperature ?? 1;
  const stops = new Set(options.stopTokenIds ?? []);
  const c = thinker.config.text;
  const V = c.vocabSize;
  const B = prompts.length;
  const P = Math.max(...prompts.map((p) => p.ids.length));
  const pad = thinker.audioTokenId === 0 ? 1 : 0;
  const out = prompts.map(() => ({
    tokens: [] as number[],
    logProbs: [] as number[],
    reason: 'length' as 'stop' | 'length',
  }));

  // Identical prompts (GRPO repeats each prompt n times) are prefilled once into a prompt cache that
  // every row repeating them reads; each row's own cache holds only its new tokens.
  const uniqueOf = new Map<string, number>();
  const unique: PromptInput[] = [];
  const uniqueIndex = prompts.map((p) => {
    const key = promptKey(p.ids, p.audio);
    let u = uniqueOf.get(key);
    if (u === undefined) {
      u = unique.length;
      uniqueOf.set(key, u);
      unique.push(p);
    }
    return u;
  });
  const U = unique.length;

  return noGrad(() => {
    const cacheShape = { layers: c.numHiddenLayers, kvHeads: c.numKeyValueHeads, headDim: c.headDim };
    const promptCache = new KVCache({ ...cacheShape, batch: U, maxLength: P });
    // The last new token is never fed back, so a row's own cache holds maxNewTokens - 1 positions.
    let cache = new KVCache({
      ...cacheShape,
      batch: B,
      maxLength: Math.max(1, options.maxNewTokens - 1),
      prefix: { cache: promptCache, rows: uniqueIndex },
    });
    try {
      // Prefill: unique prompts left-padded to P tokens.
      const ids = new Int32Array(U * P).fill(pad);
      const positions = new Int32Array(U * P);
      const audio: AudioFeatures[] = [];
      unique.forEach((p, u) => {
        const start = P - p.ids.length;
        ids.set(p.ids, u * P + start);
        for (let j = 0; j < p.ids.length; j++) positions[u * P + start + j] = j;
        audio.push(...(p.audio ?? []));
      });
      const uniqueKeyStart = Int32Array.from(unique, (p) => P - p.ids.length);
      let logits = tidy(() => {
        const h = thinker.hidden(thinker.embed(ids, U, audio), {
          positions,
          cache: promptCache,
          keyStart: uniqueKeyStart,
        });
        return lastLogits(thinker, h);
      });
      // Batch slot -> prompt index. Finished rows stay in the batch (fed their last token, outputs ignored)
      // until a quarter of the batch is finished; then the batch and its cache are compacted.
      let rows = prompts.map((_, b) => b);
      let live = rows.map(() => true);
      // the first real position of each row's prompt in the prompt cache
      let keyStart = Int32Array.from(prompts, (p) => P - p.ids.length);
      let nextPos = Int32Array.from(prompts, (p) => p.ids.length);
      let next = new Int32Array(B);
      // The first step reads each prompt's row of the unique prefill's logits.
      let logitsRow = (slot: number) => uniqueIndex[rows[slot] as number] as number;
      let finished = 0;
      for (let step = 0; step < options.maxNewTokens; step++) {
        const data = logits.cpuData() as Float32Array;
        rows.forEach((r, slot) => {
          if (!live[slot]) return;
          const at = logitsRow(slot);
          const row = data.subarray(at * V, (at + 1) * V);
          const token = sampleToken(row, options, options.rng);
          const logProb = tokenLogProb(row, token, temperature);
          const o = out[r] as (typeof out)[number];
          o.tokens.push(token);
          o.logProbs.push(logProb);
          options.onToken?.({ row: r, step, token, logProb });
          next[slot] = token;
          if (stops.has(token)) {
            o.reason = 'stop';
            live[slot] = false;
            finished++;
          }
        });
        logits.dispose();
        if (finished === B || step + 1 === options.maxNewTokens) break;
        options.onProgress?.(finished, B);
        const alive = rows.flatMap((_, slot) => (live[slot] ? [slot] : []));
        if (alive.length <= 0.75 * rows.length) {
          const smaller = cache.selectRows(alive);
          cache.dispose();
          cache = smaller;
          rows = alive.map((s) => rows[s] as number);
          live = rows.map(() => true);
          keyStart = Int32Array.from(alive, (s) => keyStart[s] as number);
          nextPos = Int32Array.from(alive, (s) => nextPos[s] as number);
          next = Int32Array.from(alive, (s) => next[s] as number);
        }
        logitsRow = (slot) => slot;
        const stepPos = nextPos.slice();
        for (let i = 0; i < nextPos.length; i++) nextPos[i] = (nextPos[i] as number) + 1;
        const stepIds = next;
        const stepCache = cache;
        const stepKeyStart = keyStart;
        logits = tidy(() => {
          const h = thinker.hidden(thinker.embed(stepIds, stepIds.length), {
            positions: stepPos,
            cache: stepCache,
            keyStart: stepKeyStart,
          });
          return lastLogits(thinker, h);
        });
      }
      options.onProgress?.(B, B);
      return prompts.map((p, b) => {
        const o = out[b] as (typeof out)[number];
        return {
          promptIds: p.ids,
          tokens: Int32Array.from(o.tokens),
          logProbs: Float32Array.from(o.logProbs),
          finishReason: o.reason,
        };
      });
    } finally {
      cache.dispose();
      promptCache.dispose();
    }
  });
}

// Logits [B, V] of the last position of hidden states [B, T, D].
function lastLogits(thinker: OmniThinker, h: Tensor): Tensor {
  const T = h.dim(1);
  return thinker.head(T === 1 ? h : slice(h, 1, T - 1, T));
}
