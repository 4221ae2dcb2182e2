import type { LogProbResult, Matrix, PolicyBatch } from '@soundmind/rl-core';
import { noGrad } from '../autograd/mode.js';
import { GenerationError } from '../errors.js';
import type { AudioFeatures } from '../model/audio-encoder.js';
import type { OmniThinker } from '../model/thinker.js';
import { embedding } from '../ops/embedding.js';
import { reshape } from '../ops/shape.js';
import { entropy, gatherLogProbs } from '../ops/softmax.js';
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
 * Per-token log-probs of `responseIds[i]` given `promptIds[i]`, as verl computes them: rows right-padded,
 * one causal pass, hidden states of the positions that predict response tokens gathered (the usual left
 * shift), then log softmax(logits / temperature)[token] without a [tokens, vocab] probability tensor.
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
  let T = 0;
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
    T = Math.max(T, p + r);
    N += r;
  }
  const logProbs: Matrix<Float32Array> = { data: new Float32Array(B * cols), rows: B, cols };
  const ent: Matrix<Float32Array> | undefined = options.withEntropy
    ? { data: new Float32Array(B * cols), rows: B, cols }
    : undefined;
  if (N === 0) return { result: ent ? { logProbs, entropy: ent } : { logProbs }, graph: null };

  const pad = thinker.audioTokenId === 0 ? 1 : 0;
  const ids = new Int32Array(B * T).fill(pad);
  const positions = new Int32Array(B * T);
  // Audio is spliced into prompts only: a sampled <|AUDIO|> in a response is an ordinary token.
  const audioMask = new Uint8Array(B * T);
  const gatherRows = new Int32Array(N);
  const targets = new Int32Array(N);
  const rowOf = new Int32Array(N);
  const colOf = new Int32Array(N);
  const audio: AudioFeatures[] = [];
  let k = 0;
  for (let i = 0; i < B; i++) {
    const p = batch.promptIds[i] as Int32Array;
    const r = batch.responseIds[i] as Int32Array;
    ids.set(p, i * T);
    audioMask.fill(1, i * T, i * T + p.length);
    ids.set(r, i * T + p.length);
    for (let t = 0; t < T; t++) positions[i * T + t] = t;
    for (let t = 0; t < r.length; t++) {
      gatherRows[k] = i * T + p.length - 1 + t;
      targets[k] = r[t] as number;
      rowOf[k] = i;
      colOf[k] = t;
      k++;
    }
    audio.push(...audioOf(i));
  }
  const run = () =>
    tidy(() => {
      const h = thinker.hidden(thinker.embed(ids, B, audio, audioMask), { positions });
      const D = h.dim(2);
      const logits = thinker.head(embedding(reshape(h, [B * T, D]), gatherRows));
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
