import { computeAdvantage } from '../advantage/compute-advantage.js';
import { PolicyContractError, TrainerStateError } from '../errors.js';
import { applyKlPenalty } from '../kl/apply-kl-penalty.js';
import { createKlController, type KlController } from '../kl/controller.js';
import { aggLoss } from '../loss/agg-loss.js';
import { computeDataMetrics } from '../metrics/data-metrics.js';
import type { GeneratedSequence, Policy, PolicyBatch, ReferencePolicy } from '../policy/policy.js';
import type { PromptItem, PromptSource, RewardFn, RewardResult } from '../policy/reward.js';
import { Rng } from '../random/rng.js';
import { type Matrix, zeros } from '../tensor/matrix.js';
import { chunks, reduceMetrics } from './batch.js';
import type { GrpoTrainerOptions } from './options.js';
import { resolveGrpoOptions } from './resolve-options.js';
import type { GrpoPhase, GrpoStepResult, GrpoTrainerInit, GrpoTrainerState, TrainSample } from './types.js';
import { updateActor } from './update-actor.js';

/** One scored response of the current step, before it is packed into matrices (no reward or advantage yet). */
type Row<P, M> = Omit<TrainSample<P, M>, 'reward' | 'advantage' | 'filtered'>;

/**
 * GRPO (and the rest of verl's estimator / loss family) as a library: one {@link step} generates n responses
 * per prompt, scores them, optionally applies KL-in-reward, computes advantages, and runs verl's actor update
 * (spec §8) on the policy. Deterministic under options.seed; {@link getState}/{@link setState} resume exactly.
 */
export class GrpoTrainer<P, M = unknown> {
  readonly options: GrpoTrainerOptions;
  private readonly policy: Policy<P>;
  private readonly reference: ReferencePolicy<P> | undefined;
  private readonly reward: RewardFn<P, M>;
  private readonly onProgress: GrpoTrainerInit<P, M>['onProgress'];
  private rng: Rng;
  private klCtrl: KlController;
  private globalStep = 0;

  constructor(init: GrpoTrainerInit<P, M>) {
    this.options = resolveGrpoOptions(init.options);
    const { actor, algorithm } = this.options;
    if ((actor.useKlLoss || algorithm.useKlInReward) && !init.reference) {
      throw new PolicyContractError(
        'actor.useKlLoss / algorithm.useKlInReward need a reference policy (init.reference)',
      );
    }
    if ((actor.entropyCoeff !== 0 || actor.calculateEntropy) && !init.policy.supportsEntropy) {
      throw new PolicyContractError(
        'actor.entropyCoeff / calculateEntropy need a policy with supportsEntropy = true',
      );
    }
    this.policy = init.policy;
    this.reference = init.reference;
    this.reward = init.reward;
    this.onProgress = init.onProgress;
    this.rng = new Rng(this.options.seed);
    this.klCtrl = createKlController(algorithm.klCtrl);
  }

  /** Training steps completed. */
  get completedSteps(): number {
    return this.globalStep;
  }

  /** Trainer state for an exact resume (the policy saves its own weights and optimizer). */
  getState(): GrpoTrainerState {
    return {
      version: 1,
      globalStep: this.globalStep,
      rng: this.rng.getState(),
      klCtrl: this.klCtrl.getState(),
    };
  }

  setState(state: GrpoTrainerState): void {
    if (state?.version !== 1) {
      throw new TrainerStateError(
        `unsupported trainer state version ${JSON.stringify(state?.version)} (expected 1)`,
      );
    }
    if (!Number.isInteger(state.globalStep) || state.globalStep < 0) {
      throw new TrainerStateError(`globalStep must be a non-negative integer, got ${state.globalStep}`);
    }
    try {
      this.rng = Rng.fromState(state.rng);
    } catch (e) {
      throw new TrainerStateError(`rng: ${(e as Error).message}`);
    }
    this.klCtrl.setState(state.klCtrl);
    this.globalStep = state.globalStep;
  }

  /** One training step. `source` is called for prompts (again to refill under dynamic sampling); an array is a one-shot source. */
  async step(source: PromptSource<P, M> | readonly PromptItem<P, M>[]): Promise<GrpoStepResult<P, M>> {
    const o = this.options;
    const stepNo = this.globalStep + 1;
    const timing: Record<string, number> = {};
    const t0 = performance.now();
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const s = performance.now();
      const out = await fn();
      timing[`timing_s/${name}`] = (timing[`timing_s/${name}`] ?? 0) + (performance.now() - s) / 1000;
      return out;
    };
    const fetch = Array.isArray(source)
      ? once(source as readonly PromptItem<P, M>[])
      : (source as PromptSource<P, M>);

    // 1. generate + score, refilling when dynamic sampling drops groups (DAPO)
    const n = o.rollout.n;
    const want = o.data.trainBatchSize;
    const groups: Row<P, M>[][] = [];
    let genBatches = 0;
    let exhausted = false;
    let generatedGroups = 0;
    const fg = o.algorithm.filterGroups;
    for (;;) {
      const items = await fetch(o.data.genBatchSize ?? want);
      if (items.length === 0) {
        exhausted = true;
        break;
      }
      genBatches++;
      const rows = await this.rollout(items, stepNo, genBatches, timed);
      for (let g = 0; g < items.length; g++) {
        const group = rows.slice(g * n, (g + 1) * n);
        generatedGroups++;
        if (
          !fg.enable ||
          group.length === 1 ||
          populationStd(group.map((r) => filterValue(r, fg.metric))) > 0
        ) {
          groups.push(group);
        }
      }
      if (!fg.enable || groups.length >= want) break;
      if (fg.maxNumGenBatches > 0 && genBatches >= fg.maxNumGenBatches) {
        exhausted = true;
        break;
      }
    }
    if (groups.length < want) exhausted = true;
    const kept = groups.slice(0, want).flat();
    const metrics: Record<string, number> = { 'train/num_gen_batches': genBatches };
    if (fg.enable) metrics['train/kept_group_ratio'] = generatedGroups ? groups.length / generatedGroups : 0;
    if (kept.length === 0) {
      this.globalStep = stepNo;
      return {
        step: stepNo,
        metrics: { ...metrics, ...timing },
        samples: [],
        optimizerSteps: 0,
        skippedOptimizerSteps: 0,
        exhausted,
      };
    }

    // 2. pack into [B, cols] matrices
    const B = kept.length;
    const cols = Math.max(1, ...kept.map((r) => r.sequence.responseIds.length));
    const tokenMask = zeros(B, cols);
    const lossMask = zeros(B, cols);
    const scores = zeros(B, cols);
    const rolloutLogProb = zeros(B, cols);
    kept.forEach((r, i) => {
      const len = r.sequence.responseIds.length;
      const drop = o.overlongFilter && r.sequence.finishReason === 'length';
      tokenMask.data.fill(1, i * cols, i * cols + len);
      if (!drop) lossMask.data.fill(1, i * cols, i * cols + len);
      scores.data[i * cols + (len > 0 ? len - 1 : cols - 1)] = r.score;
      rolloutLogProb.data.set(r.sequence.logProbs, i * cols);
    });
    const batch: PolicyBatch<P> = {
      prompts: kept.map((r) => r.item.prompt),
      promptIds: kept.map((r) => r.sequence.promptIds),
      responseIds: kept.map((r) => r.sequence.responseIds),
      cols,
      temperature: o.rollout.temperature,
    };
    const micro = o.actor.ppoMicroBatchSize;

    // 3. old log-probs (and entropy for actor/entropy), reference log-probs
    let oldLogProb = rolloutLogProb;
    if (o.recomputeOldLogProb || this.policy.supportsEntropy) {
      const withEntropy = this.policy.supportsEntropy === true;
      const res = await timed('old_log_prob', () =>
        this.forward(this.policy, batch, micro, withEntropy, 'old_log_prob'),
      );
      if (o.recomputeOldLogProb) oldLogProb = res.logProbs;
      if (res.entropy && lossMask.data.some((v) => v !== 0)) {
        const lossScaleFactor = o.actor.lossScaleFactor ?? o.data.maxResponseLength;
        metrics['actor/entropy'] = aggLoss(res.entropy, lossMask, o.actor.lossAggMode, {
          lossScaleFactor,
        }).loss;
      }
    }
    let refLogProb: Matrix | undefined;
    if (this.reference) {
      const ref = this.reference;
      refLogProb = (await timed('ref', () => this.forward(ref, batch, micro, false, 'ref'))).logProbs;
    }

    // 4. rewards (KL in reward), advantages
    let rewards = scores;
    if (o.algorithm.useKlInReward) {
      const kl = applyKlPenalty({
        tokenLevelScores: scores,
        oldLogProb,
        refLogProb: refLogProb as Matrix,
        responseMask: tokenMask,
        klCtrl: this.klCtrl,
        klPenalty: o.algorithm.klPenalty,
        variant: o.variant,
      });
      rewards = kl.tokenLevelRewards;
      Object.assign(metrics, kl.metrics);
    }
    const baselines =
      o.algorithm.advEstimator === 'remax'
        ? await timed('gen_max', () => this.greedyBaselines(kept))
        : undefined;
    const adv = await timed('adv', async () =>
      computeAdvantage(o.algorithm.advEstimator, {
        tokenLevelRewards: rewards,
        responseMask: tokenMask,
        index: kept.map((r) => r.uid),
        normAdvByStdInGrpo: o.algorithm.normAdvByStdInGrpo,
        gamma: o.algorithm.gamma,
        lam: o.algorithm.lam,
        rewardBaselines: baselines,
        componentScores: o.algorithm.gdpoRewardKeys.map((key) => kept.map((r) => extraValue(r, key))),
        componentWeights: o.algorithm.gdpoRewardWeights,
        variant: o.variant,
      }),
    );
    Object.assign(
      metrics,
      computeDataMetrics({
        tokenLevelScores: scores,
        tokenLevelRewards: rewards,
        advantages: adv.advantages,
        returns: adv.returns,
        responseMask: tokenMask,
        promptLengths: kept.map((r) => r.sequence.promptIds.length),
        maxResponseLength: o.data.maxResponseLength,
        maxPromptLength: o.data.maxPromptLength,
        variant: o.variant,
      }),
    );

    // 5. the actor update
    const update = await timed('update_actor', () =>
      updateActor(
        this.policy,
        { ...batch, oldLogProb, advantages: adv.advantages, responseMask: lossMask, refLogProb },
        {
          actor: o.actor,
          miniBatchRows: o.actor.ppoMiniBatchSize * n,
          lossScaleFactor: o.actor.lossScaleFactor ?? o.data.maxResponseLength,
          variant: o.variant,
          rng: this.rng,
          onProgress: (d, t) => this.onProgress?.(d, t, { phase: 'update' }),
        },
      ),
    );
    this.policy.lrSchedulerStep?.();
    Object.assign(metrics, reduceMetrics(update.metrics));
    if (o.overlongFilter)
      metrics['response_length/overlong_filtered_ratio'] = kept.filter(isOverlong).length / B;
    for (const key of new Set(kept.flatMap((r) => Object.keys(r.extra ?? {})))) {
      const vals = kept.map((r) => r.extra?.[key]).filter((v): v is number => typeof v === 'number');
      if (vals.length) metrics[`reward_extra/${key}/mean`] = vals.reduce((a, b) => a + b, 0) / vals.length;
    }
    const accs = kept.map((r) => r.acc).filter((v): v is number => typeof v === 'number');
    if (accs.length) metrics['reward_extra/acc/mean'] = accs.reduce((a, b) => a + b, 0) / accs.length;
    timing['timing_s/step'] = (performance.now() - t0) / 1000;

    this.globalStep = stepNo;
    const samples: TrainSample<P, M>[] = kept.map((r, i) => {
      let reward = 0;
      for (let t = 0; t < cols; t++) reward += rewards.data[i * cols + t] as number;
      return {
        item: r.item,
        uid: r.uid,
        sequence: r.sequence,
        score: r.score,
        reward,
        advantage: adv.advantages.data[i * cols] as number,
        filtered: o.overlongFilter && isOverlong(r),
        ...(r.acc !== undefined ? { acc: r.acc } : {}),
        ...(r.extra ? { extra: r.extra } : {}),
      };
    });
    return {
      step: stepNo,
      metrics: { ...metrics, ...timing },
      samples,
      optimizerSteps: update.optimizerSteps,
      skippedOptimizerSteps: update.skippedOptimizerSteps,
      exhausted,
    };
  }

  /** Repeat-interleave n, generate, check the policy's output, score (with the overlong penalty). */
  private async rollout(
    items: readonly PromptItem<P, M>[],
    stepNo: number,
    round: number,
    timed: <T>(name: string, fn: () => Promise<T>) => Promise<T>,
  ): Promise<Row<P, M>[]> {
    const o = this.options;
    const n = o.rollout.n;
    const uids = items.map((_, k) => `s${stepNo}-g${round}-p${k}`);
    const repeated = items.flatMap((item) => Array.from({ length: n }, () => item));
    const sequences = await timed('gen', () =>
      this.policy.generate(
        repeated.map((r) => r.prompt),
        {
          maxNewTokens: o.data.maxResponseLength,
          temperature: o.rollout.temperature,
          topP: o.rollout.topP,
          topK: o.rollout.topK,
          doSample: true,
          stopTokenIds: o.rollout.stopTokenIds,
          rng: this.rng.fork('generate'),
          onProgress: (d, t) => this.onProgress?.(d, t, { phase: 'generate' }),
        },
      ),
    );
    this.checkSequences(sequences, repeated.length);
    const requests = repeated.map((item, i) => ({
      item,
      uid: uids[Math.floor(i / n)] as string,
      sequence: sequences[i] as GeneratedSequence,
    }));
    const results = await timed('reward', async () => this.reward(requests));
    if (!Array.isArray(results) || results.length !== requests.length) {
      throw new PolicyContractError(
        `the reward function returned ${results?.length} results for ${requests.length} responses`,
      );
    }
    this.onProgress?.(requests.length, requests.length, { phase: 'reward' });
    return requests.map((req, i) => {
      const res = results[i] as number | RewardResult;
      const r: RewardResult = typeof res === 'number' ? { score: res } : res;
      if (!Number.isFinite(r?.score)) {
        throw new PolicyContractError(
          `the reward function gave score ${r?.score} for response ${i} (uid ${req.uid})`,
        );
      }
      let score = r.score;
      const ob = o.overlongBuffer;
      if (ob.enable) {
        const expected = o.data.maxResponseLength - ob.len;
        const len = req.sequence.responseIds.length;
        score += Math.min((-(len - expected) / ob.len) * ob.penaltyFactor, 0);
      }
      return {
        ...req,
        score,
        ...(r.acc !== undefined ? { acc: r.acc } : {}),
        ...(r.extra ? { extra: r.extra } : {}),
      };
    });
  }

  private checkSequences(seqs: readonly GeneratedSequence[], rows: number): void {
    if (!Array.isArray(seqs) || seqs.length !== rows) {
      throw new PolicyContractError(`policy.generate returned ${seqs?.length} sequences for ${rows} prompts`);
    }
    const max = this.options.data.maxResponseLength;
    seqs.forEach((s, i) => {
      if (!(s.responseIds instanceof Int32Array) || !(s.promptIds instanceof Int32Array)) {
        throw new PolicyContractError(`sequence ${i}: promptIds and responseIds must be Int32Array`);
      }
      if (s.responseIds.length > max) {
        throw new PolicyContractError(
          `sequence ${i} has ${s.responseIds.length} tokens, more than maxNewTokens = ${max}`,
        );
      }
      if (s.logProbs.length !== s.responseIds.length) {
        throw new PolicyContractError(
          `sequence ${i}: ${s.logProbs.length} log-probs for ${s.responseIds.length} tokens`,
        );
      }
    });
  }

  /** Micro-batched no-grad log-prob pass over the whole batch. */
  private async forward(
    policy: ReferencePolicy<P>,
    batch: PolicyBatch<P>,
    micro: number,
    withEntropy: boolean,
    phase: GrpoPhase,
  ): Promise<{ logProbs: Matrix; entropy?: Matrix }> {
    const B = batch.prompts.length;
    const logProbs = zeros(B, batch.cols);
    const entropy = withEntropy ? zeros(B, batch.cols) : undefined;
    const parts = chunks([...Array(B).keys()], micro);
    let done = 0;
    for (const rows of parts) {
      const lo = rows[0] as number;
      const hi = lo + rows.length;
      const res = await policy.logProbs(
        {
          prompts: batch.prompts.slice(lo, hi),
          promptIds: batch.promptIds.slice(lo, hi),
          responseIds: batch.responseIds.slice(lo, hi),
          cols: batch.cols,
          temperature: batch.temperature,
        },
        { withEntropy },
      );
      if (res.logProbs.rows !== rows.length || res.logProbs.cols !== batch.cols) {
        throw new PolicyContractError(
          `${phase}: logProbs returned [${res.logProbs.rows}, ${res.logProbs.cols}] for a [${rows.length}, ${batch.cols}] micro-batch`,
        );
      }
      logProbs.data.set(res.logProbs.data, lo * batch.cols);
      if (entropy) {
        if (!res.entropy)
          throw new PolicyContractError(
            `${phase}: logProbs returned no entropy though withEntropy was asked`,
          );
        entropy.data.set(res.entropy.data, lo * batch.cols);
      }
      done += rows.length;
      this.onProgress?.(done, B, { phase });
    }
    return { logProbs, entropy };
  }

  /** REMAX: the reward of one greedy response per prompt, broadcast to the prompt's rows. */
  private async greedyBaselines(rows: readonly Row<P, M>[]): Promise<Float64Array> {
    const o = this.options;
    const firsts = rows.filter((r, i) => i === 0 || rows[i - 1]?.uid !== r.uid);
    const seqs = await this.policy.generate(
      firsts.map((r) => r.item.prompt),
      {
        maxNewTokens: o.data.maxResponseLength,
        temperature: o.rollout.temperature,
        topP: o.rollout.topP,
        topK: o.rollout.topK,
        doSample: false,
        stopTokenIds: o.rollout.stopTokenIds,
        rng: this.rng.fork('greedy'),
      },
    );
    this.checkSequences(seqs, firsts.length);
    const res = await this.reward(
      firsts.map((r, i) => ({ item: r.item, uid: r.uid, sequence: seqs[i] as GeneratedSequence })),
    );
    const byUid = new Map(firsts.map((r, i) => [r.uid, res[i]]));
    return Float64Array.from(rows, (r) => {
      const v = byUid.get(r.uid);
      return typeof v === 'number' ? v : (v?.score ?? Number.NaN);
    });
  }
}

function isOverlong(r: Row<unknown, unknown>): boolean {
  return r.sequence.finishReason === 'length';
}

function filterValue(
  r: Row<unknown, unknown>,
  metric: 'acc' | 'score' | 'seq_reward' | 'seq_final_reward',
): number {
  if (metric === 'acc') {
    if (r.acc === undefined)
      throw new PolicyContractError(
        "filterGroups.metric 'acc' needs RewardResult.acc from the reward function",
      );
    return r.acc;
  }
  return r.score;
}

function extraValue(r: Row<unknown, unknown>, key: string): number {
  const v = r.extra?.[key];
  if (typeof v !== 'number')
    throw new PolicyContractError(`gdpo reward key '${key}' is missing from RewardResult.extra`);
  return v;
}

/** np.std (ddof 0). */
function populationStd(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

/** A prompt source that yields the array once, then nothing. */
function once<P, M>(items: readonly PromptItem<P, M>[]): PromptSource<P, M> {
  let used = false;
  return () => {
    if (used) return [];
    used = true;
    return items;
  };
}
