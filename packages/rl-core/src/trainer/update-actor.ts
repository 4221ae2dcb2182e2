import { PolicyContractError } from '../errors.js';
import { aggLoss } from '../loss/agg-loss.js';
import { computeKlLoss } from '../loss/kl-loss.js';
import { computePolicyLoss } from '../loss/policy/compute-policy-loss.js';
import type { VerlVariant } from '../names.js';
import type { Policy, PolicyBatch } from '../policy/policy.js';
import type { Rng } from '../random/rng.js';
import { assertShape, type Matrix } from '../tensor/matrix.js';
import { chunks, takeRows } from './batch.js';
import type { ActorOptions } from './options.js';

/** A batch ready for the actor update: responses plus the per-token tensors the losses need, all [B, cols]. */
export interface ActorBatch<P> extends PolicyBatch<P> {
  readonly oldLogProb: Matrix;
  readonly advantages: Matrix;
  /** Loss mask: 1 on response tokens that train (overlong filtering and multi-turn masks zero the rest). */
  readonly responseMask: Matrix;
  /** Needed when actor.useKlLoss. */
  readonly refLogProb?: Matrix;
}

/** Settings of {@link updateActor} besides the actor options. */
export interface ActorUpdateSettings {
  readonly actor: ActorOptions;
  /** Rows per optimizer step: ppo_mini_batch_size × rollout.n. */
  readonly miniBatchRows: number;
  /** seq-mean-token-sum-norm divisor (actor.loss_scale_factor, else max_response_length). */
  readonly lossScaleFactor: number;
  /**
   * 'current' (default): global normalisers per mini-batch, micro losses back-propagated unscaled (invariant
   * to the micro-batch size). 'jan2026' / 'soundmind': the legacy loop, each micro-batch normalised by itself
   * and scaled by 1/grad_accum (jan2026 also replaces old log-probs by the current ones when there is one
   * mini-batch and one epoch). Metrics are reported the current way in every variant.
   */
  readonly variant?: VerlVariant;
  /** Shuffles (actor.shuffle) and clip_cov's random subset. */
  readonly rng: Rng;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Per-mini-batch metric lists with verl's names, and the optimizer's record. */
export interface ActorUpdateResult {
  /** One entry per mini-batch (per optimizer step); reduce with a mean as verl does. */
  readonly metrics: Record<string, number[]>;
  readonly optimizerSteps: number;
  readonly skippedOptimizerSteps: number;
}

/**
 * verl's update_actor (spec §8.2): ppo_epochs passes over mini-batches (shuffled when actor.shuffle), each
 * split into micro-batches whose loss gradients accumulate in the policy, then one clipped optimizer step.
 * A mini-batch with no trainable token is skipped (no step).
 */
export async function updateActor<P>(
  policy: Policy<P>,
  batch: ActorBatch<P>,
  settings: ActorUpdateSettings,
): Promise<ActorUpdateResult> {
  const { actor } = settings;
  const variant = settings.variant ?? 'current';
  const legacy = variant !== 'current';
  const B = batch.prompts.length;
  for (const [name, m] of [
    ['oldLogProb', batch.oldLogProb],
    ['advantages', batch.advantages],
    ['responseMask', batch.responseMask],
  ] as const) {
    assertShape(m, B, batch.cols, `batch.${name}`, 'the batch');
  }
  if (actor.useKlLoss) {
    if (!batch.refLogProb) throw new PolicyContractError('actor.useKlLoss needs batch.refLogProb');
    assertShape(batch.refLogProb, B, batch.cols, 'batch.refLogProb', 'the batch');
  }
  const needEntropy = actor.entropyCoeff !== 0 || actor.calculateEntropy;
  const clip = {
    clipRatio: actor.clipRatio,
    clipRatioLow: actor.clipRatioLow,
    clipRatioHigh: actor.clipRatioHigh,
    clipRatioC: actor.clipRatioC,
    ...actor.policyLoss,
  };
  const metrics: Record<string, number[]> = {};
  const push = (k: string, v: number) => {
    const list = metrics[k] ?? [];
    list.push(v);
    metrics[k] = list;
  };
  const minisPerEpoch = Math.ceil(B / settings.miniBatchRows);
  const onPolicy = variant === 'jan2026' && minisPerEpoch === 1 && actor.ppoEpochs === 1;
  let steps = 0;
  let skipped = 0;
  let done = 0;
  const total = actor.ppoEpochs * minisPerEpoch;
  for (let epoch = 0; epoch < actor.ppoEpochs; epoch++) {
    const order = [...Array(B).keys()];
    if (actor.shuffle) settings.rng.shuffle(order);
    for (const mini of chunks(order, settings.miniBatchRows)) {
      let tokens = 0;
      for (const i of mini)
        for (let t = 0; t < batch.cols; t++) tokens += batch.responseMask.data[i * batch.cols + t] as number;
      if (tokens === 0 && !legacy) {
        settings.onProgress?.(++done, total);
        continue;
      }
      await policy.zeroGrad();
      const global = legacy
        ? { variant }
        : { batchNumTokens: tokens, globalBatchSize: mini.length, lossScaleFactor: settings.lossScaleFactor };
      const micros = chunks(mini, actor.ppoMicroBatchSize);
      const gradAccum = legacy ? Math.max(1, Math.floor(mini.length / actor.ppoMicroBatchSize)) : 1;
      const sums = { pg: 0, loss: 0, entropy: 0, kl: 0 };
      const pgMetrics: Record<string, number[]> = {};
      for (const rows of micros) {
        const pb: PolicyBatch<P> = {
          prompts: rows.map((i) => batch.prompts[i] as P),
          promptIds: rows.map((i) => batch.promptIds[i] as Int32Array),
          responseIds: rows.map((i) => batch.responseIds[i] as Int32Array),
          cols: batch.cols,
          temperature: batch.temperature,
        };
        const mask = takeRows(batch.responseMask, rows);
        const res = await policy.logProbs(pb, { requiresGrad: true, withEntropy: needEntropy });
        assertShape(res.logProbs, rows.length, batch.cols, 'policy.logProbs().logProbs', 'the micro-batch');
        const local = legacy ? { variant, lossScaleFactor: settings.lossScaleFactor } : global;
        const pg = computePolicyLoss(actor.policyLoss.lossMode, {
          ...clip,
          ...local,
          oldLogProb: onPolicy ? res.logProbs : takeRows(batch.oldLogProb, rows),
          logProb: res.logProbs,
          advantages: takeRows(batch.advantages, rows),
          responseMask: mask,
          lossAggMode: actor.lossAggMode,
          rng: settings.rng,
          nonFinite: 'propagate',
        });
        const grad = pg.gradLogProb;
        let loss = pg.loss;
        let gradEntropy: Matrix | undefined;
        if (needEntropy) {
          if (!res.entropy)
            throw new PolicyContractError(
              'policy.logProbs() returned no entropy though withEntropy was asked',
            );
          assertShape(res.entropy, rows.length, batch.cols, 'policy.logProbs().entropy', 'the micro-batch');
          const ent = aggLoss(res.entropy, mask, actor.lossAggMode, local);
          sums.entropy += ent.loss;
          if (actor.entropyCoeff !== 0) {
            loss -= actor.entropyCoeff * ent.loss;
            gradEntropy = ent.grad;
            const g = gradEntropy.data;
            for (let k = 0; k < g.length; k++) g[k] = (-actor.entropyCoeff * (g[k] as number)) / gradAccum;
          }
        }
        if (actor.useKlLoss) {
          const kl = computeKlLoss({
            ...local,
            logProb: res.logProbs,
            refLogProb: takeRows(batch.refLogProb as Matrix, rows),
            responseMask: mask,
            klLossType: actor.klLossType,
            lossAggMode: actor.lossAggMode,
            nonFinite: 'propagate',
          });
          sums.kl += kl.loss;
          loss += actor.klLossCoef * kl.loss;
          for (let k = 0; k < grad.data.length; k++) {
            grad.data[k] = (grad.data[k] as number) + actor.klLossCoef * (kl.gradLogProb.data[k] as number);
          }
        }
        if (gradAccum !== 1)
          for (let k = 0; k < grad.data.length; k++) grad.data[k] = (grad.data[k] as number) / gradAccum;
        await policy.backward(pb, grad, gradEntropy);
        // current verl: loss metrics SUM over micro-batches (= the mini-batch's global value); legacy: their mean
        sums.pg += pg.loss / gradAccum;
        sums.loss += loss / gradAccum;
        for (const [k, v] of Object.entries(pg.metrics)) {
          pgMetrics[k] = [...(pgMetrics[k] ?? []), v as number];
        }
      }
      const report = await policy.step({ maxGradNorm: actor.gradClip });
      if (report.skipped) skipped++;
      else steps++;
      push('actor/grad_norm', report.gradNorm);
      if (report.lr !== undefined) push('actor/lr', report.lr);
      push('actor/pg_loss', sums.pg);
      push('actor/loss', sums.loss);
      if (needEntropy) push('actor/entropy_loss', sums.entropy / gradAccum);
      if (actor.useKlLoss) {
        push('actor/kl_loss', sums.kl / gradAccum);
        push('actor/kl_coef', actor.klLossCoef);
      }
      const names: Record<string, string> = {
        pgClipfrac: 'pg_clipfrac',
        ppoKl: 'ppo_kl',
        pgClipfracLower: 'pg_clipfrac_lower',
      };
      for (const [k, v] of Object.entries(pgMetrics))
        push(`actor/${names[k]}`, v.reduce((a, b) => a + b, 0) / v.length);
      settings.onProgress?.(++done, total);
    }
  }
  return { metrics, optimizerSteps: steps, skippedOptimizerSteps: skipped };
}
