import { ShapeMismatchError } from '../errors.js';
import { maskedWhiten } from '../stats/masked.js';
import { assertFiniteWhereMasked, assertShape, zerosLike } from '../tensor/matrix.js';
import type { AdvantageInput, AdvantageOutput } from './types.js';

/**
 * GAE (spec §3.11): δ = r_t + γ·V_next − V_t, A = δ + γλ·A_next backward over t; current/jan2026 skip masked
 * positions, soundmind does not. returns = raw advantages + V; advantages are whitened (not re-masked).
 */
export function gaeAdvantage(input: AdvantageInput): AdvantageOutput {
  const { tokenLevelRewards: r, responseMask: m, values: v } = input;
  if (!v) throw new ShapeMismatchError('gae needs values (the critic values, [B, L])');
  assertShape(v, r.rows, r.cols, 'values');
  assertFiniteWhereMasked(v, m, 'values');
  const gamma = input.gamma ?? 1;
  const lam = input.lam ?? 1;
  const skip = (input.variant ?? 'current') !== 'soundmind';
  const raw = zerosLike(r);
  const ret = zerosLike(r);
  const { cols } = r;
  for (let i = 0; i < r.rows; i++) {
    let last = 0;
    let nextValue = 0;
    for (let t = cols - 1; t >= 0; t--) {
      const k = i * cols + t;
      const vt = v.data[k] as number;
      if (skip) {
        const mt = m.data[k] as number;
        const delta = (r.data[k] as number) + gamma * nextValue - vt;
        const l = delta + gamma * lam * last;
        nextValue = vt * mt + (1 - mt) * nextValue;
        last = l * mt + (1 - mt) * last;
      } else {
        const nv = t < cols - 1 ? (v.data[k + 1] as number) : 0;
        last = (r.data[k] as number) + gamma * nv - vt + gamma * lam * last;
      }
      raw.data[k] = last;
      ret.data[k] = last + vt;
    }
  }
  return { advantages: maskedWhiten(raw, m), returns: ret };
}
