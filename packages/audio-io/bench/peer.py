#!/usr/bin/env python3
"""Python peers for bench/run.ts (Debian's python3-numpy, libsoxr0 through ctypes). Prints one JSON line.

  peer.py logmel <seconds> <n_mels> <chunk_length> <runs>
      best wall time (ms) of the numpy oracle's log_mel on the speech recipe (the same input the TS bench uses,
      bit for bit), filter bank precomputed, plus a checksum of the input and the features for a parity check
  peer.py pipeline <wav> <runs>
      librosa.load-equivalent + processor: read_wav (numpy), soxr HQ to 16 kHz (libsoxr, C), oracle log_mel on
      each 300 s chunk; best wall time (s)
  peer.py resample <wav> <runs>
      libsoxr HQ alone on the file's mono samples; best wall time (s)
"""

from __future__ import annotations

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.environ.get("SOUNDMIND_REFERENCE", os.path.join(ROOT, "..", "shared", "reference")))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))

import numpy as np  # noqa: E402

import feature_oracle as fo  # noqa: E402
from recipes import checksum, make_signal  # noqa: E402


def best(fn, runs: int) -> tuple[float, object]:
    out, times = None, []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def logmel(seconds: float, n_mels: int, chunk: int, runs: int) -> dict:
    x = make_signal({"kind": "speech", "n": round(seconds * 16000), "rate": 16000, "seed": 7})
    bank = fo.mel_filter_bank(n_mels)
    fo.log_mel(x, n_mels=n_mels, chunk_length=chunk, filters=bank)  # warm-up
    t, (feats, nv) = best(lambda: fo.log_mel(x, n_mels=n_mels, chunk_length=chunk, filters=bank), runs)
    return {"ms": t * 1000, "inputChecksum": checksum(x), "validFrames": int(nv),
            "sum": float(np.sum(feats, dtype=np.float64)), "f_0_0": float(feats[0, 0]),
            "f_mid": float(feats[n_mels // 2, nv // 2])}


def pipeline(wav: str, runs: int) -> dict:
    from soxr_ctypes import resample_hq

    def go():
        x, rate = fo.read_wav(wav)
        y = resample_hq(x, rate, 16000) if rate != 16000 else x
        frames = 0
        for off in range(0, len(y), 300 * 16000):
            _, nv = fo.log_mel(y[off: off + 300 * 16000])
            frames += nv
        return frames

    t, frames = best(go, runs)
    return {"s": t, "frames": int(frames)}


def resample(wav: str, runs: int) -> dict:
    from soxr_ctypes import resample_hq
    x, rate = fo.read_wav(wav)
    t, y = best(lambda: resample_hq(x, rate, 16000), runs)
    return {"s": t, "samples": len(x), "out": len(y)}


def main() -> int:
    mode = sys.argv[1]
    if mode == "logmel":
        out = logmel(float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "pipeline":
        out = pipeline(sys.argv[2], int(sys.argv[3]))
    elif mode == "resample":
        out = resample(sys.argv[2], int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
