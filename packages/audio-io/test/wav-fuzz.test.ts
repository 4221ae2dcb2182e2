import { readdirSync, readFileSync } from 'node:fs';
import { Rng } from '@soundmind/rl-core';
import { describe, expect, it } from 'vitest';
import {
  AudioIoError,
  type DecodedWav,
  decodeWav,
  encodeWav,
  UnsupportedWavFormatError,
  WavDecodeError,
} from '../src/index.js';
import { decodeToMono } from '../src/load/load-audio.js';
import { parseWav } from '../src/wav/decode.js';
import { fixturePath } from './helpers/fixtures.js';

/** Seeds: every small corpus file plus encoder output of both formats and several channel counts. */
function seeds(): Uint8Array[] {
  const files: Uint8Array[] = readdirSync(fixturePath('wav'))
    .filter((f) => f.endsWith('.wav'))
    .map((f) => new Uint8Array(readFileSync(fixturePath('wav', f))))
    .filter((b) => b.length < 4096);
  const rng = new Rng('fuzz-seeds');
  for (const channels of [1, 2, 3]) {
    for (const format of ['pcm16', 'float32'] as const) {
      const data = Array.from({ length: channels }, () =>
        Float32Array.from({ length: 37 }, () => rng.next() * 2 - 1),
      );
      files.push(encodeWav(data, [8000, 16000, 44100][channels - 1]!, { format }));
    }
  }
  return files;
}

const INTERESTING_32 = [
  0, 1, 2, 3, 4, 15, 16, 17, 18, 39, 40, 0x7f, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe,
  0xffffffff,
];
const INTERESTING_16 = [0, 1, 2, 3, 4, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64, 0x55, 0xfffe, 0xffff, 0x8000];

/** One random structural or byte-level mutation. */
function mutate(input: Uint8Array, rng: Rng): Uint8Array {
  let b: Uint8Array = input.slice();
  const view = () => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const headerPos = () => rng.int(Math.min(b.length, 80));
  switch (rng.int(9)) {
    case 0: // byte in the header
      if (b.length > 0) b[headerPos()] = rng.int(256);
      break;
    case 1: // bit flip anywhere
      if (b.length > 0) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      break;
    case 2: {
      // a 32-bit field (chunk sizes, rates, masks) set to an interesting value
      const at = rng.int(Math.max(1, Math.min(b.length, 80) - 3));
      if (at + 4 <= b.length) view().setUint32(at, INTERESTING_32[rng.int(INTERESTING_32.length)]!, true);
      break;
    }
    case 3: {
      // a 16-bit field (tag, channels, blockAlign, bits) set to an interesting value
      const at = rng.int(Math.max(1, Math.min(b.length, 80) - 1));
      if (at + 2 <= b.length) view().setUint16(at, INTERESTING_16[rng.int(INTERESTING_16.length)]!, true);
      break;
    }
    case 4: // truncate
      b = b.subarray(0, rng.int(b.length + 1));
      break;
    case 5: {
      // append junk (maybe a chunk-looking header)
      const extra = Uint8Array.from({ length: 4 + rng.int(24) }, () => rng.int(256));
      if (rng.next() < 0.5) extra.set(new TextEncoder().encode(rng.pick(['data', 'fmt ', 'LIST', 'ds64'])));
      const out = new Uint8Array(b.length + extra.length);
      out.set(b);
      out.set(extra, b.length);
      b = out;
      break;
    }
    case 6: {
      // duplicate a slice in place (repeated chunks, shifted offsets)
      const from = rng.int(b.length + 1);
      const to = Math.min(b.length, from + rng.int(48));
      const out = new Uint8Array(b.length + (to - from));
      out.set(b.subarray(0, to));
      out.set(b.subarray(from), to);
      b = out;
      break;
    }
    case 7: {
      // delete a slice
      const from = rng.int(b.length + 1);
      const to = Math.min(b.length, from + rng.int(16));
      const out = new Uint8Array(b.length - (to - from));
      out.set(b.subarray(0, from));
      out.set(b.subarray(to), from);
      b = out;
      break;
    }
    default: {
      // re-label a chunk id
      const at = rng.int(Math.max(1, b.length - 3));
      if (at + 4 <= b.length)
        b.set(new TextEncoder().encode(rng.pick(['data', 'fmt ', 'fact', 'RF64', 'ds64', 'WAVE'])), at);
    }
  }
  // sometimes hand over a view at an odd offset, like a pooled Buffer
  if (rng.next() < 0.25) {
    const host = new Uint8Array(b.length + 3);
    host.set(b, 3);
    b = host.subarray(3);
  }
  return b;
}

/** What a successful decode must satisfy: consistent shapes, samples inside the file, finite in-range values. */
function checkDecoded(bytes: Uint8Array, wav: DecodedWav) {
  const { format } = wav;
  expect(format.channels).toBeGreaterThanOrEqual(1);
  expect(format.sampleRate).toBeGreaterThanOrEqual(1);
  expect(wav.channelData).toHaveLength(format.channels);
  const layout = parseWav(bytes);
  expect(layout.dataOffset + wav.frames * layout.blockAlign).toBeLessThanOrEqual(bytes.length);
  const bounded = format.encoding !== 'float32' && format.encoding !== 'float64';
  for (const ch of wav.channelData) {
    expect(ch.length).toBe(wav.frames);
    for (const v of ch) {
      if (!Number.isFinite(v) || (bounded && (v < -1 || v > 1)))
        throw new Error(`garbage sample ${v} (${format.encoding})`);
    }
  }
}

describe('WAV fuzzing', () => {
  it('5000 mutated files give typed errors or consistent audio, never a crash or a hang', () => {
    const rng = new Rng('wav-fuzz');
    const pool = seeds();
    const outcomes = { ok: 0, decodeError: 0, unsupported: 0 };
    const codes = new Set<string>();
    for (let iter = 0; iter < 5000; iter++) {
      let bytes = pool[rng.int(pool.length)]!;
      const rounds = 1 + rng.int(4);
      for (let r = 0; r < rounds; r++) bytes = mutate(bytes, rng);
      let wav: DecodedWav;
      try {
        wav = decodeWav(bytes, { path: `fuzz-${iter}.wav` });
      } catch (error) {
        if (!(error instanceof WavDecodeError || error instanceof UnsupportedWavFormatError)) {
          throw new Error(`iteration ${iter}: untyped failure ${String(error)}`);
        }
        expect((error as AudioIoError).message.startsWith(`fuzz-${iter}.wav: `)).toBe(true);
        codes.add(error.code);
        if (error instanceof WavDecodeError) outcomes.decodeError++;
        else outcomes.unsupported++;
        continue;
      }
      checkDecoded(bytes, wav);
      outcomes.ok++;
      // the loading path (mono mixdown + resampling) on what decoded: a result or a typed error
      if (iter % 10 === 0) {
        try {
          const mono = decodeToMono(bytes, 16000);
          for (const v of mono)
            if (!Number.isFinite(v)) throw new Error(`iteration ${iter}: non-finite resampled sample`);
        } catch (error) {
          if (!(error instanceof AudioIoError)) throw error;
        }
      }
    }
    // every outcome happens often: the mutations reach deep into the parser, not just the magic bytes
    expect(outcomes.ok).toBeGreaterThan(500);
    expect(outcomes.decodeError).toBeGreaterThan(500);
    expect(outcomes.unsupported).toBeGreaterThan(50);
    expect(codes).toEqual(
      new Set([
        'TRUNCATED',
        'NOT_WAV',
        'MISSING_CHUNK',
        'BAD_FIELD',
        'DUPLICATE_CHUNK',
        'UNSUPPORTED_FORMAT',
        'NON_FINITE_SAMPLE',
        'BAD_CHUNK',
      ]),
    );
  });

  it('mutating only sample bytes never changes the header reading, and only touches the frames it hits', () => {
    const rng = new Rng('wav-fuzz-body');
    for (const seed of seeds()) {
      const reference = decodeWav(seed);
      const layout = parseWav(seed);
      const dataBytes = reference.frames * layout.blockAlign;
      if (dataBytes === 0 || reference.format.encoding.startsWith('float')) continue; // floats may turn NaN
      for (let k = 0; k < 40; k++) {
        const bytes = seed.slice();
        const at = layout.dataOffset + rng.int(dataBytes);
        bytes[at] = rng.int(256);
        const wav = decodeWav(bytes);
        expect(wav.format).toEqual(reference.format);
        expect(wav.frames).toBe(reference.frames);
        const hit = Math.floor((at - layout.dataOffset) / layout.blockAlign);
        wav.channelData.forEach((ch, c) => {
          for (let i = 0; i < ch.length; i++)
            if (i !== hit && ch[i] !== reference.channelData[c]![i]) throw new Error('non-local change');
        });
      }
    }
  });
});
