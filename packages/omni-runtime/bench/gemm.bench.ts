import { type BenchEntry, higherIsBetter, runPythonPeer, time } from '@soundmind/bench-kit';
import { Rng } from '@soundmind/rl-core';
import { nativeInfo, setNumThreads } from '../src/kernels/registry.js';
import { matmul } from '../src/ops/matmul.js';
import { randn } from '../src/tensor/create.js';
import { tidy } from '../src/tensor/scope.js';
import type { BenchContext } from './harness.js';

/** sgemm GFLOP/s at 256/512/1024 (square, row-major), ours vs torch.mm, at 1 and 2 threads. */
export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const entries: BenchEntry[] = [];
  const rng = new Rng(0);
  for (const threads of [1, 2]) {
    setNumThreads(threads);
    const peer = runPythonPeer(
      new URL('../../bench/torch_peer.py', import.meta.url),
      ['sgemm', String(threads)],
      {
        threads,
      },
    );
    for (const n of [256, 512, 1024]) {
      const a = randn([n, n], rng);
      const b = randn([n, n], rng);
      const ms = time(() => tidy(() => void matmul(a, b)), { warmup: 2, runs: 3, minMs: 1500 }).bestMs;
      const ours = (2 * n ** 3) / (ms / 1000) / 1e9;
      const suffix = threads === 1 ? '' : `-t${threads}`;
      const notes = `${threads} thread(s) both: ours ${nativeInfo()?.isa ?? 'reference'} + OpenBLAS (own split), torch ${peer['torch']} (OMP/OPENBLAS/MKL_NUM_THREADS=${threads}, set_num_threads(${threads}))`;
      entries.push(
        higherIsBetter(`sgemm-${n}${suffix}`, 'GFLOP/s', ours, peer[`sgemm-${n}`]!, 'pytorch', notes),
      );
      a.dispose();
      b.dispose();
    }
  }
  setNumThreads(1);
  ctx.log('sgemm done');
  return entries;
}
