import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AudioFileError,
  decodeWav,
  encodeWav,
  loadAudio,
  UnsupportedWavFormatError,
  WavDecodeError,
  WavEncodeError,
  writeWav,
} from '../src/index.js';
import { fixturePath, readJson, sameBits } from './helpers/fixtures.js';

interface CorpusCase {
  name: string;
  file: string;
  sampleRate: number;
  channels: number;
  frames: number;
  encoding: string;
  extensible: boolean;
  channelData: number[][];
  mono: number[];
}

const corpus = readJson<{ cases: CorpusCase[] }>('wav', 'manifest.json').cases;

describe('decodeWav on the corpus written by fixtures/make_wav_corpus.py', () => {
  it.each(corpus.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const bytes = readFileSync(fixturePath('wav', c.file));
    const wav = decodeWav(bytes, { path: c.file });
    expect(wav.format.encoding).toBe(c.encoding);
    expect(wav.format.extensible).toBe(c.extensible);
    expect(wav.sampleRate).toBe(c.sampleRate);
    expect(wav.frames).toBe(c.frames);
    expect(wav.channelData).toHaveLength(c.channels);
    expect(wav.channelData.map((ch) => Array.from(ch))).toEqual(
      c.channelData.map((ch) => ch.map(Math.fround)),
    );
  });

  it.each(corpus.map((c) => [c.name, c] as const))(
    '%s: loadAudio at the native rate = librosa mono mean',
    async (_, c) => {
      const mono = await loadAudio(fixturePath('wav', c.file), { sampleRate: c.sampleRate });
      expect(Array.from(mono)).toEqual(c.mono.map(Math.fround));
    },
  );

  it('decodes Buffers that sit at any byteOffset (pooled or sliced)', () => {
    for (const c of corpus) {
      const bytes = readFileSync(fixturePath('wav', c.file));
      const want = decodeWav(bytes).channelData;
      for (const offset of [1, 2, 3, 5]) {
        const big = new Uint8Array(bytes.length + 16);
        big.set(bytes, offset);
        const view = big.subarray(offset, offset + bytes.length);
        expect(decodeWav(view).channelData).toEqual(want);
      }
      const pooled = Buffer.from(bytes); // small Buffers come from the shared pool (non-zero byteOffset)
      expect(decodeWav(pooled).channelData).toEqual(want);
    }
  });
});

/** A minimal valid PCM16 mono file to break in one field at a time. */
function pcm16File(frames = 8): Uint8Array {
  return encodeWav(
    Float32Array.from({ length: frames }, (_, i) => i / 16),
    16000,
  );
}

function patched(bytes: Uint8Array, at: number, value: number, width: 2 | 4 = 2): Uint8Array {
  const copy = new Uint8Array(bytes); // a copy (Buffer#slice would be a view)
  const view = new DataView(copy.buffer);
  if (width === 2) view.setUint16(at, value, true);
  else view.setUint32(at, value, true);
  return copy;
}

function expectError(fn: () => unknown, Class: typeof WavDecodeError, code: string, text: RegExp) {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(Class);
  expect((caught as WavDecodeError).code).toBe(code);
  expect((caught as Error).message).toMatch(text);
}

describe('decodeWav errors name the file and the field', () => {
  const good = pcm16File();
  const decode = (b: Uint8Array) => () => decodeWav(b, { path: 'clip.wav' });

  it('short, foreign or big-endian files', () => {
    expectError(decode(good.subarray(0, 10)), WavDecodeError, 'TRUNCATED', /^clip\.wav: file is 10 bytes/);
    expectError(
      decode(new TextEncoder().encode('ID3\u0004 this is an mp3 file')),
      WavDecodeError,
      'NOT_WAV',
      /starts with "ID3/,
    );
    const avi = good.slice();
    avi.set(new TextEncoder().encode('AVI '), 8);
    expectError(decode(avi), WavDecodeError, 'NOT_WAV', /form type is "AVI "/);
    const rifx = good.slice();
    rifx.set(new TextEncoder().encode('RIFX'), 0);
    expectError(decode(rifx), UnsupportedWavFormatError, 'UNSUPPORTED_FORMAT', /big-endian RIFX/);
  });

  it('truncated data, missing or duplicated chunks', () => {
    expectError(
      decode(good.subarray(0, good.length - 3)),
      WavDecodeError,
      'TRUNCATED',
      /data chunk at offset 36 declares 16 bytes but only 13 remain/,
    );
    expectError(
      decode(good.subarray(0, 44)),
      WavDecodeError,
      'TRUNCATED',
      /declares 16 bytes but only 0 remain/,
    );
    expectError(
      decode(good.subarray(0, 40)),
      WavDecodeError,
      'TRUNCATED',
      /ends inside a chunk header at offset 36/,
    );
    expectError(decode(good.subarray(0, 36)), WavDecodeError, 'MISSING_CHUNK', /no data chunk/);
    const noFmt = good.slice();
    noFmt.set(new TextEncoder().encode('junk'), 12);
    expectError(decode(noFmt), WavDecodeError, 'MISSING_CHUNK', /no fmt chunk/);
    const twoFmt = new Uint8Array(good.length + 24);
    twoFmt.set(good.subarray(0, 36));
    twoFmt.set(good.subarray(12, 36), 36);
    twoFmt.set(good.subarray(36), 60);
    expectError(decode(twoFmt), WavDecodeError, 'DUPLICATE_CHUNK', /second fmt chunk at offset 36/);
    expectError(
      decode(patched(good, 16, 100, 4)),
      WavDecodeError,
      'TRUNCATED',
      /fmt chunk at offset 12 declares 100 bytes/,
    );
  });

  it('bad fmt fields', () => {
    expectError(decode(patched(good, 22, 0)), WavDecodeError, 'BAD_FIELD', /fmt\.channels is 0/);
    expectError(decode(patched(good, 24, 0, 4)), WavDecodeError, 'BAD_FIELD', /fmt\.sampleRate is 0/);
    expectError(
      decode(patched(good, 32, 3)),
      WavDecodeError,
      'BAD_FIELD',
      /fmt\.blockAlign is 3, expected 2/,
    );
    expectError(
      decode(patched(good, 16, 14, 4)),
      WavDecodeError,
      'BAD_FIELD',
      /fmt chunk is 14 bytes, needs at least 16/,
    );
    expectError(
      decode(patched(good, 20, 0xfffe)),
      WavDecodeError,
      'BAD_FIELD',
      /EXTENSIBLE fmt chunk is 16 bytes, needs 40/,
    );
  });

  it('formats we do not decode', () => {
    expectError(
      decode(patched(good, 20, 2)),
      UnsupportedWavFormatError,
      'UNSUPPORTED_FORMAT',
      /0x0002 \(Microsoft ADPCM\)/,
    );
    expectError(
      decode(patched(good, 20, 0x55)),
      UnsupportedWavFormatError,
      'UNSUPPORTED_FORMAT',
      /MPEG Layer 3/,
    );
    expectError(decode(patched(good, 34, 40)), UnsupportedWavFormatError, 'UNSUPPORTED_FORMAT', /40-bit PCM/);
    expectError(
      decode(patched(patched(good, 20, 3), 34, 16)),
      UnsupportedWavFormatError,
      'UNSUPPORTED_FORMAT',
      /16-bit IEEE float/,
    );
    const ext = new Uint8Array(readFileSync(fixturePath('wav', 'ext-s16-6ch.wav')));
    const oddGuid = ext.slice();
    oddGuid[20 + 24 + 10] = 0x42; // inside the GUID tail
    expectError(
      decode(oddGuid),
      UnsupportedWavFormatError,
      'UNSUPPORTED_FORMAT',
      /sub-format .* is not a PCM/,
    );
    expectError(
      decode(patched(ext, 38, 20)),
      WavDecodeError,
      'BAD_FIELD',
      /validBitsPerSample \(20\) exceeds/,
    );
  });

  it('non-finite float samples are an error, not audio', () => {
    const f = encodeWav(new Float32Array([0, 0.5, 0]), 8000, { format: 'float32' });
    new DataView(f.buffer).setFloat32(f.length - 8, Number.NaN, true);
    expectError(decode(f), WavDecodeError, 'NON_FINITE_SAMPLE', /frame 1, channel 0 is NaN/);
  });

  it('not a Uint8Array', () => {
    expectError(
      () => decodeWav('clip.wav' as unknown as Uint8Array),
      WavDecodeError,
      'BAD_INPUT',
      /Uint8Array/,
    );
  });
});

describe('encodeWav / writeWav', () => {
  it('PCM16 round-trips every 16-bit value and clips outside [-1, 1)', () => {
    const values = Float32Array.from({ length: 65536 }, (_, i) => (i - 32768) / 32768);
    const back = decodeWav(encodeWav(values, 16000)).channelData[0]!;
    expect(sameBits(back, values)).toBe(true);
    const clipped = decodeWav(encodeWav(new Float32Array([1, 1.5, -1, -7]), 16000)).channelData[0]!;
    expect(Array.from(clipped)).toEqual([32767 / 32768, 32767 / 32768, -1, -1]);
  });

  it('float32 is exact, multichannel interleaves, odd sizes get a pad byte', () => {
    const a = Float32Array.from([0.1, -2.5, 3e-8]);
    const b = Float32Array.from([1, 0, -1]);
    const wav = decodeWav(encodeWav([a, b], 44100, { format: 'float32' }));
    expect(wav.format).toMatchObject({ encoding: 'float32', channels: 2, sampleRate: 44100 });
    expect(wav.channelData).toEqual([a, b]);
    const odd = encodeWav(new Float32Array(3), 8000);
    expect(odd.length % 2).toBe(0);
  });

  it('rejects what WAV cannot hold', () => {
    const ok = new Float32Array(4);
    const cases: [() => unknown, string, RegExp][] = [
      [() => encodeWav([], 16000), 'BAD_CHANNELS', /1 to 65535 channels/],
      [
        () => encodeWav([ok, new Float32Array(3)], 16000),
        'BAD_CHANNELS',
        /channel 1 has 3 samples, channel 0 has 4/,
      ],
      [
        () => encodeWav([ok, [1, 2, 3, 4] as unknown as Float32Array], 16000),
        'BAD_CHANNELS',
        /channel 1 is not a Float32Array/,
      ],
      [() => encodeWav(ok, 0), 'BAD_SAMPLE_RATE', /positive integer/],
      [() => encodeWav(ok, 16000.5), 'BAD_SAMPLE_RATE', /positive integer/],
      [
        () => encodeWav(Float32Array.from([0, Number.NaN]), 16000),
        'NON_FINITE_SAMPLE',
        /channel 0 sample 1 is NaN/,
      ],
      [() => encodeWav(ok, 16000, { format: 'pcm24' as 'pcm16' }), 'BAD_OPTION', /'pcm16' or 'float32'/],
    ];
    for (const [fn, code, text] of cases) expectError(fn, WavEncodeError, code, text);
  });

  it('writeWav writes atomically (no temporary file left) and reports unwritable paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audio-io-'));
    const path = join(dir, 'out.wav');
    writeFileSync(path, 'old contents');
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) / 2);
    await writeWav(path, x, 16000);
    expect(readdirSync(dir)).toEqual(['out.wav']);
    expect(decodeWav(readFileSync(path)).channelData[0]).toEqual(
      decodeWav(encodeWav(x, 16000)).channelData[0],
    );
    await expect(writeWav(join(dir, 'missing', 'x.wav'), x, 16000)).rejects.toThrow(AudioFileError);
    await expect(writeWav(join(dir, 'missing', 'x.wav'), x, 16000)).rejects.toThrow(
      /missing\/x\.wav: cannot write/,
    );
  });
});
