#!/usr/bin/env python3
"""Writes fixtures/oracle-vectors.json.gz: reference vectors for rl-core's parity tests.

Run from anywhere with Debian's torch:  /usr/bin/python3 packages/rl-core/scripts/make-fixtures.py
It uses verl_oracle.py (a copy of the project's verl oracle, /work/shared/reference/verl_oracle.py) for
every number: `build_vectors(seed)` for many seeds (random masks, group shapes incl. singletons, outlier
log-ratios of +-25, every estimator, loss, aggregation and KL type, the toy actor update), plus the cases
below that the oracle's generator does not produce (string uids, empty rows, all-equal groups, exact ties at
clip and clamp boundaries, rollout IS weights).
"""
import gzip
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import verl_oracle as O  # noqa: E402

SEEDS = list(range(12))
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "oracle-vectors.json.gz")


def full(t):
    """tensor -> nested list at full float64 precision (NaN/inf as strings)."""
    a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)

    def f(v):
        v = float(v)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v

    if a.ndim == 0:
        return f(a)
    return [full(x) if np.ndim(x) else f(x) for x in a]


def extra_advantages(rng):
    """Group shapes the oracle's generator does not make: string uids, empty rows, all-equal groups."""
    cases = []
    for k in range(24):
        B = int(rng.integers(1, 11))
        L = int(rng.integers(1, 7))
        m = np.zeros((B, L))
        for i in range(B):
            m[i, : int(rng.integers(0, L + 1))] = 1  # empty rows allowed
        labels = [f"uid-{int(x)}" for x in rng.integers(0, max(1, B // 2), size=B)]
        if k % 3 == 0:
            labels = [["a", "b", 7, "7"][i % 4] for i in range(B)]  # 7 and "7" are different groups
        s = rng.choice([0.0, 1.0, 2.5], size=B) if k % 2 else np.round(rng.normal(size=B), 6)
        if k % 4 == 1:
            s = np.full(B, 1.5)  # every group all-equal
        r = np.zeros((B, L))
        for i in range(B):
            n = int(m[i].sum())
            r[i, n - 1 if n > 0 else L - 1] = s[i]
        rt, mt = O.T(r), O.T(m)
        out = {}
        for name, fn in [("grpo", lambda: O.adv_grpo(rt, mt, labels)),
                         ("grpo_no_std", lambda: O.adv_grpo(rt, mt, labels, norm_adv_by_std_in_grpo=False)),
                         ("rloo", lambda: O.adv_rloo(rt, mt, labels)),
                         ("rloo_vectorized", lambda: O.adv_rloo_vectorized(rt, mt, labels)),
                         ("opo", lambda: O.adv_opo(rt, mt, labels)),
                         ("gpg", lambda: O.adv_gpg(rt, mt, labels)),
                         ("grpo_vectorized@current", lambda: O.adv_grpo_vectorized(rt, mt, labels)),
                         ("grpo_vectorized@jan2026", lambda: O.adv_grpo_vectorized(rt, mt, labels, variant="jan2026"))]:
            a, ret = fn()
            out[name] = {"advantages": full(a), "returns": full(ret)}
        try:
            a, ret = O.adv_grpo_passk(rt, mt, labels)
            out["grpo_passk"] = {"advantages": full(a), "returns": full(ret)}
        except ValueError:
            out["grpo_passk"] = {"error": "group of size 1"}
        if mt.sum() >= 2:
            a, ret = O.adv_reinforce_pp_baseline(rt, mt, labels)
            out["reinforce_plus_plus_baseline"] = {"advantages": full(a), "returns": full(ret)}
        cases.append({"token_level_rewards": full(rt), "response_mask": full(mt), "index": labels, "outputs": out})
    return cases


def tie_policy_cases():
    """Exact ties: r = 1 (L1 == L2), clip ratio 0 (both clamp bounds hit), |Δ| = 20 exactly (clamp bound),
    Δ at geo_mean's log bound, zero advantages."""
    # dyadic values, exact in float32 too, so the float32 run sees the same ties
    old = np.array([[0.0, -20.0, 0.0, -1.0, 0.0, -0.5], [-20.0, 0.0, -0.25, 0.0, -2.0, -1.0]])
    new = np.array([[0.0, 0.0, -20.0, -1.0, 0.25, -0.75], [0.0, -20.0, -0.25, 0.25, -2.0, -1.0]])
    adv = np.array([[1.0, 0.5, -0.5, -2.0, 1.0, -1.0], [-1.0, 1.0, 0.0, 0.7, 0.3, 0.0]])
    m = np.ones_like(adv)
    cases = []
    for name in ["vanilla", "gspo", "sapo", "gpg", "cispo", "geo_mean", "dppo_tv", "dppo_kl", "dro"]:
        for cl, ch in [(0.25, 0.25), (0.0, 0.0), (0.25, 0.5)]:
            kw = dict(mode="token-mean", clip_low=cl, clip_high=ch, gi={})
            if name in ("vanilla", "dppo_tv", "dppo_kl"):
                kw["clip_c"] = 3.0
            loss, met, g = O._grad_case(lambda lp: O.POLICY_LOSSES[name](O.T(old), lp, O.T(adv), O.T(m), **kw), new)
            cases.append({"loss_mode": name, "params": {"clip_ratio_low": cl, "clip_ratio_high": ch, "clip_ratio_c": 3.0},
                          "old_log_prob": full(O.T(old)), "log_prob": full(O.T(new)), "advantages": full(O.T(adv)),
                          "response_mask": full(O.T(m)), "pg_loss": full(loss),
                          "metrics": {a: full(torch.tensor(b, dtype=O.DT)) for a, b in met.items()}, "grad_log_prob": full(g)})
    return cases


def tie_kl_cases():
    lp = np.array([[0.0, -1.0, 5.0, -30.0, 0.0, -3.0]])
    ref = np.array([[0.0, 19.0, -15.0, -10.0, -20.0, -3.0]])  # x = ref - logp hits 20 / -20 exactly, and 0
    out = []
    for kind in ["kl", "abs", "mse", "low_var_kl", "k3+", "abs+"]:
        for var in ("current", "soundmind"):
            if var == "soundmind" and kind.endswith("+"):
                continue
            t = O.T(lp).requires_grad_(True)
            v = O.kl_penalty(t, O.T(ref), kind, var)
            v.sum().backward()
            out.append({"kind": kind, "variant": var, "logprob": full(O.T(lp)), "ref_logprob": full(O.T(ref)),
                        "kl": full(v), "grad_logprob_of_sum": full(t.grad)})
    return out


def is_weight_cases(rng):
    out = []
    for k in range(6):
        B, L = 4, 6
        gen = O.Gen(100 + k)
        m = gen.mask(B, L, "right")
        old, new, _ = gen.logps(B, L, spread=0.4, extreme=k % 2 == 1)
        adv = np.round(rng.normal(size=(B, L)), 6) * m
        w = np.round(rng.uniform(0.2, 2.0, size=(B, L)), 6)
        loss, met, g = O._grad_case(
            lambda lp: O.pl_vanilla(O.T(old), lp, O.T(adv), O.T(m), mode="seq-mean-token-mean", is_weights=O.T(w)), new)
        out.append({"old_log_prob": full(O.T(old)), "log_prob": full(O.T(new)), "advantages": full(O.T(adv)),
                    "response_mask": full(O.T(m)), "rollout_is_weights": full(O.T(w)), "pg_loss": full(loss),
                    "grad_log_prob": full(g)})
    return out


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(12345)
    seeds = []
    for s in SEEDS:
        v = O.build_vectors(s)
        del v["meta"]
        seeds.append({"seed": s, **v})
    doc = {
        "generator": "packages/rl-core/scripts/make-fixtures.py (verl_oracle.py)",
        "seeds": seeds,
        "extra": {"advantages": extra_advantages(rng), "policy_loss_ties": tie_policy_cases(),
                  "kl_ties": tie_kl_cases(), "is_weights": is_weight_cases(rng)},
    }
    raw = json.dumps(doc, separators=(",", ":")).encode()
    tmp = f"{OUT}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write(raw)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, OUT)
    print(f"wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes, {len(raw)} raw)")


if __name__ == "__main__":
    main()
