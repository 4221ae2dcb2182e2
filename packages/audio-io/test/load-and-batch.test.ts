import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AudioFileError,
  decodeWav,
  encodeWav,
  extractFeaturesBatch,
  InvalidAudioArgumentError,
  loadAudio,
  logMelSpectrogram,
  resample,
  UnsupportedWavFormatError,
  WavDecodeError,
} from '../src/index.js';
import { fixturePath, maxAbsDiff, readF32, readJson, sameBits } from './helpers/fixtures.js';
import { goldenSignal, makeSignal } from './helpers/recipes.js';

interface SpeechFixtures {
  espeak22k: {
    file: string;
    sampleRate: number;
    samples: number;
    resampledLength: number;
    validFrames: number;
    features: string;
  };
}

const speech = readJson<{ speech: SpeechFixtures }>('wav', 'manifest.json').speech;

describe('loadAudio', () => {
  it('real speech at 22.05 kHz: librosa.load + the processor within the resampling bar', async () => {
    const c = speech.espeak22k;
    const y = await loadAudio(fixturePath('wav', c.file));
    expect(y.length).toBe(c.resampledLength); // ceil(n * 16000 / 22050)
    const f = logMelSpectrogram(y);
    expect(f.validFrames).toBe(c.validFrames);
    const want = readF32('wav', c.features); // oracle(soxr_hq(x)), [128, validFrames]
    let sum = 0;
    for (let m = 0; m < 128; m++) {
      for (let t = 0; t < c.validFrames; t++)
        sum += Math.abs(f.data[m * f.frames + t]! - want[m * c.validFrames + t]!);
    }
    expect(sum / (128 * c.validFrames)).toBeLessThanOrEqual(1e-3);
  });

  it('16 kHz passes through untouched; other rates are averaged to mono, then resampled', async () => {
    const left = goldenSignal(16000);
    const right = Float32Array.from(left, (v) => -0.5 * v);
    const at16 = await loadAudio(encodeWav([left, right], 16000, { format: 'float32' }));
    expect(at16).toEqual(Float32Array.from(left, (v, i) => (v + right[i]!) / 2));
    const at48 = await loadAudio(encodeWav([left, right], 48000, { format: 'float32' }));
    expect(
      sameBits(
        at48,
        resample(
          Float32Array.from(left, (v, i) => (v + right[i]!) / 2),
          48000,
          16000,
        ),
      ),
    ).toBe(true);
    expect(await loadAudio(encodeWav(left, 48000), { sampleRate: 48000 })).toHaveLength(16000);
  });

  it('long files resample on worker threads with the same samples as one thread', async () => {
    const x = makeSignal({ kind: 'noise', n: 44100 * 61, seed: 3, amplitude: 0.5 }); // parallel from 60 s of output
    const wav = encodeWav(x, 44100, { format: 'float32' });
    const one = await loadAudio(wav, { workers: 1 });
    const three = await loadAudio(wav, { workers: 3 }); // uneven split
    expect(one).toHaveLength(16000 * 61);
    expect(sameBits(three, one)).toBe(true);
    expect(three.buffer).toBeInstanceOf(ArrayBuffer); // not a SharedArrayBuffer
  });

  it('workers decode their own ranges of a file read into shared memory: stereo, the same samples', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audio-io-load-'));
    const left = makeSignal({ kind: 'noise', n: 22050 * 61 + 5, seed: 4, amplitude: 0.5 });
    const right = Float32Array.from(left, (v, i) => 0.3 * v + 0.1 * Math.sin(i / 7));
    const path = join(dir, 'long.wav');
    writeFileSync(path, encodeWav([left, right], 22050));
    const one = await loadAudio(path, { workers: 1 });
    expect(sameBits(await loadAudio(path, { workers: 2 }), one)).toBe(true);
    const mono = decodeWav(encodeWav([left, right], 22050));
    const mean = Float32Array.from(mono.channelData[0]!, (v, i) => (v + mono.channelData[1]![i]!) / 2);
    expect(sameBits(one, resample(mean, 22050, 16000))).toBe(true);
  });

  it('a bad sample deep in a long file fails the parallel load with the typed error naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audio-io-load-'));
    const bytes = encodeWav(makeSignal({ kind: 'noise', n: 48000 * 62, seed: 5, amplitude: 0.5 }), 48000, {
      format: 'float32',
    });
    const data = bytes.length - 4 * 48000 * 62; // the samples are the last bytes of the file
    new DataView(bytes.buffer).setFloat32(data + 4 * 48000 * 50, Number.NaN, true);
    const path = join(dir, 'nan.wav');
    writeFileSync(path, bytes);
    for (const workers of [1, 2]) {
      const error = await loadAudio(path, { workers }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WavDecodeError);
      expect((error as Error).message).toMatch(/nan\.wav: sample at frame 2400000, channel 0 is NaN/);
    }
  });

  it('errors name the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audio-io-load-'));
    await expect(loadAudio(join(dir, 'nope.wav'))).rejects.toThrow(AudioFileError);
    await expect(loadAudio(join(dir, 'nope.wav'))).rejects.toThrow(/nope\.wav: cannot read: ENOENT/);
    const text = join(dir, 'notes.wav');
    writeFileSync(text, 'these are not samples');
    await expect(loadAudio(text)).rejects.toThrow(WavDecodeError);
    await expect(loadAudio(text)).rejects.toThrow(/notes\.wav: not a WAV file: starts with "thes"/);
    const cut = join(dir, 'cut.wav');
    writeFileSync(cut, encodeWav(new Float32Array(1000), 16000).subarray(0, 1000));
    await expect(loadAudio(cut)).rejects.toThrow(
      /cut\.wav: data chunk at offset 36 declares 2000 bytes but only 956 remain/,
    );
    const adpcm = join(dir, 'adpcm.wav');
    const bytes = encodeWav(new Float32Array(8), 16000);
    new DataView(bytes.buffer).setUint16(20, 0x11, true);
    writeFileSync(adpcm, bytes);
    await expect(loadAudio(adpcm)).rejects.toThrow(UnsupportedWavFormatError);
    await expect(loadAudio(adpcm)).rejects.toThrow(/adpcm\.wav: format tag 0x0011 \(IMA ADPCM\)/);
    const slow = join(dir, 'slow.wav');
    writeFileSync(slow, encodeWav(new Float32Array(8), 500));
    await expect(loadAudio(slow)).rejects.toThrow(
      /slow\.wav: sample rate 500 Hz cannot be resampled \(1000 to 768000 Hz\)/,
    );
    expect(await loadAudio(slow, { sampleRate: 16000 }).catch((e) => e.code)).toBe('UNSUPPORTED_RATE');
    await expect(loadAudio(text, { sampleRate: 0 })).rejects.toThrow(InvalidAudioArgumentError);
    await expect(loadAudio(text, { workers: 0 })).rejects.toThrow(/workers must be a positive integer/);
    await expect(loadAudio(42 as unknown as string)).rejects.toThrow(
      /expected a file path or the file contents/,
    );
  });
});

describe('extractFeaturesBatch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audio-io-batch-'));
  const clips = [
    makeSignal({ kind: 'speech', n: 16000 * 2, rate: 16000, seed: 1 }),
    makeSignal({ kind: 'noise', n: 12345, seed: 2, amplitude: 0.2 }),
    makeSignal({ kind: 'probe', n: 44100, rate: 44100, seed: 4 }),
    goldenSignal(),
  ];
  const files = clips.map((x, i) => {
    const path = join(dir, `clip-${i}.wav`);
    writeFileSync(path, encodeWav(x, i === 2 ? 44100 : 16000, { format: 'float32' }));
    return path;
  });

  it('equals loadAudio + logMelSpectrogram for paths, bytes and samples, in input order, with progress', async () => {
    const progress: [number, number, number][] = [];
    const sources = [...files, readFileSync(files[0]!), clips[1]!];
    const got = await extractFeaturesBatch(sources, {
      workers: 2,
      nMels: 80,
      onProgress: (done, total, info) => progress.push([done, total, info.index]),
    });
    expect(got).toHaveLength(6);
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i]!;
      const samples = source instanceof Float32Array ? source : await loadAudio(source, { workers: 1 });
      const want = logMelSpectrogram(samples, { nMels: 80 });
      expect(got[i]!.validFrames).toBe(want.validFrames);
      expect(maxAbsDiff(got[i]!.data, want.data)).toBe(0);
    }
    expect(progress.map((p) => p[0])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(progress.map((p) => p[2]))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(clips[1]!.length).toBe(12345); // the caller's samples were copied, not moved
  });

  it('the first bad file rejects with its typed error; bad arguments are typed errors', async () => {
    const bad = join(dir, 'bad.wav');
    writeFileSync(bad, 'RIFF....WAVEjunk');
    await expect(extractFeaturesBatch([files[0]!, bad], { workers: 2 })).rejects.toThrow(WavDecodeError);
    await expect(extractFeaturesBatch([bad])).rejects.toThrow(/bad\.wav: /);
    await expect(extractFeaturesBatch([join(dir, 'missing.wav')])).rejects.toThrow(AudioFileError);
    await expect(extractFeaturesBatch([42 as unknown as string])).rejects.toThrow(
      /sources\[0\] must be a path/,
    );
    await expect(extractFeaturesBatch(files, { nMels: -1 })).rejects.toThrow(InvalidAudioArgumentError);
    await expect(extractFeaturesBatch(files, { workers: 0 })).rejects.toThrow(
      /workers must be a positive integer/,
    );
    expect(await extractFeaturesBatch([])).toEqual([]);
  });

  it('an abort signal stops the workers', async () => {
    const controller = new AbortController();
    const run = extractFeaturesBatch(files, { signal: controller.signal, workers: 1 });
    controller.abort(new Error('stopped by the caller'));
    await expect(run).rejects.toThrow('stopped by the caller');
  });

  it('idle workers kept from earlier batches (ended, failed or aborted) give the same results', async () => {
    const bad = join(dir, 'idle-bad.wav');
    writeFileSync(bad, 'RIFF....WAVEjunk');
    const first = await extractFeaturesBatch(files, { workers: 2, nMels: 80 });
    await expect(extractFeaturesBatch([files[0]!, bad], { workers: 2 })).rejects.toThrow(WavDecodeError);
    const controller = new AbortController();
    const aborted = extractFeaturesBatch(files, { signal: controller.signal, workers: 2 });
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    const progress: number[] = [];
    const again = await extractFeaturesBatch(files, {
      workers: 2,
      nMels: 80,
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual(files.map((_, i) => i + 1));
    for (let i = 0; i < files.length; i++) expect(maxAbsDiff(again[i]!.data, first[i]!.data)).toBe(0);
  });
});
