#!/usr/bin/python3
"""PyTorch reference of the Qwen2.5-Omni thinker, written from ../../../shared/reference/omni-model.md.

Builds tiny random checkpoints saved with the real tensor names (thinker.audio_tower.*, thinker.model.*,
thinker.lm_head.weight) and writes the fixtures the TypeScript tests compare against:

  test/fixtures/<name>/config.json          transformers' Qwen2.5-Omni layout (thinker_config.text_config / audio_config)
  test/fixtures/<name>/model.safetensors    the random weights (float32), written by hand below
  test/fixtures/<name>/reference.json       inputs, logits, audio embeddings, greedy continuations, token counts
  test/fixtures/<name>/grads.safetensors    d(loss)/d(parameter) for every parameter, same names

Run with Debian's torch 1.13: /usr/bin/python3 scripts/thinker_reference.py
GELU is the explicit erf formula: nn.GELU's backward is wrong in torch 1.13 for non-contiguous gradients.
"""
import json
import math
import os
import struct

import torch

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'test', 'fixtures')


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdim=True)
    var = (x - mu).pow(2).mean(-1, keepdim=True)
    return (x - mu) * torch.rsqrt(var + eps) * w + b


def linear(x, p, name, bias=True):
    y = x @ p[name + '.weight'].t()
    return y + p[name + '.bias'] if bias else y


def sinusoids(length, channels):
    half = channels // 2
    inc = math.log(10000.0) / (half - 1)
    inv = torch.exp(-inc * torch.arange(half, dtype=torch.float32))
    t = torch.arange(length, dtype=torch.float32)[:, None] * inv[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1)


def attention(q, k, v, causal):
    """q [Hq,S,D], k/v [Hkv,T,D]; K/V head g serves query heads g*G .. g*G+G-1."""
    g = q.shape[0] // k.shape[0]
    k = k.repeat_interleave(g, dim=0)
    v = v.repeat_interleave(g, dim=0)
    s = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    if causal:
        S, T = s.shape[1], s.shape[2]
        mask = torch.ones(S, T, dtype=torch.bool).tril(diagonal=T - S)
        s = s.masked_fill(~mask, float('-inf'))
    return torch.softmax(s, dim=-1) @ v


def audio_encoder(p, cfg, feats):
    """feats: list of [mel, n] tensors (valid frames only). Returns [tokens, output_dim], all clips in order."""
    a = cfg['audio']
    pre = 'thinker.audio_tower.'
    block = 2 * a['n_window']
    heads = a['encoder_attention_heads']
    d = a['d_model']
    hd = d // heads
    outs = []
    for x in feats:
        n = x.shape[1]
        blocks = []
        for s in range(0, n, block):
            c = x[:, s:s + block][None]
            h = gelu(torch.nn.functional.conv1d(c, p[pre + 'conv1.weight'], p[pre + 'conv1.bias'], padding=1))
            h = gelu(torch.nn.functional.conv1d(h, p[pre + 'conv2.weight'], p[pre + 'conv2.bias'], stride=2, padding=1))
            h = h[0].t()
            blocks.append(h + sinusoids(h.shape[0], d))
        for i in range(a['encoder_layers']):
            lp = f'{pre}layers.{i}.'
            new_blocks = []
            for h in blocks:  # block-diagonal attention: each 2-s block attends only to itself
                x1 = layer_norm(h, p[lp + 'self_attn_layer_norm.weight'], p[lp + 'self_attn_layer_norm.bias'])
                q = linear(x1, p, lp + 'self_attn.q_proj').view(-1, heads, hd).transpose(0, 1)
                k = linear(x1, p, lp + 'self_attn.k_proj', bias=False).view(-1, heads, hd).transpose(0, 1)
                v = linear(x1, p, lp + 'self_attn.v_proj').view(-1, heads, hd).transpose(0, 1)
                o = attention(q, k, v, causal=False).transpose(0, 1).reshape(-1, d)
                h = h + linear(o, p, lp + 'self_attn.out_proj')
                x2 = layer_norm(h, p[lp + 'final_layer_norm.weight'], p[lp + 'final_layer_norm.bias'])
                h = h + linear(gelu(linear(x2, p, lp + 'fc1')), p, lp + 'fc2')
                new_blocks.append(h)
            blocks = new_blocks
        h = torch.cat(blocks, dim=0)
        m = h.shape[0] // 2
        h = 0.5 * (h[0:2 * m:2] + h[1:2 * m:2])
        h = layer_norm(h, p[pre + 'ln_post.weight'], p[pre + 'ln_post.bias'])
        outs.append(linear(h, p, pre + 'proj'))
    return torch.cat(outs, dim=0)


def rope(x, pos, theta):
    """Rotate-half rotary embedding of x [H,S,D] at integer positions pos [S]."""
    D = x.shape[-1]
    inv = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.int64).float() / D))
    ang = pos.float()[:, None] * inv[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], -1)
    sin = torch.cat([ang.sin(), ang.sin()], -1)
    rot = torch.cat([-x[..., D // 2:], x[..., :D // 2]], -1)
    return x * cos + rot * sin


class Decoder:
    """Qwen2 decoder with a KV cache: forward(embeds, start) appends to the cache and returns logits."""

    def __init__(self, p, cfg):
        self.p, self.t = p, cfg['text']
        self.cache = [None] * self.t['num_hidden_layers']

    def forward(self, e, start):
        t, p = self.t, self.p
        H, Hkv, hd = t['num_attention_heads'], t['num_key_value_heads'], t['head_dim']
        pos = torch.arange(start, start + e.shape[0])
        h = e
        for i in range(t['num_hidden_layers']):
            lp = f'thinker.model.layers.{i}.'
            x1 = rms_norm(h, p[lp + 'input_layernorm.weight'], t['rms_norm_eps'])
            q = linear(x1, p, lp + 'self_attn.q_proj').view(-1, H, hd).transpose(0, 1)
            k = linear(x1, p, lp + 'self_attn.k_proj').view(-1, Hkv, hd).transpose(0, 1)
            v = linear(x1, p, lp + 'self_attn.v_proj').view(-1, Hkv, hd).transpose(0, 1)
            q, k = rope(q, pos, t['rope_theta']), rope(k, pos, t['rope_theta'])
            if self.cache[i] is not None:
                k = torch.cat([self.cache[i][0], k], 1)
                v = torch.cat([self.cache[i][1], v], 1)
            self.cache[i] = (k, v)
            o = attention(q, k, v, causal=True).transpose(0, 1).reshape(-1, H * hd)
            h = h + linear(o, p, lp + 'self_attn.o_proj', bias=False)
            x2 = rms_norm(h, p[lp + 'post_attention_layernorm.weight'], t['rms_norm_eps'])
            gate = linear(x2, p, lp + 'mlp.gate_proj', bias=False)
            up = linear(x2, p, lp + 'mlp.up_proj', bias=False)
            h = h + linear(torch.nn.functional.silu(gate) * up, p, lp + 'mlp.down_proj', bias=False)
        h = rms_norm(h, p['thinker.model.norm.weight'], t['rms_norm_eps'])
        head = p['thinker.model.embed_tokens.weight'] if t['tie_word_embeddings'] else p['thinker.lm_head.weight']
        return h @ head.t()


def embed(p, cfg, ids, feats):
    e = p['thinker.model.embed_tokens.weight'][ids]
    if feats:
        audio = audio_encoder(p, cfg, feats)
        mask = ids == cfg['audio_token_index']
        assert int(mask.sum()) == audio.shape[0], 'audio token count mismatch'
        e = e.clone()
        e[mask] = audio
    return e


def thinker_logits(p, cfg, ids, feats):
    return Decoder(p, cfg).forward(embed(p, cfg, ids, feats), 0)


def greedy(p, cfg, ids, feats, steps):
    """KV-cached greedy decoding; also returns the smallest top-1 / top-2 logit margin seen."""
    dec = Decoder(p, cfg)
    logits = dec.forward(embed(p, cfg, ids, feats), 0)[-1]
    out, margin, pos = [], float('inf'), len(ids)
    for _ in range(steps):
        top = torch.topk(logits, 2).values
        margin = min(margin, float(top[0] - top[1]))
        nxt = int(torch.argmax(logits))
        out.append(nxt)
        logits = dec.forward(p['thinker.model.embed_tokens.weight'][torch.tensor([nxt])], pos)[-1]
        pos += 1
    return out, margin


def param_shapes(cfg):
    t, a = cfg['text'], cfg['audio']
    D, I, V, hd = t['hidden_size'], t['intermediate_size'], t['vocab_size'], t['head_dim']
    H, Hkv = t['num_attention_heads'], t['num_key_value_heads']
    d, f, mel, out = a['d_model'], a['encoder_ffn_dim'], a['num_mel_bins'], a['output_dim']
    s = {}
    at = 'thinker.audio_tower.'
    s[at + 'conv1.weight'], s[at + 'conv1.bias'] = [d, mel, 3], [d]
    s[at + 'conv2.weight'], s[at + 'conv2.bias'] = [d, d, 3], [d]
    for i in range(a['encoder_layers']):
        lp = f'{at}layers.{i}.'
        for n in ('q_proj', 'v_proj', 'out_proj'):
            s[f'{lp}self_attn.{n}.weight'], s[f'{lp}self_attn.{n}.bias'] = [d, d], [d]
        s[f'{lp}self_attn.k_proj.weight'] = [d, d]
        for n in ('self_attn_layer_norm', 'final_layer_norm'):
            s[f'{lp}{n}.weight'], s[f'{lp}{n}.bias'] = [d], [d]
        s[f'{lp}fc1.weight'], s[f'{lp}fc1.bias'] = [f, d], [f]
        s[f'{lp}fc2.weight'], s[f'{lp}fc2.bias'] = [d, f], [d]
    s[at + 'ln_post.weight'], s[at + 'ln_post.bias'] = [d], [d]
    s[at + 'proj.weight'], s[at + 'proj.bias'] = [out, d], [out]
    s[at + 'audio_bos_eos_token.weight'] = [2, out]
    s['thinker.model.embed_tokens.weight'] = [V, D]
    for i in range(t['num_hidden_layers']):
        lp = f'thinker.model.layers.{i}.'
        s[lp + 'self_attn.q_proj.weight'], s[lp + 'self_attn.q_proj.bias'] = [H * hd, D], [H * hd]
        for n in ('k_proj', 'v_proj'):
            s[f'{lp}self_attn.{n}.weight'], s[f'{lp}self_attn.{n}.bias'] = [Hkv * hd, D], [Hkv * hd]
        s[lp + 'self_attn.o_proj.weight'] = [D, H * hd]
        s[lp + 'mlp.gate_proj.weight'], s[lp + 'mlp.up_proj.weight'] = [I, D], [I, D]
        s[lp + 'mlp.down_proj.weight'] = [D, I]
        s[lp + 'input_layernorm.weight'], s[lp + 'post_attention_layernorm.weight'] = [D], [D]
    s['thinker.model.norm.weight'] = [D]
    if not t['tie_word_embeddings']:
        s['thinker.lm_head.weight'] = [V, D]
    return s


def init_params(cfg, gen):
    p = {}
    for name, shape in param_shapes(cfg).items():
        if name.endswith('norm.weight') or 'layernorm' in name or 'layer_norm.weight' in name or 'ln_post.weight' in name:
            w = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        elif name.endswith('.bias'):
            w = 0.1 * torch.randn(shape, generator=gen)
        elif 'embed_tokens' in name or 'lm_head' in name:
            w = 0.6 * torch.randn(shape, generator=gen)  # peaked logits: greedy ties are far apart
        else:
            fan_in = shape[1] * (shape[2] if len(shape) == 3 else 1)
            w = torch.randn(shape, generator=gen) / math.sqrt(fan_in)
        p[name] = w.float()
    return p


def write_safetensors(path, tensors):
    """The safetensors format by hand: u64 header length, JSON header (8-byte padded), raw little-endian f32."""
    header, offset, blobs = {'__metadata__': {'format': 'pt'}}, 0, []
    for name, t in tensors.items():
        data = t.detach().contiguous().float().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def config_json(cfg):
    t, a = cfg['text'], cfg['audio']
    return {
        'architectures': ['Qwen2_5OmniModel'],
        'model_type': 'qwen2_5_omni',
        'enable_audio_output': False,
        'thinker_config': {
            'model_type': 'qwen2_5_omni_thinker',
            'audio_token_index': cfg['audio_token_index'],
            'audio_start_token_id': cfg['audio_start_token_id'],
            'audio_end_token_id': cfg['audio_end_token_id'],
            'text_config': dict(t, model_type='qwen2_5_omni_text', hidden_act='silu', use_sliding_window=False,
                                max_position_embeddings=1024,
                                rope_scaling={'type': 'default', 'mrope_section': [1, 1, 2]}),
            'audio_config': dict(a, model_type='qwen2_5_omni_audio_encoder', activation_function='gelu',
                                 max_source_positions=1500, scale_embedding=False),
        },
    }


def tokens_for(n_valid):
    a = (n_valid - 1) // 2 + 1
    return (a - 2) // 2 + 1


def rounded(t):
    return [float(f'{v:.8g}') for v in t.detach().reshape(-1).tolist()]


def make(name, cfg, seed):
    gen = torch.Generator().manual_seed(seed)
    p = init_params(cfg, gen)
    V = cfg['text']['vocab_size']
    mel = cfg['audio']['num_mel_bins']
    A, AS, AE = cfg['audio_token_index'], cfg['audio_start_token_id'], cfg['audio_end_token_id']
    specials = {A, AS, AE}
    ordinary = [i for i in range(V) if i not in specials]

    def text_ids(n):
        return [ordinary[int(i)] for i in torch.randint(len(ordinary), (n,), generator=gen)]

    # Two clips whose frame counts exercise several 2*n_window blocks, a short last block and an odd length.
    frames = [19, 7]
    feats = [torch.randn(mel, n, generator=gen) * 0.8 for n in frames]
    counts = [tokens_for(n) for n in frames]
    audio_ids = text_ids(4) + [AS] + [A] * counts[0] + [AE] + text_ids(3) + [AS] + [A] * counts[1] + [AE] + text_ids(5)
    plain_ids = text_ids(12)

    out = {'config': name, 'cases': []}
    for case, ids, fs in (('text', plain_ids, []), ('audio', audio_ids, feats)):
        ids_t = torch.tensor(ids)
        logits = thinker_logits(p, cfg, ids_t, fs)
        cont, margin = greedy(p, cfg, ids_t, fs, 12)
        assert margin > 1e-3, f'{name}/{case}: greedy margin {margin} too small; pick another seed'
        # The KV cache must not change anything: a full forward over prompt + continuation agrees.
        full = thinker_logits(p, cfg, torch.tensor(ids + cont[:-1]), fs)[len(ids) - 1:]
        assert full.argmax(-1).tolist() == cont, f'{name}/{case}: cached and uncached decoding differ'
        entry = {
            'name': case,
            'inputIds': ids,
            'features': [{'nMels': mel, 'frames': f.shape[1], 'data': rounded(f)} for f in fs],
            'logits': rounded(logits),
            'greedy': cont,
            'greedyMinMargin': margin,
        }
        if fs:
            entry['audioEmbeddings'] = rounded(audio_encoder(p, cfg, fs))
        out['cases'].append(entry)

    # Gradient of a GRPO-like loss: sum_t w_t * log softmax(logits_t / T)[y_t] on the audio case, so that
    # gradients reach every parameter of both the decoder and the audio encoder.
    temperature = 0.7
    ids_t = torch.tensor(audio_ids)
    leaf = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    logits = thinker_logits(leaf, cfg, ids_t, feats)
    targets = torch.tensor(audio_ids[1:] + text_ids(1))
    # Only positions after the prompt (which holds all the audio) carry weight, as in RL where the loss
    # covers response tokens: the same loss is then a policy batch (prompt = ids[:cut], response = the rest).
    cut = max(i for i, t in enumerate(audio_ids) if t == AE) + 1
    weights = torch.randn(len(audio_ids), generator=gen)
    weights[:cut - 1] = 0.0
    logp = torch.log_softmax(logits / temperature, dim=-1).gather(1, targets[:, None])[:, 0]
    loss = (weights * logp).sum()
    loss.backward()
    out['gradLoss'] = {
        'temperature': temperature,
        'promptLength': cut,
        'targets': targets.tolist(),
        'weights': rounded(weights),
        'logProbs': rounded(logp),
        'loss': float(loss),
    }
    # Audio-token counts produced by the encoder itself for many clip lengths, against the formula.
    lengths = [1, 2, 3, 4, 5, 8, 9, 15, 16, 17, 24, 31, 33]
    counts_seen = {n: int(audio_encoder(p, cfg, [torch.randn(mel, n, generator=gen)]).shape[0]) for n in lengths}
    out['audioTokenCounts'] = [{'frames': n, 'tokens': counts_seen[n]} for n in lengths]
    assert all(counts_seen[n] == tokens_for(n) for n in lengths)

    d = os.path.join(FIXTURES, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'config.json'), 'w') as f:
        json.dump(config_json(cfg), f, indent=2)
        f.write('\n')
    write_safetensors(os.path.join(d, 'model.safetensors'), p)
    grads = {k: v.grad if v.grad is not None else torch.zeros_like(v) for k, v in leaf.items()}
    write_safetensors(os.path.join(d, 'grads.safetensors'), grads)
    with open(os.path.join(d, 'reference.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    print(f'{name}: {sum(v.numel() for v in p.values())} parameters, fixtures in {d}')


def tiny_config(tied):
    return {
        'text': {
            'hidden_size': 32, 'intermediate_size': 48, 'num_hidden_layers': 2,
            'num_attention_heads': 4, 'num_key_value_heads': 4 if tied else 2, 'head_dim': 8,
            'vocab_size': 61, 'rms_norm_eps': 1e-6, 'rope_theta': 1000000.0, 'tie_word_embeddings': tied,
        },
        'audio': {
            'num_mel_bins': 16, 'd_model': 16, 'encoder_layers': 2, 'encoder_attention_heads': 2,
            'encoder_ffn_dim': 24, 'n_window': 4, 'output_dim': 32,
        },
        'audio_token_index': 58, 'audio_start_token_id': 59, 'audio_end_token_id': 60,
    }


if __name__ == '__main__':
    make('thinker-tiny', tiny_config(tied=False), seed=7)
    make('thinker-tiny-tied', tiny_config(tied=True), seed=11)
