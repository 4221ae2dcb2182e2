import type { LogProbResult, Matrix, PolicyBatch } from '@soundmind/rl-core';
import { noGrad } from '../autograd/mode.js';
import { GenerationError } from '../errors.js';
import type { AudioFeatures } from '../model/audio-encoder.js';
import type { OmniThinker } from '../model/thinker.js';
import { embedding } from '../ops/embedding.js';
import { reshape } from '../ops/shape.js';
import { entropy, gatherLogProbs } from '../ops/softmax.js';
import { promptKey } from '../sampling/prompt-key.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/** What a log-prob pass keeps for backward: per-response-token log-probs (and entropies), flattened. */
export interface LogProbGraph {
  readonly logProbs: Tensor;
  readonly entropy: Tensor | null;
  /** Flat index -> (row, column) of the [rows, cols] matrices. */
  readonly rowOf: Int32Array;
  readonly colOf: Int32Array;
}

/**
 * Per-token log-probs of `responseIds[i]` given `promptIds[i]`, as verl computes them (log softmax(logits /
 * temperature)[token], without a [tokens, vocab] probability tensor), in one causal pass over a packed
 * sequence: each distinct prompt once (rows repeating a prompt, GRPO's n samples, share it), then each
 * row's response as a block that also sees its prompt's block; no padding. The last response token is
 * only a target, so it is not fed. The hidden states that predict response tokens are gathered (the
 * usual left shift) before the LM head.
 */
export function responseLogProbs<P>(
  thinker: OmniThinker,
  batch: PolicyBatch<P>,
  audioOf: (row: number) => readonly AudioFeatures[],
  options: { requiresGrad: boolean; withEntropy: boolean },
): { result: LogProbResult; graph: LogProbGraph | null } {
  const B = batch.responseIds.length;
  const cols = batch.cols;
  if (batch.promptIds.length !== B)
    throw new GenerationError('BAD_BATCH', `batch has ${batch.promptIds.length} prompts but ${B} responses`);
  let N = 0;
  for (let i = 0; i < B; i++) {
    const p = (batch.promptIds[i] as Int32Array).length;
    const r = (batch.responseIds[i] as Int32Array).length;
    if (p === 0) throw new GenerationError('BAD_BATCH', `row ${i} has an empty prompt`);
    if (r > cols)
      throw new GenerationError(
        'BAD_BATCH',
        `row ${i} has ${r} response tokens but the batch is ${cols} wide`,
      );
    N += r;
  }
  const logProbs: Matrix<Float32Array> = { data: new Float32Array(B * cols), rows: B, cols };
  const ent: Matrix<Float32Array> | undefined = options.withEntropy
    ? { data: new Float32Array(B * cols), rows: B, cols }
    : undefined;
  if (N === 0) return { result: ent ? { logProbs, entropy: ent } : { logProbs }, graph: null };

  // Rows with a response, grouped by prompt (first appearance order).
  const groups = new Map<string, { prompt: number; rows: number[] }>();
  for (let i = 0; i < B; i++) {
    if ((batch.responseIds[i] as Int32Array).length === 0) continue;
    const key = promptKey(batch.promptIds[i] as Int32Array, audioOf(i));
    const g = groups.get(key);
    if (g) g.rows.push(i);
    else groups.set(key, { prompt: i, rows: [i] });
  }
  let total = 0;
  for (const g of groups.values()) {
    total += (batch.promptIds[g.prompt] as Int32Array).length;
    for (const i of g.rows) total += (batch.responseIds[i] as Int32Array).length - 1;
  }
  const ids = new Int32Array(total);
  const positions = new Int32Array(total);
  // Audio is spliced into prompts only: a sampled <|AUDIO|> in a response is an ordinary token.
  const audioMask = new Uint8Array(total);
  const blockLengths: number[] = [];
  const contextBlocks: number[] = [];
  const gatherRows = new Int32Array(N);
  const targets = new Int32Array(N);
  const rowOf = new Int32Array(N);
  const colOf = new Int32Array(N);
  const audio: AudioFeatures[] = [];
  let at = 0;
  let k = 0;
  for (const g of groups.values()) {
    const p = batch.promptIds[g.prompt] as Int32Array;
    const promptBlock = blockLengths.length;
    const last = at + p.length - 1; // predicts every row's first response token
    ids.set(p, at);
    audioMask.fill(1, at, at + p.length);
    for (let t = 0; t < p.length; t++) positions[at + t] = t;
    blockLengths.push(p.length);
    contextBlocks.push(-1);
    audio.push(...audioOf(g.prompt));
    at += p.length;
    for (const i of g.rows) {
      const r = batch.responseIds[i] as Int32Array;
      for (let t = 0; t < r.length; t++) {
        gatherRows[k] = t === 0 ? last : at + t - 1;
        targets[k] = r[t] as number;
        rowOf[k] = i;
        colOf[k] = t;
        k++;
      }
      if (r.length < 2) continue;
      ids.set(r.subarray(0, r.length - 1), at);
      for (let t = 0; t < r.length - 1; t++) positions[at + t] = p.length + t;
      blockLengths.push(r.length - 1);
      contextBlocks.push(promptBlock);
      at += r.length - 1;
    }
  }
  const run = () =>
    tidy(() => {
      const h = thinker.hidden(thinker.embed(ids, 1, audio, audioMask), {
        positions,
        blockLengths,
        contextBlocks,
      });
      const D = h.dim(2);
      const logits = thinker.head(embedding(reshape(h, [total, D]), gatherRows));
      const lp = gatherLogProbs(logits, targets, { temperature: batch.temperature });
      const en = options.withEntropy ? entropy(logits, { temperature: batch.temperature }) : null;
      return { lp, en };
    });
  const { lp, en } = options.requiresGrad ? run() : noGrad(run);
  const lpData = lp.cpuData();
  const enData = en?.cpuData();
  for (let j = 0; j < N; j++) {
    const at = (rowOf[j] as number) * cols + (colOf[j] as number);
    logProbs.data[at] = lpData[j] as number;
    if (ent && enData) ent.data[at] = enData[j] as number;
  }
  const result: LogProbResult = ent ? { logProbs, entropy: ent } : { logProbs };
  if (!options.requiresGrad) {
    lp.dispose();
    en?.dispose();
    return { result, graph: null };
  }
  return { result, graph: { logProbs: lp, entropy: en, rowOf, colOf } };
}
