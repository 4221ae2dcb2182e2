import { describe, expect, it } from 'vitest';
import {
  aggLoss,
  EmptyBatchError,
  fromRows,
  InvalidOptionError,
  LOSS_AGG_MODES,
  type LossAggMode,
  type Matrix,
  Rng,
  UnknownModeError,
  zeros,
} from '../src/index.js';
import { DTYPES, expectClose, mat, num, oracle } from './oracle.js';

describe('aggLoss matches the verl oracle', () => {
  for (const { dtype, tol } of DTYPES) {
    it(`every mode x local/global normalisers x variant (${dtype})`, () => {
      let n = 0;
      for (const seed of oracle().seeds) {
        for (const c of seed.agg_loss) {
          for (const r of c.results) {
            const gi = r.global_batch_info;
            const run = () =>
              aggLoss(mat(c.loss_mat, dtype), mat(c.mask, dtype), r.mode, {
                dpSize: gi.dp_size,
                batchNumTokens: gi.batch_num_tokens,
                globalBatchSize: gi.global_batch_size,
                lossScaleFactor: gi.loss_scale_factor,
                variant: r.variant,
              });
            if (!Number.isFinite(num(r.loss))) {
              // verl's 0/0 (an empty mask with local normalisers) is a typed error here
              expect(run).toThrow(EmptyBatchError);
              continue;
            }
            const out = run();
            expectClose(out.loss, r.loss, tol, `${r.mode}@${r.variant} loss`);
            expectClose(out.grad.data, r.grad_loss_mat, tol, `${r.mode}@${r.variant} grad`);
            n++;
          }
        }
      }
      expect(n).toBeGreaterThan(500);
    });
  }
});

/** Rows [lo, hi) of a matrix. */
function slice(m: Matrix, lo: number, hi: number): Matrix {
  return { data: m.data.slice(lo * m.cols, hi * m.cols), rows: hi - lo, cols: m.cols };
}

describe('aggLoss with global normalisers: any micro-batch split gives the same summed gradient', () => {
  const rng = new Rng(11);
  for (const mode of LOSS_AGG_MODES) {
    it(mode, () => {
      for (let trial = 0; trial < 40; trial++) {
        const B = 1 + rng.int(12);
        const L = 1 + rng.int(9);
        const values = zeros(B, L);
        const mask = zeros(B, L);
        for (let i = 0; i < B; i++) {
          const len = rng.int(L + 1); // empty rows too
          for (let t = 0; t < L; t++) {
            values.data[i * L + t] = t < len ? rng.normal() : Number.NaN; // padding holds junk
            mask.data[i * L + t] = t < len ? 1 : 0;
          }
        }
        let tokens = 0;
        for (const v of mask.data) tokens += v;
        if (tokens === 0) continue;
        const opts = { batchNumTokens: tokens, globalBatchSize: B, lossScaleFactor: 64 };
        const whole = aggLoss(values, mask, mode, opts);
        // a random split into contiguous micro-batches
        const summed = new Float64Array(B * L);
        let loss = 0;
        let lo = 0;
        while (lo < B) {
          const hi = Math.min(B, lo + 1 + rng.int(4));
          const part = aggLoss(slice(values, lo, hi), slice(mask, lo, hi), mode, opts);
          summed.set(part.grad.data, lo * L);
          loss += part.loss;
          lo = hi;
        }
        expect(Math.abs(loss - whole.loss)).toBeLessThan(1e-12 * Math.max(1, Math.abs(whole.loss)));
        for (let k = 0; k < summed.length; k++) {
          expect(Math.abs((summed[k] as number) - (whole.grad.data[k] as number))).toBeLessThan(1e-15);
        }
      }
    });
  }

  it("jan2026's local token-mean does depend on the split (what the global normalisers fix)", () => {
    const values = fromRows([
      [1, 1, 1],
      [3, 0, 0],
    ]);
    const mask = fromRows([
      [1, 1, 1],
      [1, 0, 0],
    ]);
    const whole = aggLoss(values, mask, 'token-mean', { variant: 'jan2026' }).loss;
    const halves =
      (aggLoss(slice(values, 0, 1), slice(mask, 0, 1), 'token-mean', { variant: 'jan2026' }).loss +
        aggLoss(slice(values, 1, 2), slice(mask, 1, 2), 'token-mean', { variant: 'jan2026' }).loss) /
      2;
    expect(whole).toBeCloseTo(1.5, 12);
    expect(halves).toBeCloseTo(2, 12);
  });
});

describe('aggLoss errors', () => {
  const v = fromRows([[1, 2]]);
  const m = fromRows([[1, 0]]);
  it('rejects unknown modes, variant-less modes and bad normalisers', () => {
    expect(() => aggLoss(v, m, 'mean' as LossAggMode)).toThrow(UnknownModeError);
    expect(() => aggLoss(v, m, 'token-sum', { variant: 'jan2026' })).toThrow(/verl jan2026/);
    expect(() => aggLoss(v, m, 'token-mean', { dpSize: 2 })).toThrow(InvalidOptionError);
    expect(() => aggLoss(v, m, 'seq-mean-token-sum', { dpSize: 2 })).toThrow(/globalBatchSize/);
    expect(() => aggLoss(v, m, 'token-mean', { batchNumTokens: -1 })).toThrow(/batchNumTokens/);
    expect(() => aggLoss(v, m, 'seq-mean-token-sum-norm', { lossScaleFactor: 0 })).toThrow(/lossScaleFactor/);
    expect(() => aggLoss(v, fromRows([[1, 0, 0]]), 'token-mean')).toThrow(
      /values is \[1, 2\] but mask is \[1, 3\]/,
    );
    expect(() => aggLoss(v, fromRows([[1, -1]]), 'token-mean')).toThrow(/mask\[0, 1\]/);
  });
  it('empty normalisers are EmptyBatchError (verl: NaN)', () => {
    expect(() => aggLoss(v, zeros(1, 2), 'token-mean')).toThrow(EmptyBatchError);
    expect(() => aggLoss(v, zeros(1, 2), 'seq-mean-token-mean')).toThrow(EmptyBatchError);
    expect(() => aggLoss(zeros(0, 2), zeros(0, 2), 'seq-mean-token-sum', { variant: 'soundmind' })).toThrow(
      EmptyBatchError,
    );
    expect(() =>
      aggLoss(
        fromRows([
          [1, 1],
          [1, 1],
        ]),
        fromRows([
          [1, 1],
          [0, 0],
        ]),
        'seq-mean-token-mean',
        { variant: 'soundmind' },
      ),
    ).toThrow(/row 1 has no valid token/);
    expect(aggLoss(v, zeros(1, 2), 'token-mean', { variant: 'soundmind' }).loss).toBe(0);
  });
});
