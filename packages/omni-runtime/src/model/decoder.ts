import { ModuleList } from '../nn/module.js';
import { add } from '../ops/arithmetic.js';
import { attention } from '../ops/attention.js';
import type { KVCache } from '../ops/kv-cache.js';
import { rmsNorm } from '../ops/norm.js';
import { type RopeTable, rope } from '../ops/rope.js';
import { reshape } from '../ops/shape.js';
import { swiglu } from '../ops/swiglu.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TextConfig } from './config.js';
import { NormParams, type ParamInit, ParamModule, Proj } from './params.js';

/** Where a decoder pass sits: per-token positions, and for batched decoding the cache and left padding. */
export interface DecoderContext {
  /** Rotary position of every token, B*T entries row-major. */
  readonly positions: Int32Array;
  readonly rope: RopeTable;
  /** Incremental decoding: append this pass's keys/values and attend over everything cached. */
  readonly cache?: KVCache;
  /** Per batch row, the first real key position (rows left-padded to a common length). */
  readonly keyStart?: Int32Array;
  /**
   * Packed sequences (batch 1): causal blocks of these lengths, each block optionally seeing an earlier
   * block whole (`contextBlocks`, -1 none): rows that share a prompt packed as the prompt once, then
   * each continuation (see `attention`).
   */
  readonly blockLengths?: readonly number[];
  readonly contextBlocks?: readonly number[] | Int32Array;
}

class SelfAttention extends ParamModule {
  readonly q_proj: Proj;
  readonly k_proj: Proj;
  readonly v_proj: Proj;
  readonly o_proj: Proj;
  constructor(init: ParamInit, c: TextConfig) {
    super(init);
    const q = c.numAttentionHeads * c.headDim;
    const kv = c.numKeyValueHeads * c.headDim;
    this.q_proj = this.child('q_proj', new Proj(init, c.hiddenSize, q, true));
    this.k_proj = this.child('k_proj', new Proj(init, c.hiddenSize, kv, true));
    this.v_proj = this.child('v_proj', new Proj(init, c.hiddenSize, kv, true));
    this.o_proj = this.child('o_proj', new Proj(init, q, c.hiddenSize, false));
  }
}

class Mlp extends ParamModule {
  readonly gate_proj: Proj;
  readonly up_proj: Proj;
  readonly down_proj: Proj;
  constructor(init: ParamInit, c: TextConfig) {
    super(init);
    this.gate_proj = this.child('gate_proj', new Proj(init, c.hiddenSize, c.intermediateSize, false));
    this.up_proj = this.child('up_proj', new Proj(init, c.hiddenSize, c.intermediateSize, false));
    this.down_proj = this.child('down_proj', new Proj(init, c.intermediateSize, c.hiddenSize, false));
  }
}

class DecoderLayer extends ParamModule {
  readonly self_attn: SelfAttention;
  readonly mlp: Mlp;
  readonly input_layernorm: NormParams;
  readonly post_attention_layernorm: NormParams;
  constructor(
    init: ParamInit,
    private readonly c: TextConfig,
    private readonly index: number,
  ) {
    super(init);
    this.self_attn = this.child('self_attn', new SelfAttention(init, c));
    this.mlp = this.child('mlp', new Mlp(init, c));
    this.input_layernorm = this.child('input_layernorm', new NormParams(init, c.hiddenSize, false));
    this.post_attention_layernorm = this.child(
      'post_attention_layernorm',
      new NormParams(init, c.hiddenSize, false),
    );
  }

  forward(h: Tensor, ctx: DecoderContext): Tensor {
    const c = this.c;
    const [B, T] = h.shape as [number, number, number];
    const x1 = rmsNorm(h, this.input_layernorm.w, c.rmsNormEps);
    const a = this.self_attn;
    const q = rope(
      reshape(a.q_proj.forward(x1), [B, T, c.numAttentionHeads, c.headDim]),
      ctx.positions,
      ctx.rope,
    );
    const k = rope(
      reshape(a.k_proj.forward(x1), [B, T, c.numKeyValueHeads, c.headDim]),
      ctx.positions,
      ctx.rope,
    );
    const v = reshape(a.v_proj.forward(x1), [B, T, c.numKeyValueHeads, c.headDim]);
    const o = attention(q, k, v, {
      causal: true,
      ...(ctx.cache ? { cache: ctx.cache, layer: this.index } : {}),
      ...(ctx.keyStart ? { keyStart: ctx.keyStart } : {}),
      ...(ctx.blockLengths ? { blockLengths: ctx.blockLengths } : {}),
      ...(ctx.contextBlocks ? { contextBlocks: ctx.contextBlocks } : {}),
    });
    const h1 = add(h, a.o_proj.forward(reshape(o, [B, T, c.numAttentionHeads * c.headDim])));
    const x2 = rmsNorm(h1, this.post_attention_layernorm.w, c.rmsNormEps);
    const m = this.mlp;
    return add(h1, m.down_proj.forward(swiglu(m.gate_proj.forward(x2), m.up_proj.forward(x2))));
  }
}

/** Embedding table `embed_tokens.weight` [vocab, hidden]. */
class TokenEmbedding extends ParamModule {
  readonly w: Tensor;
  constructor(init: ParamInit, c: TextConfig) {
    super(init);
    this.w = this.weight('weight', [c.vocabSize, c.hiddenSize]);
  }
}

/**
 * The thinker's Qwen2 decoder (`thinker.model`, omni-model.md §5): RMSNorm, grouped-query attention with
 * q/k/v biases and rotary positions (rotate-half, theta from the config), SwiGLU MLP, final RMSNorm.
 */
export class Qwen2Decoder extends ParamModule {
  readonly embed_tokens: TokenEmbedding;
  readonly layers: ModuleList<DecoderLayer>;
  readonly norm: NormParams;
  constructor(
    init: ParamInit,
    readonly config: TextConfig,
  ) {
    super(init);
    this.embed_tokens = this.child('embed_tokens', new TokenEmbedding(init, config));
    this.layers = this.child(
      'layers',
      new ModuleList(
        Array.from({ length: config.numHiddenLayers }, (_, i) => new DecoderLayer(init, config, i)),
      ),
    );
    this.norm = this.child('norm', new NormParams(init, config.hiddenSize, false));
  }

  /** Input embeddings [B, T, hidden] -> final-normed hidden states [B, T, hidden]. */
  forward(embeds: Tensor, ctx: DecoderContext): Tensor {
    let h = embeds;
    for (const layer of this.layers) h = layer.forward(h, ctx);
    return rmsNorm(h, this.norm.w, this.config.rmsNormEps);
  }
}
