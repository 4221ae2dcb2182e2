import { GenerationError } from '../errors.js';
import { ModuleList } from '../nn/module.js';
import { add, mul } from '../ops/arithmetic.js';
import { attention } from '../ops/attention.js';
import { conv1d } from '../ops/conv.js';
import { embedding } from '../ops/embedding.js';
import { layerNorm } from '../ops/norm.js';
import { reshape, transpose } from '../ops/shape.js';
import { gelu } from '../ops/unary.js';
import { fromArray } from '../tensor/create.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { AudioConfig } from './config.js';
import { NormParams, type ParamInit, ParamModule, Proj } from './params.js';

/**
 * Log-mel features of one clip, row-major [nMels, frames] as @soundmind/audio-io's logMelSpectrogram
 * returns them. Only the first `validFrames` columns (default: all) reach the encoder.
 */
export interface AudioFeatures {
  readonly data: Float32Array;
  readonly nMels: number;
  readonly frames: number;
  readonly validFrames?: number;
}

class AudioAttention extends ParamModule {
  readonly q_proj: Proj;
  readonly k_proj: Proj;
  readonly v_proj: Proj;
  readonly out_proj: Proj;
  constructor(init: ParamInit, d: number) {
    super(init);
    this.q_proj = this.child('q_proj', new Proj(init, d, d, true));
    this.k_proj = this.child('k_proj', new Proj(init, d, d, false));
    this.v_proj = this.child('v_proj', new Proj(init, d, d, true));
    this.out_proj = this.child('out_proj', new Proj(init, d, d, true));
  }
}

class AudioLayer extends ParamModule {
  readonly self_attn: AudioAttention;
  readonly self_attn_layer_norm: NormParams;
  readonly fc1: Proj;
  readonly fc2: Proj;
  readonly final_layer_norm: NormParams;
  constructor(
    init: ParamInit,
    private readonly c: AudioConfig,
  ) {
    super(init);
    this.self_attn = this.child('self_attn', new AudioAttention(init, c.dModel));
    this.self_attn_layer_norm = this.child('self_attn_layer_norm', new NormParams(init, c.dModel, true));
    this.fc1 = this.child('fc1', new Proj(init, c.dModel, c.encoderFfnDim, true));
    this.fc2 = this.child('fc2', new Proj(init, c.encoderFfnDim, c.dModel, true));
    this.final_layer_norm = this.child('final_layer_norm', new NormParams(init, c.dModel, true));
  }

  /** h [1, A, d]; attention is block-diagonal over `blockLengths` (the 2-second blocks). */
  forward(h: Tensor, blockLengths: readonly number[]): Tensor {
    const { dModel: d, encoderAttentionHeads: H } = this.c;
    const A = h.dim(1);
    const ln1 = this.self_attn_layer_norm;
    const x1 = layerNorm(h, ln1.w, ln1.b, 1e-5);
    const heads = (t: Tensor) => reshape(t, [1, A, H, d / H]);
    const a = this.self_attn;
    const o = attention(
      heads(a.q_proj.forward(x1)),
      heads(a.k_proj.forward(x1)),
      heads(a.v_proj.forward(x1)),
      {
        causal: false,
        blockLengths,
      },
    );
    const h1 = add(h, a.out_proj.forward(reshape(o, [1, A, d])));
    const ln2 = this.final_layer_norm;
    const x2 = layerNorm(h1, ln2.w, ln2.b, 1e-5);
    return add(h1, this.fc2.forward(gelu(this.fc1.forward(x2), 'erf')));
  }
}

class ConvParams extends ParamModule {
  readonly w: Tensor;
  readonly b: Tensor;
  constructor(init: ParamInit, inChannels: number, outChannels: number) {
    super(init);
    this.w = this.weight('weight', [outChannels, inChannels, 3]);
    this.b = this.constant('bias', [outChannels], 0);
  }
}

/**
 * Qwen2.5-Omni's audio encoder (`thinker.audio_tower`, omni-model.md §3): each clip is cut into blocks of
 * 2 * nWindow mel frames; per block conv1 (k3, s1) + GELU, conv2 (k3, s2) + GELU and sinusoidal positions
 * restarting at 0; Whisper-style pre-LN layers with attention inside each block only; pairs averaged
 * over the clip; ln_post; projection to the decoder's width.
 */
export class AudioEncoder extends ParamModule {
  readonly conv1: ConvParams;
  readonly conv2: ConvParams;
  readonly layers: ModuleList<AudioLayer>;
  readonly ln_post: NormParams;
  readonly proj: Proj;
  private readonly positions = new Map<number, Tensor>();

  constructor(
    init: ParamInit,
    readonly config: AudioConfig,
  ) {
    super(init);
    const c = config;
    this.conv1 = this.child('conv1', new ConvParams(init, c.numMelBins, c.dModel));
    this.conv2 = this.child('conv2', new ConvParams(init, c.dModel, c.dModel));
    this.layers = this.child(
      'layers',
      new ModuleList(Array.from({ length: c.encoderLayers }, () => new AudioLayer(init, c))),
    );
    this.ln_post = this.child('ln_post', new NormParams(init, c.dModel, true));
    this.proj = this.child('proj', new Proj(init, c.dModel, c.outputDim, true));
  }

  /** Audio embeddings [sum over clips of audioTokensForFrames(validFrames), outputDim], clips in order. */
  forward(clips: readonly AudioFeatures[]): Tensor {
    const c = this.config;
    const block = 2 * c.nWindow;
    const blocks: { clip: number; start: number; len: number }[] = [];
    clips.forEach((f, i) => {
      const n = f.validFrames ?? f.frames;
      if (f.nMels !== c.numMelBins)
        throw new GenerationError(
          'BAD_AUDIO',
          `audio clip ${i} has ${f.nMels} mel bins; the encoder expects ${c.numMelBins}`,
        );
      if (!Number.isInteger(n) || n < 0 || n > f.frames || f.data.length !== f.nMels * f.frames)
        throw new GenerationError(
          'BAD_AUDIO',
          `audio clip ${i}: data of ${f.data.length} values, ${f.frames} frames, ${n} valid frames do not agree`,
        );
      for (let s = 0; s < n; s += block) blocks.push({ clip: i, start: s, len: Math.min(block, n - s) });
    });
    const nb = blocks.length;
    const maxLen = Math.max(0, ...blocks.map((b) => b.len));
    const mel = c.numMelBins;
    // Blocks batched and zero-padded on the right; conv1's output is masked so padding never leaks.
    const x = new Float32Array(nb * mel * maxLen);
    const mask = new Float32Array(nb * maxLen);
    blocks.forEach((b, k) => {
      const f = clips[b.clip] as AudioFeatures;
      for (let m = 0; m < mel; m++)
        x.set(
          f.data.subarray(m * f.frames + b.start, m * f.frames + b.start + b.len),
          (k * mel + m) * maxLen,
        );
      mask.fill(1, k * maxLen, k * maxLen + b.len);
    });
    const outLens = blocks.map((b) => Math.floor((b.len - 1) / 2) + 1);
    const total = outLens.reduce((s, v) => s + v, 0);
    if (nb === 0) return fromArray(new Float32Array(0), [0, c.outputDim]);
    const c1 = this.conv1;
    const c2 = this.conv2;
    let h = gelu(conv1d(fromArray(x, [nb, mel, maxLen]), c1.w, c1.b, { padding: 1 }), 'erf');
    h = mul(h, fromArray(mask, [nb, 1, maxLen]));
    h = gelu(conv1d(h, c2.w, c2.b, { stride: 2, padding: 1 }), 'erf');
    const lenOut = h.dim(2);
    h = add(transpose(h, 1, 2), this.sinusoids(lenOut)); // [nb, lenOut, d]
    // Keep the valid positions of every block, in order: one sequence of `total` positions.
    const rows = new Int32Array(total);
    let k = 0;
    outLens.forEach((len, bi) => {
      for (let p = 0; p < len; p++) rows[k++] = bi * lenOut + p;
    });
    let seq = reshape(embedding(reshape(h, [nb * lenOut, c.dModel]), rows), [1, total, c.dModel]);
    for (const layer of this.layers) seq = layer.forward(seq, outLens);
    // Average adjacent pairs within each clip (an odd last position is dropped).
    const even: number[] = [];
    const odd: number[] = [];
    let at = 0;
    clips.forEach((_, i) => {
      const a = blocks.reduce((s, b, bi) => s + (b.clip === i ? (outLens[bi] as number) : 0), 0);
      for (let p = 0; p + 1 < a; p += 2) {
        even.push(at + p);
        odd.push(at + p + 1);
      }
      at += a;
    });
    const flat = reshape(seq, [total, c.dModel]);
    const pooled = mul(add(embedding(flat, even), embedding(flat, odd)), 0.5);
    const ln = this.ln_post;
    return this.proj.forward(layerNorm(pooled, ln.w, ln.b, 1e-5));
  }

  // Sinusoidal positions [len, d] computed in float32 steps as transformers does (not in the checkpoint).
  private sinusoids(len: number): Tensor {
    const cached = this.positions.get(len);
    if (cached && !cached.disposed) return cached;
    const d = this.config.dModel;
    const half = d / 2;
    const inc = Math.fround(Math.log(10000) / (half - 1));
    const out = new Float32Array(len * d);
    for (let j = 0; j < half; j++) {
      const inv = Math.fround(Math.exp(Math.fround(-inc * j)));
      for (let p = 0; p < len; p++) {
        const t = Math.fround(p * inv);
        out[p * d + j] = Math.sin(t);
        out[p * d + half + j] = Math.cos(t);
      }
    }
    const t = keep(fromArray(out, [len, d]));
    this.positions.set(len, t);
    return t;
  }
}
