import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BenchEntry,
  loadAverage,
  lowerIsBetter,
  runPythonPeer,
  time,
  writeBenchResults,
} from '@soundmind/bench-kit';
import { computeAdvantage, computePolicyLoss, type DType, type Matrix, Rng, zeros } from '@soundmind/rl-core';
import { referenceStep } from './reference.js';

/**
 * `pnpm --filter @soundmind/rl-core bench`: one GRPO update's math on [512, 2048] (advantages + vanilla PPO
 * loss + its gradient), rl-core vs a plain op-by-op TypeScript reference and vs PyTorch (Debian's
 * python3-torch, when present) in the same run. Writes bench-results.json (ratio > 1 = rl-core is faster).
 * Each precision runs in its own process, as a training run uses one: V8 compiles the kernels for the
 * array types it has seen, and a process that has run float32 batches runs float64 ones ~30% slower.
 */
const B = 512;
const L = 2048;
const N = 8; // responses per prompt
const REPS = 21;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function inputs(dtype: DType) {
  const rng = new Rng(2024);
  const mask = zeros(B, L, dtype);
  const rewards = zeros(B, L, dtype);
  const old = zeros(B, L, dtype);
  const logp = zeros(B, L, dtype);
  for (let i = 0; i < B; i++) {
    const len = 1 + rng.int(L);
    mask.data.fill(1, i * L, i * L + len);
    rewards.data[i * L + len - 1] = rng.int(2);
    for (let t = 0; t < L; t++) {
      const o = -rng.next() * 4;
      old.data[i * L + t] = o;
      // mostly near-on-policy, with ±25 outliers
      logp.data[i * L + t] = o + (rng.next() < 0.001 ? (rng.next() < 0.5 ? -25 : 25) : rng.normal(0, 0.2));
    }
  }
  return { mask, rewards, old, logp, index: Array.from({ length: B }, (_, i) => Math.floor(i / N)) };
}

type Inputs = ReturnType<typeof inputs>;

function ours(x: Inputs): { loss: number; grad: Matrix } {
  const { advantages } = computeAdvantage('grpo', {
    tokenLevelRewards: x.rewards,
    responseMask: x.mask,
    index: x.index,
  });
  const out = computePolicyLoss('vanilla', {
    oldLogProb: x.old,
    logProb: x.logp,
    advantages,
    responseMask: x.mask,
    lossAggMode: 'token-mean',
  });
  return { loss: out.loss, grad: out.gradLogProb };
}

const toRows = (m: Matrix) =>
  Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));

function torchPeer(x: Inputs, dtype: DType): { ms: number; loss: number; torch: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'rl-core-bench-'));
  try {
    for (const [name, m] of Object.entries({ rewards: x.rewards, mask: x.mask, old: x.old, logp: x.logp })) {
      writeFileSync(join(dir, `${name}.bin`), Buffer.from(Float64Array.from(m.data).buffer));
    }
    return runPythonPeer(join(packageDir, 'bench', 'torch_peer.py'), [
      String(B),
      String(L),
      String(N),
      String(REPS),
      dir,
      dtype,
    ]);
  } catch (e) {
    console.warn(`PyTorch peer skipped (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Times one precision in this process; returns its rows of bench-results.json. */
function benchDtype(dtype: DType): BenchEntry[] {
  const results: BenchEntry[] = [];
  const x = inputs(dtype);
  // rl-core is timed first, before the reference fills the heap with garbage for the GC to chase
  const load = loadAverage();
  // medians after warm-up calls (by then V8 has compiled the kernels and the GC has settled), and the median
  // CPU time of this process per call (less sensitive to a busy machine)
  const { medianMs: msOurs, medianCpuMs: cpuOurs } = time(() => ours(x), { warmup: 10, runs: REPS });
  const mine = ours(x);
  const rows = { rewards: toRows(x.rewards), mask: toRows(x.mask), old: toRows(x.old), logp: toRows(x.logp) };
  const ref = referenceStep(rows.rewards, rows.mask, x.index, rows.old, rows.logp);
  // same numbers: the reference computes in float64 from the same (possibly float32) inputs
  // (each value relative to the largest of its kind, as float32 stores a gradient of ~1/N with ~7 digits)
  const gradScale = Math.max(...ref.grad.map((row) => Math.max(...row.map(Math.abs))));
  let maxDiff = Math.abs(ref.loss - mine.loss) / Math.max(1, Math.abs(ref.loss));
  ref.grad.forEach((row, i) => {
    row.forEach((g, t) => {
      maxDiff = Math.max(maxDiff, Math.abs(g - (mine.grad.data[i * L + t] as number)) / gradScale);
    });
  });
  if (!(maxDiff < (dtype === 'float32' ? 1e-5 : 1e-9)))
    throw new Error(`reference and rl-core disagree (${maxDiff})`);
  const msRef = time(() => referenceStep(rows.rewards, rows.mask, x.index, rows.old, rows.logp), {
    warmup: 1,
    runs: 5,
  }).medianMs;
  const name = `grpo-adv+ppo-loss+grad-${B}x${L}-${dtype}`;
  results.push(lowerIsBetter(name, 'ms', msOurs, msRef, 'plain TypeScript reference (op by op)'));
  console.log(
    `${name}: rl-core ${msOurs.toFixed(2)} ms wall, ${cpuOurs.toFixed(2)} ms CPU (medians of ${REPS} warm calls; target < 30; load average ${load.toFixed(1)}), plain reference ${msRef.toFixed(1)} ms (x${(msRef / msOurs).toFixed(1)})`,
  );
  const torch = torchPeer(x, dtype);
  if (torch) {
    if (Math.abs(torch.loss - mine.loss) > 1e-4 * Math.max(1, Math.abs(mine.loss))) {
      throw new Error(`PyTorch loss ${torch.loss} differs from rl-core's ${mine.loss}`);
    }
    results.push(lowerIsBetter(name, 'ms', msOurs, torch.ms, `PyTorch ${torch.torch} CPU`));
    console.log(
      `${name}: rl-core ${msOurs.toFixed(2)} ms, PyTorch ${torch.ms.toFixed(2)} ms (ratio ${(torch.ms / msOurs).toFixed(2)})`,
    );
  }
  return results;
}

const RESULT_TAG = 'bench-results:';
const only = process.argv[2];
if (only === 'float32' || only === 'float64') {
  // a child: one precision, its rows on the last line
  console.log(`${RESULT_TAG}${JSON.stringify(benchDtype(only))}`);
} else {
  const results: BenchEntry[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), dtype], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for (const line of out.split('\n')) {
      if (line.startsWith(RESULT_TAG))
        results.push(...(JSON.parse(line.slice(RESULT_TAG.length)) as BenchEntry[]));
      else if (line) console.log(line);
    }
  }
  writeBenchResults(packageDir, results);
}
