"""Makes the engine's PyTorch parity fixtures (run: /usr/bin/python3 scripts/make_engine_fixtures.py).

Writes test/fixtures/engine/parity.json (index, shapes, scalars) and parity.f32 (all float32 data):
  decoder.*  a 2-layer Qwen2-style decoder (RMSNorm, GQA with q/k/v bias, rotate-half RoPE, causal
             softmax, SwiGLU, untied lm_head): weights, ids, targets, logits, loss = -mean log p(target),
             and every parameter's gradient.
  encoder.*  a Whisper-style audio block (conv1d k3 s1/s2 p1, exact erf GELU written out by hand because
             Debian torch 1.13's nn.GELU backward is wrong for non-contiguous gradients, pre-LN layer with
             block-diagonal attention and k_proj without bias, avg pool 2, ln_post): weights, input,
             output, loss = sum(out * probe), gradients of every parameter and of the input.
  adamw.* / sgd.*  three optimiser steps of torch.optim.AdamW / SGD(momentum) with given gradients.
  rope.*     cos/sin of transformers' float32 rotary computation (head dim 128, theta 1e6) at long positions.
All in float64 inside torch, stored as float32.
"""
import json
import math
import os

import torch

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)
here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.join(here, "..", "test", "fixtures", "engine")
tensors = {}
meta = {}


def put(name, t):
    tensors[name] = t.detach().to(torch.float64).clone()  # a copy: parameters change later


def gelu(x):
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def rms(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope(x, cos, sin):  # x [B, H, T, D]
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


# ---- decoder ----
dc = dict(vocab=50, dim=32, layers=2, heads=4, kvHeads=2, ffn=48, ropeTheta=10000.0, eps=1e-6)
meta["decoder"] = dc
B, T = 2, 7
hd = dc["dim"] // dc["heads"]
params = {}


def p(name, *shape, std=0.2):
    t = (torch.randn(*shape) * std).requires_grad_()
    params[name] = t
    return t


p("model.embed_tokens.weight", dc["vocab"], dc["dim"], std=0.5)
for i in range(dc["layers"]):
    pre = f"model.layers.{i}."
    params[pre + "input_layernorm.weight"] = (1 + 0.1 * torch.randn(dc["dim"])).requires_grad_()
    p(pre + "self_attn.q_proj.weight", dc["heads"] * hd, dc["dim"])
    p(pre + "self_attn.q_proj.bias", dc["heads"] * hd)
    p(pre + "self_attn.k_proj.weight", dc["kvHeads"] * hd, dc["dim"])
    p(pre + "self_attn.k_proj.bias", dc["kvHeads"] * hd)
    p(pre + "self_attn.v_proj.weight", dc["kvHeads"] * hd, dc["dim"])
    p(pre + "self_attn.v_proj.bias", dc["kvHeads"] * hd)
    p(pre + "self_attn.o_proj.weight", dc["dim"], dc["heads"] * hd)
    params[pre + "post_attention_layernorm.weight"] = (1 + 0.1 * torch.randn(dc["dim"])).requires_grad_()
    p(pre + "mlp.gate_proj.weight", dc["ffn"], dc["dim"])
    p(pre + "mlp.up_proj.weight", dc["ffn"], dc["dim"])
    p(pre + "mlp.down_proj.weight", dc["dim"], dc["ffn"])
params["model.norm.weight"] = (1 + 0.1 * torch.randn(dc["dim"])).requires_grad_()
p("lm_head.weight", dc["vocab"], dc["dim"])

ids = torch.randint(0, dc["vocab"], (B, T))
targets = torch.randint(0, dc["vocab"], (B, T))
inv = dc["ropeTheta"] ** (-torch.arange(0, hd, 2) / hd)
ang = torch.arange(T)[:, None] * inv[None, :]
cos, sin = ang.cos(), ang.sin()
mask = torch.full((T, T), float("-inf")).triu(1)
h = params["model.embed_tokens.weight"][ids]
for i in range(dc["layers"]):
    pre = f"model.layers.{i}."
    P = lambda n: params[pre + n]  # noqa: E731
    x = rms(h, P("input_layernorm.weight"), dc["eps"])
    q = (x @ P("self_attn.q_proj.weight").T + P("self_attn.q_proj.bias")).view(B, T, dc["heads"], hd).transpose(1, 2)
    k = (x @ P("self_attn.k_proj.weight").T + P("self_attn.k_proj.bias")).view(B, T, dc["kvHeads"], hd).transpose(1, 2)
    v = (x @ P("self_attn.v_proj.weight").T + P("self_attn.v_proj.bias")).view(B, T, dc["kvHeads"], hd).transpose(1, 2)
    q, k = rope(q, cos, sin), rope(k, cos, sin)
    g = dc["heads"] // dc["kvHeads"]
    k, v = k.repeat_interleave(g, 1), v.repeat_interleave(g, 1)
    a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + mask, -1) @ v
    h = h + a.transpose(1, 2).reshape(B, T, dc["dim"]) @ P("self_attn.o_proj.weight").T
    x2 = rms(h, P("post_attention_layernorm.weight"), dc["eps"])
    gate = x2 @ P("mlp.gate_proj.weight").T
    h = h + (gate * torch.sigmoid(gate) * (x2 @ P("mlp.up_proj.weight").T)) @ P("mlp.down_proj.weight").T
logits = rms(h, params["model.norm.weight"], dc["eps"]) @ params["lm_head.weight"].T
loss = -torch.log_softmax(logits, -1).gather(-1, targets[..., None]).mean()
loss.backward()
for n, t in params.items():
    put(f"decoder.param.{n}", t)
    put(f"decoder.grad.{n}", t.grad)
put("decoder.ids", ids.double())
put("decoder.targets", targets.double())
put("decoder.logits", logits)
meta["decoder"]["loss"] = loss.item()
meta["decoder"]["batch"], meta["decoder"]["seq"] = B, T

# ---- audio encoder block ----
ec = dict(mels=8, dim=16, heads=4, ffn=24, frames=21, blocks=[6, 5], eps=1e-5)
meta["encoder"] = ec
eparams = {}


def ep(name, *shape, std=0.2):
    t = (torch.randn(*shape) * std).requires_grad_()
    eparams[name] = t
    return t


ep("conv1.weight", ec["dim"], ec["mels"], 3)
ep("conv1.bias", ec["dim"])
ep("conv2.weight", ec["dim"], ec["dim"], 3)
ep("conv2.bias", ec["dim"])
for n in ("self_attn_layer_norm", "final_layer_norm", "ln_post"):
    eparams[n + ".weight"] = (1 + 0.1 * torch.randn(ec["dim"])).requires_grad_()
    ep(n + ".bias", ec["dim"], std=0.1)
for n in ("q_proj", "v_proj", "out_proj"):
    ep(f"self_attn.{n}.weight", ec["dim"], ec["dim"])
    ep(f"self_attn.{n}.bias", ec["dim"])
ep("self_attn.k_proj.weight", ec["dim"], ec["dim"])
ep("fc1.weight", ec["ffn"], ec["dim"])
ep("fc1.bias", ec["ffn"])
ep("fc2.weight", ec["dim"], ec["ffn"])
ep("fc2.bias", ec["dim"])
feats = torch.randn(1, ec["mels"], ec["frames"]).requires_grad_()
E = lambda n: eparams[n]  # noqa: E731
x = gelu(torch.nn.functional.conv1d(feats, E("conv1.weight"), E("conv1.bias"), stride=1, padding=1))
x = gelu(torch.nn.functional.conv1d(x, E("conv2.weight"), E("conv2.bias"), stride=2, padding=1))
x = x.transpose(1, 2)  # [1, L, dim], L = 11
L = x.shape[1]
assert L == sum(ec["blocks"])
ln = torch.nn.functional.layer_norm
y = ln(x, (ec["dim"],), E("self_attn_layer_norm.weight"), E("self_attn_layer_norm.bias"), ec["eps"])
ehd = ec["dim"] // ec["heads"]
q = (y @ E("self_attn.q_proj.weight").T + E("self_attn.q_proj.bias")).view(1, L, ec["heads"], ehd).transpose(1, 2)
k = (y @ E("self_attn.k_proj.weight").T).view(1, L, ec["heads"], ehd).transpose(1, 2)
v = (y @ E("self_attn.v_proj.weight").T + E("self_attn.v_proj.bias")).view(1, L, ec["heads"], ehd).transpose(1, 2)
bmask = torch.full((L, L), float("-inf"))
at = 0
for n in ec["blocks"]:
    bmask[at : at + n, at : at + n] = 0
    at += n
a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(ehd) + bmask, -1) @ v
x = x + a.transpose(1, 2).reshape(1, L, ec["dim"]) @ E("self_attn.out_proj.weight").T + E("self_attn.out_proj.bias")
y = ln(x, (ec["dim"],), E("final_layer_norm.weight"), E("final_layer_norm.bias"), ec["eps"])
x = x + gelu(y @ E("fc1.weight").T + E("fc1.bias")) @ E("fc2.weight").T + E("fc2.bias")
x = torch.nn.functional.avg_pool1d(x.transpose(1, 2), 2, 2).transpose(1, 2)  # [1, 5, dim]
out = ln(x, (ec["dim"],), E("ln_post.weight"), E("ln_post.bias"), ec["eps"])
probe = torch.randn(*out.shape)
(out * probe).sum().backward()
for n, t in eparams.items():
    put(f"encoder.param.{n}", t)
    put(f"encoder.grad.{n}", t.grad)
put("encoder.input", feats)
put("encoder.inputGrad", feats.grad)
put("encoder.probe", probe)
put("encoder.output", out)

# ---- optimisers ----
for kind in ("adamw", "sgd"):
    w = torch.randn(5, 3).requires_grad_()
    put(f"{kind}.init", w)
    opt = (
        torch.optim.AdamW([w], lr=0.01, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1)
        if kind == "adamw"
        else torch.optim.SGD([w], lr=0.05, momentum=0.9, weight_decay=0.01)
    )
    for s in range(3):
        grad = torch.randn(5, 3)
        put(f"{kind}.grad{s}", grad)
        w.grad = grad.clone()
        if s == 2:  # the last step is clipped to max norm 0.5, as clip_grad_norm_ does it
            torch.nn.utils.clip_grad_norm_([w], 0.5)
        opt.step()
        put(f"{kind}.after{s}", w)

# ---- rotary tables as transformers computes them (float32 inv_freq, angles and cos/sin) ----
rd, rtheta = 128, 1e6
inv32 = 1.0 / (rtheta ** (torch.arange(0, rd, 2, dtype=torch.int64).float() / rd))
rpos = torch.tensor([0, 1, 777, 3999], dtype=torch.float32)
rang = (inv32[None, :, None] @ rpos[None, None, :]).transpose(1, 2)[0]
put("rope.positions", rpos)
put("rope.cos", rang.cos())
put("rope.sin", rang.sin())
meta["rope"] = dict(headDim=rd, theta=rtheta)

# ---- write ----
index, chunks, offset = {}, [], 0
for name, t in tensors.items():
    arr = t.to(torch.float32).flatten()
    index[name] = {"shape": list(t.shape), "offset": offset, "length": arr.numel()}
    chunks.append(arr.numpy().tobytes())
    offset += arr.numel()
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "parity.f32"), "wb") as f:
    f.write(b"".join(chunks))
with open(os.path.join(out_dir, "parity.json"), "w") as f:
    json.dump({"meta": meta, "tensors": index}, f, separators=(",", ":"))
print(f"wrote {len(index)} tensors, {offset * 4} bytes")
