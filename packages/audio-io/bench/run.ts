/**
 * pnpm --filter @soundmind/audio-io bench
 *
 * Peers run in the same process tree: the numpy oracle and libsoxr (bench/peer.py, Debian's python3-numpy and
 * libsoxr0), and transformers.js's WhisperFeatureExtractor (devDependency). Prints ratios and writes
 * bench-results.json ({ name, unit, ours, peer, peerName, ratio }, ratio above 1 = we are faster).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, extractFeaturesBatch, loadAudio, logMelSpectrogram, resample } from '../src/index.js';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import { checksum, makeSignal } from '../test/helpers/recipes.js';

interface BenchEntry {
  name: string;
  unit: string;
  ours: number;
  peer: number;
  peerName: string;
  ratio: number;
  notes?: string;
}

const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const PEER = join(PACKAGE, 'bench', 'peer.py');
const entries: BenchEntry[] = [];

function peer(args: string[]): Record<string, number | string> {
  const out = execFileSync('/usr/bin/python3', [PEER, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number | string>;
}

function bestMs(fn: () => unknown, runs: number, warmup = 1): number {
  for (let i = 0; i < warmup; i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

async function bestMsAsync(fn: () => Promise<unknown>, runs: number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** ratio = peer time / our time (above 1: we are faster) */
function add(name: string, unit: string, ours: number, peerValue: number, peerName: string, notes?: string) {
  const entry: BenchEntry = { name, unit, ours, peer: peerValue, peerName, ratio: peerValue / ours };
  if (notes !== undefined) entry.notes = notes;
  entries.push(entry);
  console.log(
    `${name.padEnd(34)} ours ${ours.toFixed(unit === 's' ? 2 : 1).padStart(9)} ${unit}   ${peerName.padEnd(28)} ${peerValue
      .toFixed(unit === 's' ? 2 : 1)
      .padStart(9)} ${unit}   ratio ${entry.ratio.toFixed(2)}x`,
  );
}

async function transformersExtractor(nMels: number, chunkLength: number) {
  const { WhisperFeatureExtractor } = await import('@huggingface/transformers');
  return new WhisperFeatureExtractor({
    feature_extractor_type: 'WhisperFeatureExtractor',
    feature_size: nMels,
    sampling_rate: 16000,
    hop_length: 160,
    chunk_length: chunkLength,
    n_fft: 400,
    n_samples: chunkLength * 16000,
    nb_max_frames: chunkLength * 100,
    padding_value: 0,
    return_attention_mask: true,
  });
}

async function featureBenches() {
  for (const [label, nMels, chunk] of [
    ['omni (128 bins, 300 s chunk)', 128, 300],
    ['whisper (80 bins, 30 s chunk)', 80, 30],
  ] as const) {
    const x = makeSignal({ kind: 'speech', n: 30 * 16000, rate: 16000, seed: 7 });
    const np = peer(['logmel', '30', String(nMels), String(chunk), '7']);
    if (np.inputChecksum !== checksum(x)) throw new Error('bench input differs from the Python recipe');
    const ours = bestMs(() => logMelSpectrogram(x, { nMels, chunkLength: chunk }), 15, 3);
    const f = logMelSpectrogram(x, { nMels, chunkLength: chunk });
    let sum = 0;
    for (let m = 0; m < nMels; m++) for (let t = 0; t < f.validFrames; t++) sum += f.data[m * f.frames + t]!;
    const parity = Math.abs(sum - (np.sum as number)) / (nMels * f.validFrames);
    const key = nMels === 128 ? 'omni' : 'whisper';
    add(
      `logmel-30s-${key}`,
      'ms',
      ours,
      np.ms as number,
      'numpy oracle (1 thread)',
      `${label}; mean |sum diff| ${parity.toExponential(1)}`,
    );
    const tjs = await transformersExtractor(nMels, chunk);
    const theirs = await bestMsAsync(() => tjs(x), key === 'omni' ? 2 : 5);
    add(
      `logmel-30s-${key}`,
      'ms',
      ours,
      theirs,
      'transformers.js 4.3.1',
      `${label}; it computes every padded frame`,
    );
  }
}

async function hourBench() {
  const dir = mkdtempSync(join(tmpdir(), 'audio-io-bench-'));
  try {
    const seconds = 3600;
    const base = makeSignal({ kind: 'speech', n: 44100 * 60, rate: 44100, seed: 11 });
    const x = new Float32Array(44100 * seconds);
    for (let at = 0; at < x.length; at += base.length)
      x.set(base.subarray(0, Math.min(base.length, x.length - at)), at);
    const wav = join(dir, 'hour.wav');
    writeFileSync(wav, encodeWav(x, 44100));
    const pipeline = async () => {
      const y = await loadAudio(wav);
      const chunks: Float32Array[] = [];
      for (let at = 0; at < y.length; at += 300 * 16000) chunks.push(y.subarray(at, at + 300 * 16000));
      return extractFeaturesBatch(chunks);
    };
    const cpu0 = process.cpuUsage();
    const ours = (await bestMsAsync(pipeline, 2)) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 2e6; // per run, every thread of this process
    const single =
      (await bestMsAsync(async () => {
        const y = await loadAudio(wav, { workers: 1 });
        for (let at = 0; at < y.length; at += 300 * 16000)
          logMelSpectrogram(y.subarray(at, at + 300 * 16000));
      }, 1)) / 1000;
    let py: Record<string, number | string> | undefined;
    try {
      py = peer(['pipeline', wav, '1']);
    } catch (error) {
      console.log(
        `pipeline peer skipped (needs Debian libsoxr0): ${(error as Error).message.split('\n')[0]}`,
      );
    }
    const notes = `1 h of 16-bit 44.1 kHz mono WAV -> 16 kHz -> Omni features in 12 x 300 s chunks; ${availableParallelism()} threads, ${cpuSeconds.toFixed(1)} CPU-s per run (one thread: ${single.toFixed(2)} s wall); load average ${loadavg()[0]!.toFixed(1)}; target < 15 s`;
    add(
      'decode+resample+features-1h',
      's',
      ours,
      (py?.s as number) ?? 15,
      py ? 'numpy + libsoxr (C)' : 'target',
      notes,
    );
    const mono = await loadAudio(wav, { sampleRate: 44100 });
    const ourResample = bestMs(() => resample(mono, 44100, 16000), 1, 0) / 1000;
    try {
      const sox = peer(['resample', wav, '1']);
      add(
        'resample-1h-44k-16k',
        's',
        ourResample,
        sox.s as number,
        'libsoxr HQ (C, 1 thread)',
        'one thread each',
      );
    } catch {
      console.log('resample peer skipped (needs Debian libsoxr0)');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(
    `audio-io bench on ${cpus()[0]?.model ?? 'unknown CPU'} (${availableParallelism()} threads), node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} (timings assume an otherwise idle machine)`,
  );
  await featureBenches();
  await hourBench();
  const out = join(PACKAGE, 'bench-results.json');
  await writeFileAtomic(out, new TextEncoder().encode(`${JSON.stringify(entries, null, 2)}\n`));
  console.log(`wrote ${out}`);
}

await main();
