import { describe, expect, it } from 'vitest';
import {
  computePolicyLoss,
  EmptyBatchError,
  fromRows,
  InvalidOptionError,
  NonFiniteInputError,
  POLICY_LOSS_MODES,
  type PolicyLossInput,
  type PolicyLossMode,
  Rng,
  ShapeMismatchError,
  UnknownModeError,
  zeros,
} from '../src/index.js';
import { DTYPES, expectClose, type Json, mat, oracle } from './oracle.js';

const CAMEL: Record<string, 'pgClipfrac' | 'ppoKl' | 'pgClipfracLower'> = {
  pg_clipfrac: 'pgClipfrac',
  ppo_kl: 'ppoKl',
  pg_clipfrac_lower: 'pgClipfracLower',
};

function inputOf(c: Json, r: Json, dtype: 'float32' | 'float64'): PolicyLossInput {
  const p = r.params ?? {};
  const gi = r.global_batch_info ?? {};
  return {
    oldLogProb: mat(c.old_log_prob, dtype),
    logProb: mat(c.log_prob, dtype),
    advantages: mat(c.advantages, dtype),
    responseMask: mat(c.response_mask, dtype),
    lossAggMode: r.loss_agg_mode ?? 'token-mean',
    clipRatioLow: p.clip_ratio_low,
    clipRatioHigh: p.clip_ratio_high,
    clipRatioC: p.clip_ratio_c,
    droBeta: p.dro_beta,
    tauPos: p.tau_pos,
    tauNeg: p.tau_neg,
    clipCovRatio: p.clip_cov_ratio,
    clipCovLb: p.clip_cov_lb,
    clipCovUb: p.clip_cov_ub,
    klCovRatio: p.kl_cov_ratio,
    ppoKlCoef: p.ppo_kl_coef,
    dpSize: gi.dp_size,
    batchNumTokens: gi.batch_num_tokens,
    globalBatchSize: gi.global_batch_size,
    lossScaleFactor: gi.loss_scale_factor,
    variant: r.variant ?? 'current',
    rolloutIsWeights: c.rollout_is_weights ? mat(c.rollout_is_weights, dtype) : undefined,
  };
}

function check(c: Json, r: Json, dtype: 'float32' | 'float64', tol: number, what: string) {
  const out = computePolicyLoss(r.loss_mode ?? 'vanilla', inputOf(c, r, dtype));
  expectClose(out.loss, r.pg_loss, tol, `${what} loss`);
  expectClose(out.gradLogProb.data, r.grad_log_prob, tol, `${what} grad`);
  expect(out.gradLogProb.data instanceof (dtype === 'float32' ? Float32Array : Float64Array)).toBe(true);
  if (r.metrics) {
    expect(Object.keys(out.metrics).sort(), `${what} metric names`).toEqual(
      Object.keys(r.metrics)
        .map((k) => CAMEL[k])
        .sort(),
    );
    for (const [k, v] of Object.entries<Json>(r.metrics)) {
      expectClose(out.metrics[CAMEL[k] as 'ppoKl'] as number, v, tol, `${what} ${k}`);
    }
  }
}

describe('computePolicyLoss matches the verl oracle (loss, exact gradient, metrics)', () => {
  for (const { dtype, tol } of DTYPES) {
    it(`every loss mode x agg mode x clip setting x global info x variant, ${oracle().seeds.length} seeds (${dtype})`, () => {
      const seen = new Set<string>();
      let n = 0;
      for (const seed of oracle().seeds) {
        for (const c of seed.policy_loss) {
          for (const r of c.results) {
            check(
              c,
              r,
              dtype,
              tol,
              `seed ${seed.seed} ${c.id} ${r.loss_mode}@${r.variant} ${r.loss_agg_mode}`,
            );
            seen.add(r.loss_mode);
            n++;
          }
        }
      }
      expect([...seen].sort()).toEqual(
        [
          'cispo',
          'clip_cov',
          'dppo_kl',
          'dppo_tv',
          'dro',
          'geo_mean',
          'gpg',
          'gspo',
          'kl_cov',
          'sapo',
          'vanilla',
        ].sort(),
      );
      expect(n).toBeGreaterThan(5000);
    });

    it(`exact ties at clip and clamp boundaries follow torch autograd (${dtype})`, () => {
      for (const c of oracle().extra.policy_loss_ties) check(c, c, dtype, tol, `tie ${c.loss_mode}`);
    });

    it(`rollout IS weights multiply the per-token loss (${dtype})`, () => {
      for (const c of oracle().extra.is_weights) {
        check(c, { ...c, loss_mode: 'vanilla', loss_agg_mode: 'seq-mean-token-mean' }, dtype, tol, 'is');
      }
    });
  }
});

describe('computePolicyLoss edge cases and errors', () => {
  const mask = fromRows([
    [1, 1, 0],
    [1, 0, 0],
  ]);
  const base = (): PolicyLossInput => ({
    oldLogProb: fromRows([
      [-1, -2, 0],
      [-0.5, 0, 0],
    ]),
    logProb: fromRows([
      [-0.9, -2.5, 0],
      [-0.4, 0, 0],
    ]),
    advantages: fromRows([
      [1, 1, 0],
      [-1, 0, 0],
    ]),
    responseMask: mask,
  });

  it('ignores anything at masked positions (NaN, inf) and gives them zero gradient', () => {
    const clean = computePolicyLoss('vanilla', base());
    const dirty = base();
    for (const m of [dirty.oldLogProb, dirty.logProb, dirty.advantages]) {
      m.data[2] = Number.NaN;
      m.data[4] = Number.POSITIVE_INFINITY;
    }
    for (const mode of ['vanilla', 'gspo', 'geo_mean', 'kl_cov', 'clip_cov'] as const) {
      const out = computePolicyLoss(mode, { ...dirty, clipCovRatio: 1 });
      const ref = computePolicyLoss(mode, { ...base(), clipCovRatio: 1 });
      expect(out.loss, mode).toBe(ref.loss);
      expect(Array.from(out.gradLogProb.data), mode).toEqual(Array.from(ref.gradLogProb.data));
      expect(out.gradLogProb.data[2]).toBe(0);
    }
    expect(clean.loss).toBeTypeOf('number');
  });

  it('kept positions anywhere in a row (holes, left padding) count exactly as when packed to the left', () => {
    // Kernels stop at each row's last kept position; spreading the same tokens out must change nothing.
    const rng = new Rng('layout');
    const rows = 4;
    const cols = 12;
    const packed = {
      old: zeros(rows, cols),
      lp: zeros(rows, cols),
      adv: zeros(rows, cols),
      mask: zeros(rows, cols),
    };
    const spread = {
      old: zeros(rows, cols),
      lp: zeros(rows, cols),
      adv: zeros(rows, cols),
      mask: zeros(rows, cols),
    };
    const where: number[][] = [];
    for (let i = 0; i < rows; i++) {
      const slots = rng.shuffle(Array.from({ length: cols }, (_, t) => t)).slice(0, 1 + rng.int(cols - 1));
      slots.sort((x, y) => x - y);
      where.push(slots);
      const a = rng.normal(0, 1);
      slots.forEach((t, n) => {
        const o = -rng.next() * 3;
        const l = o + rng.normal(0, 0.4);
        for (const [m, k] of [
          [packed, i * cols + n],
          [spread, i * cols + t],
        ] as const) {
          m.old.data[k] = o;
          m.lp.data[k] = l;
          m.adv.data[k] = a;
          m.mask.data[k] = 1;
        }
      });
    }
    const input = (m: typeof packed): PolicyLossInput => ({
      oldLogProb: m.old,
      logProb: m.lp,
      advantages: m.adv,
      responseMask: m.mask,
      clipCovRatio: 0.3,
    });
    for (const mode of POLICY_LOSS_MODES) {
      for (const lossAggMode of ['token-mean', 'seq-mean-token-mean'] as const) {
        const a = computePolicyLoss(mode, { ...input(packed), lossAggMode, rng: new Rng(1) });
        const b = computePolicyLoss(mode, { ...input(spread), lossAggMode, rng: new Rng(1) });
        expect(b.loss, mode).toBe(a.loss);
        expect(b.metrics, mode).toEqual(a.metrics);
        where.forEach((slots, i) => {
          slots.forEach((t, n) => {
            expect(b.gradLogProb.data[i * cols + t], `${mode} [${i}, ${t}]`).toBe(
              a.gradLogProb.data[i * cols + n],
            );
          });
        });
      }
    }
  });

  it('non-finite values at kept positions are a typed error naming the tensor and position', () => {
    const bad = base();
    bad.advantages.data[1] = Number.NaN;
    expect(() => computePolicyLoss('vanilla', bad)).toThrow(NonFiniteInputError);
    expect(() => computePolicyLoss('vanilla', bad)).toThrow(/advantages\[0, 1\] is NaN/);
    // the trainer lets them through so that the policy's step sees a non-finite norm and skips, as torch does
    const out = computePolicyLoss('vanilla', { ...bad, nonFinite: 'propagate' });
    expect(Number.isNaN(out.loss)).toBe(true);
  });

  it('rejects shape mismatches, unknown modes and bad clip settings', () => {
    expect(() => computePolicyLoss('vanilla', { ...base(), logProb: zeros(2, 4) })).toThrow(
      ShapeMismatchError,
    );
    expect(() => computePolicyLoss('ppo2' as PolicyLossMode, base())).toThrow(UnknownModeError);
    expect(() => computePolicyLoss('gspo', { ...base(), variant: 'soundmind' })).toThrow(/verl soundmind/);
    expect(() => computePolicyLoss('dro', { ...base(), variant: 'jan2026' })).toThrow(UnknownModeError);
    expect(() => computePolicyLoss('vanilla', { ...base(), clipRatioC: 1 })).toThrow(InvalidOptionError);
    expect(() => computePolicyLoss('vanilla', { ...base(), clipRatioLow: -0.1 })).toThrow(/clipRatioLow/);
    expect(() => computePolicyLoss('dro', { ...base(), droBeta: 0 })).toThrow(/droBeta/);
    const negative = fromRows([
      [1, -1, 0],
      [1, 0, 0],
    ]);
    expect(() => computePolicyLoss('vanilla', { ...base(), responseMask: negative })).toThrow(
      /responseMask\[0, 1\] is -1/,
    );
    expect(() => computePolicyLoss('vanilla', { ...base(), lossAggMode: 'sum' as 'token-mean' })).toThrow(
      UnknownModeError,
    );
  });

  it('an empty batch or an all-zero mask is an EmptyBatchError, not NaN', () => {
    const empty = {
      oldLogProb: zeros(0, 3),
      logProb: zeros(0, 3),
      advantages: zeros(0, 3),
      responseMask: zeros(0, 3),
    };
    expect(() => computePolicyLoss('vanilla', empty)).toThrow(EmptyBatchError);
    expect(() => computePolicyLoss('geo_mean', empty)).toThrow(EmptyBatchError);
    const masked = { ...base(), responseMask: zeros(2, 3) };
    expect(() => computePolicyLoss('vanilla', masked)).toThrow(/no valid token/);
    expect(() => computePolicyLoss('kl_cov', masked)).toThrow(EmptyBatchError);
    // with a global token count the local micro-batch may be all padding: a zero contribution
    const out = computePolicyLoss('vanilla', { ...masked, batchNumTokens: 10 });
    expect(out.loss).toBe(0);
  });

  it('clip_cov picks its random subset with the given Rng, deterministically', () => {
    const input = { ...base(), clipCovRatio: 0, clipCovLb: -10, clipCovUb: 10 };
    expect(() => computePolicyLoss('clip_cov', input)).toThrow(/pass an Rng/);
    const a = computePolicyLoss('clip_cov', { ...input, rng: new Rng(3) });
    const b = computePolicyLoss('clip_cov', { ...input, rng: new Rng(3) });
    expect(Array.from(a.gradLogProb.data)).toEqual(Array.from(b.gradLogProb.data));
    expect(a.metrics.pgClipfrac).toBeCloseTo(1 / 3, 6);
  });

  it('the gradient matches central finite differences away from kinks', () => {
    const rng = new Rng(7);
    const B = 3;
    const L = 4;
    const rand = (s: number) =>
      fromRows(Array.from({ length: B }, () => Array.from({ length: L }, () => rng.normal(0, s))));
    const old = rand(1);
    const adv = rand(1);
    const delta = rand(0.1);
    const lp = { ...old, data: old.data.map((v, k) => v + (delta.data[k] as number)) };
    const m = fromRows([
      [1, 1, 1, 1],
      [1, 1, 0, 0],
      [1, 0, 0, 0],
    ]);
    // gspo and cispo define their gradients through stop-gradients, so those are not derivatives of the value.
    for (const mode of ['vanilla', 'sapo', 'gpg', 'geo_mean', 'dro'] as const) {
      for (const agg of ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const) {
        const f = (x: typeof lp) =>
          computePolicyLoss(mode, {
            oldLogProb: old,
            logProb: x,
            advantages: adv,
            responseMask: m,
            lossAggMode: agg,
            clipRatio: 0.5,
          });
        const g = f(lp).gradLogProb.data;
        for (let k = 0; k < lp.data.length; k++) {
          const h = 1e-6;
          const up = { ...lp, data: lp.data.slice() };
          const dn = { ...lp, data: lp.data.slice() };
          up.data[k] = (up.data[k] as number) + h;
          dn.data[k] = (dn.data[k] as number) - h;
          const fd = (f(up).loss - f(dn).loss) / (2 * h);
          expect(Math.abs(fd - (g[k] as number)), `${mode} ${agg} [${k}]`).toBeLessThan(1e-6);
        }
      }
    }
  });
});
