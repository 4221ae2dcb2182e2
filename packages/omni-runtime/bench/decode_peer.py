"""PyTorch peer for the decode benchmarks of the embedded thinker (Debian python3-torch, CPU, eager).

Usage: decode_peer.py THREADS  -> prints one JSON object {"decode-b1": tok/s, "decode-b16": tok/s}.
The caller sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to THREADS. The model is the embedded decoder of
omni-runtime (Qwen2 layout: d=128, 4 layers, 4 heads, FFN 384, tied embeddings, q/k/v bias, RoPE 1e6),
with random weights; decoding is greedy with a preallocated KV cache, one token per step, as the
TypeScript side does (prefill of the prompt included in the timing, like generateIds).
"""
import json
import math
import sys
import time

import torch

threads = int(sys.argv[1])
torch.set_num_threads(threads)
torch.manual_seed(0)
V, D, L, H, F, THETA, EPS = 48, 128, 4, 4, 384, 1e6, 1e-6
HD = D // H
P = 40  # prompt length


def w(*shape):
    return torch.randn(*shape) * 0.05


params = {
    'embed': w(V, D),
    'norm': torch.ones(D),
    'layers': [
        dict(q=w(D, D), qb=w(D), k=w(D, D), kb=w(D), v=w(D, D), vb=w(D), o=w(D, D),
             gate=w(F, D), up=w(F, D), down=w(D, F), ln1=torch.ones(D), ln2=torch.ones(D))
        for _ in range(L)
    ],
}
inv = 1.0 / (THETA ** (torch.arange(0, HD, 2).float() / HD))


def rms(x, g):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * g


def rope(x, pos):  # x [B, H, T, HD], pos [T]
    ang = pos.float()[:, None] * inv[None, :]
    cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)
    half = HD // 2
    rot = torch.cat([-x[..., half:], x[..., :half]], -1)
    return x * cos + rot * sin


def forward(ids, start, cache):
    B, T = ids.shape
    h = params['embed'][ids]
    pos = torch.arange(start, start + T)
    for i, lp in enumerate(params['layers']):
        x = rms(h, lp['ln1'])
        q = (x @ lp['q'].t() + lp['qb']).view(B, T, H, HD).transpose(1, 2)
        k = (x @ lp['k'].t() + lp['kb']).view(B, T, H, HD).transpose(1, 2)
        v = (x @ lp['v'].t() + lp['vb']).view(B, T, H, HD).transpose(1, 2)
        q, k = rope(q, pos), rope(k, pos)
        ck, cv = cache[i]
        ck[:, :, start:start + T] = k
        cv[:, :, start:start + T] = v
        keys, vals = ck[:, :, :start + T], cv[:, :, :start + T]
        s = q @ keys.transpose(-1, -2) / math.sqrt(HD)
        if T > 1:
            s = s + torch.full((T, start + T), float('-inf')).triu(start + 1)
        o = (torch.softmax(s, -1) @ vals).transpose(1, 2).reshape(B, T, D)
        h = h + o @ lp['o'].t()
        x = rms(h, lp['ln2'])
        h = h + (torch.nn.functional.silu(x @ lp['gate'].t()) * (x @ lp['up'].t())) @ lp['down'].t()
    h = rms(h[:, -1], params['norm'])
    return h @ params['embed'].t()


def decode(batch, new_tokens):
    ids = torch.randint(8, V, (batch, P))
    cache = [(torch.zeros(batch, H, P + new_tokens, HD), torch.zeros(batch, H, P + new_tokens, HD)) for _ in range(L)]
    logits = forward(ids, 0, cache)
    pos = P
    for _ in range(new_tokens):
        nxt = logits.argmax(-1)
        if pos == P + new_tokens - 1:
            break
        logits = forward(nxt[:, None], pos, cache)
        pos += 1


def tokens_per_second(batch, new_tokens, min_time=1.5):
    decode(batch, 4)
    best, t_start, n = float('inf'), time.perf_counter(), 0
    while n < 3 or time.perf_counter() - t_start < min_time:
        t0 = time.perf_counter()
        decode(batch, new_tokens)
        best = min(best, time.perf_counter() - t0)
        n += 1
    return batch * new_tokens / best


with torch.no_grad():
    out = {'threads': torch.get_num_threads(), 'decode-b1': tokens_per_second(1, 128), 'decode-b16': tokens_per_second(16, 64)}
print(json.dumps(out))
