"""PyTorch peer for the embedded policy benchmarks (Debian python3-torch, CPU, eager).

Usage: policy_peer.py THREADS VOCAB -> one JSON object {"policy-train": tok/s, "policy-sample-b128": tok/s}.
The model is the embedded thinker's decoder (d=128, 4 layers, 4 heads, FFN 384, tied embeddings, vocabulary size from the caller).
policy-train: one GRPO-like step on 16 rows of 40 prompt + 40 response tokens (forward, log-probs of the
response at T=1, backward of sum(w * logp), AdamW with grad-norm clipping); tokens/s counts all 80 tokens
of a row, as embedded-demo.md does. policy-sample-b128: 128 prompts of 40 tokens, 40 sampled tokens each
(temperature 1, multinomial), KV cache, one token per step.
"""
import json
import math
import sys
import time

import torch

threads = int(sys.argv[1])
torch.set_num_threads(threads)
torch.manual_seed(0)
V = int(sys.argv[2])
D, L, H, F, THETA, EPS = 128, 4, 4, 384, 1e6, 1e-6
HD = D // H


class Decoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Parameter(torch.randn(V, D) * 0.02)
        self.layers = torch.nn.ModuleList()
        for _ in range(L):
            m = torch.nn.Module()
            m.q, m.k, m.v = torch.nn.Linear(D, D), torch.nn.Linear(D, D), torch.nn.Linear(D, D)
            m.o = torch.nn.Linear(D, D, bias=False)
            m.gate, m.up = torch.nn.Linear(D, F, bias=False), torch.nn.Linear(D, F, bias=False)
            m.down = torch.nn.Linear(F, D, bias=False)
            m.ln1, m.ln2 = torch.nn.Parameter(torch.ones(D)), torch.nn.Parameter(torch.ones(D))
            self.layers.append(m)
        self.norm = torch.nn.Parameter(torch.ones(D))
        self.register_buffer('inv', 1.0 / (THETA ** (torch.arange(0, HD, 2).float() / HD)))

    def rms(self, x, g):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * g

    def rope(self, x, pos):
        ang = pos.float()[:, None] * self.inv[None, :]
        cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)
        half = HD // 2
        return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin

    def forward(self, ids, start=0, cache=None):
        B, T = ids.shape
        h = self.embed[ids]
        pos = torch.arange(start, start + T)
        for i, m in enumerate(self.layers):
            x = self.rms(h, m.ln1)
            q = self.rope(m.q(x).view(B, T, H, HD).transpose(1, 2), pos)
            k = self.rope(m.k(x).view(B, T, H, HD).transpose(1, 2), pos)
            v = m.v(x).view(B, T, H, HD).transpose(1, 2)
            if cache is not None:
                ck, cv = cache[i]
                ck[:, :, start:start + T], cv[:, :, start:start + T] = k, v
                k, v = ck[:, :, :start + T], cv[:, :, :start + T]
            s = q @ k.transpose(-1, -2) / math.sqrt(HD)
            if T > 1:
                s = s + torch.full((T, start + T), float('-inf')).triu(start + 1)
            o = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, T, D)
            h = h + m.o(o)
            x = self.rms(h, m.ln2)
            h = h + m.down(torch.nn.functional.silu(m.gate(x)) * m.up(x))
        return self.rms(h, self.norm) @ self.embed.t()


model = Decoder()
opt = torch.optim.AdamW(model.parameters(), lr=2e-4, weight_decay=0.01)


def best_time(fn, min_time=1.5):
    fn()
    best, t0, n = float('inf'), time.perf_counter(), 0
    while n < 3 or time.perf_counter() - t0 < min_time:
        s = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - s)
        n += 1
    return best


rows, P, R = 16, 40, 40
ids = torch.randint(8, V, (rows, P + R))
weights = torch.randn(rows, R) / (rows * R)


def train_step():
    logits = model(ids[:, :-1])[:, P - 1:]
    logp = torch.log_softmax(logits, -1).gather(-1, ids[:, P:, None])[..., 0]
    (weights * logp).sum().backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad()


def sample(batch=128, new=40):
    with torch.no_grad():
        prompt = torch.randint(8, V, (batch, P))
        cache = [(torch.zeros(batch, H, P + new, HD), torch.zeros(batch, H, P + new, HD)) for _ in range(L)]
        logits = model(prompt, 0, cache)[:, -1]
        for step in range(new):
            probs = torch.softmax(logits, -1)
            nxt = torch.multinomial(probs, 1)
            torch.log_softmax(logits, -1).gather(-1, nxt)
            if step == new - 1:
                break
            logits = model(nxt, P + step, cache)[:, -1]


out = {
    'threads': torch.get_num_threads(),
    'policy-train': rows * (P + R) / best_time(train_step),
    'policy-sample-b128': 128 * 40 / best_time(sample),
}
print(json.dumps(out))
