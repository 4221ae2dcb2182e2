import { UnknownModeError } from '../errors.js';
import { KL_PENALTY_TYPES, type KlPenaltyType, type VerlVariant } from '../names.js';
import { assertShape, type Matrix, zerosLike } from '../tensor/matrix.js';

/** Per-token KL estimates and their derivatives d kl[i, t] / d logProb[i, t]. */
export interface KlPenaltyResult {
  readonly kl: Matrix;
  readonly gradLogProb: Matrix;
}

type Base = 'k1' | 'abs' | 'k2' | 'k3';
const BASE: Record<string, Base> = {
  kl: 'k1',
  k1: 'k1',
  abs: 'abs',
  mse: 'k2',
  k2: 'k2',
  low_var_kl: 'k3',
  k3: 'k3',
};

/**
 * verl's kl_penalty (spec §6.1), elementwise: k1 = logp − ref; abs = |logp − ref|; k2 = ½(logp − ref)²;
 * k3 = clamp(e^x − x − 1, −10, 10) with x = clamp(ref − logp, −20, 20) (soundmind: no x clamp).
 * A '+' suffix keeps the value and uses k2's gradient (logp − ref), straight-through (current verl only).
 * Gradients follow torch: clamps pass inclusive of their bounds, |x| has gradient 0 at 0.
 */
export function klPenalty(
  type: KlPenaltyType,
  logProb: Matrix,
  refLogProb: Matrix,
  options: { readonly variant?: VerlVariant } = {},
): KlPenaltyResult {
  const variant = options.variant ?? 'current';
  const plus = typeof type === 'string' && type.endsWith('+');
  const name = plus ? type.slice(0, -1) : type;
  const base = Object.hasOwn(BASE, name) ? BASE[name] : undefined;
  const soundmindNames = ['kl', 'abs', 'mse', 'low_var_kl'];
  if (
    !base ||
    (plus && variant !== 'current') ||
    (variant === 'soundmind' && !soundmindNames.includes(name))
  ) {
    const known =
      variant === 'current'
        ? KL_PENALTY_TYPES
        : variant === 'jan2026'
          ? KL_PENALTY_TYPES.filter((k) => !k.endsWith('+'))
          : soundmindNames;
    throw new UnknownModeError(`KL penalty type (verl ${variant})`, String(type), known);
  }
  assertShape(refLogProb, logProb.rows, logProb.cols, 'refLogProb', 'logProb');
  const kl = zerosLike(logProb);
  const grad = zerosLike(logProb);
  const lp = logProb.data;
  const rf = refLogProb.data;
  const clampX = variant !== 'soundmind';
  for (let k = 0; k < lp.length; k++) {
    const d = (lp[k] as number) - (rf[k] as number);
    let v: number;
    let g: number;
    if (base === 'k1') {
      v = d;
      g = 1;
    } else if (base === 'abs') {
      v = Math.abs(d);
      g = d > 0 ? 1 : d < 0 ? -1 : 0;
    } else if (base === 'k2') {
      v = 0.5 * d * d;
      g = d;
    } else {
      const x0 = -d;
      const x = clampX ? Math.min(Math.max(x0, -20), 20) : x0;
      const ex = Math.exp(x);
      const k3 = ex - x - 1;
      v = Math.min(Math.max(k3, -10), 10);
      const pass = (!clampX || (x0 >= -20 && x0 <= 20)) && k3 >= -10 && k3 <= 10;
      g = pass ? 1 - ex : 0;
    }
    kl.data[k] = v;
    grad.data[k] = plus ? d : g;
  }
  return { kl, gradLogProb: grad };
}
