/**
 * pnpm --filter @soundmind/audio-io bench
 *
 * Peers run in the same process tree: the numpy oracle and libsoxr (bench/peer.py, Debian's python3-numpy and
 * libsoxr0), and transformers.js's WhisperFeatureExtractor (devDependency). Prints ratios and writes
 * bench-results.json ({ name, unit, ours, peer, peerName, ratio }, ratio above 1 = we are faster).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BenchEntry,
  describeMachine,
  loadAverage,
  lowerIsBetter,
  runPythonPeer,
  time,
  timeAsync,
  writeBenchResults,
} from '@soundmind/bench-kit';
import { encodeWav, extractFeaturesBatch, loadAudio, logMelSpectrogram, resample } from '../src/index.js';
import { checksum, makeSignal } from '../test/helpers/recipes.js';

const PACKAGE = new URL('../..', import.meta.url);
const PEER = new URL('bench/peer.py', PACKAGE);
const entries: BenchEntry[] = [];

/** bench/peer.py on one thread (numpy, libsoxr through ctypes). */
function peer(args: string[]): Record<string, number | string> {
  return runPythonPeer(PEER, args, { threads: 1 });
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
    const ours = time(() => logMelSpectrogram(x, { nMels, chunkLength: chunk }), {
      warmup: 3,
      runs: 15,
    }).bestMs;
    const f = logMelSpectrogram(x, { nMels, chunkLength: chunk });
    let sum = 0;
    for (let m = 0; m < nMels; m++) for (let t = 0; t < f.validFrames; t++) sum += f.data[m * f.frames + t]!;
    const parity = Math.abs(sum - (np.sum as number)) / (nMels * f.validFrames);
    const key = nMels === 128 ? 'omni' : 'whisper';
    entries.push(
      lowerIsBetter(
        `logmel-30s-${key}`,
        'ms',
        ours,
        np.ms as number,
        'numpy oracle (1 thread)',
        `${label}; mean |sum diff| ${parity.toExponential(1)}`,
      ),
    );
    const tjs = await transformersExtractor(nMels, chunk);
    const theirs = (await timeAsync(() => tjs(x), { warmup: 0, runs: key === 'omni' ? 2 : 5 })).bestMs;
    entries.push(
      lowerIsBetter(
        `logmel-30s-${key}`,
        'ms',
        ours,
        theirs,
        'transformers.js 4.3.1',
        `${label}; it computes every padded frame`,
      ),
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
    const runs = await timeAsync(pipeline, { warmup: 0, runs: 2 });
    const ours = runs.bestMs / 1000;
    const cpuSeconds = runs.cpuMs.reduce((a, b) => a + b, 0) / 2000; // per run, every thread of this process
    const single = await timeAsync(
      async () => {
        const y = await loadAudio(wav, { workers: 1 });
        for (let at = 0; at < y.length; at += 300 * 16000)
          logMelSpectrogram(y.subarray(at, at + 300 * 16000));
      },
      { warmup: 0, runs: 1 },
    );
    let py: Record<string, number | string> | undefined;
    try {
      py = peer(['pipeline', wav, '1']);
    } catch (error) {
      console.log(
        `pipeline peer skipped (needs Debian libsoxr0): ${(error as Error).message.split('\n')[0]}`,
      );
    }
    const notes = `1 h of 16-bit 44.1 kHz mono WAV -> 16 kHz -> Omni features in 12 x 300 s chunks; ${availableParallelism()} threads, ${cpuSeconds.toFixed(1)} CPU-s per run (one thread: ${(single.bestMs / 1000).toFixed(2)} s wall); load average ${loadAverage().toFixed(1)}; target < 15 s`;
    entries.push(
      lowerIsBetter(
        'decode+resample+features-1h',
        's',
        ours,
        (py?.s as number) ?? 15,
        py ? 'numpy + libsoxr (C)' : 'target',
        notes,
      ),
    );
    const mono = await loadAudio(wav, { sampleRate: 44100 });
    const ourResample = time(() => resample(mono, 44100, 16000), { warmup: 0, runs: 1 }).bestMs / 1000;
    try {
      const sox = peer(['resample', wav, '1']);
      entries.push(
        lowerIsBetter(
          'resample-1h-44k-16k',
          's',
          ourResample,
          sox.s as number,
          'libsoxr HQ (C, 1 thread)',
          'one thread each',
        ),
      );
    } catch {
      console.log('resample peer skipped (needs Debian libsoxr0)');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`audio-io bench on ${describeMachine()} (timings assume an otherwise idle machine)`);
  await featureBenches();
  await hourBench();
  writeBenchResults(PACKAGE, entries);
}

await main();
