"""PyTorch peer for the omni-runtime benchmarks (Debian python3-torch, CPU).

Usage:
  torch_peer.py sgemm THREADS       -> one JSON line of GFLOP/s at 256/512/1024.
  torch_peer.py train-step THREADS  -> serves: prints "ready", then answers each stdin line "run N"
                                       with the best step time of N steps in ms (so the benchmark can
                                       interleave ours and torch's steps under the same machine load).
The caller sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS to THREADS before start.
The decoder mirrors bench/tiny-decoder.ts (Qwen2 layout) with an explicit erf GELU-free MLP (SwiGLU).
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F

what, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(0)


def timed(fn, min_time=1.0, warmup=3):
    for _ in range(warmup):
        fn()
    n, t0 = 0, time.perf_counter()
    best = float("inf")
    while True:
        s = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - s)
        n += 1
        if time.perf_counter() - t0 > min_time and n >= 3:
            break
    return best


out = {"threads": torch.get_num_threads(), "torch": torch.__version__}
for n in (256, 512, 1024) if what == "sgemm" else ():
    a, b = torch.randn(n, n), torch.randn(n, n)
    c = torch.empty(n, n)
    t = timed(lambda: torch.mm(a, b, out=c))
    out[f"sgemm-{n}"] = 2 * n**3 / t / 1e9

cfg = dict(vocab=512, dim=256, layers=2, heads=4, kv_heads=2, ffn=768, theta=1e6, eps=1e-6, batch=8, seq=128)
if len(sys.argv) > 3:  # a JSON object overriding sizes (same keys as above)
    cfg.update(json.loads(sys.argv[3]))
B, T = cfg["batch"], cfg["seq"]


class RMSNorm(torch.nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope(x, cos, sin):
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class Block(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        d, hd = c["dim"], c["dim"] // c["heads"]
        self.c = c
        self.input_layernorm = RMSNorm(d, c["eps"])
        self.q_proj = torch.nn.Linear(d, c["heads"] * hd)
        self.k_proj = torch.nn.Linear(d, c["kv_heads"] * hd)
        self.v_proj = torch.nn.Linear(d, c["kv_heads"] * hd)
        self.o_proj = torch.nn.Linear(c["heads"] * hd, d, bias=False)
        self.post_attention_layernorm = RMSNorm(d, c["eps"])
        self.gate_proj = torch.nn.Linear(d, c["ffn"], bias=False)
        self.up_proj = torch.nn.Linear(d, c["ffn"], bias=False)
        self.down_proj = torch.nn.Linear(c["ffn"], d, bias=False)

    def forward(self, h, cos, sin, mask):
        c = self.c
        Bn, Tn, d = h.shape
        hd = d // c["heads"]
        x = self.input_layernorm(h)
        q = rope(self.q_proj(x).view(Bn, Tn, c["heads"], hd).transpose(1, 2), cos, sin)
        k = rope(self.k_proj(x).view(Bn, Tn, c["kv_heads"], hd).transpose(1, 2), cos, sin)
        v = self.v_proj(x).view(Bn, Tn, c["kv_heads"], hd).transpose(1, 2)
        g = c["heads"] // c["kv_heads"]
        k = k.repeat_interleave(g, dim=1)
        v = v.repeat_interleave(g, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask
        a = torch.softmax(att, dim=-1) @ v
        h = h + self.o_proj(a.transpose(1, 2).reshape(Bn, Tn, d))
        x2 = self.post_attention_layernorm(h)
        return h + self.down_proj(F.silu(self.gate_proj(x2)) * self.up_proj(x2))


class Decoder(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(c["vocab"], c["dim"])
        self.layers = torch.nn.ModuleList([Block(c) for _ in range(c["layers"])])
        self.norm = RMSNorm(c["dim"], c["eps"])
        self.lm_head = torch.nn.Linear(c["dim"], c["vocab"], bias=False)
        hd = c["dim"] // c["heads"]
        inv = c["theta"] ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)
        ang = torch.arange(512, dtype=torch.float64)[:, None] * inv[None, :]
        self.cos, self.sin = ang.cos().float(), ang.sin().float()

    def forward(self, ids):
        Tn = ids.shape[1]
        cos, sin = self.cos[:Tn], self.sin[:Tn]
        mask = torch.full((Tn, Tn), float("-inf")).triu(1)
        h = self.embed_tokens(ids)
        for layer in self.layers:
            h = layer(h, cos, sin, mask)
        return self.lm_head(self.norm(h))


model = Decoder(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
ids = torch.randint(0, cfg["vocab"], (B, T))
targets = torch.randint(0, cfg["vocab"], (B, T))


def step():
    logits = model(ids)
    logp = torch.log_softmax(logits, dim=-1).gather(-1, targets[..., None]).squeeze(-1)
    loss = -logp.mean()
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=False)


if what == "train-step":
    for _ in range(2):
        step()
    print("ready", flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] != "run":
            break
        best = float("inf")
        for _ in range(int(cmd[1])):
            s = time.perf_counter()
            step()
            best = min(best, time.perf_counter() - s)
        print(json.dumps({"ms": best * 1000, "tokens": B * T}), flush=True)
else:
    print(json.dumps(out))
