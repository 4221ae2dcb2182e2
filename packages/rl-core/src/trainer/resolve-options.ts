import { InvalidOptionError, UnknownModeError } from '../errors.js';
import {
  ADVANTAGE_ESTIMATORS,
  KL_CONTROLLER_TYPES,
  KL_PENALTY_TYPES,
  LOSS_AGG_MODES,
  POLICY_LOSS_MODES,
} from '../names.js';
import { DEFAULT_GRPO_OPTIONS, type GrpoTrainerConfig, type GrpoTrainerOptions } from './options.js';

/**
 * Fills a partial config with {@link DEFAULT_GRPO_OPTIONS} and validates it: unknown keys, wrong types,
 * out-of-range values and inconsistent batch sizes are an {@link InvalidOptionError} naming the option.
 */
export function resolveGrpoOptions(config: GrpoTrainerConfig = {}): GrpoTrainerOptions {
  const o = merge(DEFAULT_GRPO_OPTIONS, config, '') as GrpoTrainerOptions;
  const int = (v: number, name: string, min = 1) => {
    if (!Number.isInteger(v) || v < min)
      throw new InvalidOptionError(name, `must be an integer >= ${min}, got ${v}`);
  };
  const pos = (v: number, name: string, allowZero = false) => {
    if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
      throw new InvalidOptionError(name, `must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${v}`);
    }
  };
  int(o.data.trainBatchSize, 'data.trainBatchSize');
  int(o.data.genBatchSize ?? o.data.trainBatchSize, 'data.genBatchSize');
  int(o.data.maxResponseLength, 'data.maxResponseLength');
  int(o.data.maxPromptLength, 'data.maxPromptLength');
  int(o.rollout.n, 'rollout.n');
  pos(o.rollout.temperature, 'rollout.temperature');
  if (!(o.rollout.topP > 0 && o.rollout.topP <= 1))
    throw new InvalidOptionError('rollout.topP', `must be in (0, 1], got ${o.rollout.topP}`);
  if (!Number.isInteger(o.rollout.topK) || (o.rollout.topK < 1 && o.rollout.topK !== -1)) {
    throw new InvalidOptionError(
      'rollout.topK',
      `must be -1 (off) or an integer >= 1, got ${o.rollout.topK}`,
    );
  }
  const a = o.actor;
  int(a.ppoMiniBatchSize, 'actor.ppoMiniBatchSize');
  int(a.ppoMicroBatchSize, 'actor.ppoMicroBatchSize');
  int(a.ppoEpochs, 'actor.ppoEpochs');
  if (o.data.trainBatchSize % a.ppoMiniBatchSize !== 0) {
    throw new InvalidOptionError(
      'actor.ppoMiniBatchSize',
      `data.trainBatchSize (${o.data.trainBatchSize}) must be a multiple of it (${a.ppoMiniBatchSize}); both count prompts`,
    );
  }
  pos(a.clipRatio, 'actor.clipRatio', true);
  if (a.clipRatioLow !== undefined) pos(a.clipRatioLow, 'actor.clipRatioLow', true);
  if (a.clipRatioHigh !== undefined) pos(a.clipRatioHigh, 'actor.clipRatioHigh', true);
  if (!(a.clipRatioC > 1))
    throw new InvalidOptionError('actor.clipRatioC', `must be > 1, got ${a.clipRatioC}`);
  if (a.lossScaleFactor !== undefined) pos(a.lossScaleFactor, 'actor.lossScaleFactor');
  pos(a.entropyCoeff, 'actor.entropyCoeff', true);
  pos(a.klLossCoef, 'actor.klLossCoef', true);
  pos(a.gradClip, 'actor.gradClip');
  oneOf(a.lossAggMode, LOSS_AGG_MODES, 'actor.lossAggMode');
  oneOf(a.policyLoss.lossMode, POLICY_LOSS_MODES, 'actor.policyLoss.lossMode');
  oneOf(a.klLossType, KL_PENALTY_TYPES, 'actor.klLossType');
  const g = o.algorithm;
  oneOf(g.advEstimator, ADVANTAGE_ESTIMATORS, 'algorithm.advEstimator');
  if (g.advEstimator === 'gae') {
    throw new InvalidOptionError(
      'algorithm.advEstimator',
      "'gae' needs a critic, which GrpoTrainer does not train",
    );
  }
  if (g.advEstimator === 'grpo_passk' && o.rollout.n < 2) {
    throw new InvalidOptionError('rollout.n', 'grpo_passk needs at least 2 responses per prompt');
  }
  if (g.advEstimator === 'gdpo' && g.gdpoRewardKeys.length === 0) {
    throw new InvalidOptionError('algorithm.gdpoRewardKeys', 'gdpo needs the reward components to normalise');
  }
  if (g.gdpoRewardWeights && g.gdpoRewardWeights.length !== g.gdpoRewardKeys.length) {
    throw new InvalidOptionError('algorithm.gdpoRewardWeights', 'needs one weight per gdpoRewardKeys entry');
  }
  pos(g.gamma, 'algorithm.gamma', true);
  pos(g.lam, 'algorithm.lam', true);
  oneOf(g.klPenalty, KL_PENALTY_TYPES, 'algorithm.klPenalty');
  oneOf(g.klCtrl.type, KL_CONTROLLER_TYPES, 'algorithm.klCtrl.type');
  pos(g.klCtrl.klCoef, 'algorithm.klCtrl.klCoef', true);
  oneOf(
    g.filterGroups.metric,
    ['acc', 'score', 'seq_reward', 'seq_final_reward'],
    'algorithm.filterGroups.metric',
  );
  int(g.filterGroups.maxNumGenBatches, 'algorithm.filterGroups.maxNumGenBatches', 0);
  if (g.filterGroups.enable && g.filterGroups.metric === 'seq_final_reward' && g.useKlInReward) {
    throw new InvalidOptionError(
      'algorithm.filterGroups.metric',
      "'seq_final_reward' with useKlInReward would need reference log-probs before filtering; use 'seq_reward'",
    );
  }
  if (o.overlongBuffer.enable) {
    int(o.overlongBuffer.len, 'overlongBuffer.len');
    if (o.overlongBuffer.len > o.data.maxResponseLength) {
      throw new InvalidOptionError('overlongBuffer.len', 'must not exceed data.maxResponseLength');
    }
    pos(o.overlongBuffer.penaltyFactor, 'overlongBuffer.penaltyFactor', true);
  }
  oneOf(o.variant, ['current', 'jan2026', 'soundmind'], 'variant');
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) {
    throw new InvalidOptionError('seed', `must be an unsigned 32-bit integer, got ${o.seed}`);
  }
  return o;
}

function oneOf(v: string, known: readonly string[], name: string): void {
  if (!known.includes(v)) throw new UnknownModeError(name, String(v), known);
}

function merge(base: unknown, over: unknown, path: string): unknown {
  if (over === undefined) return base;
  const isObj = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObj(base)) {
    if (
      base !== undefined &&
      over !== undefined &&
      typeof base !== typeof over &&
      !(Array.isArray(base) && Array.isArray(over))
    ) {
      throw new InvalidOptionError(path, `expected a ${typeof base}, got ${JSON.stringify(over)}`);
    }
    return over;
  }
  if (!isObj(over))
    throw new InvalidOptionError(path || 'options', `expected an object, got ${JSON.stringify(over)}`);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const p = path ? `${path}.${k}` : k;
    if (!Object.hasOwn(base, k)) {
      throw new InvalidOptionError(p, `unknown option; known here: ${Object.keys(base).join(', ')}`);
    }
    out[k] = merge(base[k], v, p);
  }
  return out;
}
