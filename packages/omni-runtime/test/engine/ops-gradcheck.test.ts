import { Rng } from '@soundmind/rl-core';
import { describe, expect, it } from 'vitest';
import type { UnaryOp } from '../../src/kernels/kernels.js';
import { add, affine, div, mul, sub } from '../../src/ops/arithmetic.js';
import { attention } from '../../src/ops/attention.js';
import { avgPool1d, conv1d } from '../../src/ops/conv.js';
import { embedding } from '../../src/ops/embedding.js';
import { linear, matmul } from '../../src/ops/matmul.js';
import { layerNorm, rmsNorm } from '../../src/ops/norm.js';
import { max, mean, sum } from '../../src/ops/reduce.js';
import { RopeTable, rope } from '../../src/ops/rope.js';
import { cast, concat, permute, reshape, slice, split, transpose } from '../../src/ops/shape.js';
import { entropy, gatherLogProbs, logSoftmax, softmax } from '../../src/ops/softmax.js';
import { swiglu } from '../../src/ops/swiglu.js';
import { unary } from '../../src/ops/unary.js';
import { gradcheck, leaf } from './gradcheck.js';

const rng = new Rng(1234);
const pass = (r: { worst: number; where: string }) => expect(r.worst, r.where).toBeLessThanOrEqual(1);

describe('gradients match finite differences (float64)', () => {
  it('broadcasting arithmetic', () => {
    for (const [sa, sb] of [
      [
        [3, 4],
        [3, 4],
      ],
      [[2, 3, 4], [4]],
      [
        [2, 1, 4],
        [3, 1],
      ],
      [[5], [1]],
    ] as [number[], number[]][]) {
      const a = leaf(sa, rng);
      const b = leaf(sb, rng);
      pass(gradcheck(([x, y]) => add(x!, y!), [a, b]));
      pass(gradcheck(([x, y]) => sub(x!, y!), [a, b]));
      pass(gradcheck(([x, y]) => mul(x!, y!), [a, b]));
      const c = leaf(sb, rng);
      c.cpuData().forEach((v, i, d) => {
        d[i] = 1.5 + Math.abs(v);
      });
      pass(gradcheck(([x, y]) => div(x!, y!), [a, c]));
    }
    const x = leaf([3, 2], rng);
    pass(gradcheck(([t]) => affine(t!, -2.5, 1), [x]));
    pass(gradcheck(([t]) => add(t!, 3), [x]));
  });

  it('unary functions', () => {
    const ops: UnaryOp[] = ['neg', 'exp', 'tanh', 'sigmoid', 'silu', 'gelu_erf', 'gelu_tanh', 'square'];
    for (const op of ops) pass(gradcheck(([t]) => unary(op, t!), [leaf([4, 5], rng, 2)]));
    const pos = leaf([7], rng);
    pos.cpuData().forEach((v, i, d) => {
      d[i] = 0.5 + Math.abs(v);
    });
    for (const op of ['log', 'sqrt', 'rsqrt', 'abs', 'relu'] as UnaryOp[])
      pass(gradcheck(([t]) => unary(op, t!), [pos]));
  });

  it('reductions', () => {
    const x = leaf([3, 4, 5], rng);
    pass(gradcheck(([t]) => sum(t!), [x]));
    pass(gradcheck(([t]) => sum(t!, 1), [x]));
    pass(gradcheck(([t]) => mean(t!, -1, { keepDims: true }), [x]));
    pass(gradcheck(([t]) => mean(t!, 0), [x]));
    pass(gradcheck(([t]) => max(t!, 1), [x]));
  });

  it('matmul with transposes, batches and a shared right operand; linear', () => {
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const a = leaf(transA ? [2, 4, 3] : [2, 3, 4], rng);
        const b = leaf(transB ? [2, 5, 4] : [2, 4, 5], rng);
        pass(gradcheck(([x, y]) => matmul(x!, y!, { transA, transB }), [a, b]));
        const b2 = leaf(transB ? [5, 4] : [4, 5], rng);
        pass(gradcheck(([x, y]) => matmul(x!, y!, { transA, transB }), [a, b2]));
      }
    const x = leaf([2, 3, 4], rng);
    const w = leaf([5, 4], rng);
    const bias = leaf([5], rng);
    pass(gradcheck(([a, b, c]) => linear(a!, b!, c!), [x, w, bias]));
    pass(gradcheck(([a, b]) => linear(a!, b!), [x, w]));
  });

  it('softmax, log-softmax, fused gather of target log-probs, entropy', () => {
    const x = leaf([3, 2, 7], rng, 2);
    pass(gradcheck(([t]) => softmax(t!), [x]));
    pass(gradcheck(([t]) => logSoftmax(t!), [x]));
    const targets = Int32Array.from([0, 6, 3, 2, 5, 1]);
    pass(gradcheck(([t]) => gatherLogProbs(t!, targets), [x]));
    pass(gradcheck(([t]) => gatherLogProbs(t!, targets, { temperature: 0.7 }), [x]));
    pass(gradcheck(([t]) => entropy(t!), [x]));
    pass(gradcheck(([t]) => entropy(t!, { temperature: 1.3 }), [x]));
  });

  it('embedding (repeated ids scatter-add)', () => {
    const w = leaf([6, 3], rng);
    pass(gradcheck(([t]) => embedding(t!, [1, 4, 1, 0, 5, 1], [2, 3]), [w]));
  });

  it('RMSNorm and LayerNorm', () => {
    const x = leaf([2, 3, 8], rng);
    const w = leaf([8], rng);
    const b = leaf([8], rng);
    pass(gradcheck(([t, g]) => rmsNorm(t!, g!, 1e-6), [x, w]));
    pass(gradcheck(([t, g, c]) => layerNorm(t!, g!, c!, 1e-5), [x, w, b]));
    pass(gradcheck(([t]) => layerNorm(t!, null, null), [x]));
  });

  it('SwiGLU', () => {
    pass(gradcheck(([g, u]) => swiglu(g!, u!), [leaf([3, 6], rng, 2), leaf([3, 6], rng)]));
  });

  it('rotary embedding', () => {
    const table = new RopeTable({ headDim: 8, theta: 1e6, maxPositions: 4, dtype: 'float64' });
    const x = leaf([2, 3, 2, 8], rng);
    pass(gradcheck(([t]) => rope(t!, [0, 1, 2, 5, 6, 7], table), [x]));
    pass(gradcheck(([t]) => rope(t!, [3, 4, 5], table), [x]));
  });

  it('attention: causal GQA, block-diagonal, left padding, non-causal', () => {
    const q = leaf([2, 5, 4, 3], rng);
    const k = leaf([2, 5, 2, 3], rng);
    const v = leaf([2, 5, 2, 3], rng);
    pass(gradcheck(([a, b, c]) => attention(a!, b!, c!, { causal: true }), [q, k, v]));
    pass(gradcheck(([a, b, c]) => attention(a!, b!, c!, { causal: false }), [q, k, v]));
    pass(gradcheck(([a, b, c]) => attention(a!, b!, c!, { causal: false, blockLengths: [2, 3] }), [q, k, v]));
    pass(
      gradcheck(
        ([a, b, c]) => attention(a!, b!, c!, { causal: true, keyStart: [2, 0], scale: 0.3 }),
        [q, k, v],
      ),
    );
  });

  it('conv1d (stride 1 and 2, padding 1) and average pooling', () => {
    const x = leaf([2, 3, 7], rng);
    const w = leaf([4, 3, 3], rng);
    const b = leaf([4], rng);
    pass(gradcheck(([a, c, d]) => conv1d(a!, c!, d!, { stride: 1, padding: 1 }), [x, w, b]));
    pass(gradcheck(([a, c, d]) => conv1d(a!, c!, d!, { stride: 2, padding: 1 }), [x, w, b]));
    pass(gradcheck(([a]) => avgPool1d(a!, 2, 2), [x]));
  });

  it('shape ops', () => {
    const x = leaf([2, 3, 4], rng);
    const y = leaf([2, 2, 4], rng);
    pass(gradcheck(([t]) => mul(reshape(t!, [6, -1]), 2), [x]));
    pass(gradcheck(([t]) => permute(t!, [2, 0, 1]), [x]));
    pass(gradcheck(([t]) => transpose(t!, 0, 1), [x]));
    pass(gradcheck(([a, b]) => concat([a!, b!], 1), [x, y]));
    pass(gradcheck(([t]) => slice(t!, 2, 1, 3), [x]));
    pass(gradcheck(([t]) => split(t!, [1, 2], 1)[1]!, [x]));
    pass(
      gradcheck(([t]) => cast(cast(t!, 'float32'), 'float64'), [x], { atol: 1e-3, rtol: 1e-3, eps: 1e-3 }),
    );
  });
});
