import { describe, expect, it } from 'vitest';
import {
  AdaptiveKlController,
  applyKlPenalty,
  computeKlLoss,
  createKlController,
  FixedKlController,
  fromRows,
  InvalidOptionError,
  type KlPenaltyType,
  klPenalty,
  TrainerStateError,
  UnknownModeError,
} from '../src/index.js';
import { DTYPES, expectClose, type Json, mat, num, oracle } from './oracle.js';

describe('klPenalty matches the verl oracle (values and gradients)', () => {
  for (const { dtype, tol } of DTYPES) {
    it(`every type and variant, incl. outliers and exact clamp bounds (${dtype})`, () => {
      const cases: Json[] = [];
      for (const seed of oracle().seeds) {
        for (const c of seed.kl_penalty)
          for (const r of c.results) cases.push({ ...r, logprob: c.logprob, ref_logprob: c.ref_logprob });
      }
      cases.push(...oracle().extra.kl_ties);
      for (const r of cases) {
        const out = klPenalty(r.kind, mat(r.logprob, dtype), mat(r.ref_logprob, dtype), {
          variant: r.variant,
        });
        expectClose(out.kl.data, r.kl, tol, `${r.kind}@${r.variant} value`);
        expectClose(out.gradLogProb.data, r.grad_logprob_of_sum, tol, `${r.kind}@${r.variant} grad`);
      }
      expect(cases.length).toBeGreaterThan(500);
    });
  }

  it('rejects unknown and version-less types', () => {
    const a = fromRows([[0]]);
    expect(() => klPenalty('full' as KlPenaltyType, a, a)).toThrow(UnknownModeError);
    expect(() => klPenalty('k3+', a, a, { variant: 'jan2026' })).toThrow(/verl jan2026/);
    expect(() => klPenalty('k3', a, a, { variant: 'soundmind' })).toThrow(UnknownModeError);
    expect(() => klPenalty('kl', a, fromRows([[0, 1]]))).toThrow(
      /refLogProb is \[1, 2\] but logProb is \[1, 1\]/,
    );
  });
});

describe('computeKlLoss', () => {
  it('is agg(kl_penalty) with the chained gradient; masked positions are ignored', () => {
    const lp = fromRows([
      [-1, -2, Number.NaN],
      [-0.5, -3, -1],
    ]);
    const ref = fromRows([
      [-1.5, -1, 0],
      [-0.5, -2, -1],
    ]);
    const m = fromRows([
      [1, 1, 0],
      [1, 1, 1],
    ]);
    const out = computeKlLoss({ logProb: lp, refLogProb: ref, responseMask: m, klLossType: 'k2' });
    expect(out.loss).toBeCloseTo((0.5 * 0.25 + 0.5 + 0 + 0.5 + 0) / 5, 12);
    expect(Array.from(out.gradLogProb.data)).toEqual([0.5 / 5, -1 / 5, 0, 0, -1 / 5, 0]);
    expect(() =>
      computeKlLoss({
        logProb: lp,
        refLogProb: ref,
        responseMask: fromRows([
          [1, 1, 1],
          [1, 1, 1],
        ]),
      }),
    ).toThrow(/logProb\[0, 2\] is NaN/);
  });
});

describe('KL in the reward and the controllers match the verl oracle', () => {
  it('applyKlPenalty with fixed and adaptive controllers', () => {
    let n = 0;
    for (const seed of oracle().seeds) {
      for (const c of seed.kl_controller.apply_kl_penalty) {
        const ctrl = createKlController({
          type: c.kl_ctrl.type,
          klCoef: c.kl_ctrl.kl_coef,
          targetKl: c.kl_ctrl.target_kl ?? 0.1,
          horizon: c.kl_ctrl.horizon ?? 10000,
        });
        const out = applyKlPenalty({
          tokenLevelScores: mat(c.token_level_scores),
          oldLogProb: mat(c.old_log_probs),
          refLogProb: mat(c.ref_log_prob),
          responseMask: mat(c.response_mask),
          klCtrl: ctrl,
          klPenalty: c.kl_penalty,
        });
        expectClose(out.tokenLevelRewards.data, c.token_level_rewards, 1e-9, 'rewards');
        for (const [k, v] of Object.entries<Json>(c.metrics)) {
          expectClose(out.metrics[k as 'actor/reward_kl_penalty'], v, 1e-9, k);
        }
        expectClose(ctrl.value, c.kl_coef_after_update, 1e-9, 'coef after update');
        n++;
      }
      const seq = seed.kl_controller.adaptive_sequence;
      const ctrl = new AdaptiveKlController(seq.init_kl_coef, seq.target_kl, seq.horizon);
      for (const s of seq.steps) {
        ctrl.update(s.current_kl, s.n_steps);
        expectClose(ctrl.value, s.value_after, 1e-12, 'adaptive sequence');
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it('controllers save and restore their state, and validate it', () => {
    const a = new AdaptiveKlController(0.1, 6, 100);
    a.update(9, 10);
    const b = new AdaptiveKlController(0.1, 6, 100);
    b.setState(a.getState());
    expect(b.value).toBe(a.value);
    expect(() => b.setState({ type: 'fixed', value: 1 })).toThrow(TrainerStateError);
    const f = new FixedKlController(0.001);
    f.update(100, 1000);
    expect(f.value).toBe(0.001);
    expect(() => new FixedKlController(-1)).toThrow(InvalidOptionError);
    expect(() => createKlController({ type: 'pid' as 'fixed', klCoef: 0, targetKl: 1, horizon: 1 })).toThrow(
      UnknownModeError,
    );
    expect(num('inf')).toBe(Number.POSITIVE_INFINITY);
  });
});
