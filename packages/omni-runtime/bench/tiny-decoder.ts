import type { Rng } from '@soundmind/rl-core';
import { Embedding, Linear, RMSNorm } from '../src/nn/layers.js';
import { Module, ModuleList } from '../src/nn/module.js';
import { add } from '../src/ops/arithmetic.js';
import { attention } from '../src/ops/attention.js';
import { linear } from '../src/ops/matmul.js';
import { rmsNorm } from '../src/ops/norm.js';
import { RopeTable, rope } from '../src/ops/rope.js';
import { reshape } from '../src/ops/shape.js';
import { swiglu } from '../src/ops/swiglu.js';
import type { Tensor } from '../src/tensor/tensor.js';

/** Sizes of the benchmark / parity decoder (Qwen2 layout: RMSNorm, GQA with q/k/v bias, RoPE, SwiGLU). */
export interface TinyDecoderConfig {
  vocab: number;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffn: number;
  ropeTheta: number;
  eps: number;
}

type Dtype = 'float32' | 'float64';

class SelfAttention extends Module {
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly o: Linear;
  constructor(c: TinyDecoderConfig, rng: Rng, dtype: Dtype) {
    super();
    const hd = c.dim / c.heads;
    const std = 0.05;
    this.q = this.registerModule('q_proj', new Linear(c.dim, c.heads * hd, { rng, std, dtype }));
    this.k = this.registerModule('k_proj', new Linear(c.dim, c.kvHeads * hd, { rng, std, dtype }));
    this.v = this.registerModule('v_proj', new Linear(c.dim, c.kvHeads * hd, { rng, std, dtype }));
    this.o = this.registerModule('o_proj', new Linear(c.heads * hd, c.dim, { rng, std, dtype, bias: false }));
  }
}

class Mlp extends Module {
  readonly gate: Linear;
  readonly up: Linear;
  readonly down: Linear;
  constructor(c: TinyDecoderConfig, rng: Rng, dtype: Dtype) {
    super();
    const std = 0.05;
    this.gate = this.registerModule('gate_proj', new Linear(c.dim, c.ffn, { rng, std, dtype, bias: false }));
    this.up = this.registerModule('up_proj', new Linear(c.dim, c.ffn, { rng, std, dtype, bias: false }));
    this.down = this.registerModule('down_proj', new Linear(c.ffn, c.dim, { rng, std, dtype, bias: false }));
  }
}

class Block extends Module {
  readonly inputNorm: RMSNorm;
  readonly attn: SelfAttention;
  readonly postNorm: RMSNorm;
  readonly mlp: Mlp;
  constructor(
    readonly c: TinyDecoderConfig,
    rng: Rng,
    dtype: Dtype,
  ) {
    super();
    this.inputNorm = this.registerModule('input_layernorm', new RMSNorm(c.dim, c.eps, dtype));
    this.attn = this.registerModule('self_attn', new SelfAttention(c, rng, dtype));
    this.postNorm = this.registerModule('post_attention_layernorm', new RMSNorm(c.dim, c.eps, dtype));
    this.mlp = this.registerModule('mlp', new Mlp(c, rng, dtype));
  }

  forward(h: Tensor, positions: Int32Array, table: RopeTable): Tensor {
    const [B, T] = h.shape as [number, number, number];
    const hd = this.c.dim / this.c.heads;
    const x = this.inputNorm.forward(h);
    const { q: qp, k: kp, v: vp, o: op } = this.attn;
    const q = rope(reshape(qp.forward(x), [B, T, this.c.heads, hd]), positions, table);
    const k = rope(reshape(kp.forward(x), [B, T, this.c.kvHeads, hd]), positions, table);
    const v = reshape(vp.forward(x), [B, T, this.c.kvHeads, hd]);
    const a = attention(q, k, v, { causal: true });
    const h2 = add(h, op.forward(reshape(a, [B, T, this.c.dim])));
    const x2 = this.postNorm.forward(h2);
    const { gate, up, down } = this.mlp;
    return add(h2, down.forward(swiglu(gate.forward(x2), up.forward(x2))));
  }
}

class DecoderBody extends Module {
  readonly embed: Embedding;
  readonly blocks: ModuleList<Block>;
  readonly norm: RMSNorm;
  constructor(c: TinyDecoderConfig, rng: Rng, dtype: Dtype) {
    super();
    this.embed = this.registerModule('embed_tokens', new Embedding(c.vocab, c.dim, { rng, std: 0.5, dtype }));
    this.blocks = this.registerModule(
      'layers',
      new ModuleList(Array.from({ length: c.layers }, () => new Block(c, rng, dtype))),
    );
    this.norm = this.registerModule('norm', new RMSNorm(c.dim, c.eps, dtype));
  }
}

/** A small Qwen2-style causal LM used by the benchmark and the PyTorch parity test. */
export class TinyDecoder extends Module {
  readonly embed: Embedding;
  readonly blocks: ModuleList<Block>;
  readonly norm: RMSNorm;
  readonly lmHead: Linear;
  readonly rope: RopeTable;
  constructor(
    readonly c: TinyDecoderConfig,
    rng: Rng,
    dtype: Dtype = 'float32',
  ) {
    super();
    const body = this.registerModule('model', new DecoderBody(c, rng, dtype));
    this.embed = body.embed;
    this.blocks = body.blocks;
    this.norm = body.norm;
    this.lmHead = this.registerModule(
      'lm_head',
      new Linear(c.dim, c.vocab, { rng, std: 0.05, dtype, bias: false }),
    );
    this.rope = new RopeTable({ headDim: c.dim / c.heads, theta: c.ropeTheta, maxPositions: 512, dtype });
  }

  /** ids [B*T] -> logits [B, T, vocab]. */
  forward(ids: Int32Array, batch: number, seq: number): Tensor {
    const positions = new Int32Array(seq).map((_, i) => i);
    let h = this.embed.forward(ids, [batch, seq]);
    for (const b of this.blocks) h = b.forward(h, positions, this.rope);
    return linear(rmsNorm(h, this.norm.weight, this.c.eps), this.lmHead.weight);
  }
}
