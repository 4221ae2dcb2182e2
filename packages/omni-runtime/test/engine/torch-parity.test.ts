import { readFileSync } from 'node:fs';
import { Rng } from '@soundmind/rl-core';
import { afterEach, describe, expect, it } from 'vitest';
import { TinyDecoder, type TinyDecoderConfig } from '../../bench/tiny-decoder.js';
import { backward } from '../../src/autograd/backward.js';
import { setKernelPreference } from '../../src/kernels/registry.js';
import { add, mul, neg } from '../../src/ops/arithmetic.js';
import { attention } from '../../src/ops/attention.js';
import { avgPool1d, conv1d } from '../../src/ops/conv.js';
import { linear } from '../../src/ops/matmul.js';
import { layerNorm } from '../../src/ops/norm.js';
import { mean, sum } from '../../src/ops/reduce.js';
import { RopeTable } from '../../src/ops/rope.js';
import { reshape, transpose } from '../../src/ops/shape.js';
import { gatherLogProbs } from '../../src/ops/softmax.js';
import { gelu } from '../../src/ops/unary.js';
import { AdamW } from '../../src/optim/adamw.js';
import { SGD } from '../../src/optim/sgd.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';

// Fixtures from scripts/make_engine_fixtures.py (PyTorch 1.13, float64 inside, stored as float32).
const dir = new URL('../fixtures/engine/', import.meta.url);
const index = JSON.parse(readFileSync(new URL('parity.json', dir), 'utf8')) as {
  meta: {
    decoder: TinyDecoderConfig & { loss: number; batch: number; seq: number };
    encoder: { blocks: number[]; heads: number; eps: number };
  };
  tensors: Record<string, { shape: number[]; offset: number; length: number }>;
};
const blob = readFileSync(new URL('parity.f32', dir));
const all = new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);

function fixture(name: string): { data: Float32Array; shape: number[] } {
  const e = index.tensors[name];
  if (!e) throw new Error(`fixture tensor ${name} missing`);
  return { data: all.subarray(e.offset, e.offset + e.length), shape: e.shape };
}
function load(name: string, dtype: 'float32' | 'float64', requiresGrad = false): Tensor {
  const f = fixture(name);
  return tensor(Float64Array.from(f.data), f.shape, { dtype, requiresGrad, name });
}
/** max |a - b| / max |b| (relative error in the infinity norm). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs((a[i] as number) - (b[i] as number)));
    den = Math.max(den, Math.abs(b[i] as number));
  }
  return num / (den || 1);
}

afterEach(() => setKernelPreference('auto'));

const modes = [
  ['float32, native kernels', 'float32', 1e-4],
  ['float64, reference kernels', 'float64', 1e-6],
] as const;

describe('parity with PyTorch 1.13', () => {
  for (const [label, dtype, tol] of modes) {
    it(`Qwen2-style decoder: logits, loss and every parameter gradient (${label})`, () => {
      const c = index.meta.decoder;
      const model = new TinyDecoder(c, new Rng(0), dtype);
      const names = model.namedParameters().map(([n]) => n);
      model.loadStateDict(new Map(names.map((n) => [n, fixture(`decoder.param.${n}`).data])));
      const ids = Int32Array.from(fixture('decoder.ids').data);
      const targets = Int32Array.from(fixture('decoder.targets').data);
      const logits = model.forward(ids, c.batch, c.seq);
      expect(relErr(logits.cpuData(), fixture('decoder.logits').data)).toBeLessThan(tol);
      const loss = neg(mean(gatherLogProbs(logits, targets)));
      expect(Math.abs(loss.item() - c.loss) / c.loss).toBeLessThan(tol);
      backward(loss);
      for (const [n, p] of model.namedParameters())
        expect(relErr(p.grad!.cpuData(), fixture(`decoder.grad.${n}`).data), n).toBeLessThan(tol);
    });

    it(`Whisper-style audio block: conv1d s1/s2, erf GELU, LayerNorm, block-diagonal attention, avg pool (${label})`, () => {
      const e = index.meta.encoder;
      const P = new Map(
        Object.keys(index.tensors)
          .filter((n) => n.startsWith('encoder.param.'))
          .map((n) => [n.slice('encoder.param.'.length), load(n, dtype, true)]),
      );
      const p = (n: string) => P.get(n)!;
      const feats = load('encoder.input', dtype, true);
      let x = gelu(conv1d(feats, p('conv1.weight'), p('conv1.bias'), { stride: 1, padding: 1 }));
      x = gelu(conv1d(x, p('conv2.weight'), p('conv2.bias'), { stride: 2, padding: 1 }));
      x = transpose(x, 1, 2); // [1, L, dim]
      const [, L, dim] = x.shape as [number, number, number];
      const hd = dim / e.heads;
      const y = layerNorm(x, p('self_attn_layer_norm.weight'), p('self_attn_layer_norm.bias'), e.eps);
      const q = reshape(linear(y, p('self_attn.q_proj.weight'), p('self_attn.q_proj.bias')), [
        1,
        L,
        e.heads,
        hd,
      ]);
      const k = reshape(linear(y, p('self_attn.k_proj.weight')), [1, L, e.heads, hd]);
      const v = reshape(linear(y, p('self_attn.v_proj.weight'), p('self_attn.v_proj.bias')), [
        1,
        L,
        e.heads,
        hd,
      ]);
      const a = reshape(attention(q, k, v, { causal: false, blockLengths: e.blocks }), [1, L, dim]);
      x = add(x, linear(a, p('self_attn.out_proj.weight'), p('self_attn.out_proj.bias')));
      const y2 = layerNorm(x, p('final_layer_norm.weight'), p('final_layer_norm.bias'), e.eps);
      x = add(x, linear(gelu(linear(y2, p('fc1.weight'), p('fc1.bias'))), p('fc2.weight'), p('fc2.bias')));
      x = transpose(avgPool1d(transpose(x, 1, 2), 2, 2), 1, 2);
      const out = layerNorm(x, p('ln_post.weight'), p('ln_post.bias'), e.eps);
      expect(relErr(out.cpuData(), fixture('encoder.output').data)).toBeLessThan(tol);
      backward(sum(mul(out, load('encoder.probe', dtype))));
      for (const [n, t] of P)
        expect(relErr(t.grad!.cpuData(), fixture(`encoder.grad.${n}`).data), n).toBeLessThan(tol);
      expect(relErr(feats.grad!.cpuData(), fixture('encoder.inputGrad').data)).toBeLessThan(tol);
    });
  }

  it('AdamW and SGD with momentum match torch.optim over three steps (the last one clipped)', () => {
    for (const kind of ['adamw', 'sgd'] as const) {
      const w = load(`${kind}.init`, 'float32', true);
      const opt =
        kind === 'adamw'
          ? new AdamW([w], { lr: 0.01, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.1 })
          : new SGD([w], { lr: 0.05, momentum: 0.9, weightDecay: 0.01 });
      for (let s = 0; s < 3; s++) {
        w.grad?.dispose();
        w.grad = load(`${kind}.grad${s}`, 'float32');
        const r = opt.step(s === 2 ? { maxGradNorm: 0.5 } : {});
        expect(r.skipped).toBe(false);
        expect(relErr(w.cpuData(), fixture(`${kind}.after${s}`).data), `${kind} step ${s}`).toBeLessThan(
          1e-5,
        );
      }
    }
  });

  it("rotary tables match transformers' float32 computation at long positions", () => {
    const table = new RopeTable({ headDim: 128, theta: 1e6, maxPositions: 4000 });
    const half = 64;
    const positions = fixture('rope.positions').data;
    for (const which of ['cos', 'sin'] as const) {
      const want = fixture(`rope.${which}`).data;
      const got = table[which].cpuData();
      positions.forEach((p, r) => {
        for (let i = 0; i < half; i++)
          expect(Math.abs(got[p * half + i]! - want[r * half + i]!), `${which} pos ${p} i ${i}`).toBeLessThan(
            2e-7,
          );
      });
    }
    table.dispose();
  });
});
