import { InvalidOptionError, TrainerStateError, UnknownModeError } from '../errors.js';
import { KL_CONTROLLER_TYPES } from '../names.js';
import type { KlControllerOptions } from '../trainer/options.js';
import type { KlControllerState } from '../trainer/types.js';

/** A KL coefficient β for KL-in-reward, updated once per step [algorithm.kl_ctrl]. */
export interface KlController {
  readonly value: number;
  update(currentKl: number, nSteps: number): void;
  getState(): KlControllerState;
  setState(state: KlControllerState): void;
}

/** β fixed at kl_coef [algorithm.kl_ctrl.type = fixed]. */
export class FixedKlController implements KlController {
  value: number;
  constructor(klCoef: number) {
    this.value = checkCoef(klCoef);
  }
  update(_currentKl: number, _nSteps: number): void {}
  getState(): KlControllerState {
    return { type: 'fixed', value: this.value };
  }
  setState(state: KlControllerState): void {
    this.value = restore(state, 'fixed');
  }
}

/**
 * Adaptive β (Ziegler et al.): e = clip(KL/target − 1, −0.2, 0.2); β ← β·(1 + e·n_steps/horizon)
 * [algorithm.kl_ctrl.type = adaptive, target_kl, horizon].
 */
export class AdaptiveKlController implements KlController {
  value: number;
  readonly targetKl: number;
  readonly horizon: number;
  constructor(initKlCoef: number, targetKl: number, horizon: number) {
    this.value = checkCoef(initKlCoef);
    if (!(targetKl > 0)) throw new InvalidOptionError('klCtrl.targetKl', `must be > 0, got ${targetKl}`);
    if (!(horizon > 0)) throw new InvalidOptionError('klCtrl.horizon', `must be > 0, got ${horizon}`);
    this.targetKl = targetKl;
    this.horizon = horizon;
  }
  update(currentKl: number, nSteps: number): void {
    const e = Math.min(Math.max(currentKl / this.targetKl - 1, -0.2), 0.2);
    this.value *= 1 + (e * nSteps) / this.horizon;
  }
  getState(): KlControllerState {
    return { type: 'adaptive', value: this.value };
  }
  setState(state: KlControllerState): void {
    this.value = restore(state, 'adaptive');
  }
}

/** The controller named by the options. */
export function createKlController(options: KlControllerOptions): KlController {
  if (options.type === 'fixed') return new FixedKlController(options.klCoef);
  if (options.type === 'adaptive')
    return new AdaptiveKlController(options.klCoef, options.targetKl, options.horizon);
  throw new UnknownModeError('kl_ctrl.type', String(options.type), KL_CONTROLLER_TYPES);
}

function checkCoef(v: number): number {
  if (!Number.isFinite(v) || v < 0)
    throw new InvalidOptionError('klCtrl.klCoef', `must be finite and >= 0, got ${v}`);
  return v;
}

function restore(state: KlControllerState, type: string): number {
  if (!state || state.type !== type || !Number.isFinite(state.value)) {
    throw new TrainerStateError(
      `KL controller state ${JSON.stringify(state)} does not fit a '${type}' controller`,
    );
  }
  return state.value;
}
