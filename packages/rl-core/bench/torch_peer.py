#!/usr/bin/env python3
"""PyTorch peer of the rl-core bench: GRPO advantages + vanilla PPO loss (token-mean) + autograd gradient.

Reads the bench inputs (float32 .bin files written by run.ts), checks nothing, prints JSON timings.
Advantages use a vectorised group view (the fastest torch form; verl itself loops over uids in Python).
"""
import json
import sys
import time

import numpy as np
import torch

B, L, N, REPS, DIR, DTYPE = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
dt = torch.float32 if DTYPE == "float32" else torch.float64


def load(name):
    return torch.from_numpy(np.fromfile(f"{DIR}/{name}.bin", dtype=np.float64).reshape(B, L)).to(dt)


rewards, mask, old, logp0 = load("rewards"), load("mask"), load("old"), load("logp")


def step():
    s = rewards.sum(-1).view(-1, N)
    mean = s.mean(-1, keepdim=True)
    std = s.std(-1, keepdim=True)
    adv = ((s - mean) / (std + 1e-6)).view(-1, 1) * mask
    logp = logp0.clone().requires_grad_(True)
    d = torch.clamp(logp - old, -20.0, 20.0)
    r = torch.exp(d)
    l1 = -adv * r
    l2 = -adv * torch.clamp(r, 0.8, 1.2)
    c1 = torch.maximum(l1, l2)
    c2 = torch.minimum(-adv * 3.0, c1)
    pg = torch.where(adv < 0, c2, c1)
    loss = (pg * mask).sum() / mask.sum()
    loss.backward()
    return loss.item(), logp.grad


for _ in range(3):
    step()
times = []
for _ in range(REPS):
    t = time.perf_counter()
    loss, grad = step()
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"ms": sorted(times)[len(times) // 2], "loss": loss, "threads": torch.get_num_threads(),
                  "torch": torch.__version__}))
